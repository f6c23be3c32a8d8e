"""Every adapter against garbage: bad JSON, wrong types anywhere, truncation, bad UTF-8 give AdapterError only."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from adapter_helpers import fixture, fixtures

from proxy.adapters import ADAPTER_NAMES, AdapterError, adapter_for
from proxy.adapters.json_adapter import UPLOAD, JsonAdapter

SECRET = "SECRET-VALUE-4242"  # planted in bodies: must never show up in an error message

JSON_ADAPTERS = sorted(n for n in ADAPTER_NAMES if isinstance(adapter_for(n), JsonAdapter))
ENDPOINTS = [
    (name, endpoint)
    for name in JSON_ADAPTERS
    for endpoint in sorted({e for _, e in adapter_for(name).routes} - {UPLOAD})  # type: ignore[attr-defined]
]

GARBAGE = [
    b"",
    b"   \n",
    b"{",
    b"[]",
    f'"{SECRET}"'.encode(),
    b"null",
    b"42",
    b"\xff\xfe{}",
    b"\xef\xbb\xbf{}",  # UTF-8 BOM
    b'{"a":1}{"b":2}',
    b"[" * 100_000,
    b'{"messages": [' * 50_000,
    b'{"a": NaN}',
    f"{{'messages': '{SECRET}'}}".encode(),
    b'{"model": "x",}',
    f'{{"messages": [{{"role": "user", "content": "{SECRET}\x01"}}]}}'.encode(),  # raw control character
    f'{{"messages": "{SECRET}'.encode(),  # truncated
    f'{{"prompt": "{SECRET}\xc3"}}'.encode("latin-1"),  # invalid UTF-8 inside a string
]


@pytest.mark.parametrize(("adapter", "endpoint"), ENDPOINTS)
@pytest.mark.parametrize("body", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage(adapter: str, endpoint: str, body: bytes) -> None:
    with pytest.raises(AdapterError) as e:
        adapter_for(adapter).parse(endpoint, body, {"content-type": "application/json"})
    assert SECRET not in str(e.value)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*path, i))
    return out


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replace(value[path[0]], path[1:], new)
    return copy


def _survives(adapter: str, endpoint: str, body: bytes) -> None:
    """Parse either fails cleanly or gives segments that rewrite losslessly."""
    a = adapter_for(adapter)
    try:
        parsed = a.parse(endpoint, body, {"content-type": "application/json"})
    except AdapterError as e:
        assert SECRET not in str(e)
        return
    assert a.rewrite(parsed, {i: s.text for i, s in enumerate(parsed.segments)}) == body
    if parsed.segments:
        out = a.rewrite(parsed, {i: "[X]" for i in range(len(parsed.segments))})
        assert [s.text for s in a.parse(endpoint, out, {}).segments] == ["[X]"] * len(parsed.segments)


JSON_FIXTURES = sorted(
    (adapter, name) for (adapter, name), entry in fixtures().items()
    if entry["content_type"].startswith("application/json")  # the generic adapter's JSON bodies too
)


@pytest.mark.parametrize(("adapter", "name"), JSON_FIXTURES)
def test_wrong_type_anywhere(adapter: str, name: str) -> None:
    """Every value of every fixture swapped for each other JSON type, one at a time."""
    entry, body = fixture(adapter, name)
    endpoint = adapter_for(adapter).endpoint(entry["method"], entry["path"])
    assert endpoint is not None
    value = json.loads(body)
    for path in _paths(value)[1:]:
        for new in (SECRET, 7, 1.5, None, True, [], {}, [SECRET], {"text": SECRET}):
            _survives(adapter, endpoint, json.dumps(_replace(value, path, new)).encode())


@pytest.mark.parametrize(("adapter", "name"), JSON_FIXTURES)
def test_truncated_and_corrupted(adapter: str, name: str) -> None:
    entry, body = fixture(adapter, name)
    endpoint = adapter_for(adapter).endpoint(entry["method"], entry["path"])
    assert endpoint is not None
    rng = random.Random(f"{adapter}/{name}")  # deterministic
    for cut in sorted(rng.sample(range(1, len(body)), min(40, len(body) - 1))):
        with pytest.raises(AdapterError):
            adapter_for(adapter).parse(endpoint, body[:cut], {})
    for _ in range(150):
        mutated = bytearray(body)
        for _ in range(rng.randint(1, 3)):
            mutated[rng.randrange(len(mutated))] = rng.choice(b'{}[]":,\\ \x00\xff\xc3a0')
        _survives(adapter, endpoint, bytes(mutated))


def test_lone_surrogate_escape_is_text_and_rewritable() -> None:
    a = adapter_for("openai")
    body = b'{"messages":[{"role":"user","content":"a\\ud800b"}]}'
    parsed = a.parse("chat", body, {})
    assert parsed.segments[0].text == "a\ud800b"
    assert a.rewrite(parsed, {0: "x\ud800"}) == b'{"messages":[{"role":"user","content":"x\\ud800"}]}'


def test_duplicate_keys_follow_the_last_one() -> None:
    a = adapter_for("openai")
    body = b'{"input":"first","input":"second"}'
    parsed = a.parse("embeddings", body, {})
    assert [s.text for s in parsed.segments] == ["second"]
    assert a.rewrite(parsed, {0: "[X]"}) == b'{"input":"first","input":"[X]"}'
