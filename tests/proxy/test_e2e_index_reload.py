"""EDM and fingerprint indexes load with the policy at `gardefou run` start and reload when rebuilt, like the policy."""

from __future__ import annotations

import csv
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import AI_HOSTS, ROOT, Proxy, Upstream

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
URL = "https://api.openai.com/v1/chat/completions"
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


def status(proxy: Proxy, prompt: str) -> int:
    body = {"model": "m", "messages": [{"role": "user", "content": prompt}]}
    with proxy.httpx_client() as http:
        return http.post(URL, content=json.dumps(body)).status_code


def wait_for(predicate, timeout: float = 90.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_indexes_are_enforced_from_the_start(running: tuple[Proxy, Path]) -> None:
    proxy, _ = running
    assert status(proxy, "Relance Vasseur, solene.vasseur@example.fr, pour la facture") == 403
    assert status(proxy, "Peux-tu relire ceci ?\n" + CODE.replace("ledger", "book").replace("pending", "todo")) == 403
    assert status(proxy, "Bonjour, une question sur la facturation en général.") == 200


def test_rebuilt_indexes_and_threshold_reload(running: tuple[Proxy, Path]) -> None:
    proxy, work = running
    build(work, ROWS[:1], "def unrelated(x):\n    return x\n")  # Vasseur leaves the table, the code the repo
    assert wait_for(lambda: status(proxy, "Relance Vasseur, solene.vasseur@example.fr, merci") == 200), \
        proxy.log()[-2000:]
    assert status(proxy, "Peux-tu relire ceci ?\n" + CODE) == 200
    prompt = "Relance Marchetti, aurelien.marchetti@example.fr, merci"
    assert status(proxy, prompt) == 403
    (work / "policy.yaml").write_text(POLICY.format(edm=work / "clients.edm.npz", fp=work / "code.fp.npz",
                                                    min_columns=3))
    assert wait_for(lambda: status(proxy, prompt) == 200), proxy.log()[-2000:]  # 2 columns < 3 now
    assert status(proxy, "Aurélien Marchetti, aurelien.marchetti@example.fr") == 403
