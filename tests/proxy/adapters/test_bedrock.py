"""Bedrock adapter: Converse and InvokeModel bodies, SigV4 makes a request unrewritable, refusal."""

from __future__ import annotations

import json

import pytest
from adapter_helpers import check_round_trips, pairs, parse_fixture

from proxy.adapters import AdapterError, adapter_for

A = adapter_for("bedrock")
SIGV4 = {
    "authorization": "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261122/eu-west-3/bedrock/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=abc",
    "x-amz-date": "20261122T000000Z",
}


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse", "converse"),
        ("POST", "/model/mistral.mistral-large-2407-v1%3A0/converse-stream", "converse_stream"),
        ("POST", "/model/amazon.titan-text-express-v1/invoke", "invoke"),
        ("POST", "/model/arn%3Aaws%3Abedrock%3Aeu-west-3%3A1%3Ainference-profile%2Feu.x/invoke-with-response-stream",
         "invoke_stream"),
        ("GET", "/model/x/converse", None),
        ("POST", "/model/x/async-invoke", None),
        ("POST", "/guardrail/g1/version/1/apply", None),
    ],
)
def test_endpoint(method: str, path: str, expected: str | None) -> None:
    assert A.endpoint(method, path) == expected


EXTRACTION = {
    "converse": [
        ("messages[0].content[0].text", "Analyse ce document"),
        ("messages[0].content[1].document.source.bytes", "Hello"),  # a txt document, decoded
        ("messages[0].content[2].document.source.text", "Note interne: marge 42 %"),
        ("messages[1].content[0].toolUse.input.expr", "42*2"),
        ("messages[2].content[0].toolResult.content[0].text", "84"),
        ("messages[2].content[0].toolResult.content[1].json.r", "quatre-vingt-quatre"),
        ("messages[2].content[1].guardContent.text.text", "texte gardé"),
        ("system[0].text", "Tu es analyste."),
    ],
    "invoke_anthropic": [
        ("system", "Assistant juridique."),
        ("messages[0].content[0].text", "Clause de confidentialité ?"),
    ],
    "invoke_titan": [("inputText", "Résume: le budget 2025 est de 1,2 M€")],  # stopSequences are settings
}


@pytest.mark.parametrize("name", sorted(EXTRACTION))
def test_extraction_and_round_trip(name: str) -> None:
    parsed, body = parse_fixture("bedrock", name)
    assert pairs(parsed) == EXTRACTION[name]
    assert parsed.rewritable
    check_round_trips("bedrock", parsed, body)


@pytest.mark.parametrize(
    ("headers", "rewritable"),
    [
        (SIGV4, False),
        ({"X-Amz-Content-Sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}, False),
        ({"x-amz-content-sha256": "UNSIGNED-PAYLOAD"}, True),
        ({"Authorization": "Bearer ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl"}, True),  # Bedrock API key
        ({}, True),
    ],
)
def test_sigv4_is_not_rewritable(headers: dict[str, str], rewritable: bool) -> None:
    parsed, _ = parse_fixture("bedrock", "converse", headers)
    assert parsed.rewritable is rewritable
    if not rewritable:
        with pytest.raises(AdapterError):
            A.rewrite(parsed, {0: "x"})


def test_stream_flag() -> None:
    assert parse_fixture("bedrock", "invoke_anthropic")[0].stream
    assert not parse_fixture("bedrock", "converse")[0].stream


def test_block_reply() -> None:
    reply = A.block_reply("converse", "Bloqué / Blocked", "gardefou_policy_violation")
    assert reply.status == 400
    assert reply.headers["x-amzn-ErrorType"] == "ValidationException"
    assert reply.headers["x-should-retry"] == "false"
    assert json.loads(reply.body) == {"message": "Bloqué / Blocked"}


@pytest.mark.parametrize(
    ("endpoint", "body", "where"),
    [
        ("converse", {"messages": 1}, "messages"),
        ("converse", {"messages": [{"content": {}}]}, "messages[0].content"),
        ("converse", {"messages": [{"content": [{"text": 1}]}]}, "messages[0].content[0].text"),
        ("converse", {"messages": [], "system": "x"}, "system"),
        ("invoke", {"messages": [{"content": 1}]}, "messages[0].content"),
    ],
)
def test_wrong_types(endpoint: str, body: object, where: str) -> None:
    with pytest.raises(AdapterError) as e:
        A.parse(endpoint, json.dumps(body).encode(), {})
    assert str(e.value).startswith(f"{where}: expected")
