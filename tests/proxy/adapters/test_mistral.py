"""Mistral adapter: chat, FIM, embeddings, agents, conversations; refusal without extra fields."""

from __future__ import annotations

import json

import pytest
from adapter_helpers import check_round_trips, pairs, parse_fixture

from proxy.adapters import AdapterError, adapter_for

A = adapter_for("mistral")


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/v1/chat/completions", "chat"),
        ("POST", "/v1/agents/completions", "agents"),
        ("POST", "/v1/fim/completions", "fim"),
        ("POST", "/v1/embeddings", "embeddings"),
        ("POST", "/v1/conversations", "conversations"),
        ("POST", "/v1/conversations/conv_1", "conversations"),
        ("POST", "/v1/conversations/conv_1/restart", "conversations"),
        ("POST", "/v1/files", "upload"),
        ("GET", "/v1/models", None),
        ("POST", "/v1/moderations", None),
    ],
)
def test_endpoint(method: str, path: str, expected: str | None) -> None:
    assert A.endpoint(method, path) == expected


EXTRACTION = {
    "chat": [
        ("messages[0].content", "Tu es un assistant RH."),
        ("messages[1].content[0].text", "Le NIR de Mme Martin est 2 84 05 75 123 456 78"),
        ("messages[2].tool_calls[0].function.arguments.nom", "Martin"),  # arguments as an object
        ("messages[2].tool_calls[0].function.arguments.service", "paie"),
        ("messages[3].content", "Martin: salaire 3200 €"),
    ],
    "fim": [("prompt", "def connect():\n    password = "), ("suffix", "\n    return db")],
    "embeddings": [("input[0]", "Bonjour"), ("input[1]", "Au revoir")],
    "agents": [("messages[0].content", "Résume le PV du CSE")],
    "conversations": [
        ("instructions", "Sois précis."),
        ("inputs[0].content", "Prépare le contrat"),
        ("inputs[1].result", '{"statut": "signé"}'),
    ],
}


@pytest.mark.parametrize("name", sorted(EXTRACTION))
def test_extraction_and_round_trip(name: str) -> None:
    parsed, body = parse_fixture("mistral", name)
    assert pairs(parsed) == EXTRACTION[name]
    check_round_trips("mistral", parsed, body)


def test_block_reply() -> None:
    reply = A.block_reply("chat", "Bloqué / Blocked", "gardefou_policy_violation")
    assert reply.status == 400
    assert reply.headers["x-should-retry"] == "false"
    assert json.loads(reply.body) == {"object": "error", "message": "Bloqué / Blocked",
                                      "type": "invalid_request_error", "param": None,
                                      "code": "gardefou_policy_violation"}


@pytest.mark.parametrize(
    ("endpoint", "body", "where"),
    [
        ("chat", {"messages": "x"}, "messages"),
        ("fim", {"prompt": 1}, "prompt"),
        ("conversations", {"inputs": 3}, "inputs"),
        ("conversations", {"inputs": [{"content": 3}]}, "inputs[0].content"),
    ],
)
def test_wrong_types(endpoint: str, body: object, where: str) -> None:
    with pytest.raises(AdapterError) as e:
        A.parse(endpoint, json.dumps(body).encode(), {})
    assert str(e.value).startswith(f"{where}: expected")
