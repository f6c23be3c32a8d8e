"""Gemini adapter: Gemini API and Vertex paths, both key spellings, Claude on Vertex, refusal."""

from __future__ import annotations

import json

import pytest
from adapter_helpers import check_round_trips, pairs, parse_fixture

from proxy.adapters import AdapterError, adapter_for

A = adapter_for("gemini")
VERTEX = "/v1/projects/acme/locations/europe-west9/publishers/google/models/gemini-2.5-pro"


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/v1beta/models/gemini-2.5-flash:generateContent", "generate_content"),
        ("POST", "/v1/models/gemini-2.5-flash:generateContent", "generate_content"),
        ("POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "stream_generate_content"),
        ("POST", "/v1beta/models/gemini-2.5-flash:countTokens", "count_tokens"),
        ("POST", "/v1beta/models/text-embedding-004:embedContent", "embed_content"),
        ("POST", "/v1beta/models/text-embedding-004:batchEmbedContents", "batch_embed_contents"),
        ("POST", "/v1beta/tunedModels/my-model:generateContent", "generate_content"),
        ("POST", "/v1beta/cachedContents", "cached_content"),
        ("POST", f"{VERTEX}:generateContent", "generate_content"),
        ("POST", VERTEX.replace("/v1/", "/v1beta1/") + ":streamGenerateContent", "stream_generate_content"),
        ("POST", "/v1/projects/p/locations/us-central1/publishers/google/models/text-embedding-005:predict", "predict"),
        ("POST", "/v1/projects/p/locations/europe-west1/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict",
         "anthropic"),
        ("POST", "/v1/projects/p/locations/global/publishers/anthropic/models/claude-opus-4:streamRawPredict",
         "anthropic_stream"),
        ("POST", "/v1beta/openai/chat/completions", "chat"),
        ("POST", "/v1/projects/p/locations/l/endpoints/openapi/chat/completions", "chat"),
        ("POST", "/v1beta/openai/embeddings", "embeddings"),
        ("POST", "/upload/v1beta/files?uploadType=resumable", "upload"),
        ("GET", "/v1beta/models", None),
        ("GET", "/v1beta/models/gemini-2.5-flash", None),
        ("POST", "/v1beta/files", None),  # metadata only; the bytes go to /upload/
    ],
)
def test_endpoint(method: str, path: str, expected: str | None) -> None:
    assert A.endpoint(method, path) == expected


EXTRACTION = {
    "generate": [
        ("contents[0].parts[0].text", "Quel temps à Paris ? Mon numéro : 06 12 34 56 78"),
        ("contents[1].parts[0].functionCall.args.ville", "Paris"),
        ("contents[2].parts[0].functionResponse.response.resultat", "pluie"),
        ("contents[2].parts[0].functionResponse.response.details[0]", "vent"),
        ("systemInstruction.parts[0].text", "Réponds en français."),
    ],
    "stream": [("contents[0].parts[0].text", "Écris un poème")],
    "embed": [("requests[0].content.parts[0].text", "texte à vectoriser")],
    "count_tokens": [("contents[0].parts[0].text", "combien de jetons ?")],
    "vertex_snake": [
        ("contents[0].parts[0].text", "Bonjour"),
        ("contents[1].parts[0].function_call.args.q", "facture 118"),
        ("contents[2].parts[0].function_response.response.content", "montant 1 200 €"),
        ("system_instruction.parts[0].text", "Réponds court."),
    ],
    "vertex_anthropic": [("messages[0].content", "Bonjour Claude")],
    "embed_single": [("content.parts[0].text", "à vectoriser")],
}


@pytest.mark.parametrize("name", sorted(EXTRACTION))
def test_extraction_and_round_trip(name: str) -> None:
    parsed, body = parse_fixture("gemini", name)
    assert pairs(parsed) == EXTRACTION[name]
    check_round_trips("gemini", parsed, body)


def test_spelling_kept_on_rewrite() -> None:
    parsed, body = parse_fixture("gemini", "vertex_snake")
    out = A.rewrite(parsed, {3: "[SYS]"})
    assert b'"system_instruction"' in out and b"systemInstruction" not in out
    assert out.count(b"\n") == body.count(b"\n")  # pretty-printed stays pretty-printed
    parsed, body = parse_fixture("gemini", "generate")
    out = A.rewrite(parsed, {0: "Quel temps à [VILLE] ?"})
    assert b"Quel temps \\u00e0 [VILLE] ?" in out  # google-genai escapes non-ASCII: so does the rewrite
    out = A.rewrite(parsed, {1: "Besançon"})  # an ASCII-only literal follows the document's style
    assert b'"ville": "Besan\\u00e7on"' in out


def test_stream_flags() -> None:
    assert parse_fixture("gemini", "stream")[0].stream
    assert parse_fixture("gemini", "vertex_anthropic")[0].stream
    assert not parse_fixture("gemini", "generate")[0].stream


def test_count_tokens_wrapping_a_request_and_code_parts() -> None:
    body = json.dumps({"generateContentRequest": {"model": "models/g", "contents": [{"parts": [
        {"text": "a"}, {"executableCode": {"language": "PYTHON", "code": "print(1)"}},
        {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "1"}}]}]}}).encode()
    assert pairs(A.parse("count_tokens", body, {})) == [
        ("generateContentRequest.contents[0].parts[0].text", "a"),
        ("generateContentRequest.contents[0].parts[1].executableCode.code", "print(1)"),
        ("generateContentRequest.contents[0].parts[2].codeExecutionResult.output", "1"),
    ]


def test_vertex_predict_skips_images() -> None:
    body = json.dumps({"instances": [{"content": "texte", "task_type": "RETRIEVAL_QUERY"},
                                     {"prompt": "un chat", "image": {"bytesBase64Encoded": "AAAA"}}]}).encode()
    assert pairs(A.parse("predict", body, {})) == [("instances[0].content", "texte"), ("instances[1].prompt", "un chat")]


def test_block_reply() -> None:
    reply = A.block_reply("generate_content", "Bloqué / Blocked", "gardefou_policy_violation")
    assert reply.status == 400
    assert reply.headers["x-should-retry"] == "false"
    assert json.loads(reply.body) == {"error": {"code": 400, "message": "Bloqué / Blocked",
                                                "status": "INVALID_ARGUMENT", "details": []}}


@pytest.mark.parametrize(
    ("host", "expected"),
    [("europe-west9-aiplatform.googleapis.com", "corporate"), ("aiplatform.googleapis.com:443", "corporate"),
     ("generativelanguage.googleapis.com", "unknown")],
)
def test_instance(host: str, expected: str) -> None:
    assert A.instance(host, {}) == expected


@pytest.mark.parametrize(
    ("endpoint", "body", "where"),
    [
        ("generate_content", {"contents": {}}, "contents"),
        ("generate_content", {"contents": ["x"]}, "contents[0]"),
        ("generate_content", {"contents": [{"parts": {}}]}, "contents[0].parts"),
        ("generate_content", {"contents": [{"parts": [{"text": 1}]}]}, "contents[0].parts[0].text"),
        ("generate_content", {"contents": [{"parts": [{"functionCall": []}]}]}, "contents[0].parts[0].functionCall"),
        ("generate_content", {"contents": [], "system_instruction": 5}, "system_instruction"),
        ("embed_content", {}, "content"),
        ("batch_embed_contents", {"requests": [1]}, "requests[0]"),
        ("anthropic", {"messages": 1}, "messages"),
    ],
)
def test_wrong_types(endpoint: str, body: object, where: str) -> None:
    with pytest.raises(AdapterError) as e:
        A.parse(endpoint, json.dumps(body).encode(), {})
    assert str(e.value).startswith(f"{where}: expected")
