"""Shared helpers of the adapter tests: fixture bodies and the round-trip checks every adapter must pass."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from proxy.adapters import adapter_for
from proxy.adapters.base import ParsedRequest
from proxy.adapters.filetext import BASE64
from proxy.adapters.jsonbody import NESTED

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@cache
def fixtures() -> dict[tuple[str, str], dict[str, Any]]:
    """(adapter, name) -> index entry, from the SDK recordings and the hand-made bodies."""
    out = {}
    for index in ("index.json", "handmade.json"):
        for entry in json.loads((FIXTURES / index).read_text(encoding="utf-8")):
            out[(entry["adapter"], entry["name"])] = entry
    return out


def fixture(adapter: str, name: str) -> tuple[dict[str, Any], bytes]:
    entry = fixtures()[(adapter, name)]
    return entry, (FIXTURES / entry["file"]).read_bytes()


def parse_fixture(adapter: str, name: str, headers: dict[str, str] | None = None) -> tuple[ParsedRequest, bytes]:
    """Route the recorded request through the adapter's endpoint() and parse its body."""
    entry, body = fixture(adapter, name)
    a = adapter_for(adapter)
    endpoint = a.endpoint(entry["method"], entry["path"])
    assert endpoint is not None, f"{adapter}/{name}: {entry['path']} is not routed"
    return a.parse(endpoint, body, headers or {"content-type": entry["content_type"]}), body


def pairs(parsed: ParsedRequest) -> list[tuple[str, str]]:
    return [(s.location, s.text) for s in parsed.segments]


def leaf_diff(a: Any, b: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths where two JSON values differ; a changed key set or list length is a difference at the container."""
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):  # key order too: nothing added, removed or moved
            return [path]
        return [p for k in a for p in leaf_diff(a[k], b[k], (*path, k))]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [path]
        return [p for i, (x, y) in enumerate(zip(a, b, strict=True)) for p in leaf_diff(x, y, (*path, i))]
    if type(a) is not type(b) or a != b:
        return [path]
    return []


def outer(path: tuple[Any, ...]) -> tuple[Any, ...]:
    """The path of the body string holding a segment (tool arguments in a JSON string, text files in base64)."""
    cut = next((i for i, part in enumerate(path) if part in (NESTED, BASE64)), len(path))
    return path[:cut]


def check_round_trips(adapter: str, parsed: ParsedRequest, body: bytes, content_type: str = "application/json") -> None:
    """Identity rewrite is byte-exact; a changed rewrite changes only the strings replaced, and reads back."""
    a = adapter_for(adapter)
    assert a.rewrite(parsed, {i: s.text for i, s in enumerate(parsed.segments)}) == body
    if not parsed.segments:
        return
    new = {i: f"[R{i}] é {s.text[:3]}" for i, s in enumerate(parsed.segments)}
    out = a.rewrite(parsed, new)
    reparsed = a.parse(parsed.endpoint, out, {"content-type": content_type})
    assert [(s.location, s.text) for s in reparsed.segments] == [
        (s.location, new[i]) for i, s in enumerate(parsed.segments)
    ]
    changed = {outer(s.path) for s in parsed.segments}
    for path in leaf_diff(json.loads(body), json.loads(out)):
        assert path in changed, f"rewrite changed {path}, which holds no segment"
    # Same spelling: with every string literal taken out, the two bodies are identical (spacing, numbers, order).
    assert skeleton(out) == skeleton(body)


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def skeleton(body: bytes) -> bytes:
    return _STRING.sub(b'""', body)
