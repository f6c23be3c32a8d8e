"""Anthropic adapter: Messages bodies recorded from the SDK, batches, legacy complete, refusal."""

from __future__ import annotations

import json

import pytest
from adapter_helpers import check_round_trips, pairs, parse_fixture

from proxy.adapters import AdapterError, adapter_for

A = adapter_for("anthropic")


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/v1/messages", "messages"),
        ("POST", "/v1/messages?beta=true", "messages"),  # Claude Code
        ("POST", "/v1/messages/count_tokens", "messages"),
        ("POST", "/v1/messages/batches", "batches"),
        ("POST", "/v1/complete", "complete"),
        ("POST", "/v1/files", "upload"),
        ("POST", "/v1/messages/batches/msgbatch_1/cancel", None),
        ("GET", "/v1/models", None),
        ("GET", "/v1/messages/batches", None),
    ],
)
def test_endpoint(method: str, path: str, expected: str | None) -> None:
    assert A.endpoint(method, path) == expected


EXTRACTION = {
    "messages": [
        ("system[0].text", "Tu es juriste."),
        ("messages[0].content[0].text", "Relis ce document."),
        ("messages[0].content[1].title", "Contrat"),
        ("messages[0].content[1].context", "confidentiel"),
        ("messages[0].content[1].source.data", "Contrat entre ACME et Dupont, IBAN FR76..."),
        ("messages[0].content[2].source.content[0].text", "Annexe A"),
        ("messages[1].content[0].text", "Je cherche."),
        ("messages[1].content[1].input.query", "Dupont"),
        ("messages[1].content[1].input.filters.ville", "Lyon"),
        ("messages[2].content[0].content[0].text", "3 résultats"),
        ("messages[2].content[1].content", "texte brut"),
        ("messages[3].content", "Voilà."),
    ],
    "messages_stream": [("system", "Sois bref."), ("messages[0].content", "Bonjour")],
    "count_tokens": [("messages[0].content", "Compte mes jetons")],
    "batches": [
        ("requests[0].params.messages[0].content", "premier"),
        ("requests[1].params.system", "sys"),
        ("requests[1].params.messages[0].content[0].text", "second"),
    ],
    "complete": [("prompt", "\n\nHuman: Bonjour\n\nAssistant:")],
}


@pytest.mark.parametrize("name", sorted(EXTRACTION))
def test_extraction_and_round_trip(name: str) -> None:
    parsed, body = parse_fixture("anthropic", name)
    assert pairs(parsed) == EXTRACTION[name]
    check_round_trips("anthropic", parsed, body)


def test_stream_flag() -> None:
    assert parse_fixture("anthropic", "messages_stream")[0].stream
    assert not parse_fixture("anthropic", "messages")[0].stream


def test_thinking_blocks_are_left_alone() -> None:
    body = json.dumps({"messages": [{"role": "assistant", "content": [
        {"type": "thinking", "thinking": "secret reasoning", "signature": "sig"},
        {"type": "redacted_thinking", "data": "abc"}, {"type": "text", "text": "réponse"}]}]}).encode()
    assert pairs(A.parse("messages", body, {})) == [("messages[0].content[2].text", "réponse")]


def test_server_tool_blocks_of_any_shape() -> None:
    body = json.dumps({"messages": [{"role": "assistant", "content": [
        {"type": "server_tool_use", "id": "s1", "name": "web_search", "input": {"query": "ACME SIREN"}},
        {"type": "web_search_tool_result", "tool_use_id": "s1", "content": [
            {"type": "web_search_result", "title": "ACME", "url": "https://x.fr", "encrypted_content": "EqQ"}]},
        {"type": "web_search_tool_result", "tool_use_id": "s2",
         "content": {"type": "web_search_tool_result_error", "error_code": "max_uses_exceeded"}},
        {"type": "mcp_tool_use", "id": "m1", "name": "q", "server_name": "crm", "input": {"client": "Dupont"}},
        {"type": "mcp_tool_result", "tool_use_id": "m1", "content": [{"type": "text", "text": "Dupont: 06..."}]},
    ]}]}).encode()
    assert pairs(A.parse("messages", body, {})) == [
        ("messages[0].content[0].input.query", "ACME SIREN"),
        ("messages[0].content[1].content[0].title", "ACME"),
        ("messages[0].content[3].input.client", "Dupont"),
        ("messages[0].content[4].content[0].text", "Dupont: 06..."),
    ]


def test_block_reply() -> None:
    reply = A.block_reply("messages", "Bloqué / Blocked", "gardefou_policy_violation")
    assert reply.status == 403
    assert reply.headers["x-should-retry"] == "false"
    assert json.loads(reply.body) == {"type": "error", "error": {"type": "invalid_request_error",
                                                                 "message": "Bloqué / Blocked"}}


@pytest.mark.parametrize(
    ("endpoint", "body", "where"),
    [
        ("messages", {"messages": {}}, "messages"),
        ("messages", {"messages": [{"role": "user", "content": 1}]}, "messages[0].content"),
        ("messages", {"messages": [{"role": "user", "content": [{"type": "text", "text": None}]}]},
         "messages[0].content[0].text"),
        ("messages", {"system": 3, "messages": []}, "system"),
        ("messages", {"messages": [], "system": [{"type": "text", "text": 1}]}, "system[0].text"),
        ("messages", {"messages": [{"content": [{"type": "document", "source": {"type": "text", "data": 1}}]}]},
         "messages[0].content[0].source.data"),
        ("batches", {"requests": [{"params": 1}]}, "requests[0].params"),
        ("batches", {"requests": [{"params": {"messages": 2}}]}, "requests[0].params.messages"),
        ("complete", {"prompt": ["a"]}, "prompt"),
    ],
)
def test_wrong_types(endpoint: str, body: object, where: str) -> None:
    with pytest.raises(AdapterError) as e:
        A.parse(endpoint, json.dumps(body).encode(), {})
    assert str(e.value).startswith(f"{where}: expected")
