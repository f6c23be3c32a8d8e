"""decide(): the policy's actions from findings, destination and user (pure, table-driven)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from detectors.finding import Confidence, Finding
from proxy.policy import Detected, RequestContext, decide, decide_error, load_policy, scan_needed

POLICY = """
version: 1
fail_mode: open
limits: {justification_max_chars: 10}
app_status: {sanctioned: allow, tolerated: allow, unsanctioned: block, unknown: log}
services:
  chatgpt: {status: unsanctioned}
  strict: {fail_mode: closed, headers: {Chatgpt-Allowed-Workspace-Id: ws-1}}
groups:
  devs: {networks: [10.0.0.0/24]}
  boss: {users: [marie]}
rules:
  - {name: secrets, category: credentials, min_confidence: medium, action: block}
  - {name: pii, category: regulated_data, min_confidence: medium, action: redact}
  - {name: pii-low, category: regulated_data, action: log}
  - {name: bulk, category: regulated_data, min_count: 3, action: coach}
  - {name: code, category: source_code, action: log}
  - {name: code-devs, category: source_code, groups: [devs], action: allow}
  - {name: ip, category: intellectual_property, types: [projets], action: coach}
  - {name: personal, instances: [personal], action: coach}
  - {name: boss-no-code, category: source_code, groups: [boss], action: block}
allowlist:
  hashes: ["0123456789abcdef0123456789abcdef"]
  users: [auditor]
  services: [internal-llm]
"""


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("policy") / "policy.yaml"
    path.write_text(POLICY)
    return load_policy(path)


def det(category: str, type_: str, confidence: str = "high", segment: int = 0, hash_: str = "f" * 32,
        start: int = 0) -> Detected:
    f = Finding(category, type_, f"{category}.x.{type_}", start, start + 5, Confidence.parse(confidence))
    return Detected(f, segment, hash_)


SECRET = det("credentials", "aws_key")
SECRET_LOW = det("credentials", "generic_secret", "low")
EMAIL = det("regulated_data", "email", "medium")
EMAIL_LOW = det("regulated_data", "email", "low")
CODE = det("source_code", "python")
PROJECT = det("intellectual_property", "projets")


@pytest.mark.parametrize(("findings", "ctx", "action", "forward", "redact", "code"), [
    ((), {}, "allow", True, (), ""),
    ((SECRET,), {}, "block", False, (), "gardefou_blocked"),
    ((SECRET_LOW,), {}, "allow", True, (), ""),  # below the secrets rule, and no catch-all rule
    ((EMAIL,), {}, "redact", True, (0,), ""),
    ((EMAIL_LOW,), {}, "log", True, (), ""),
    ((EMAIL, SECRET), {}, "block", False, (), "gardefou_blocked"),  # the strictest wins
    ((EMAIL, EMAIL, EMAIL), {}, "coach", False, (), "gardefou_coaching"),  # threshold: count of items
    ((EMAIL, EMAIL, EMAIL), {"justification": "client request, ticket 42"}, "coach", True, (0, 1, 2), ""),
    ((CODE,), {}, "log", True, (), ""),
    ((CODE,), {"group": "devs"}, "log", True, (), ""),  # allow never lowers another rule's log
    ((CODE,), {"group": "boss"}, "block", False, (), "gardefou_blocked"),
    ((PROJECT,), {}, "coach", False, (), "gardefou_coaching"),
    ((), {"instance": "personal"}, "coach", False, (), "gardefou_coaching"),
    ((), {"service": "chatgpt"}, "block", False, (), "gardefou_unsanctioned"),
    ((SECRET,), {"user": "auditor"}, "allow", True, (), ""),
    ((SECRET,), {"service": "internal-llm"}, "allow", True, (), ""),
    ((det("credentials", "aws_key", hash_="0123456789abcdef0123456789abcdef"),), {}, "allow", True, (), ""),
    ((EMAIL,), {"rewritable": False}, "block", False, (), "gardefou_not_rewritable"),
    ((), {"catalogue_status": "unknown"}, "log", True, (), ""),
    ((), {"catalogue_status": "unsanctioned"}, "block", False, (), "gardefou_unsanctioned"),
])
def test_decide(policy, findings, ctx, action, forward, redact, code) -> None:  # type: ignore[no-untyped-def]
    context = RequestContext(policy=policy, service=ctx.pop("service", "openai"),
                             catalogue_status=ctx.pop("catalogue_status", "tolerated"), **ctx)
    v = decide(findings, context)
    assert (v.action, v.forward, v.redact, v.code) == (action, forward, redact, code)
    if not forward:
        assert "Garde-fou" in v.message and " / " in v.message  # bilingual


def test_block_message_names_category_and_type_not_value(policy) -> None:  # type: ignore[no-untyped-def]
    v = decide((SECRET, EMAIL), RequestContext(policy=policy, service="openai", catalogue_status="tolerated"))
    assert "credentials" in v.message and "identifiants" in v.message and "aws_key" in v.message
    assert v.evidence == (0, 1)  # both recorded, only the strictest named


def test_justification_is_length_limited(policy) -> None:  # type: ignore[no-untyped-def]
    ctx = RequestContext(policy=policy, service="openai", catalogue_status="tolerated",
                         justification="a" * 50)
    assert decide((PROJECT,), ctx).justification == "a" * 10


def test_tenant_headers_come_with_every_verdict(policy) -> None:  # type: ignore[no-untyped-def]
    ctx = RequestContext(policy=policy, service="strict", catalogue_status="tolerated")
    assert decide((), ctx).headers == (("Chatgpt-Allowed-Workspace-Id", "ws-1"),)
    assert decide((EMAIL,), ctx).headers == (("Chatgpt-Allowed-Workspace-Id", "ws-1"),)


@pytest.mark.parametrize(("service", "action", "forward"), [
    ("openai", "log", True),  # policy default: open
    ("strict", "block", False),  # per-service: closed
    ("chatgpt", "block", False),  # unsanctioned stays blocked whatever the fail mode
    ("internal-llm", "allow", True),  # allowlisted: never inspected anyway
])
def test_decide_error_follows_fail_mode(policy, service, action, forward) -> None:  # type: ignore[no-untyped-def]
    v = decide_error("timeout", RequestContext(policy=policy, service=service, catalogue_status="tolerated"))
    assert (v.action, v.forward) == (action, forward)
    if service in ("openai", "strict"):
        assert v.error == "timeout" and v.fail_mode == ("open" if service == "openai" else "closed")


def test_scan_needed(policy) -> None:  # type: ignore[no-untyped-def]
    base = RequestContext(policy=policy, service="openai", catalogue_status="tolerated")
    assert scan_needed(base)
    assert not scan_needed(replace(base, service="chatgpt"))
    assert not scan_needed(replace(base, user="auditor"))


@pytest.mark.parametrize(("user", "address", "group"), [
    ("marie", "192.168.1.1", "boss"),
    ("", "10.0.0.7", "devs"),
    ("", "::ffff:10.0.0.7", "devs"),
    ("bob", "10.0.1.7", "default"),
    ("", "not-an-ip", "default"),
])
def test_group_of(policy, user, address, group) -> None:  # type: ignore[no-untyped-def]
    assert policy.group_of(user, address) == group


def test_shipped_policy_loads() -> None:
    p = load_policy(Path(__file__).resolve().parents[3] / "rules" / "policy.yaml")
    assert p.status_action("tolerated") == "allow" and p.status_action("unknown") == "log"
    ctx = RequestContext(policy=p, service="openai-api", catalogue_status="tolerated")
    assert decide((SECRET,), ctx).action == "block"
    assert decide((EMAIL,), ctx).action == "redact"
    assert decide((CODE,), ctx).action == "log"
