"""Inline base64 text files: decoded for scanning in every adapter, re-encoded in the same form on rewrite."""

from __future__ import annotations

import base64
import json

import pytest
from adapter_helpers import pairs

from proxy.adapters import adapter_for
from proxy.adapters.filetext import decode, encode

CSV = "nom;iban\nDupont;FR76 3000 6000 0112 3456 7890 189\n"
B64 = base64.b64encode(CSV.encode()).decode()


@pytest.mark.parametrize(
    ("value", "mime", "filename", "expected"),
    [
        (f"data:text/csv;base64,{B64}", "", "", CSV),
        (f"data:text/csv;charset=utf-8;base64,{B64}", "", "", CSV),
        (f"data:application/octet-stream;base64,{B64}", "", "clients.csv", CSV),
        (B64, "text/plain", "", CSV),
        (B64, "", "script.py", CSV),
        (B64, "application/json", "", CSV),
        (B64, "application/pdf", "", None),
        (B64, "", "rapport.pdf", None),
        (f"data:image/png;base64,{B64}", "", "", None),
        ("pas du base64 !", "text/plain", "", None),
        (base64.b64encode(b"\xff\xfe\x00binary").decode(), "text/plain", "", None),
        (B64, "", "", None),  # nothing says it is text
    ],
)
def test_decode(value: str, mime: str, filename: str, expected: str | None) -> None:
    assert decode(value, mime, filename) == expected


def test_encode_keeps_the_data_url_header() -> None:
    assert encode(f"data:text/csv;charset=utf-8;base64,{B64}", "x") == "data:text/csv;charset=utf-8;base64,eA=="
    assert encode(B64, "x") == "eA=="


CASES = [
    ("openai", "responses", {"input": [{"role": "user", "content": [
        {"type": "input_file", "filename": "clients.csv", "file_data": f"data:text/csv;base64,{B64}"}]}]},
     "input[0].content[0].file_data"),
    ("openai", "chat", {"messages": [{"role": "user", "content": [
        {"type": "file", "file": {"filename": "notes.md", "file_data": f"data:application/octet-stream;base64,{B64}"}}]}]},
     "messages[0].content[0].file.file_data"),
    ("anthropic", "messages", {"messages": [{"role": "user", "content": [
        {"type": "document", "source": {"type": "base64", "media_type": "text/plain", "data": B64}}]}]},
     "messages[0].content[0].source.data"),
    ("gemini", "generate_content", {"contents": [{"parts": [{"inlineData": {"mimeType": "text/csv", "data": B64}}]}]},
     "contents[0].parts[0].inlineData.data"),
    ("gemini", "generate_content", {"contents": [{"parts": [{"inline_data": {"mime_type": "text/csv", "data": B64}}]}]},
     "contents[0].parts[0].inline_data.data"),
    ("bedrock", "converse", {"messages": [{"role": "user", "content": [
        {"document": {"format": "csv", "name": "clients", "source": {"bytes": B64}}}]}]},
     "messages[0].content[0].document.source.bytes"),
]


@pytest.mark.parametrize(("adapter", "endpoint", "body", "where"), CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_adapters_scan_and_rewrite_text_files(adapter: str, endpoint: str, body: dict[str, object], where: str) -> None:
    a = adapter_for(adapter)
    raw = json.dumps(body).encode()
    parsed = a.parse(endpoint, raw, {})
    assert pairs(parsed) == [(where, CSV)]
    assert a.rewrite(parsed, {0: CSV}) == raw
    out = a.rewrite(parsed, {0: CSV.replace("FR76 3000 6000 0112 3456 7890 189", "[IBAN]")})
    assert pairs(a.parse(endpoint, out, {})) == [(where, "nom;iban\nDupont;[IBAN]\n")]
    assert len(out) < len(raw)


@pytest.mark.parametrize(
    ("adapter", "endpoint", "body"),
    [
        ("anthropic", "messages", {"messages": [{"role": "user", "content": [
            {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": B64}}]}]}),
        ("gemini", "generate_content", {"contents": [{"parts": [{"inlineData": {"mimeType": "image/png", "data": B64}}]}]}),
        ("bedrock", "converse", {"messages": [{"role": "user", "content": [
            {"document": {"format": "pdf", "name": "c", "source": {"bytes": B64}}}]}]}),
        ("openai", "chat", {"messages": [{"role": "user", "content": [
            {"type": "file", "file": {"file_id": "file-abc"}}]}]}),
    ],
)
def test_binary_files_are_not_text(adapter: str, endpoint: str, body: dict[str, object]) -> None:
    assert adapter_for(adapter).parse(endpoint, json.dumps(body).encode(), {}).segments == ()
