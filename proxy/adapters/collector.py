"""Collector: walks a parsed JSON body and gathers the segments to scan, failing on wrong types."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from proxy.adapters import filetext
from proxy.adapters.base import AdapterError, Segment
from proxy.adapters.jsonbody import NESTED, Doc, Path, iter_strings, location, parse_text, type_name


class Collector:
    """Walks a parsed body and gathers segments; type errors become AdapterErrors naming the location."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.segments: list[Segment] = []

    def fail(self, path: Path, expected: str, value: object) -> AdapterError:
        return AdapterError(f"{location(path) or 'body'}: expected {expected}, got {type_name(value)}")

    def add(self, path: Path, text: str) -> None:
        if text:
            self.segments.append(Segment(location(path), text, path))

    def text(self, value: object, path: Path, *, optional: bool = True) -> None:
        """A field that must be a string (or absent/null when optional)."""
        if isinstance(value, str):
            self.add(path, value)
        elif not (optional and value is None):
            raise self.fail(path, "a string", value)

    def strings(self, value: object, path: Path, skip_keys: frozenset[str] = frozenset()) -> None:
        """Every string value under `value`, recursively (tool inputs, function responses)."""
        for sub, text in iter_strings(value, path, skip_keys):
            self.add(sub, text)

    def json_string(self, value: object, path: Path, *, optional: bool = True) -> None:
        """A string holding JSON (tool-call arguments): scan its string values; non-JSON is scanned whole."""
        if value is None and optional:
            return
        if isinstance(value, dict | list):  # Mistral also accepts the arguments as an object
            self.strings(value, path)
            return
        if not isinstance(value, str):
            raise self.fail(path, "a string", value)
        try:
            inner = parse_text(value)
        except AdapterError:
            self.add(path, value)  # models sometimes send truncated arguments: still scan them as text
            return
        self.doc.nested[path] = inner
        for sub, text in iter_strings(inner.value, ()):
            self.add((*path, NESTED, *sub), text)

    def file_text(self, value: object, path: Path, mime: object = "", filename: object = "") -> None:
        """A base64 file (bare or data URL): its text is scanned when it is a UTF-8 text file."""
        if not isinstance(value, str):
            return  # files are not ours to validate; a wrong type here is the service's to refuse
        text = filetext.decode(value, str(mime or ""), str(filename or ""))
        if text:
            self.add((*path, filetext.BASE64), text)

    def items(self, value: object, path: Path, *, optional: bool = True) -> Iterator[tuple[Path, Any]]:
        """(path, item) of an array field; absent/null is empty when optional."""
        if value is None and optional:
            return iter(())
        if not isinstance(value, list):
            raise self.fail(path, "an array", value)
        return (((*path, i), item) for i, item in enumerate(value))

    def obj(self, value: object, path: Path, *, optional: bool = True) -> dict[str, Any]:
        """An object field; absent/null is {} when optional."""
        if value is None and optional:
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, "an object", value)
        return value
