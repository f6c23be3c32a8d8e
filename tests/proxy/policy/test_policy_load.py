"""load_policy(): a malformed policy fails with file, line and field, every problem listed at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from detectors.errors import ConfigError
from proxy.policy import SHIPPED_POLICY, load_policy

ROOT = Path(__file__).resolve().parents[3]


def problems_of(tmp_path: Path, text: str) -> list[tuple[int, str, str]]:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as e:
        load_policy(path)
    assert all(p.file == str(path) for p in e.value.problems)
    return [(p.line, p.field, p.message) for p in e.value.problems]


@pytest.mark.parametrize(("text", "line", "field"), [
    ("version: 2\n", 1, "version"),
    ("version: 1\nfail_mode: ajar\n", 2, "fail_mode"),
    ("version: 1\nlimits:\n  max_body_bytes: -1\n", 3, "limits.max_body_bytes"),
    ("version: 1\nlimits:\n  scan_timeout_seconds: soon\n", 3, "limits.scan_timeout_seconds"),
    ("version: 1\nlimits:\n  max_body_bytes: true\n", 3, "limits.max_body_bytes"),
    ("version: 1\napp_status:\n  tolerated: maybe\n", 3, "app_status.tolerated"),
    ("version: 1\napp_status:\n  banned: block\n", 3, "app_status.banned"),
    ("version: 1\nrules:\n  - name: x\n    category: credentials\n", 3, "rules[0].action"),
    ("version: 1\nrules:\n  - {category: credentials, action: shred}\n", 3, "rules[0].action"),
    ("version: 1\nrules:\n  - action: block\n    category: secrets\n", 4, "rules[0].category"),
    ("version: 1\nrules:\n  - action: block\n    category: credentials\n    min_confidence: sure\n", 5,
     "rules[0].min_confidence"),
    ("version: 1\nrules:\n  - {category: credentials, action: block, min_count: 0}\n", 3, "rules[0].min_count"),
    ("version: 1\nrules:\n  - {action: redact}\n", 3, "rules[0].action"),
    ("version: 1\nrules:\n  - {action: block, instances: [home]}\n", 3, "rules[0].instances"),
    ("version: 1\nrules:\n  - {action: block, groups: [nobody]}\n", 3, "rules[0].groups"),
    ("version: 1\nrules:\n  - {action: block, colour: red}\n", 3, "rules[0].colour"),
    ("version: 1\nrules: {a: 1}\n", 2, "rules"),
    ("version: 1\ngroups:\n  devs:\n    networks: [10.0.0.0/33]\n", 4, "groups.devs.networks"),
    ("version: 1\ngroups:\n  default:\n    users: [a]\n", 3, "groups.default"),
    ("version: 1\nservices:\n  openai-api:\n    status: banned\n", 4, "services.openai-api.status"),
    ("version: 1\nservices:\n  x:\n    headers:\n      Authorization: Bearer 1\n", 5, "services.x.headers.Authorization"),
    ("version: 1\nservices:\n  x:\n    headers:\n      anthropic-allowed-org-ids: \"a\\nb\"\n", 5,
     "services.x.headers.anthropic-allowed-org-ids"),
    ("version: 1\nallowlist:\n  hashes: [abc]\n", 3, "allowlist.hashes"),
    ("version: 1\ndictionaries:\n  p:\n    terms: []\n", 4, "dictionaries.p.terms"),
    ("version: 1\nindexes:\n  edm: missing.edm\n", 3, "indexes.edm"),
    ("version: 1\nindexes:\n  edm_min_columns: 0\n", 3, "indexes.edm_min_columns"),
    ("version: 1\nindexes:\n  edm_min_columns: two\n", 3, "indexes.edm_min_columns"),
    ("version: 1\nindexes:\n  edm_min_columns: 2.5\n", 3, "indexes.edm_min_columns"),
    ("version: 1\nindexes:\n  edm_min_columns: 2\n", 3, "indexes.edm_min_columns"),  # no index to apply it to
    ("version: 1\nsurprise: 1\n", 2, "surprise"),
])
def test_bad_policy_names_line_and_field(tmp_path: Path, text: str, line: int, field: str) -> None:
    assert (line, field) in [(ln, f) for ln, f, _ in problems_of(tmp_path, text)]


def test_every_problem_is_listed(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "version: 1\nfail_mode: ajar\nrules:\n  - {action: shred}\n  - {category: x, action: log}\n")
    assert {f for _, f, _ in found} >= {"fail_mode", "rules[0].action", "rules[1].category"}


@pytest.mark.parametrize("text", ["version: 1\nrules: [\n", "- just\n- a list\n", "\tversion: 1\n"])
def test_syntax_and_shape_errors(tmp_path: Path, text: str) -> None:
    assert problems_of(tmp_path, text)


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_bytes(b"version: 1\n# caf\xe9\n")
    with pytest.raises(ConfigError, match="UTF-8"):
        load_policy(path)


def test_shipped_policy_is_valid() -> None:
    policy = load_policy(SHIPPED_POLICY)
    assert policy.rules and policy.fail_mode == "open"


@pytest.mark.parametrize(("args", "code", "stream", "text"), [
    ([], 0, "stdout", "ok"),
    (["tests/proxy/data/e2e-policy.yaml"], 0, "stdout", "ok"),
    (["BAD"], 1, "stderr", "field 'fail_mode'"),
])
def test_policy_check_command(tmp_path: Path, args: list[str], code: int, stream: str, text: str) -> None:
    if args == ["BAD"]:
        bad = tmp_path / "bad.yaml"
        bad.write_text("version: 1\nfail_mode: ajar\n")
        args = [str(bad)]
    r = subprocess.run([sys.executable, "-m", "gardefou", "policy", "check", *args], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == code, r.stderr
    assert text in getattr(r, stream)
    if code:
        assert f"{args[0]}:2" in r.stderr


def test_service_ids_must_exist_in_the_catalogue(tmp_path: Path) -> None:
    from proxy.policy import check_service_ids

    path = tmp_path / "policy.yaml"
    path.write_text("version: 1\nservices:\n  openai-api: {}\n  open-ai: {}\n"
                    "rules:\n  - {action: block, services: [chatgtp]}\n")
    policy = load_policy(path)
    with pytest.raises(ConfigError) as e:
        check_service_ids(policy, {"openai-api", "chatgpt"})
    assert [(p.line, p.field) for p in e.value.problems] == [(4, "services.open-ai"), (6, "rules[0].services")]
    check_service_ids(load_policy(SHIPPED_POLICY), {"openai-api"})  # the shipped policy names no service


def test_edm_threshold_is_read_from_the_policy(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    (tmp_path / "customers.edm").write_bytes(b"")
    path.write_text("version: 1\nindexes:\n  edm: customers.edm\n  edm_min_columns: 3\n")
    assert load_policy(path).edm_min_columns == 3
    path.write_text("version: 1\n")
    assert load_policy(path).edm_min_columns is None  # the index's own threshold (2 unless built otherwise)
