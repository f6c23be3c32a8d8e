"""BedrockAdapter: Amazon Bedrock runtime (Converse and InvokeModel); SigV4-signed bodies are never rewritten."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from proxy.adapters import anthropic
from proxy.adapters.base import AdapterError, Reply
from proxy.adapters.collector import Collector
from proxy.adapters.json_adapter import JsonAdapter, compile_routes
from proxy.adapters.jsonbody import Path, json_reply_body, reply_headers

# Model ids may be URL-encoded ARNs (%3A, %2F): one path segment either way.
ROUTES = compile_routes(
    (r"^/model/[^/]+/converse$", "converse"),
    (r"^/model/[^/]+/converse-stream$", "converse_stream"),
    (r"^/model/[^/]+/invoke$", "invoke"),
    (r"^/model/[^/]+/invoke-with-response-stream$", "invoke_stream"),
)

# Keys of provider-native InvokeModel bodies that are settings or files, not text.
_NOT_TEXT = frozenset(
    {"modelId", "anthropic_version", "stop_sequences", "stopSequences", "images", "image", "inputImage",
     "bytes", "format", "type", "role", "input_type", "embedding_types", "truncate"}
)


def blocks(c: Collector, value: object, path: Path) -> None:
    """Converse content blocks: text, document text, tool use/result, guard content."""
    for block_path, block in c.items(value, path, optional=False):
        block = c.obj(block, block_path, optional=False)
        c.text(block.get("text"), (*block_path, "text"))
        document = c.obj(block.get("document"), (*block_path, "document"))
        source = c.obj(document.get("source"), (*block_path, "document", "source"))
        c.text(source.get("text"), (*block_path, "document", "source", "text"))
        # txt, csv, md, html documents are text; pdf, doc, xls are files (a later issue).
        c.file_text(source.get("bytes"), (*block_path, "document", "source", "bytes"), "",
                    f"document.{document.get('format')}")
        if "content" in source:
            blocks(c, source["content"], (*block_path, "document", "source", "content"))
        tool_use = c.obj(block.get("toolUse"), (*block_path, "toolUse"))
        c.strings(tool_use.get("input"), (*block_path, "toolUse", "input"))
        result = c.obj(block.get("toolResult"), (*block_path, "toolResult"))
        for item_path, item in c.items(result.get("content"), (*block_path, "toolResult", "content")):
            item = c.obj(item, item_path, optional=False)
            c.text(item.get("text"), (*item_path, "text"))
            c.strings(item.get("json"), (*item_path, "json"))
        guard = c.obj(block.get("guardContent"), (*block_path, "guardContent"))
        guard_text = c.obj(guard.get("text"), (*block_path, "guardContent", "text"))
        c.text(guard_text.get("text"), (*block_path, "guardContent", "text", "text"))
        # image, video: files (a later issue); reasoningContent: the model's, signed.


def converse(c: Collector, body: dict[str, Any]) -> None:
    """POST /model/{id}/converse[-stream]."""
    for path, message in c.items(body.get("messages"), ("messages",)):
        message = c.obj(message, path, optional=False)
        blocks(c, message.get("content"), (*path, "content"))
    if body.get("system") is not None:
        blocks(c, body["system"], ("system",))
    variables = c.obj(body.get("promptVariables"), ("promptVariables",))
    for name, value in variables.items():
        c.text(c.obj(value, ("promptVariables", name)).get("text"), ("promptVariables", name, "text"))


def invoke(c: Collector, body: dict[str, Any]) -> None:
    """POST /model/{id}/invoke[-with-response-stream]: the provider's own body."""
    if "messages" in body or "anthropic_version" in body:
        anthropic.messages(c, body)  # Anthropic; Mistral and Llama chat bodies have the same text fields
    else:
        c.strings(body, (), _NOT_TEXT)  # Titan inputText, Llama/Mistral prompt, Cohere message...


def is_sigv4(headers: Mapping[str, str]) -> bool:
    """True when the body hash is signed (SigV4): any change to the body breaks the signature."""
    lowered = {k.lower(): v for k, v in headers.items()}
    if lowered.get("authorization", "").startswith("AWS4-HMAC-SHA256"):
        return True
    payload = lowered.get("x-amz-content-sha256")
    return payload is not None and payload != "UNSIGNED-PAYLOAD"


class BedrockAdapter(JsonAdapter):
    """bedrock-runtime.{region}.amazonaws.com."""

    name = "bedrock"
    routes = ROUTES

    def walk(self, endpoint: str, c: Collector, body: dict[str, Any]) -> None:
        if endpoint in ("converse", "converse_stream"):
            converse(c, body)
        elif endpoint in ("invoke", "invoke_stream"):
            invoke(c, body)
        else:
            raise AdapterError(f"the bedrock adapter has no endpoint {endpoint!r}")

    def streams(self, endpoint: str, body: dict[str, Any]) -> bool:
        return endpoint in ("converse_stream", "invoke_stream")

    def rewritable(self, headers: Mapping[str, str]) -> bool:
        # Bedrock API keys (Authorization: Bearer) sign nothing; SigV4 signs the payload hash.
        return not is_sigv4(headers)

    def block_reply(self, endpoint: str, message: str, code: str) -> Reply:
        # ⚠ Shape taken from the AWS JSON protocol (error type in a header, {"message"} body): unverified.
        headers = reply_headers({"x-amzn-ErrorType": "ValidationException"})
        return Reply(400, headers, json_reply_body({"message": message}))

    def instance(self, host: str, headers: Mapping[str, str]) -> str:
        # Bedrock is reached with an AWS account's credentials: a company's.
        return "corporate"
