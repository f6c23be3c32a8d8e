"""JSON bodies read with the position of every string, so a rewrite splices new strings and changes nothing else."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from proxy.adapters import filetext
from proxy.adapters.base import AdapterError

Path = tuple[str | int, ...]

# The C string scanner behind json.loads: decodes one string literal and says where it ends.
scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]

# Marks "the string at the path before is itself JSON; what follows is a path inside it" (tool-call arguments).
NESTED = "\x00json"

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERALS = {"true": True, "false": False, "null": None}
_MAX_DEPTH = 256  # deeper than any real request; keeps recursion bounded on hostile input
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SAFE_KEY = re.compile(r"[A-Za-z0-9_.$@-]{1,64}")


def type_name(value: object) -> str:
    """JSON type of a parsed value, for error messages that never quote the value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def location(path: Path) -> str:
    """Readable location such as messages[1].content[0].text; keys that look like data are hidden."""
    out: list[str] = []
    for part in path:
        if part in (NESTED, filetext.BASE64):
            continue
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            key = part if _SAFE_KEY.fullmatch(part) else "*"
            out.append(f".{key}" if out else key)
    return "".join(out)


@dataclass(slots=True)
class Doc:
    """A parsed JSON text: its value, and the span of every string value keyed by its path."""

    text: str
    value: Any
    spans: dict[Path, tuple[int, int]] = field(default_factory=dict)
    nested: dict[Path, Doc] = field(default_factory=dict)  # string values that were parsed as JSON themselves


class _Parser:
    def __init__(self, text: str, spans: dict[Path, tuple[int, int]]) -> None:
        self.s = text
        self.spans = spans

    def ws(self, i: int) -> int:
        m = _WS.match(self.s, i)
        return m.end() if m else i

    def value(self, i: int, path: Path, depth: int) -> tuple[Any, int]:
        if depth > _MAX_DEPTH:
            raise AdapterError("JSON nested too deeply")
        s = self.s
        c = s[i : i + 1]
        if c == '"':
            text, end = scanstring(s, i + 1, True)
            self.spans[path] = (i, end)
            return text, end
        if c == "{":
            return self.object(i + 1, path, depth + 1)
        if c == "[":
            return self.array(i + 1, path, depth + 1)
        for word, literal in _LITERALS.items():
            if s.startswith(word, i):
                return literal, i + len(word)
        m = _NUMBER.match(s, i)
        if m and m.end() > i:
            raw = m.group()
            return (float(raw) if any(ch in raw for ch in ".eE") else int(raw)), m.end()
        raise AdapterError(f"invalid JSON at character {i}")

    def object(self, i: int, path: Path, depth: int) -> tuple[dict[str, Any], int]:
        s = self.s
        out: dict[str, Any] = {}
        i = self.ws(i)
        if s[i : i + 1] == "}":
            return out, i + 1
        while True:
            if s[i : i + 1] != '"':
                raise AdapterError(f"invalid JSON at character {i}: expected a key")
            key, i = scanstring(s, i + 1, True)
            i = self.ws(i)
            if s[i : i + 1] != ":":
                raise AdapterError(f"invalid JSON at character {i}: expected ':'")
            i = self.ws(i + 1)
            if key in out:  # the last one wins in json.loads; the service sees the same, keep only its span
                self.spans = {p: v for p, v in self.spans.items() if p[: len(path) + 1] != (*path, key)}
            out[key], i = self.value(i, (*path, key), depth)
            i = self.ws(i)
            c = s[i : i + 1]
            if c == "}":
                return out, i + 1
            if c != ",":
                raise AdapterError(f"invalid JSON at character {i}: expected ',' or '}}'")
            i = self.ws(i + 1)

    def array(self, i: int, path: Path, depth: int) -> tuple[list[Any], int]:
        s = self.s
        out: list[Any] = []
        i = self.ws(i)
        if s[i : i + 1] == "]":
            return out, i + 1
        while True:
            item, i = self.value(i, (*path, len(out)), depth)
            out.append(item)
            i = self.ws(i)
            c = s[i : i + 1]
            if c == "]":
                return out, i + 1
            if c != ",":
                raise AdapterError(f"invalid JSON at character {i}: expected ',' or ']'")
            i = self.ws(i + 1)


def parse_text(text: str) -> Doc:
    """Parse JSON text with string spans; any defect is an AdapterError that does not quote the text."""
    spans: dict[Path, tuple[int, int]] = {}
    parser = _Parser(text, spans)
    try:
        start = parser.ws(0)
        value, end = parser.value(start, (), 0)
        if parser.ws(end) != len(text):
            raise AdapterError(f"invalid JSON: extra data at character {parser.ws(end)}")
    except json.JSONDecodeError as e:
        raise AdapterError(f"invalid JSON at character {e.pos}: {e.msg}") from None
    except RecursionError:
        raise AdapterError("JSON nested too deeply") from None
    return Doc(text, value, parser.spans)


def parse_bytes(body: bytes) -> Doc:
    """Parse a UTF-8 JSON body."""
    if not body.strip():
        raise AdapterError("empty body where JSON was expected")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AdapterError(f"body is not valid UTF-8 (byte {e.start})") from None
    return parse_text(text)


def encode_string(value: str, like: str, doc_escapes: bool = False) -> str:
    """JSON string literal for `value` written like the literal `like`: non-ASCII escaped or raw UTF-8.

    The literal decides when it holds non-ASCII; a pure-ASCII one follows the document (`doc_escapes`).
    """
    if like.isascii():
        decoded, _ = scanstring(like, 1, True)
        ascii_only = doc_escapes if decoded.isascii() else True
    else:
        ascii_only = False
    out = json.dumps(value, ensure_ascii=ascii_only)
    if not ascii_only:
        # A lone surrogate cannot be written as UTF-8: escape it as the JSON spec allows.
        out = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", out)
    return out


def escapes_non_ascii(text: str) -> bool:
    """Whether a JSON text looks written with escaped non-ASCII (Python's default): all ASCII, with \\u escapes."""
    return text.isascii() and "\\u" in text


def _splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    pos = 0
    for start, end, new in sorted(edits):
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def rewrite_doc(doc: Doc, replacements: Mapping[Path, str]) -> str:
    """The JSON text with the strings at `replacements` paths replaced; every other character is kept."""
    direct: list[tuple[int, int, str]] = []
    inner: dict[Path, dict[Path, str]] = {}
    style = escapes_non_ascii(doc.text)
    for path, new in replacements.items():
        if path in doc.spans:
            start, end = doc.spans[path]
            literal = doc.text[start:end]
            if scanstring(literal, 1, True)[0] != new:  # unchanged strings keep their exact spelling
                direct.append((start, end, encode_string(new, literal, style)))
            continue
        cut = next((i for i, part in enumerate(path) if part in (NESTED, filetext.BASE64)), -1)
        outer = path[:cut]
        if cut < 0 or outer not in doc.spans:
            raise AdapterError("replacement for a location that is not a string of the body")
        if path[cut] == filetext.BASE64:  # a base64 text file: re-encode the whole file
            start, end = doc.spans[outer]
            literal = doc.text[start:end]
            original = scanstring(literal, 1, True)[0]
            encoded = filetext.encode(original, new)
            if encoded != original:
                direct.append((start, end, encode_string(encoded, literal, style)))
            continue
        if outer not in doc.nested:
            raise AdapterError("replacement for a location that is not a string of the body")
        inner.setdefault(outer, {})[path[cut + 1 :]] = new
    for outer, reps in inner.items():
        start, end = doc.spans[outer]
        text = rewrite_doc(doc.nested[outer], reps)
        if text != doc.nested[outer].text:
            direct.append((start, end, encode_string(text, doc.text[start:end], style)))
    return _splice(doc.text, direct)


def iter_strings(value: object, path: Path, skip_keys: frozenset[str] = frozenset()) -> Iterator[tuple[Path, str]]:
    """(path, string) of every string under a value, depth first in document order."""
    stack: list[tuple[Path, object]] = [(path, value)]
    while stack:
        p, v = stack.pop()
        if isinstance(v, str):
            yield p, v
        elif isinstance(v, dict):
            stack.extend(((*p, k), sub) for k, sub in reversed(v.items()) if k not in skip_keys)
        elif isinstance(v, list):
            stack.extend(((*p, i), sub) for i, sub in reversed(list(enumerate(v))))


def root_object(doc: Doc) -> dict[str, Any]:
    """The body's top-level object, or an AdapterError."""
    if not isinstance(doc.value, dict):
        raise AdapterError(f"body: expected a JSON object, got {type_name(doc.value)}")
    return doc.value


def json_reply_body(payload: object) -> bytes:
    """Serialise an error body (the message is bilingual: keep accents readable)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def reply_headers(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Headers every refusal carries: JSON content and no client retry."""
    out = {"content-type": "application/json", "x-should-retry": "false"}
    if extra:
        out.update(extra)
    return out
