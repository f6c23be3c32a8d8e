"""Policy hot reload through `gardefou run`, and refusal to start on an invalid policy."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from harness import AI_HOSTS, ROOT, Proxy, Upstream, chat_status, wait_for
from sample import aws_key

pytestmark = pytest.mark.slow

POLICY = """version: 1
rules:
  - {{name: secrets, category: credentials, min_confidence: medium, action: {action}}}
"""


@pytest.fixture(scope="module")
def reloading(upstream: Upstream, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Proxy, Path]]:
    work = tmp_path_factory.mktemp("reload")
    rules = work / "rules" / "credentials"
    rules.mkdir(parents=True)
    shutil.copy(ROOT / "rules" / "credentials" / "aws.yaml", rules)  # a small rule set: quick rebuilds
    policy = work / "policy.yaml"
    policy.write_text(POLICY.format(action="block"))
    p = Proxy.start(policy, {h: upstream.port for h in AI_HOSTS}, work / "ca", work / "proxy.log",
                    extra_sets=[f"gardefou_rules_dir={work / 'rules'}"])
    yield p, policy
    p.stop()


def status_with_key(proxy: Proxy) -> int:
    return chat_status(proxy, f"aws_access_key_id = {aws_key()}")


def test_policy_change_takes_effect_without_restart(reloading: tuple[Proxy, Path]) -> None:
    proxy, policy = reloading
    assert status_with_key(proxy) == 403
    policy.write_text(POLICY.format(action="log"))
    assert wait_for(lambda: status_with_key(proxy) == 200), proxy.log()[-2000:]
    assert "reloaded policy" in proxy.log()


def test_invalid_policy_on_reload_keeps_the_previous_one(reloading: tuple[Proxy, Path]) -> None:
    proxy, policy = reloading
    policy.write_text(POLICY.format(action="block"))
    assert wait_for(lambda: status_with_key(proxy) == 403)
    policy.write_text(POLICY.format(action="shred"))
    assert wait_for(lambda: "previous ones stay in force" in proxy.log()), proxy.log()[-2000:]
    assert f"{policy}:3" in proxy.log() and "rules[0].action" in proxy.log()
    assert status_with_key(proxy) == 403  # still the last valid policy
    assert proxy.process.poll() is None


def test_run_refuses_an_invalid_policy(tmp_path: Path) -> None:
    bad = tmp_path / "policy.yaml"
    bad.write_text("version: 1\nfail_mode: ajar\nrules:\n  - {category: credentials}\n")
    r = subprocess.run([sys.executable, "-m", "gardefou", "run", "--policy", str(bad), "--ca-dir", str(tmp_path)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert f"{bad}:2: field 'fail_mode'" in r.stderr and f"{bad}:4: field 'rules[0].action'" in r.stderr


@pytest.mark.parametrize("option", [
    "no_such_option=1",
    # mitmdump's traffic dump, replay and user scripts are not part of the proxy: no way to write prompts out
    "save_stream_file=/tmp/prompts.mitm", "scripts=/tmp/addon.py", "server_replay=/tmp/flows",
])
def test_run_refuses_an_unknown_option(tmp_path: Path, option: str) -> None:
    r = subprocess.run([sys.executable, "-m", "gardefou", "run", "--ca-dir", str(tmp_path), "--listen-port", "0",
                        "--set", option], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert r.returncode == 1 and f"unknown option(s): {option.split('=')[0]}" in r.stderr


def test_request_without_prompt_passes(reloading: tuple[Proxy, Path]) -> None:
    """GET requests carry no prompt: passed through without scanning."""
    proxy, _ = reloading
    with proxy.httpx_client() as http:
        assert http.get("https://api.openai.com/v1/models").status_code == 200


def test_httpx_env_for_sdk_clients(reloading: tuple[Proxy, Path]) -> None:
    env = reloading[0].env()
    assert env["HTTPS_PROXY"].startswith("http://127.0.0.1:") and Path(env["SSL_CERT_FILE"]).is_file()
    with httpx.Client(proxy=env["HTTPS_PROXY"], verify=ssl.create_default_context(cafile=env["SSL_CERT_FILE"])) as http:
        assert http.get("https://api.anthropic.com/v1/models").status_code == 200
