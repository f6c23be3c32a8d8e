"""GitHub Copilot adapter: OpenAI chat, Anthropic messages and inline completions; 422 refusal."""

from __future__ import annotations

import json

import pytest
from adapter_helpers import check_round_trips, pairs, parse_fixture

from proxy.adapters import adapter_for

A = adapter_for("github_copilot")


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/chat/completions", "chat"),
        ("POST", "/embeddings", "embeddings"),
        ("POST", "/responses", "responses"),
        ("POST", "/v1/messages", "messages"),
        ("POST", "/v1/engines/gpt-4o-copilot/completions", "completions"),
        ("GET", "/models", None),
        ("POST", "/agents/github-models", None),
    ],
)
def test_endpoint(method: str, path: str, expected: str | None) -> None:
    assert A.endpoint(method, path) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("inline", [("prompt", "# Path: app/db.py\nimport os\nDB_URL = "), ("suffix", "\n\ndef connect():\n    pass\n")]),
        ("messages", [("messages[0].content", "Explique ce code")]),
    ],
)
def test_extraction_and_round_trip(name: str, expected: list[tuple[str, str]]) -> None:
    parsed, body = parse_fixture("github_copilot", name)
    assert pairs(parsed) == expected
    check_round_trips("github_copilot", parsed, body)


def test_block_reply_is_422() -> None:
    reply = A.block_reply("chat", "Bloqué / Blocked", "gardefou_policy_violation")
    assert reply.status == 422  # VS Code drops its token on 401/403
    assert reply.headers["x-should-retry"] == "false"
    assert json.loads(reply.body) == {"error": {"message": "Bloqué / Blocked", "code": "gardefou_policy_violation"}}


@pytest.mark.parametrize(
    ("host", "expected"),
    [("api.business.githubcopilot.com", "corporate"), ("proxy.enterprise.githubcopilot.com", "corporate"),
     ("api.individual.githubcopilot.com", "personal"), ("api.githubcopilot.com", "unknown")],
)
def test_instance(host: str, expected: str) -> None:
    assert A.instance(host, {}) == expected
