"""The adapter contract: how a service's request body is read, rewritten and refused (no mitmproxy here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Segment:
    """One user-supplied text of a request and where it lives."""

    location: str  # human-readable path, e.g. "messages[1].content[0].text" (never content)
    text: str  # the text to scan
    path: tuple[str | int, ...]  # where it lives in the parsed body; opaque to callers, used by rewrite


@dataclass(frozen=True, slots=True)
class ParsedRequest:
    """A request body read by an adapter: its segments and what rewrite needs."""

    endpoint: str  # "chat", "responses", "completions", "embeddings", "messages", "generate_content", "generic"...
    segments: tuple[Segment, ...]
    body: object  # parsed body kept for rewrite (opaque)
    rewritable: bool = True  # False e.g. Bedrock signed with SigV4: allow or block only
    stream: bool = False  # the client asked for a streamed answer
    model: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """A refusal in the service's own error format: 400/403/422 only, never 429/5xx (clients would retry)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)  # includes content-type and x-should-retry: false
    body: bytes = b""


class AdapterError(ValueError):
    """A body the adapter cannot read; the message says what is wrong without quoting the body."""


class Adapter:
    """Base class of the per-service adapters; one subclass per file (openai.py -> OpenAIAdapter)."""

    name: str = ""

    def endpoint(self, method: str, path: str) -> str | None:
        """The operation a request performs, or None when it carries no user text (GET /v1/models)."""
        raise NotImplementedError

    def parse(self, endpoint: str, body: bytes, headers: Mapping[str, str]) -> ParsedRequest:
        """Extract every user-supplied text; `body` is already content-decoded. Raises AdapterError."""
        raise NotImplementedError

    def rewrite(self, parsed: ParsedRequest, replacements: Mapping[int, str]) -> bytes:
        """Segment index -> new full text; same format and spelling, never adds a field."""
        raise NotImplementedError

    def block_reply(self, endpoint: str, message: str, code: str) -> Reply:
        """The service's native error; `message` is bilingual and never contains a matched value."""
        raise NotImplementedError

    def instance(self, host: str, headers: Mapping[str, str]) -> str:
        """"corporate", "personal" or "unknown", where the request shows it."""
        return "unknown"
