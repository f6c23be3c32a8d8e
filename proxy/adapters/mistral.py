"""MistralAdapter: Mistral API bodies (chat, FIM, embeddings, agents, conversations); never adds a field."""

from __future__ import annotations

from typing import Any

from proxy.adapters import openai
from proxy.adapters.base import AdapterError, Reply
from proxy.adapters.collector import Collector
from proxy.adapters.json_adapter import UPLOAD, JsonAdapter, compile_routes
from proxy.adapters.jsonbody import json_reply_body, reply_headers

ROUTES = compile_routes(
    (r"(?:^|/)chat/completions$", "chat"),
    (r"(?:^|/)agents/completions$", "agents"),
    (r"(?:^|/)fim/completions$", "fim"),
    (r"(?:^|/)embeddings$", "embeddings"),
    (r"(?:^|/)conversations(?:/[^/]+(?:/restart)?)?$", "conversations"),
    (r"(?:^|/)files$", UPLOAD),
)


def conversations(c: Collector, body: dict[str, Any]) -> None:
    """POST /v1/conversations[/{id}[/restart]]: `inputs` is a string or entries with message content."""
    c.text(body.get("instructions"), ("instructions",))
    inputs = body.get("inputs")
    if inputs is None or isinstance(inputs, str):
        c.text(inputs, ("inputs",))
        return
    for path, entry in c.items(inputs, ("inputs",)):
        entry = c.obj(entry, path, optional=False)
        openai.content(c, entry.get("content"), (*path, "content"))
        c.json_string(entry.get("arguments"), (*path, "arguments"))  # function.call entries
        c.text(entry.get("result"), (*path, "result"))  # function.result entries


class MistralAdapter(JsonAdapter):
    """api.mistral.ai, codestral.mistral.ai."""

    name = "mistral"
    routes = ROUTES

    def walk(self, endpoint: str, c: Collector, body: dict[str, Any]) -> None:
        if endpoint in ("chat", "agents"):
            openai.chat(c, body)
        elif endpoint == "fim":
            openai.completions(c, body)  # prompt + suffix, like legacy completions
        elif endpoint == "embeddings":
            openai.embeddings(c, body)
        elif endpoint == "conversations":
            conversations(c, body)
        else:
            raise AdapterError(f"the mistral adapter has no endpoint {endpoint!r}")

    def block_reply(self, endpoint: str, message: str, code: str) -> Reply:
        # 400: mistralai's SDK shows the body of a 400; it parses a 422 as a validation error list instead.
        body = {"object": "error", "message": message, "type": "invalid_request_error", "param": None, "code": code}
        return Reply(400, reply_headers(), json_reply_body(body))
