"""AnthropicAdapter: Anthropic Messages API bodies (messages, count_tokens, batches, legacy complete)."""

from __future__ import annotations

from typing import Any

from proxy.adapters.base import AdapterError, Reply
from proxy.adapters.collector import Collector
from proxy.adapters.json_adapter import UPLOAD, JsonAdapter, compile_routes
from proxy.adapters.jsonbody import Path, json_reply_body, reply_headers

ROUTES = compile_routes(
    (r"(?:^|/)messages(?:/count_tokens)?$", "messages"),
    (r"(?:^|/)messages/batches$", "batches"),
    (r"(?:^|/)complete$", "complete"),
    (r"(?:^|/)files$", UPLOAD),
)

# Keys of server tool results that hold identifiers, encrypted state or files, not text.
_NOT_TEXT = frozenset(
    {"type", "tool_use_id", "encrypted_content", "encrypted_index", "encrypted_stdout", "url", "page_age", "file_id",
     "error_code", "media_type", "data", "retrieved_at"}
)


def blocks(c: Collector, value: object, path: Path) -> None:
    """A `content` (or `system`): a string, or an array of content blocks."""
    if value is None or isinstance(value, str):
        c.text(value, path)
        return
    for block_path, block in c.items(value, path, optional=False):
        block = c.obj(block, block_path, optional=False)
        kind = block.get("type")
        if kind == "text":
            c.text(block.get("text"), (*block_path, "text"), optional=False)
        elif kind == "document":
            document(c, block, block_path)
        elif kind in ("tool_use", "server_tool_use", "mcp_tool_use"):
            c.strings(block.get("input"), (*block_path, "input"))
        elif kind == "tool_result":
            blocks(c, block.get("content"), (*block_path, "content"))
        elif isinstance(kind, str) and kind.endswith("_tool_result"):
            # Server tool results (web search, code execution, MCP) echoed back: objects or lists of many shapes.
            c.strings(block.get("content"), (*block_path, "content"), _NOT_TEXT)
        elif kind == "search_result":
            c.text(block.get("title"), (*block_path, "title"))
            blocks(c, block.get("content"), (*block_path, "content"))
        # image, thinking (signed by the service: never touched), redacted_thinking: not user text.


def document(c: Collector, block: dict[str, Any], path: Path) -> None:
    """A document block: text and content sources, and base64 text files; PDFs, URLs and file ids are files."""
    c.text(block.get("title"), (*path, "title"))
    c.text(block.get("context"), (*path, "context"))
    source = c.obj(block.get("source"), (*path, "source"))
    kind = source.get("type")
    if kind == "text":
        c.text(source.get("data"), (*path, "source", "data"), optional=False)
    elif kind == "content":
        blocks(c, source.get("content"), (*path, "source", "content"))
    elif kind == "base64":  # text/plain documents may come base64-encoded too; PDFs are left to file inspection
        c.file_text(source.get("data"), (*path, "source", "data"), source.get("media_type"))


def messages(c: Collector, body: dict[str, Any], base: Path = ()) -> None:
    """A Messages API body (also count_tokens, batch params, Vertex rawPredict, Bedrock invoke)."""
    blocks(c, body.get("system"), (*base, "system"))
    for path, message in c.items(body.get("messages"), (*base, "messages"), optional=False):
        message = c.obj(message, path, optional=False)
        blocks(c, message.get("content"), (*path, "content"))


def batches(c: Collector, body: dict[str, Any]) -> None:
    """POST /v1/messages/batches: every `requests[].params` is a full Messages body."""
    for path, request in c.items(body.get("requests"), ("requests",), optional=False):
        request = c.obj(request, path, optional=False)
        messages(c, c.obj(request.get("params"), (*path, "params"), optional=False), (*path, "params"))


def complete(c: Collector, body: dict[str, Any]) -> None:
    """Legacy POST /v1/complete."""
    c.text(body.get("prompt"), ("prompt",), optional=False)


class AnthropicAdapter(JsonAdapter):
    """api.anthropic.com (and the Anthropic format on GitHub Copilot, Vertex and Bedrock through those adapters)."""

    name = "anthropic"
    routes = ROUTES

    def walk(self, endpoint: str, c: Collector, body: dict[str, Any]) -> None:
        if endpoint == "messages":
            messages(c, body)
        elif endpoint == "batches":
            batches(c, body)
        elif endpoint == "complete":
            complete(c, body)
        else:
            raise AdapterError(f"the anthropic adapter has no endpoint {endpoint!r}")

    def block_reply(self, endpoint: str, message: str, code: str) -> Reply:
        # 403: the SDK raises PermissionDeniedError and does not retry.
        body = {"type": "error", "error": {"type": "invalid_request_error", "message": message}}
        return Reply(403, reply_headers(), json_reply_body(body))
