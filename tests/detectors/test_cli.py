"""The `gardefou scan` and `gardefou rules check` commands, run as a user would, on good and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# A fabricated AWS key id: right shape, not a real credential.
KEY = "AKIA" + "QYLPMN5HFIQR7XYA"


def gardefou(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "gardefou", *args],
        input=stdin,
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_scan_human_masks_values() -> None:
    r = gardefou("scan", "-", stdin=f"aws_access_key_id = {KEY}\n".encode())
    assert r.returncode == 1  # findings exist, like grep
    out = r.stdout.decode()
    assert "credentials.aws.access_key" in out and "1:21" in out
    assert KEY not in out and KEY not in r.stderr.decode()


def test_scan_jsonl_contract_order_and_offsets() -> None:
    lines = [{"id": "a", "text": f"cl\u00e9 {KEY}"}, {"id": 2, "text": "rien ici"}, {"id": None, "text": ""}]
    r = gardefou("scan", "--jsonl", stdin="".join(json.dumps(x) + "\n" for x in lines).encode())
    assert r.returncode == 0, r.stderr
    out = [json.loads(x) for x in r.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["a", 2, None]
    [f] = out[0]["findings"]
    assert set(f) == {"category", "type", "rule", "start", "end", "confidence"}
    assert lines[0]["text"][f["start"] : f["end"]] == KEY  # code points, not bytes
    assert out[1]["findings"] == [] and out[2]["findings"] == []


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (b"{not json\n", "line 1"),
        (b'{"id": 1, "text": 5}\n', 'expected an object with a string "text"'),
        (b'["text"]\n', "expected an object"),
        (b'{"id": 7, "text": "\xff\xfe"}\n', "invalid UTF-8"),
    ],
)
def test_scan_jsonl_bad_lines_get_an_error_and_the_rest_goes_on(line: bytes, error: str) -> None:
    good = json.dumps({"id": "ok", "text": KEY}).encode() + b"\n"
    r = gardefou("scan", "--jsonl", stdin=line + good)
    assert r.returncode == 2
    out = [json.loads(x) for x in r.stdout.decode().splitlines()]
    assert len(out) == 2 and error in out[0]["error"] and "Traceback" not in r.stderr.decode()
    assert out[1]["id"] == "ok" and out[1]["findings"]


def test_scan_invalid_utf8_file_is_reported_and_scanned(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    p.write_bytes(b"\xff\xfe garbage " + KEY.encode())
    r = gardefou("scan", str(p))
    assert r.returncode == 1
    assert "invalid UTF-8 at byte 0" in r.stderr.decode()
    assert "credentials.aws.access_key" in r.stdout.decode()


def test_scan_empty_input() -> None:
    r = gardefou("scan", "-", stdin=b"")
    assert r.returncode == 0 and "0 finding(s)" in r.stderr.decode()


def test_scan_50_mb_line() -> None:
    text = ("lorem ipsum dolor sit amet " * 2_000_000)[:50_000_000] + " " + KEY
    r = gardefou("scan", "--jsonl", stdin=json.dumps({"id": "big", "text": text}).encode() + b"\n")
    assert r.returncode == 0, r.stderr[-500:]
    out = json.loads(r.stdout)
    assert any(f["rule"] == "credentials.aws.access_key" and f["end"] == len(text) for f in out["findings"])


def test_scan_missing_file() -> None:
    r = gardefou("scan", "/nonexistent/file.txt")
    assert r.returncode == 2 and "No such file" in r.stderr.decode() and "Traceback" not in r.stderr.decode()


def test_bad_rule_dir_fails_with_file_line_and_field(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(
        "rules:\n  - id: credentials.x.y\n    name: X\n    category: credentials\n    pattern: '(unclosed'\n"
        "    examples: ['a']\n    negative_examples: [{text: b, reason: c}]\n",
        encoding="utf-8",
    )
    (tmp_path / "syntax.yaml").write_text("rules:\n  - id: [\n", encoding="utf-8")
    for args in (["scan", "--rules-dir", str(tmp_path), "-"], ["rules", "check", "--rules-dir", str(tmp_path)]):
        r = gardefou(*args)
        err = r.stderr.decode()
        assert r.returncode in (1, 2) and "Traceback" not in err
        assert "broken.yaml:5: rule credentials.x.y: field 'pattern'" in err
        assert "syntax.yaml:3" in err or "syntax.yaml:2" in err


def test_rules_check_reports_failing_examples(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "rules:\n  - id: credentials.x.tok\n    name: X\n    category: credentials\n"
        "    pattern: '\\b(xt_[a-z0-9]{8})\\b'\n    examples: ['no token here']\n"
        "    negative_examples: [{text: 'xt_q1w2e3r4', reason: must fail}]\n",
        encoding="utf-8",
    )
    r = gardefou("rules", "check", "--rules-dir", str(tmp_path))
    err = r.stderr.decode()
    assert r.returncode == 1
    assert "example not reported" in err and "negative example reported (must fail)" in err
    assert "2 problem(s)" in r.stdout.decode()


def test_rules_check_reports_a_prefilter_that_misses_a_match(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "rules:\n  - id: credentials.x.tok\n    name: X\n    category: credentials\n"
        "    pattern: '\\b(xt_[a-z0-9]{8})\\b'\n    prefilter: 'xt_[0-9]{8}'\n"
        "    examples: ['xt_12345678']\n"
        "    negative_examples: [{text: 'token xt_q1w2e3r4 in a test', reason: not in the prefilter}]\n",
        encoding="utf-8",
    )
    r = gardefou("rules", "check", "--rules-dir", str(tmp_path))
    err = r.stderr.decode()
    assert r.returncode == 1
    assert "r.yaml:2: rule credentials.x.tok: field 'prefilter'" in err and "xt_q1w2e3r4" in err


def test_scan_with_a_missing_index_names_the_file(tmp_path: Path) -> None:
    r = gardefou("scan", "--edm-index", str(tmp_path / "nope.npz"), "-", stdin=b"hello")
    err = r.stderr.decode()
    assert r.returncode == 2 and "nope.npz" in err and "Traceback" not in err


@pytest.mark.parametrize("args", [["rules", "check"], ["rules", "list"], ["scan", "-"]])
def test_missing_rules_dir_is_a_clear_error(tmp_path: Path, args: list[str]) -> None:
    r = gardefou(*args, "--rules-dir", str(tmp_path / "missing")) if args[0] == "rules" else gardefou(
        "scan", "--rules-dir", str(tmp_path / "missing"), "-")
    err = r.stderr.decode()
    assert r.returncode == 2 and "rules directory not found" in err and "Traceback" not in err
