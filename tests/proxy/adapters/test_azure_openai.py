"""Azure OpenAI adapter: deployment and v1 paths, OpenAI bodies, Azure's content-filter refusal."""

from __future__ import annotations

import json

import pytest
from adapter_helpers import check_round_trips, pairs, parse_fixture

from proxy.adapters import adapter_for

A = adapter_for("azure_openai")


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21", "chat"),
        ("POST", "/openai/deployments/gpt4o/extensions/chat/completions?api-version=2023-12-01-preview", "chat"),
        ("POST", "/openai/deployments/inst/completions?api-version=2024-10-21", "completions"),
        ("POST", "/openai/deployments/emb/embeddings?api-version=2024-10-21", "embeddings"),
        ("POST", "/openai/v1/chat/completions", "chat"),
        ("POST", "/openai/v1/responses?api-version=preview", "responses"),
        ("POST", "/models/chat/completions?api-version=2024-05-01-preview", "chat"),  # AI Foundry inference
        ("POST", "/openai/assistants?api-version=2024-05-01-preview", "assistants"),
        ("GET", "/openai/deployments?api-version=2022-12-01", None),
        ("POST", "/openai/deployments/d/audio/transcriptions?api-version=2024-06-01", None),
    ],
)
def test_endpoint(method: str, path: str, expected: str | None) -> None:
    assert A.endpoint(method, path) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("chat", [("messages[0].content", "Résume le dossier patient 12")]),
        ("embeddings", [("input", "texte")]),
    ],
)
def test_extraction_and_round_trip(name: str, expected: list[tuple[str, str]]) -> None:
    parsed, body = parse_fixture("azure_openai", name)
    assert pairs(parsed) == expected
    check_round_trips("azure_openai", parsed, body)


def test_block_reply_is_the_content_filter_shape() -> None:
    reply = A.block_reply("chat", "Refusé / Refused", "gardefou_policy_violation")
    assert reply.status == 400
    assert reply.headers["x-should-retry"] == "false"
    assert json.loads(reply.body) == {"error": {
        "message": "Refusé / Refused", "type": None, "param": "prompt", "code": "content_filter", "status": 400,
        "innererror": {"code": "ResponsibleAIPolicyViolation"}}}


def test_instance_is_corporate() -> None:
    assert A.instance("acme.openai.azure.com", {}) == "corporate"
