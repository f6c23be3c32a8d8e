"""EDM and fingerprint indexes load with the policy at `gardefou run` start and reload when rebuilt, like the policy."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import AI_HOSTS, ROOT, Proxy, Upstream, chat_status, read_incidents, wait_for

from gardefou.cli import main

pytestmark = pytest.mark.slow

POLICY = """version: 1
rules:
  - {{name: ip, category: intellectual_property, min_confidence: low, action: block}}
indexes:
  edm: {edm}
  edm_min_columns: {min_columns}
  fingerprints: {fp}
"""
ROWS = [["Aurélien", "Marchetti", "aurelien.marchetti@example.fr", "06 12 34 56 78"],
        ["Solène", "Vasseur", "solene.vasseur@example.fr", "07 98 76 54 32"]]
CODE = "\n".join(f"def settle_{i}(ledger, batch):\n    pending = [e for e in ledger.entries if e.batch == batch]\n"
                 f"    total = sum(e.amount * e.rate for e in pending if e.currency != 'EUR')\n"
                 f"    if total > ledger.limit * {i + 2}:\n        raise OverflowError(batch, total)\n"
                 f"    return {{e.account: e.amount for e in pending}}\n" for i in range(4))


def build(work: Path, rows: list[list[str]], code: str) -> None:
    with open(work / "clients.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["first_name", "last_name", "email", "phone"])
        w.writerows(rows)
    assert main(["index", "edm", str(work / "clients.csv"), "--out", str(work / "clients.edm.npz"),
                 "--key-file", str(work / "edm.key")]) == 0
    (work / "repo").mkdir(exist_ok=True)
    (work / "repo" / "ledger.py").write_text(code)
    assert main(["index", "fingerprints", str(work / "repo"), "--out", str(work / "code.fp.npz")]) == 0


@pytest.fixture(scope="module")
def running(upstream: Upstream, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Proxy, Path]]:
    work = tmp_path_factory.mktemp("index-reload")
    rules = work / "rules" / "credentials"
    rules.mkdir(parents=True)
    shutil.copy(ROOT / "rules" / "credentials" / "aws.yaml", rules)  # a small rule set: quick rebuilds
    build(work, ROWS, CODE)
    policy = work / "policy.yaml"
    policy.write_text(POLICY.format(edm=work / "clients.edm.npz", fp=work / "code.fp.npz", min_columns=2))
    p = Proxy.start(policy, {h: upstream.port for h in AI_HOSTS}, work / "ca", work / "proxy.log",
                    extra_sets=[f"gardefou_rules_dir={work / 'rules'}"])
    yield p, work
    p.stop()


def incident_findings(proxy: Proxy) -> list[dict[str, object]]:
    records = read_incidents(proxy.ca_dir / "incidents.jsonl")  # the default: in the CA directory
    return [f for r in records for f in r["findings"]]


def test_indexes_are_enforced_from_the_start(running: tuple[Proxy, Path]) -> None:
    proxy, work = running
    assert chat_status(proxy, "Relance Vasseur, solene.vasseur@example.fr, pour la facture") == 403
    assert chat_status(proxy, "Peux-tu relire ceci ?\n" + CODE.replace("ledger", "book").replace("pending", "todo")) == 403
    assert chat_status(proxy, "Bonjour, une question sur la facturation en général.") == 200
    # The incidents name the table and the source file (what the security team needs), never a value.
    assert wait_for(lambda: {f["type"] for f in incident_findings(proxy)} >= {"edm_record", "fingerprint_match"}, 10)
    edm = next(f for f in incident_findings(proxy) if f["type"] == "edm_record")
    fp = next(f for f in incident_findings(proxy) if f["type"] == "fingerprint_match")
    assert isinstance(edm["attributes"], dict) and edm["attributes"]["table"] == "clients"
    assert isinstance(fp["attributes"], dict) and fp["attributes"]["source"] == str((work / "repo" / "ledger.py").resolve())
    written = (proxy.ca_dir / "incidents.jsonl").read_text(encoding="utf-8")
    assert "Vasseur" not in written and "solene" not in written and "pending" not in written


def test_rebuilt_indexes_and_threshold_reload(running: tuple[Proxy, Path]) -> None:
    proxy, work = running
    build(work, ROWS[:1], "def unrelated(x):\n    return x\n")  # Vasseur leaves the table, the code the repo
    assert wait_for(lambda: chat_status(proxy, "Relance Vasseur, solene.vasseur@example.fr, merci") == 200), \
        proxy.log()[-2000:]
    assert chat_status(proxy, "Peux-tu relire ceci ?\n" + CODE) == 200
    prompt = "Relance Marchetti, aurelien.marchetti@example.fr, merci"
    assert chat_status(proxy, prompt) == 403
    (work / "policy.yaml").write_text(POLICY.format(edm=work / "clients.edm.npz", fp=work / "code.fp.npz",
                                                    min_columns=3))
    assert wait_for(lambda: chat_status(proxy, prompt) == 200), proxy.log()[-2000:]  # 2 columns < 3 now
    assert chat_status(proxy, "Aurélien Marchetti, aurelien.marchetti@example.fr") == 403
