"""GenericAdapter: catalogued hosts without a specific adapter; every string of JSON, form and text bodies."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from proxy.adapters import filetext
from proxy.adapters.base import Adapter, AdapterError, ParsedRequest, Reply, Segment
from proxy.adapters.form import Form
from proxy.adapters.json_adapter import segment_paths
from proxy.adapters.jsonbody import (
    NESTED,
    Doc,
    Path,
    json_reply_body,
    location,
    parse_bytes,
    parse_text,
    reply_headers,
    rewrite_doc,
)

# Keys whose values are identifiers or settings, never something a user typed.
SKIP_KEYS = frozenset(
    {"model", "id", "type", "role", "object", "uuid", "action", "mode", "status", "version", "locale", "timezone",
     "content_type", "mime_type", "mimeType", "media_type", "format", "encoding", "url", "href", "src", "icon",
     # Anti-forgery tokens the app sends itself (Gemini web's `at`): scanning them only breeds false positives.
     "at", "csrf", "_csrf", "csrf_token", "csrfToken", "xsrf", "xsrf_token"}
)
_ID_KEY = re.compile(r".*(?:_id|_ids|Id|Ids|_uuid|_at|At)$")  # identifiers and timestamps
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{200,}={0,2}")
_MAX_NESTING = 8  # JSON inside a string inside JSON...: Gemini web goes three deep


def _skipped_key(key: str) -> bool:
    return key in SKIP_KEYS or bool(_ID_KEY.fullmatch(key))


def _not_text(value: str) -> bool:
    """Data URLs and long base64 blobs are files, not text (text-file data URLs are decoded by the caller)."""
    return (value.startswith("data:") and ";base64," in value[:200]) or bool(_BASE64.fullmatch(value))


def _looks_json(value: str) -> bool:
    s = value.strip()
    return len(s) >= 2 and ((s[0] == "{" and s[-1] == "}") or (s[0] == "[" and s[-1] == "]"))


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return ""


def _charset(content_type: str) -> str:
    match = re.search(r";\s*charset=\"?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else "utf-8"


def _where(full: Path, field: str | None) -> str:
    """Location of a segment: its JSON path, under the form field's name for form bodies."""
    if field is None:
        return location(full) or "body"
    name, rest = location((field,)), location(full[1:])
    return name + ("." if rest and not rest.startswith("[") else "") + rest


def walk_string(doc: Doc, rel: Path, value: str, full: Path, field: str | None, out: list[Segment], depth: int) -> None:
    """A string: scanned as text, or, when it holds JSON (Gemini web's f.req), walked as a document of its own."""
    if not value:
        return
    if _not_text(value):
        # A text file as a data URL inside JSON is read like the specific adapters read inline files.
        text = filetext.decode(value) if rel in doc.spans and value.startswith("data:") else None
        if text:
            out.append(Segment(_where(full, field), text, (*full, filetext.BASE64)))
        return
    if depth < _MAX_NESTING and _looks_json(value):
        try:
            inner = parse_text(value)
        except AdapterError:
            inner = None
        if inner is not None:
            doc.nested[rel] = inner
            walk_json(inner, inner.value, (), (*full, NESTED), field, out, depth + 1)
            return
    out.append(Segment(_where(full, field), value, full))


def walk_json(doc: Doc, value: Any, rel: Path, full: Path, field: str | None, out: list[Segment], depth: int) -> None:
    """Every string under `value`; `rel` is its path in `doc`, `full` its path from the request body."""
    if isinstance(value, str):
        walk_string(doc, rel, value, full, field, out, depth)
    elif isinstance(value, dict):
        for key, sub in value.items():
            if not _skipped_key(key):
                walk_json(doc, sub, (*rel, key), (*full, key), field, out, depth)
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            walk_json(doc, sub, (*rel, i), (*full, i), field, out, depth)


class GenericAdapter(Adapter):
    """JSON: every string value; form: every field value; text/*: the whole body; multipart: nothing yet."""

    name = "generic"

    def endpoint(self, method: str, path: str) -> str | None:
        return "generic" if method.upper() in ("POST", "PUT", "PATCH") else None

    def parse(self, endpoint: str, body: bytes, headers: Mapping[str, str]) -> ParsedRequest:
        content_type = _header(headers, "content-type")
        mime = content_type.split(";", 1)[0].strip().lower()
        segments: list[Segment] = []
        if not body.strip():
            return ParsedRequest(endpoint, (), None, rewritable=False)
        sniffed = body.lstrip()[:1] in (b"{", b"[")
        declared = mime in ("application/json", "text/json") or mime.endswith("+json") or (not mime and sniffed)
        # Web apps also post JSON as text/plain to skip the CORS preflight: read it as JSON when it is.
        if declared or (mime == "text/plain" and sniffed):
            try:
                doc = parse_bytes(body)
            except AdapterError:
                if declared:
                    raise
            else:
                walk_json(doc, doc.value, (), (), None, segments, 0)
                return ParsedRequest(endpoint, tuple(segments), ("json", doc), model=_model(doc.value))
        if mime == "application/x-www-form-urlencoded":
            form = Form.parse(body, _charset(content_type))
            docs: dict[int, Doc] = {}
            for i, (name, value, _, _) in enumerate(form.fields):
                if _skipped_key(name):
                    continue
                holder = Doc("", None)  # collects the field's nested document, if its value is JSON
                walk_string(holder, (i,), value, (i,), name, segments, 0)
                if (i,) in holder.nested:
                    docs[i] = holder.nested[(i,)]
            return ParsedRequest(endpoint, tuple(segments), ("form", form, docs))
        if mime.startswith("text/"):
            charset = _charset(content_type)
            try:
                text = body.decode(charset)
            except (UnicodeDecodeError, LookupError):
                raise AdapterError(f"text body is not valid {charset}") from None
            return ParsedRequest(endpoint, (Segment("body", text, ()),), ("text", charset))
        # multipart (file uploads: a later issue), octet-stream, protobuf: nothing read as text.
        return ParsedRequest(endpoint, (), None, rewritable=False)

    def rewrite(self, parsed: ParsedRequest, replacements: Mapping[int, str]) -> bytes:
        if not parsed.rewritable or not isinstance(parsed.body, tuple):
            raise AdapterError("this request has no text body to rewrite")
        paths = segment_paths(parsed, replacements)
        kind = parsed.body[0]
        if kind == "json":
            return rewrite_doc(parsed.body[1], paths).encode("utf-8")
        if kind == "text":
            charset = parsed.body[1]
            text = paths.get((), parsed.segments[0].text)
            try:
                return text.encode(charset)
            except UnicodeEncodeError:
                raise AdapterError(f"replacement cannot be written in {charset}") from None
        form: Form = parsed.body[1]
        docs: dict[int, Doc] = parsed.body[2]
        values: dict[int, str] = {}
        nested: dict[int, dict[Path, str]] = {}
        for path, new in paths.items():
            index = int(path[0])  # form segment paths start with the field's index
            if len(path) == 1:
                values[index] = new
            else:
                nested.setdefault(index, {})[path[2:]] = new
        for index, reps in nested.items():
            values[index] = rewrite_doc(docs[index], reps)
        return form.render(values)

    def block_reply(self, endpoint: str, message: str, code: str) -> Reply:
        return Reply(403, reply_headers(), json_reply_body({"error": {"message": message, "code": code}}))


def _model(value: object) -> str:
    model = value.get("model") if isinstance(value, dict) else None
    return model if isinstance(model, str) else ""
