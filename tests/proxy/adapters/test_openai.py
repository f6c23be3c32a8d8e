"""OpenAI adapter: routing, extraction from SDK-recorded bodies, lossless rewrite, block reply."""

from __future__ import annotations

import json

import pytest
from adapter_helpers import check_round_trips, pairs, parse_fixture

from proxy.adapters import AdapterError, adapter_for

A = adapter_for("openai")


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/v1/chat/completions", "chat"),
        ("POST", "/v1/chat/completions?foo=1", "chat"),
        ("POST", "/v1/chat/completions/", "chat"),
        ("POST", "/chat/completions", "chat"),  # GitHub Copilot, Perplexity
        ("POST", "/v1beta/openai/chat/completions", "chat"),  # Gemini's OpenAI surface
        ("POST", "/openai/v1/chat/completions", "chat"),  # Groq
        ("POST", "/api/v1/chat/completions", "chat"),  # OpenRouter
        ("POST", "/inference/v1/chat/completions", "chat"),  # Fireworks
        ("POST", "/compatible-mode/v1/chat/completions", "chat"),  # Qwen
        ("POST", "/v1/responses", "responses"),
        ("POST", "/v1/responses/input_tokens", "responses"),
        ("POST", "/v1/completions", "completions"),
        ("POST", "/v1/engines/davinci/completions", "completions"),
        ("POST", "/v1/embeddings", "embeddings"),
        ("POST", "/v1/assistants", "assistants"),
        ("POST", "/v1/assistants/asst_1", "assistants"),
        ("POST", "/v1/threads", "threads"),
        ("POST", "/v1/threads/runs", "threads"),
        ("POST", "/v1/threads/thread_1/messages", "thread_messages"),
        ("POST", "/v1/threads/thread_1/runs", "runs"),
        ("POST", "/v1/conversations", "conversations"),
        ("POST", "/v1/conversations/conv_1/items", "conversations"),
        ("POST", "/v1/moderations", "moderations"),
        ("POST", "/v1/images/generations", "images"),
        ("POST", "/v1/audio/speech", "speech"),
        ("POST", "/v1/realtime/sessions", "realtime_session"),
        ("POST", "/v1/realtime/client_secrets", "realtime_session"),
        ("POST", "/v1/files", "upload"),
        ("POST", "/v1/uploads/upl_1/parts", "upload"),
        ("GET", "/v1/models", None),
        ("GET", "/v1/chat/completions", None),
        ("DELETE", "/v1/assistants/asst_1", None),
        ("POST", "/v1/responses/resp_1/cancel", None),
        ("POST", "/v1/threads/thread_1/runs/run_1/cancel", None),
        ("POST", "/v1/uploads/upl_1/complete", None),
        ("POST", "/v1/images/edits", None),  # multipart: uploads are a later issue
        ("POST", "/v1/conversations/conv_1", None),  # metadata only
    ],
)
def test_endpoint(method: str, path: str, expected: str | None) -> None:
    assert A.endpoint(method, path) == expected


EXTRACTION = {
    "chat_parts": [
        ("messages[0].content", "Tu es un assistant pour l'équipe comptable."),
        ("messages[1].content[0].text", "Réponds en français."),
        ("messages[2].content[0].text", "Voici le RIB du client : FR76 3000 6000 0112 3456 7890 189"),
        ("messages[2].content[3].file.file_data", "bonjour"),  # data:text/plain;base64 file, decoded
        ("messages[3].tool_calls[0].function.arguments.ville", "Besançon"),
        ("messages[3].tool_calls[0].function.arguments.*", "°C"),  # a key that is not an identifier is hidden
        ("messages[4].content", "Il fera 12 °C à Besançon."),
        ("messages[5].content", "Ok"),
        ("messages[5].function_call.arguments.q", "x"),
        ("messages[6].content", "résultat de la fonction"),
        ("prediction.content", "def total(lignes):\n    return sum(lignes)\n"),
    ],
    "chat_stream": [("messages[0].content", "Bonjour, ça va ?")],
    "responses_items": [
        ("instructions", "Tu résumes des contrats."),
        ("input[0].content[0].text", "Résume ce contrat pour jean.dupont@example.fr"),
        ("input[1].content[0].text", "Voici le résumé."),
        ("input[2].arguments.siren", "732829320"),
        ("input[3].output", "SIREN 732829320: ACME SAS"),
        ("input[4].input", "SELECT * FROM clients"),
        ("prompt.variables.client", "ACME"),
        ("prompt.variables.note.text", "privé"),
    ],
    "responses_string": [("input", "Explique SEPA.")],
    "completions": [
        ("prompt[0]", "def add(a, b):"),
        ("prompt[1]", "# calcule la TVA"),
        ("suffix", "\n\nprint(add(1, 2))"),
    ],
    "embeddings_list": [("input[0]", "premier texte"), ("input[1]", "second texte")],
    "embeddings_tokens": [],  # token ids are not text
    "assistant_create": [("instructions", "Aide l'équipe comptable.")],
    "thread_create": [
        ("messages[0].content", "Analyse la facture n° 2024-118"),
        ("messages[1].content[0].text", "et celle de mars"),
    ],
    "thread_message": [("content", "Le mot de passe du serveur est hunter2")],
    "run_create": [
        ("instructions", "Sois bref."),
        ("additional_instructions", "Cite la source."),
        ("additional_messages[0].content", "Et pour 2025 ?"),
    ],
    "thread_and_run": [("thread.messages[0].content", "Bonjour"), ("instructions", "Réponds en anglais.")],
    "file_upload": [],  # multipart upload: recognised, not read yet
}


@pytest.mark.parametrize("name", sorted(EXTRACTION))
def test_extraction(name: str) -> None:
    parsed, _ = parse_fixture("openai", name)
    assert pairs(parsed) == EXTRACTION[name]


@pytest.mark.parametrize("name", sorted(set(EXTRACTION) - {"file_upload"}))
def test_round_trips(name: str) -> None:
    parsed, body = parse_fixture("openai", name)
    check_round_trips("openai", parsed, body)


@pytest.mark.parametrize(
    ("endpoint", "body", "expected"),
    [
        ("conversations", {"items": [{"type": "message", "role": "user", "content": "Bonjour"}]},
         [("items[0].content", "Bonjour")]),
        ("moderations", {"input": "texte"}, [("input", "texte")]),
        ("moderations", {"input": ["a", "b"]}, [("input[0]", "a"), ("input[1]", "b")]),
        ("moderations", {"model": "omni-moderation-latest", "input": [
            {"type": "text", "text": "t"}, {"type": "image_url", "image_url": {"url": "https://x/y.png"}}]},
         [("input[0].text", "t")]),
        ("images", {"model": "gpt-image-1", "prompt": "logo ACME", "size": "1024x1024"}, [("prompt", "logo ACME")]),
        ("speech", {"model": "gpt-4o-mini-tts", "input": "Bonjour", "voice": "alloy", "instructions": "calme"},
         [("input", "Bonjour"), ("instructions", "calme")]),
        ("realtime_session", {"session": {"type": "realtime", "instructions": "Sois bref."}},
         [("session.instructions", "Sois bref.")]),
        ("realtime_session", {"model": "gpt-realtime", "instructions": "Sois bref."}, [("instructions", "Sois bref.")]),
    ],
)
def test_other_text_endpoints(endpoint: str, body: object, expected: list[tuple[str, str]]) -> None:
    raw = json.dumps(body, ensure_ascii=False).encode()
    parsed = A.parse(endpoint, raw, {})
    assert pairs(parsed) == expected
    assert A.rewrite(parsed, {i: s.text for i, s in enumerate(parsed.segments)}) == raw


def test_stream_and_model() -> None:
    parsed, _ = parse_fixture("openai", "chat_stream")
    assert parsed.stream and parsed.model == "gpt-4o-mini"
    parsed, _ = parse_fixture("openai", "chat_parts")
    assert not parsed.stream and parsed.model == "gpt-4o"


def test_tool_arguments_reencoded_with_their_own_spacing() -> None:
    parsed, body = parse_fixture("openai", "chat_parts")
    index = next(i for i, s in enumerate(parsed.segments) if s.location.endswith("arguments.ville"))
    out = json.loads(A.rewrite(parsed, {index: "[VILLE]"}))
    arguments = out["messages"][3]["tool_calls"][0]["function"]["arguments"]
    original = json.loads(body)["messages"][3]["tool_calls"][0]["function"]["arguments"]
    assert arguments == original.replace("Besançon", "[VILLE]")
    assert json.loads(arguments) == {"ville": "[VILLE]", "jours": 3, "unités": "°C"}


def test_numbers_and_big_ints_kept() -> None:
    parsed, _ = parse_fixture("openai", "chat_parts")
    out = A.rewrite(parsed, {0: "x"})
    assert b'"temperature":1.0' in out and b'"seed":12345678901234567' in out


def test_escaped_style_kept_for_replacements() -> None:
    body = b'{"messages":[{"role":"user","content":"caf\\u00e9 secret"}]}'
    parsed = A.parse("chat", body, {})
    assert A.rewrite(parsed, {0: "café [X]"}) == b'{"messages":[{"role":"user","content":"caf\\u00e9 [X]"}]}'
    raw = '{"messages":[{"role":"user","content":"café secret"}]}'.encode()
    parsed = A.parse("chat", raw, {})
    assert A.rewrite(parsed, {0: "café [X]"}) == '{"messages":[{"role":"user","content":"café [X]"}]}'.encode()


def test_truncated_tool_arguments_scanned_whole() -> None:
    body = json.dumps({"messages": [{"role": "assistant", "tool_calls": [
        {"id": "c", "type": "function", "function": {"name": "f", "arguments": '{"q": "AKIA'}}]}]}).encode()
    parsed = A.parse("chat", body, {})
    assert pairs(parsed) == [("messages[0].tool_calls[0].function.arguments", '{"q": "AKIA')]
    assert json.loads(A.rewrite(parsed, {0: "[X]"}))["messages"][0]["tool_calls"][0]["function"]["arguments"] == "[X]"


def test_rewrite_rejects_unknown_segment() -> None:
    parsed, _ = parse_fixture("openai", "chat_stream")
    with pytest.raises(AdapterError):
        A.rewrite(parsed, {5: "x"})


def test_block_reply() -> None:
    reply = A.block_reply("chat", "Bloqué par la politique / Blocked by policy", "gardefou_policy_violation")
    assert reply.status == 403
    assert reply.headers["x-should-retry"] == "false"
    assert reply.headers["content-type"] == "application/json"
    assert json.loads(reply.body) == {"error": {
        "message": "Bloqué par la politique / Blocked by policy", "type": "invalid_request_error", "param": None,
        "code": "gardefou_policy_violation"}}
    assert "Bloqué".encode() in reply.body  # readable accents, not \u escapes


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({}, "unknown"), ({"OpenAI-Organization": "org-1"}, "corporate"), ({"openai-project": "proj_1"}, "corporate")],
)
def test_instance(headers: dict[str, str], expected: str) -> None:
    assert A.instance("api.openai.com", headers) == expected


@pytest.mark.parametrize(
    ("endpoint", "body", "where"),
    [
        ("chat", {"messages": 5}, "messages"),
        ("chat", {}, "messages"),
        ("chat", {"messages": ["hello"]}, "messages[0]"),
        ("chat", {"messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
        ("chat", {"messages": [{"role": "user", "content": [{"type": "text", "text": 5}]}]}, "messages[0].content[0].text"),
        ("chat", {"messages": [{"role": "user", "content": [{"type": "text"}]}]}, "messages[0].content[0].text"),
        ("chat", {"messages": [{"role": "user", "content": ["x"]}]}, "messages[0].content[0]"),
        ("chat", {"messages": [{"role": "assistant", "tool_calls": {}}]}, "messages[0].tool_calls"),
        ("chat", {"messages": [{"role": "assistant", "tool_calls": [{"function": {"arguments": 3}}]}]},
         "messages[0].tool_calls[0].function.arguments"),
        ("responses", {"input": 3}, "input"),
        ("responses", {"input": [3]}, "input[0]"),
        ("responses", {"instructions": []}, "instructions"),
        ("completions", {"prompt": {"a": 1}}, "prompt"),
        ("completions", {"prompt": [None]}, "prompt[0]"),
        ("embeddings", {"input": None}, "input"),
        ("embeddings", {"input": [{"x": 1}]}, "input[0]"),
        ("thread_messages", {"content": False}, "content"),
        ("runs", {"additional_messages": "x"}, "additional_messages"),
        ("threads", {"messages": [1]}, "messages[0]"),
    ],
)
def test_wrong_types(endpoint: str, body: object, where: str) -> None:
    with pytest.raises(AdapterError) as e:
        A.parse(endpoint, json.dumps(body).encode(), {})
    assert str(e.value).startswith(f"{where}: expected")
