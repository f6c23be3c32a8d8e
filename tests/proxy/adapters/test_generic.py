"""Generic adapter: every string of JSON bodies, form fields (JSON inside them too), text bodies."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest
from adapter_helpers import check_round_trips, fixture, pairs, parse_fixture

from proxy.adapters import AdapterError, adapter_for

A = adapter_for("generic")
FORM = "application/x-www-form-urlencoded;charset=UTF-8"


@pytest.mark.parametrize(
    ("method", "expected"), [("POST", "generic"), ("PUT", "generic"), ("patch", "generic"), ("GET", None),
                             ("DELETE", None), ("OPTIONS", None)],
)
def test_endpoint(method: str, expected: str | None) -> None:
    assert A.endpoint(method, "/anything?x=1") == expected


def test_chatgpt_web_json_skips_identifiers_and_settings() -> None:
    parsed, body = parse_fixture("generic", "chatgpt_conversation")
    assert pairs(parsed) == [
        ("messages[0].content.parts[0]", "Voici notre clé AWS AKIAIOSFODNN7EXAMPLE"),
        ("conversation_mode.kind", "primary_assistant"),
    ]
    assert parsed.model == "auto"
    check_round_trips("generic", parsed, body)


def test_gemini_web_form_reaches_the_prompt_inside_nested_json() -> None:
    parsed, body = parse_fixture("generic", "gemini_web")
    assert pairs(parsed) == [
        ("f.req[1][0][0]", "Envoie le fichier clients.csv à paul@example.fr"),
        ("f.req[1][1][0]", "fr"),
    ]  # `at` (anti-forgery token) is not user text
    assert A.rewrite(parsed, {i: s.text for i, s in enumerate(parsed.segments)}) == body
    out = A.rewrite(parsed, {0: "Envoie le fichier clients.csv à [EMAIL]"})
    form = parse_qs(out.decode(), keep_blank_values=True)
    inner = json.loads(json.loads(form["f.req"][0])[1])
    assert inner[0][0] == "Envoie le fichier clients.csv à [EMAIL]"
    assert form["at"] == parse_qs(body.decode())["at"]
    assert out.endswith(b"&")  # the untouched tail is byte-identical
    reparsed = A.parse("generic", out, {"Content-Type": FORM})
    assert pairs(reparsed)[0] == ("f.req[1][0][0]", "Envoie le fichier clients.csv à [EMAIL]")


def test_form_fields() -> None:
    body = b"q=mon+mot+de+passe+%C3%A9&empty=&flag&lang=fr"
    parsed = A.parse("generic", body, {"content-type": "application/x-www-form-urlencoded"})
    assert pairs(parsed) == [("q", "mon mot de passe é"), ("lang", "fr")]
    assert A.rewrite(parsed, {0: "[X] é"}) == b"q=%5BX%5D+%C3%A9&empty=&flag&lang=fr"


def test_form_in_latin1() -> None:
    body = b"q=caf%E9"
    parsed = A.parse("generic", body, {"content-type": "application/x-www-form-urlencoded; charset=ISO-8859-1"})
    assert pairs(parsed) == [("q", "café")]
    assert A.rewrite(parsed, {0: "thé"}) == b"q=th%E9"


def test_text_body() -> None:
    entry, body = fixture("generic", "note")
    parsed = A.parse("generic", body, {"Content-Type": entry["content_type"]})
    assert pairs(parsed) == [("body", body.decode())]
    assert A.rewrite(parsed, {}) == body
    assert A.rewrite(parsed, {0: "Budget : [MONTANT]"}) == b"Budget : [MONTANT]"


def test_json_posted_as_text_plain_is_read_as_json() -> None:
    body = b'{"id":"1","q":"mon secret"}'
    parsed = A.parse("generic", body, {"content-type": "text/plain;charset=UTF-8"})
    assert pairs(parsed) == [("q", "mon secret")]
    assert A.rewrite(parsed, {0: "[X]"}) == b'{"id":"1","q":"[X]"}'
    assert pairs(A.parse("generic", b"{not json", {"content-type": "text/plain"})) == [("body", "{not json")]


def test_text_body_charset() -> None:
    parsed = A.parse("generic", "été".encode("latin-1"), {"content-type": "text/plain; charset=latin-1"})
    assert pairs(parsed) == [("body", "été")]
    assert A.rewrite(parsed, {0: "hé"}) == "hé".encode("latin-1")


def test_json_skips_files_and_ids() -> None:
    blob = "A" * 300
    body = json.dumps({"id": "x1", "user_id": "u", "model": "m", "text": "bonjour", "image": f"data:image/png;base64,{blob}",
                       "raw": blob, "nested": {"createdAt": "2026", "note": "salut"}, "n": [1, 2.5, True, None]}).encode()
    assert pairs(A.parse("generic", body, {"content-type": "application/json"})) == [
        ("text", "bonjour"), ("nested.note", "salut")]


def test_text_data_url_in_json_is_decoded() -> None:
    url = "data:text/plain;base64," + "bW90IGRlIHBhc3NlIDogaHVudGVyMg=="  # "mot de passe : hunter2"
    body = json.dumps({"attachments": [{"name": "a.txt", "content": url}, {"img": "data:image/png;base64,AAAA"}]}).encode()
    parsed = A.parse("generic", body, {"content-type": "application/json"})
    assert pairs(parsed) == [("attachments[0].name", "a.txt"), ("attachments[0].content", "mot de passe : hunter2")]
    out = A.rewrite(parsed, {1: "mot de passe : [X]"})
    assert json.loads(out)["attachments"][0]["content"] == "data:text/plain;base64,bW90IGRlIHBhc3NlIDogW1hd"


def test_json_without_content_type_is_sniffed() -> None:
    assert pairs(A.parse("generic", b'{"prompt": "hi"}', {})) == [("prompt", "hi")]


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data; boundary=x", "application/octet-stream", "application/x-protobuf", "application/grpc"],
)
def test_bodies_not_read_as_text(content_type: str) -> None:
    parsed = A.parse("generic", b"--x\r\nContent-Disposition: form-data; name=file\r\n\r\nabc\r\n--x--", {
        "content-type": content_type})
    assert parsed.segments == () and not parsed.rewritable


def test_empty_body() -> None:
    assert A.parse("generic", b"", {"content-type": "application/json"}).segments == ()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{", "application/json"),
        (b"\xff\xfe", "text/plain"),
        (b"q=%FF", "application/x-www-form-urlencoded"),
        (b"abc", "text/plain; charset=no-such-charset"),
    ],
)
def test_malformed(body: bytes, content_type: str) -> None:
    with pytest.raises(AdapterError):
        A.parse("generic", body, {"content-type": content_type})


def test_block_reply() -> None:
    reply = A.block_reply("generic", "Bloqué / Blocked", "gardefou_policy_violation")
    assert reply.status == 403
    assert reply.headers["x-should-retry"] == "false"
    assert json.loads(reply.body) == {"error": {"message": "Bloqué / Blocked", "code": "gardefou_policy_violation"}}
