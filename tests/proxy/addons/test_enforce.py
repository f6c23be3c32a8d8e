"""Enforce addon with taddons/tflow: every enforcement path on real flows, a real engine and real adapters."""

from __future__ import annotations

import asyncio
import json
import secrets
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from mitmproxy import exceptions, http
from mitmproxy.test import taddons, tflow

from proxy.addons.enforce import INLINE_SCAN_BYTES, Enforce
from proxy.addons.passthrough import Passthrough
from proxy.outcome import METADATA_KEY, Outcome

ROOT = Path(__file__).resolve().parents[3]
KEY = "AKIAQYLPMN5HFIQR7XYB"  # shape of an AWS key id; made up
MAIL = "jeanne.martin@societe-exemple.fr"

POLICY = """version: 1
fail_mode: open
limits: {max_body_bytes: 5000, justification_max_chars: 20}
services:
  anthropic-api:
    headers: {anthropic-allowed-org-ids: org-42}
  mistral-api:
    status: unsanctioned
  gemini-api:
    fail_mode: closed
groups:
  boss: {users: [marie]}
  lab: {networks: [192.168.0.0/16]}
rules:
  - {name: secrets, category: credentials, min_confidence: medium, action: block}
  - {name: pii, category: regulated_data, min_confidence: medium, action: redact}
  - {name: bulk, category: regulated_data, min_count: 3, action: coach}
"""


@pytest.fixture(scope="module")
def enforce(tmp_path_factory: pytest.TempPathFactory) -> Enforce:
    work = tmp_path_factory.mktemp("enforce")
    for sub, name in (("credentials", "aws.yaml"), ("regulated_data", "contact.yaml")):
        (work / "rules" / sub).mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "rules" / sub / name, work / "rules" / sub)
    (work / "policy.yaml").write_text(POLICY)
    addon = Enforce()

    async def configure() -> None:
        with taddons.context(Passthrough(), addon) as tctx:
            tctx.configure(addon, gardefou_policy=str(work / "policy.yaml"), gardefou_rules_dir=str(work / "rules"),
                           gardefou_hash_key_file=str(work / "hash.key"))

    asyncio.run(configure())
    assert (work / "hash.key").stat().st_mode & 0o777 == 0o600
    return addon


def chat(content: str, host: str = "api.openai.com", path: str = "/v1/chat/completions",
         headers: dict[str, str] | None = None, body: bytes | None = None) -> http.HTTPFlow:
    raw = body if body is not None else json.dumps(
        {"model": "m", "messages": [{"role": "user", "content": content}]}).encode()
    req = http.Request.make("POST", f"https://{host}{path}", raw, {"content-type": "application/json",
                                                                    **(headers or {})})
    return tflow.tflow(req=req)


def run(addon: Enforce, flow: http.HTTPFlow) -> Outcome | None:
    async def go() -> None:
        with taddons.context(addon):
            await addon.request(flow)

    asyncio.run(go())
    outcome = flow.metadata.get(METADATA_KEY)
    assert outcome is None or isinstance(outcome, Outcome)
    return outcome


@pytest.mark.parametrize(("content", "action", "blocked", "sent"), [
    ("Bonjour, résume ce texte.", "allow", False, "Bonjour, résume ce texte."),
    (f"ma clé {KEY}", "block", True, None),
    (f"écris à {MAIL} puis relance {MAIL}", "redact", False, "écris à [EMAIL_1] puis relance [EMAIL_1]"),
    ("a@b-exemple.fr, c@d-exemple.fr, e@f-exemple.fr", "coach", True, None),
])
def test_actions(enforce: Enforce, content: str, action: str, blocked: bool, sent: str | None) -> None:
    flow = chat(content)
    outcome = run(enforce, flow)
    assert outcome is not None and outcome.action == action
    assert outcome.service == "openai-api" and outcome.endpoint == "chat" and outcome.app_status == "tolerated"
    assert outcome.policy_version and outcome.rules_version and outcome.bytes_scanned == len(content)
    if blocked:
        assert flow.response is not None and flow.response.status_code in (400, 403, 422)
        assert json.loads(flow.response.content or b"")["error"]["message"].startswith("Garde-fou")
        assert KEY not in (flow.response.text or "")
    else:
        assert flow.response is None
        assert json.loads(flow.request.content or b"")["messages"][0]["content"] == sent


def test_evidence_is_masked_and_hashed(enforce: Enforce) -> None:
    outcome = run(enforce, chat(f"ma clé {KEY}"))
    assert outcome is not None
    (ev,) = outcome.evidence
    assert (ev.category, ev.type, ev.location) == ("credentials", "aws_key", "messages[0].content")
    assert KEY not in ev.masked and len(ev.hash) == 32 and KEY not in repr(outcome)


def test_justification_header_is_recorded_truncated_and_stripped(enforce: Enforce) -> None:
    flow = chat("a@b-exemple.fr, c@d-exemple.fr, e@f-exemple.fr",
                headers={"X-Gardefou-Justification": "export demandé par le client n°1234"})
    outcome = run(enforce, flow)
    assert outcome is not None and outcome.action == "coach" and flow.response is None
    assert outcome.justification == "export demandé par l"  # 20 characters
    assert "x-gardefou-justification" not in flow.request.headers
    assert "[EMAIL_3]" in (flow.request.text or "")  # redaction still applies


def test_tenant_header_injected(enforce: Enforce) -> None:
    body = json.dumps({"model": "c", "max_tokens": 5, "messages": [{"role": "user", "content": "salut"}]}).encode()
    flow = chat("", host="api.anthropic.com", path="/v1/messages", body=body)
    outcome = run(enforce, flow)
    assert outcome is not None and outcome.service == "anthropic-api" and outcome.endpoint == "messages"
    assert flow.request.headers["anthropic-allowed-org-ids"] == "org-42"


def test_unsanctioned_service_blocked_without_scanning(enforce: Enforce) -> None:
    flow = chat("bonjour", host="api.mistral.ai")
    outcome = run(enforce, flow)
    assert outcome is not None and (outcome.action, outcome.app_status) == ("block", "unsanctioned")
    assert outcome.bytes_scanned == 0 and flow.response is not None
    assert "mistral-api" in (flow.response.text or "")


@pytest.mark.parametrize(("host", "body", "error", "mode", "blocked"), [
    ("api.openai.com", b'{"messages": [', "malformed_body", "open", False),
    ("api.openai.com", b'{"messages": "x"}', "malformed_body", "open", False),
    ("api.openai.com", b'{"messages": [{"role": "user", "content": "\xff"}]}', "malformed_body", "open", False),
    ("api.openai.com", b'{"messages": "' + b"x" * 6000 + b'"}', "too_large", "open", False),
    ("generativelanguage.googleapis.com", b'{"contents": [', "malformed_body", "closed", True),
])
def test_bad_bodies_follow_the_fail_mode(enforce: Enforce, host: str, body: bytes, error: str, mode: str,
                                         blocked: bool, caplog: pytest.LogCaptureFixture) -> None:
    path = "/v1beta/models/g:generateContent" if "google" in host else "/v1/chat/completions"
    flow = chat("", host=host, path=path, body=body)
    outcome = run(enforce, flow)
    assert outcome is not None and (outcome.error, outcome.fail_mode) == (error, mode)
    assert (flow.response is not None) == blocked
    assert flow.request.raw_content == body  # never altered when not inspected
    assert error in caplog.text and "xxxx" not in caplog.text


def test_scan_timeout_follows_the_fail_mode(enforce: Enforce) -> None:
    runtime = enforce.runtime
    assert runtime is not None
    enforce.runtime = replace(runtime, policy=replace(runtime.policy, scan_timeout=1e-9))
    try:
        text = f"ma clé {KEY} " * 1000
        assert len(text.encode()) > INLINE_SCAN_BYTES  # large bodies are scanned by the workers, under the timeout
        outcome = run(enforce, chat(text))
    finally:
        enforce.runtime = runtime
    assert outcome is not None and (outcome.error, outcome.fail_mode, outcome.action) == ("timeout", "open", "log")


def test_small_bodies_are_scanned_inline_without_the_timeout(enforce: Enforce) -> None:
    runtime = enforce.runtime
    assert runtime is not None
    enforce.runtime = replace(runtime, policy=replace(runtime.policy, scan_timeout=1e-9))
    try:
        outcome = run(enforce, chat(f"ma clé {KEY}"))
    finally:
        enforce.runtime = runtime
    assert outcome is not None and (outcome.error, outcome.action) == ("", "block")


@pytest.mark.parametrize(("method", "host", "path", "outcome_expected"), [
    ("GET", "api.openai.com", "/v1/models", True),  # catalogued, no prompt: recorded, not scanned
    ("POST", "example.com", "/v1/chat/completions", False),  # not an AI host: not ours
])
def test_requests_without_prompt(enforce: Enforce, method: str, host: str, path: str,
                                 outcome_expected: bool) -> None:
    flow = tflow.tflow(req=http.Request.make(method, f"https://{host}{path}", b"{}"))
    outcome = run(enforce, flow)
    assert (outcome is not None) == outcome_expected
    if outcome:
        assert (outcome.action, outcome.endpoint, outcome.bytes_scanned) == ("allow", "none", 0)


def test_signed_request_cannot_be_redacted_so_it_is_blocked(enforce: Enforce) -> None:
    body = json.dumps({"messages": [{"role": "user", "content": [{"text": f"écris à {MAIL}"}]}]}).encode()
    flow = chat("", host="bedrock-runtime.eu-west-3.amazonaws.com", path="/model/m/converse", body=body,
                headers={"authorization": "AWS4-HMAC-SHA256 Credential=x/20250101/eu-west-3/bedrock/aws4_request",
                         "x-amz-content-sha256": "0" * 64})
    outcome = run(enforce, flow)
    assert outcome is not None and outcome.action == "block" and flow.response is not None
    assert "signed" in (flow.response.text or "") and MAIL not in (flow.response.text or "")


def test_group_from_client_address(enforce: Enforce) -> None:
    flow = chat("bonjour")
    flow.client_conn.peername = ("192.168.3.4", 5555)
    outcome = run(enforce, flow)
    assert outcome is not None and outcome.group == "lab"


def test_already_answered_flows_are_left_alone(enforce: Enforce) -> None:
    flow = chat(f"ma clé {KEY}")
    flow.response = http.Response.make(200, b"cached")
    assert run(enforce, flow) is None and flow.response.content == b"cached"


@pytest.mark.parametrize("enc", ["gzip", "deflate", "br", "zstd"])
def test_compressed_body_is_decoded_for_scanning_and_re_encoded(enforce: Enforce, enc: str) -> None:
    from mitmproxy.net import encoding

    plain = json.dumps({"model": "m", "messages": [{"role": "user", "content": f"écris à {MAIL}"}]}).encode()
    flow = chat("", body=plain, headers={"content-encoding": enc})  # make() compresses per the header
    assert flow.request.raw_content == encoding.encode(plain, enc)
    outcome = run(enforce, flow)
    assert outcome is not None and outcome.action == "redact"
    assert flow.request.headers["content-encoding"] == enc
    raw = flow.request.raw_content or b""
    assert MAIL.encode() not in raw
    assert json.loads(encoding.decode(raw, enc))["messages"][0]["content"] == "écris à [EMAIL_1]"
    assert flow.request.headers["content-length"] == str(len(raw))


def test_group_from_proxy_authentication(enforce: Enforce) -> None:
    flow = chat("bonjour")
    flow.metadata["proxyauth"] = ("marie", "secret")
    flow.client_conn.peername = ("192.168.3.4", 5555)
    outcome = run(enforce, flow)
    assert outcome is not None and outcome.group == "boss"  # the first matching group; never the user name


def test_a_message_sent_again_is_redacted_again_from_the_scan_cache(enforce: Enforce) -> None:
    content = f"Relance {MAIL} au sujet de la commande {secrets.token_hex(4)} livrée la semaine dernière."
    outcomes = [run(enforce, flow := chat(content)) for _ in range(2)]
    assert [o.cached_bytes if o else -1 for o in outcomes] == [0, len(content)]
    assert [o.action if o else "" for o in outcomes] == ["redact", "redact"]
    assert json.loads(flow.request.content or b"")["messages"][0]["content"] == content.replace(MAIL, "[EMAIL_1]")
    assert outcomes[1] is not None and set(outcomes[1].timings) >= {"cache", "decide"}
    assert "hyperscan" not in outcomes[1].timings  # nothing scanned again


def test_the_scan_cache_is_kept_per_client(enforce: Enforce) -> None:
    content = f"Résume ce compte rendu de réunion en trois points pour l'équipe, merci : {secrets.token_hex(4)}"
    cached = []
    for address in ("10.1.0.7", "10.1.0.8", "10.1.0.7"):
        flow = chat(content)
        flow.client_conn.peername = (address, 50000)
        outcome = run(enforce, flow)
        cached.append(outcome.cached_bytes if outcome else -1)
    assert cached == [0, 0, len(content)]


def test_scan_cache_option(tmp_path: Path) -> None:
    async def configure(addon: Enforce, entries: int) -> None:
        with taddons.context(Passthrough(), addon) as tctx:
            tctx.configure(addon, gardefou_hash_key_file=str(tmp_path / "hash.key"), gardefou_scan_cache=entries)

    sizes = []
    for entries in (16, 0):
        addon = Enforce()
        asyncio.run(configure(addon, entries))
        assert addon.runtime is not None
        cache = addon.runtime.engine.cache
        sizes.append(cache.max_entries if cache is not None else 0)
    assert sizes == [16, 0]
    with pytest.raises(exceptions.OptionsError, match="gardefou_scan_cache"):
        asyncio.run(configure(Enforce(), -1))
