"""The CPU side of enforcement, run in a worker thread: decode, parse, scan, decide, plan and rewrite."""

from __future__ import annotations

import io
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import brotli
import zstandard
from mitmproxy.net import encoding

from detectors.engine import Engine
from detectors.finding import value_hash
from proxy.adapters.base import Adapter, AdapterError, ParsedRequest
from proxy.outcome import Evidence, evidence_from
from proxy.policy import Detected, RequestContext, Verdict, decide, decide_error, messages
from proxy.redact import Span, plan_redactions


class InspectError(Exception):
    """A request that could not be inspected; `kind` is the Outcome's error class, `cause` is safe to log."""

    def __init__(self, kind: str, cause: str) -> None:
        super().__init__(f"{kind}: {cause}")
        self.kind = kind
        self.cause = cause


@dataclass(frozen=True, slots=True)
class Inspection:
    """What the worker found and decided; `body` is the rewritten (decoded) body when redacting."""

    verdict: Verdict
    parsed: ParsedRequest | None = None
    evidence: tuple[Evidence, ...] = ()
    body: bytes | None = None
    bytes_scanned: int = 0
    cached_bytes: int = 0  # of bytes_scanned, those whose findings came from the engine's cache
    timings: dict[str, float] = field(default_factory=dict)
    cause: str = ""  # why it could not be inspected; names positions and types, never content


def decode_body(raw: bytes, content_encoding: str, limit: int) -> bytes:
    """Content-decode (gzip, deflate, br, zstd) with a size limit on the decoded body too."""
    if len(raw) > limit:
        raise InspectError("too_large", f"body of {len(raw)} bytes over the limit of {limit}")
    enc = content_encoding.strip().lower()
    if enc in ("gzip", "x-gzip", "deflate"):
        return _inflate(raw, enc, limit)
    if enc in ("br", "zstd"):
        return _bounded(raw, enc, limit)
    if enc and enc != "identity":
        try:
            body = encoding.decode(raw, content_encoding)
        except ValueError as e:
            raise InspectError("undecodable_body", f"cannot decode Content-Encoding {content_encoding!r}") from e
        if not isinstance(body, bytes):
            raise InspectError("undecodable_body", "decoded body is not bytes")
        if len(body) > limit:
            raise InspectError("too_large", f"decoded body of {len(body)} bytes over the limit of {limit}")
        return body
    return raw


def _inflate(raw: bytes, enc: str, limit: int) -> bytes:
    """gzip/deflate with a bound on the output: a small compressed bomb must not take the proxy's memory."""
    wbits = 31 if enc != "deflate" else (15 if raw[:1] == b"\x78" else -15)  # zlib-wrapped or raw deflate
    d = zlib.decompressobj(wbits)
    try:
        body = d.decompress(raw, limit + 1)
    except zlib.error as e:
        raise InspectError("undecodable_body", f"cannot decode Content-Encoding {enc!r}") from e
    if len(body) > limit:
        raise InspectError("too_large", f"decoded body over the limit of {limit} bytes")
    return body


def _bounded(raw: bytes, enc: str, limit: int) -> bytes:
    """Brotli/zstd with a bound on the output, like gzip: 80 bytes of brotli can expand to 50 MB."""
    try:
        if enc == "br":
            d = brotli.Decompressor()
            body: bytes = d.process(raw, output_buffer_limit=limit + 1)
            while len(body) <= limit and not d.is_finished() and not d.can_accept_more_data():
                more: bytes = d.process(b"", output_buffer_limit=limit + 1 - len(body))
                if not more:  # no progress: a truncated stream, not a reason to spin
                    break
                body += more
        else:
            reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw), read_across_frames=True)
            body = reader.read(limit + 1)
    except (brotli.error, zstandard.ZstdError) as e:
        raise InspectError("undecodable_body", f"cannot decode Content-Encoding {enc!r}") from e
    if len(body) > limit:
        raise InspectError("too_large", f"decoded body over the limit of {limit} bytes")
    return body


def inspect(engine: Engine, key: bytes, adapter: Adapter, endpoint: str, raw: bytes, content_encoding: str,
            headers: Mapping[str, str], ctx: RequestContext, client: str = "") -> Inspection:
    """Everything CPU-bound about one request. Errors come back as a fail-mode verdict, never as an exception.

    `client` (the user, else the client address) scopes the engine's scan cache: each client's resent
    conversation hits its own entries, and no one can time whether another client sent a text."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    try:
        body = decode_body(raw, content_encoding, ctx.policy.max_body_bytes)
        try:
            parsed = adapter.parse(endpoint, body, headers)
        except AdapterError as e:
            raise InspectError("malformed_body", str(e)) from e
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as e:
            raise InspectError("malformed_body", f"adapter could not read the body ({type(e).__name__})") from e
    except InspectError as e:
        timings["adapter"] = time.perf_counter() - t0
        return Inspection(decide_error(e.kind, ctx), timings=timings, cause=e.cause)
    timings["adapter"] = time.perf_counter() - t0
    texts = [s.text for s in parsed.segments]
    detected: list[Detected] = []
    cached = 0
    for i, text in enumerate(texts):
        result = engine.scan(text, scope=client)
        if result.cached:
            cached += len(text)
        for stage, seconds in result.timings.items():
            timings[stage] = timings.get(stage, 0.0) + seconds
        detected.extend(Detected(f, i, value_hash(text[f.start:f.end], key)) for f in result.findings)
    ctx = replace(ctx, rewritable=parsed.rewritable)
    t1 = time.perf_counter()
    verdict = decide(detected, ctx)
    evidence = evidence_from(((detected[i].finding, texts[detected[i].segment],
                               parsed.segments[detected[i].segment].location) for i in verdict.evidence), key)
    new_body = None
    if verdict.forward and verdict.redact:
        spans = [Span(detected[i].segment, detected[i].finding.start, detected[i].finding.end,
                      detected[i].finding.type) for i in verdict.redact]
        try:
            new_body = adapter.rewrite(parsed, plan_redactions(texts, spans))
        except (AdapterError, ValueError, TypeError, KeyError, IndexError) as e:
            # Never forward what should have been redacted: a failed rewrite blocks.
            verdict = replace(verdict, action="block", forward=False, code="gardefou_not_rewritable",
                              message=messages.uninspectable(f"rewrite failed: {type(e).__name__}"),
                              error="rewrite_failed")
    timings["decide"] = time.perf_counter() - t1
    return Inspection(verdict, parsed, evidence, new_body, sum(len(t) for t in texts), cached, timings)
