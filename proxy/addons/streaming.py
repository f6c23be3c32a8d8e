"""Streams AI answers (SSE, chunked) through without buffering, so the first token arrives as soon as it is sent."""

from __future__ import annotations

from mitmproxy import http

from proxy.outcome import METADATA_KEY


class Streaming:
    """`responseheaders`: stream the answer of an inspected AI request when it is SSE or has no length."""

    def responseheaders(self, flow: http.HTTPFlow) -> None:
        if flow.response is None or METADATA_KEY not in flow.metadata:
            return
        headers = flow.response.headers
        if ("text/event-stream" in headers.get("content-type", "")
                or "chunked" in headers.get("transfer-encoding", "").lower()
                or ("content-length" not in headers and flow.response.http_version != "HTTP/2.0")):
            flow.response.stream = True
