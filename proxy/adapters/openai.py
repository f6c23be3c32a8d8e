"""OpenAIAdapter: OpenAI API bodies (chat, responses, completions, embeddings, assistants) and compatible APIs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from proxy.adapters.base import AdapterError, Reply
from proxy.adapters.collector import Collector
from proxy.adapters.json_adapter import UPLOAD, JsonAdapter, compile_routes
from proxy.adapters.jsonbody import Path, json_reply_body, reply_headers

# Matched on the end of the path, so /v1, /openai/v1, /v1beta/openai, /api/v1 (OpenRouter), /inference/v1
# (Fireworks), /compatible-mode/v1 (Qwen) and bare /chat/completions (GitHub Copilot, Perplexity) all work.
ROUTES = compile_routes(
    (r"(?:^|/)chat/completions$", "chat"),
    (r"(?:^|/)(?:engines/[^/]+/)?completions$", "completions"),
    (r"(?:^|/)embeddings$", "embeddings"),
    (r"(?:^|/)responses(?:/input_tokens)?$", "responses"),
    (r"(?:^|/)assistants(?:/[^/]+)?$", "assistants"),
    (r"(?:^|/)threads(?:/runs)?$", "threads"),
    (r"(?:^|/)threads/[^/]+/messages$", "thread_messages"),
    (r"(?:^|/)threads/[^/]+/runs$", "runs"),
    (r"(?:^|/)conversations(?:/[^/]+/items)?$", "conversations"),
    (r"(?:^|/)moderations$", "moderations"),
    (r"(?:^|/)images/generations$", "images"),
    (r"(?:^|/)audio/speech$", "speech"),
    (r"(?:^|/)realtime/(?:sessions|transcription_sessions|client_secrets)$", "realtime_session"),
    (r"(?:^|/)(?:files|uploads/[^/]+/parts)$", UPLOAD),
)

# Parts that carry text; image, audio and file parts are not text (file_data of text files: a later issue).
_TEXT_PARTS = frozenset({"text", "input_text", "output_text"})
# Keys under tool outputs that are identifiers or binary, not text a user wrote.
_NOT_TEXT = frozenset({"type", "id", "call_id", "status", "image_url", "file_data", "file_id", "detail"})


def content(c: Collector, value: object, path: Path) -> None:
    """A message `content`: a string, null, or an array of parts whose text parts are scanned."""
    if value is None or isinstance(value, str):
        c.text(value, path)
        return
    for part_path, item in c.items(value, path, optional=False):
        part(c, item, part_path)


def part(c: Collector, value: object, path: Path) -> None:
    """One content part: text, and inline files that are text; images and audio are not text."""
    obj = c.obj(value, path, optional=False)
    kind = obj.get("type")
    if (isinstance(kind, str) and kind in _TEXT_PARTS) or (kind is None and "text" in obj):
        text = obj.get("text")
        if isinstance(text, dict):  # Assistants API messages read back: {"text": {"value": ...}}
            c.text(text.get("value"), (*path, "text", "value"))
        else:
            c.text(text, (*path, "text"), optional=False)
    elif kind == "file":  # chat: {"file": {"file_data": "data:...;base64,...", "filename"}}
        file = c.obj(obj.get("file"), (*path, "file"))
        c.file_text(file.get("file_data"), (*path, "file", "file_data"), "", file.get("filename"))
    elif kind == "input_file":  # responses: {"file_data", "filename"}
        c.file_text(obj.get("file_data"), (*path, "file_data"), "", obj.get("filename"))


def chat(c: Collector, body: dict[str, Any]) -> None:
    """POST /chat/completions."""
    for path, message in c.items(body.get("messages"), ("messages",), optional=False):
        message = c.obj(message, path, optional=False)
        content(c, message.get("content"), (*path, "content"))
        for call_path, call in c.items(message.get("tool_calls"), (*path, "tool_calls")):
            call = c.obj(call, call_path, optional=False)
            function = c.obj(call.get("function"), (*call_path, "function"))
            c.json_string(function.get("arguments"), (*call_path, "function", "arguments"))
            custom = c.obj(call.get("custom"), (*call_path, "custom"))
            c.text(custom.get("input"), (*call_path, "custom", "input"))
        function_call = c.obj(message.get("function_call"), (*path, "function_call"))
        c.json_string(function_call.get("arguments"), (*path, "function_call", "arguments"))
    prediction = c.obj(body.get("prediction"), ("prediction",))
    content(c, prediction.get("content"), ("prediction", "content"))


def responses(c: Collector, body: dict[str, Any]) -> None:
    """POST /responses (and /responses/input_tokens, same body)."""
    c.text(body.get("instructions"), ("instructions",))
    items = body.get("input")
    if isinstance(items, str) or items is None:
        c.text(items, ("input",))
    else:
        for path, item in c.items(items, ("input",)):
            response_item(c, c.obj(item, path, optional=False), path)
    prompt = c.obj(body.get("prompt"), ("prompt",))
    variables = c.obj(prompt.get("variables"), ("prompt", "variables"))
    for name, value in variables.items():
        if isinstance(value, dict):  # input_text / input_image / input_file objects
            if value.get("type") == "input_text":
                c.text(value.get("text"), ("prompt", "variables", name, "text"))
        else:
            c.text(value, ("prompt", "variables", name))


def response_item(c: Collector, item: dict[str, Any], path: Path) -> None:
    """One item of `input`: a message, a tool call echoed back, or a tool output."""
    kind = item.get("type")
    if kind in (None, "message"):
        content(c, item.get("content"), (*path, "content"))
    elif kind in ("function_call", "mcp_call"):
        c.json_string(item.get("arguments"), (*path, "arguments"))
        if kind == "mcp_call":
            c.text(item.get("output"), (*path, "output"))
    elif kind == "custom_tool_call":
        c.text(item.get("input"), (*path, "input"))
    elif kind == "apply_patch_call":
        operation = c.obj(item.get("operation"), (*path, "operation"))
        c.text(operation.get("diff"), (*path, "operation", "diff"))
    elif isinstance(kind, str) and kind.endswith("_output"):
        # function_call_output, custom_tool_call_output, local_shell_call_output...: a string or parts.
        output = item.get("output")
        if isinstance(output, list):
            c.strings(output, (*path, "output"), _NOT_TEXT)
        elif not isinstance(output, dict):  # computer_call_output carries a screenshot object
            c.text(output, (*path, "output"))


def completions(c: Collector, body: dict[str, Any]) -> None:
    """POST /completions: `prompt` is a string, a list of strings, or token ids (not text)."""
    prompt = body.get("prompt")
    if isinstance(prompt, list):
        for path, item in c.items(prompt, ("prompt",)):
            if not isinstance(item, int | list):
                c.text(item, path, optional=False)
    else:
        c.text(prompt, ("prompt",))
    c.text(body.get("suffix"), ("suffix",))


def embeddings(c: Collector, body: dict[str, Any]) -> None:
    """POST /embeddings: `input` is a string, a list of strings, or token ids (not text)."""
    value = body.get("input")
    if isinstance(value, list):
        for path, item in c.items(value, ("input",)):
            if not isinstance(item, int | list):
                c.text(item, path, optional=False)
    else:
        c.text(value, ("input",), optional=False)


def thread_message(c: Collector, message: object, path: Path) -> None:
    """An Assistants message: `content` is a string or text parts."""
    content(c, c.obj(message, path, optional=False).get("content"), (*path, "content"))


def threads(c: Collector, body: dict[str, Any]) -> None:
    """POST /threads (messages) and /threads/runs (a thread plus run instructions)."""
    thread = c.obj(body.get("thread"), ("thread",)) if "thread" in body else body
    prefix: Path = ("thread",) if "thread" in body else ()
    for path, message in c.items(thread.get("messages"), (*prefix, "messages")):
        thread_message(c, message, path)
    if prefix:
        c.text(body.get("instructions"), ("instructions",))


def runs(c: Collector, body: dict[str, Any]) -> None:
    """POST /threads/{id}/runs."""
    c.text(body.get("instructions"), ("instructions",))
    c.text(body.get("additional_instructions"), ("additional_instructions",))
    for path, message in c.items(body.get("additional_messages"), ("additional_messages",)):
        thread_message(c, message, path)


def assistants(c: Collector, body: dict[str, Any]) -> None:
    """POST /assistants and /assistants/{id}."""
    c.text(body.get("instructions"), ("instructions",))


def conversations(c: Collector, body: dict[str, Any]) -> None:
    """POST /conversations and /conversations/{id}/items: `items` are Responses input items."""
    for path, item in c.items(body.get("items"), ("items",)):
        response_item(c, c.obj(item, path, optional=False), path)


def moderations(c: Collector, body: dict[str, Any]) -> None:
    """POST /moderations: `input` is a string, strings, or text/image parts; the text leaves all the same."""
    value = body.get("input")
    if not isinstance(value, list):
        c.text(value, ("input",), optional=False)
        return
    for path, item in c.items(value, ("input",)):
        if isinstance(item, dict):
            part(c, item, path)
        else:
            c.text(item, path, optional=False)


def images(c: Collector, body: dict[str, Any]) -> None:
    """POST /images/generations: the prompt."""
    c.text(body.get("prompt"), ("prompt",), optional=False)


def speech(c: Collector, body: dict[str, Any]) -> None:
    """POST /audio/speech: the text to be read out, and the voice instructions."""
    c.text(body.get("input"), ("input",), optional=False)
    c.text(body.get("instructions"), ("instructions",))


def realtime_session(c: Collector, body: dict[str, Any]) -> None:
    """POST /realtime/sessions or /realtime/client_secrets: the session instructions (frames are a later issue)."""
    c.text(body.get("instructions"), ("instructions",))
    session = c.obj(body.get("session"), ("session",))
    c.text(session.get("instructions"), ("session", "instructions"))


WALKERS = {
    "chat": chat,
    "responses": responses,
    "completions": completions,
    "embeddings": embeddings,
    "assistants": assistants,
    "threads": threads,
    "conversations": conversations,
    "moderations": moderations,
    "images": images,
    "speech": speech,
    "realtime_session": realtime_session,
    "runs": runs,
}


class OpenAIAdapter(JsonAdapter):
    """api.openai.com and every OpenAI-compatible API (Groq, Together, OpenRouter, DeepSeek, Copilot chat...)."""

    name = "openai"
    routes = ROUTES

    def walk(self, endpoint: str, c: Collector, body: dict[str, Any]) -> None:
        if endpoint == "thread_messages":
            thread_message(c, body, ())
        elif endpoint in WALKERS:
            WALKERS[endpoint](c, body)
        else:
            raise AdapterError(f"the openai adapter has no endpoint {endpoint!r}")

    def block_reply(self, endpoint: str, message: str, code: str) -> Reply:
        error = {"message": message, "type": "invalid_request_error", "param": None, "code": code}
        return Reply(403, reply_headers(), json_reply_body({"error": error}))

    def instance(self, host: str, headers: Mapping[str, str]) -> str:
        # An organisation or project header is sent by company integrations; its absence proves nothing.
        lowered = {k.lower() for k in headers}
        return "corporate" if {"openai-organization", "openai-project"} & lowered else "unknown"
