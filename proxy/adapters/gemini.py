"""GeminiAdapter: Gemini API and Vertex AI bodies (both key spellings), and Claude on Vertex (Anthropic bodies)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from proxy.adapters import anthropic, openai
from proxy.adapters.base import AdapterError, Reply
from proxy.adapters.collector import Collector
from proxy.adapters.json_adapter import UPLOAD, JsonAdapter, compile_routes
from proxy.adapters.jsonbody import Path, json_reply_body, reply_headers

ROUTES = compile_routes(
    # Claude on Vertex: .../publishers/anthropic/models/{m}:rawPredict carries an Anthropic Messages body.
    (r"/publishers/anthropic/models/[^/]+:streamRawPredict$", "anthropic_stream"),
    (r"/publishers/anthropic/models/[^/]+:(?:rawPredict|countTokens)$", "anthropic"),
    # models/{m}, tunedModels/{m}, Vertex endpoints/{e}: the method after the colon says it all.
    (r":generateContent$", "generate_content"),
    (r":streamGenerateContent$", "stream_generate_content"),
    (r":countTokens$", "count_tokens"),
    (r":embedContent$", "embed_content"),
    (r":batchEmbedContents$", "batch_embed_contents"),
    (r":predict$", "predict"),
    (r"/cachedContents$", "cached_content"),
    # The OpenAI-compatible surfaces: /v1beta/openai/... and Vertex .../endpoints/openapi/...
    (r"(?:^|/)openai/chat/completions$|/endpoints/openapi/chat/completions$", "chat"),
    (r"(?:^|/)openai/embeddings$", "embeddings"),
    (r"^/upload/", UPLOAD),
)

# Keys under Vertex prediction instances that hold files or settings, not text.
_NOT_TEXT = frozenset({"bytesBase64Encoded", "gcsUri", "mimeType", "task_type", "title_type", "image", "video"})


def field(obj: dict[str, Any], camel: str, snake: str) -> tuple[str, Any]:
    """(key, value) of a field under whichever spelling the client used; camelCase when absent."""
    if camel not in obj and snake in obj:
        return snake, obj[snake]
    return camel, obj.get(camel)


def content(c: Collector, value: object, path: Path, *, optional: bool = True, string: bool = False) -> None:
    """A Content `{role, parts}`; `string`: a bare string is tolerated too (system instruction)."""
    if string and isinstance(value, str):
        c.text(value, path)
        return
    obj = c.obj(value, path, optional=optional)
    for part_path, part in c.items(obj.get("parts"), (*path, "parts")):
        part = c.obj(part, part_path, optional=False)
        c.text(part.get("text"), (*part_path, "text"))
        key, call = field(part, "functionCall", "function_call")
        c.strings(c.obj(call, (*part_path, key)).get("args"), (*part_path, key, "args"))
        key, response = field(part, "functionResponse", "function_response")
        c.strings(c.obj(response, (*part_path, key)).get("response"), (*part_path, key, "response"))
        key, code = field(part, "executableCode", "executable_code")
        c.text(c.obj(code, (*part_path, key)).get("code"), (*part_path, key, "code"))
        key, result = field(part, "codeExecutionResult", "code_execution_result")
        c.text(c.obj(result, (*part_path, key)).get("output"), (*part_path, key, "output"))
        key, blob = field(part, "inlineData", "inline_data")
        blob = c.obj(blob, (*part_path, key))
        mime = blob.get("mimeType", blob.get("mime_type"))
        c.file_text(blob.get("data"), (*part_path, key, "data"), mime)  # text files only; images are files
        # fileData points at an uploaded file (a later issue); thoughtSignature is opaque.


def generate(c: Collector, body: dict[str, Any], base: Path = ()) -> None:
    """generateContent, streamGenerateContent, countTokens, cachedContents."""
    for path, item in c.items(body.get("contents"), (*base, "contents")):
        content(c, item, path, optional=False)
    key, system = field(body, "systemInstruction", "system_instruction")
    content(c, system, (*base, key), string=True)
    # countTokens may wrap a whole request: {"generateContentRequest": {...}}
    key, wrapped = field(body, "generateContentRequest", "generate_content_request")
    if wrapped is not None:
        generate(c, c.obj(wrapped, (*base, key)), (*base, key))


def embed(c: Collector, body: dict[str, Any], base: Path = ()) -> None:
    """embedContent: `content.parts[].text`."""
    content(c, body.get("content"), (*base, "content"), optional=False)


def predict(c: Collector, body: dict[str, Any]) -> None:
    """Vertex :predict (text embeddings, Imagen): the strings of `instances[]`, images left out."""
    c.strings(body.get("instances"), ("instances",), _NOT_TEXT)


def batch_embed(c: Collector, body: dict[str, Any]) -> None:
    """batchEmbedContents: `requests[]` are embedContent bodies."""
    for path, request in c.items(body.get("requests"), ("requests",), optional=False):
        embed(c, c.obj(request, path, optional=False), path)


class GeminiAdapter(JsonAdapter):
    """generativelanguage.googleapis.com and {region}-aiplatform.googleapis.com."""

    name = "gemini"
    routes = ROUTES

    def walk(self, endpoint: str, c: Collector, body: dict[str, Any]) -> None:
        if endpoint in ("generate_content", "stream_generate_content", "count_tokens", "cached_content"):
            generate(c, body)
        elif endpoint == "embed_content":
            embed(c, body)
        elif endpoint == "batch_embed_contents":
            batch_embed(c, body)
        elif endpoint == "predict":
            predict(c, body)
        elif endpoint in ("anthropic", "anthropic_stream"):
            anthropic.messages(c, body)
        elif endpoint in openai.WALKERS:
            openai.WALKERS[endpoint](c, body)
        else:
            raise AdapterError(f"the gemini adapter has no endpoint {endpoint!r}")

    def streams(self, endpoint: str, body: dict[str, Any]) -> bool:
        return endpoint in ("stream_generate_content", "anthropic_stream") or body.get("stream") is True

    def block_reply(self, endpoint: str, message: str, code: str) -> Reply:
        # google-genai retries 408/429/5xx only: a 400 INVALID_ARGUMENT is shown once.
        error = {"code": 400, "message": message, "status": "INVALID_ARGUMENT", "details": []}
        return Reply(400, reply_headers(), json_reply_body({"error": error}))

    def instance(self, host: str, headers: Mapping[str, str]) -> str:
        # Vertex runs in a Google Cloud project: a company's. An API key says nothing either way.
        return "corporate" if host.lower().split(":")[0].endswith("aiplatform.googleapis.com") else "unknown"
