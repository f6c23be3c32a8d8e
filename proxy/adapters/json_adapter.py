"""JsonAdapter: the shared parse/rewrite machinery of the adapters whose requests are JSON bodies."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from proxy.adapters.base import Adapter, AdapterError, ParsedRequest
from proxy.adapters.collector import Collector
from proxy.adapters.jsonbody import Doc, Path, parse_bytes, rewrite_doc, root_object

# Endpoints whose bodies are file uploads (multipart or raw bytes): recognised, not scanned yet (a later issue).
UPLOAD = "upload"


Routes = tuple[tuple[re.Pattern[str], str], ...]


def compile_routes(*pairs: tuple[str, str]) -> Routes:
    """(path regex, endpoint name) pairs compiled once, tried in this order by `route`."""
    return tuple((re.compile(pattern), name) for pattern, name in pairs)


def route(routes: Routes, method: str, path: str) -> str | None:
    """First endpoint whose pattern matches a POST path (query string and trailing slash ignored)."""
    if method.upper() != "POST":
        return None
    bare = path.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    for pattern, name in routes:
        if pattern.search(bare):
            return name
    return None


def segment_paths(parsed: ParsedRequest, replacements: Mapping[int, str]) -> dict[Path, str]:
    """Replacements keyed by the body path of their segment instead of its index."""
    paths: dict[Path, str] = {}
    for index, new in replacements.items():
        if not 0 <= index < len(parsed.segments):
            raise AdapterError(f"no segment {index} in this request")
        paths[parsed.segments[index].path] = new
    return paths


class JsonAdapter(Adapter):
    """Parses a JSON object body, lets the subclass walk it, and rewrites by splicing strings in place."""

    routes: Routes = ()

    def endpoint(self, method: str, path: str) -> str | None:
        return route(self.routes, method, path)

    def parse(self, endpoint: str, body: bytes, headers: Mapping[str, str]) -> ParsedRequest:
        if endpoint == UPLOAD:
            return ParsedRequest(UPLOAD, (), None, rewritable=False)
        doc = parse_bytes(body)
        root = root_object(doc)
        collector = Collector(doc)
        self.walk(endpoint, collector, root)
        model = root.get("model")
        return ParsedRequest(
            endpoint,
            tuple(collector.segments),
            doc,
            rewritable=self.rewritable(headers),
            stream=self.streams(endpoint, root),
            model=model if isinstance(model, str) else "",
        )

    def walk(self, endpoint: str, c: Collector, body: dict[str, Any]) -> None:
        """Add every user-supplied text of `body` to `c`; raise AdapterError on wrong types."""
        raise NotImplementedError

    def streams(self, endpoint: str, body: dict[str, Any]) -> bool:
        return body.get("stream") is True

    def rewritable(self, headers: Mapping[str, str]) -> bool:
        return True

    def rewrite(self, parsed: ParsedRequest, replacements: Mapping[int, str]) -> bytes:
        if not replacements:
            if isinstance(parsed.body, Doc):
                return parsed.body.text.encode("utf-8")
            raise AdapterError("this request has no body to rewrite")
        if not parsed.rewritable or not isinstance(parsed.body, Doc):
            raise AdapterError("this request cannot be rewritten (signed or not parsed)")
        return rewrite_doc(parsed.body, segment_paths(parsed, replacements)).encode("utf-8")
