"""Bad client input through `gardefou run`: never a crash, the policy's fail mode decides, the log names the cause only."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest
from harness import Proxy, Upstream
from sample import email

pytestmark = pytest.mark.slow

MARKER = "SECRET-PROMPT-CONTENT-7f3a"  # must never appear in the proxy's log
OPENAI = "https://api.openai.com/v1/chat/completions"  # e2e policy: fail open
GEMINI = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"  # fail closed

BAD_BODIES = {
    "malformed_json": (b'{"model": "gpt", "messages": [{"role": "user", "content": "' + MARKER.encode() + b'"}',
                       "malformed_body"),
    "wrong_types": (json.dumps({"model": "gpt", "messages": MARKER, "contents": MARKER}).encode(), "malformed_body"),
    "truncated": (json.dumps({"messages": [{"role": "user", "content": MARKER * 3}],
                              "contents": [{"parts": [{"text": MARKER}]}]}).encode()[:-20], "malformed_body"),
    "invalid_utf8": (b'{"messages": [{"role": "user", "content": "' + MARKER.encode() + b'\xff\xfe"}], '
                     b'"contents": [{"parts": [{"text": "\xff"}]}]}', "malformed_body"),
    "over_limit": (json.dumps({"messages": [{"role": "user", "content": MARKER + "x" * 250_000}],
                               "contents": [{"parts": [{"text": MARKER + "x" * 250_000}]}]}).encode(), "too_large"),
    "bad_gzip": (b"\x1f\x8b\x08\x00not really gzip " + MARKER.encode(), "undecodable_body"),
}


def post(proxy: Proxy, url: str, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    with proxy.httpx_client() as http:
        return http.post(url, content=body, headers={"content-type": "application/json", **(headers or {})})


@pytest.mark.parametrize("case", BAD_BODIES)
def test_fail_open_forwards_and_logs_the_cause(case: str, proxy: Proxy, clean_upstream: Upstream) -> None:
    body, cause = BAD_BODIES[case]
    headers = {"content-encoding": "gzip"} if case == "bad_gzip" else None
    r = post(proxy, OPENAI, body, headers)
    assert r.status_code == 200  # forwarded: the stand-in answered
    assert clean_upstream.last().body == body  # untouched
    log = proxy.log()
    assert f"not inspected ({cause}), fail open" in log
    assert MARKER not in log


@pytest.mark.parametrize("case", BAD_BODIES)
def test_fail_closed_blocks_in_the_service_format(case: str, proxy: Proxy, clean_upstream: Upstream) -> None:
    body, cause = BAD_BODIES[case]
    headers = {"content-encoding": "gzip"} if case == "bad_gzip" else None
    r = post(proxy, GEMINI, body, headers)
    assert r.status_code in (400, 403, 422)
    assert r.headers.get("x-should-retry") == "false"
    error = r.json()["error"]  # Gemini's own error shape
    assert "could not be inspected" in error["message"] and cause in error["message"]
    assert clean_upstream.requests == []
    assert f"not inspected ({cause}), fail closed" in proxy.log()
    assert MARKER not in proxy.log()


def test_gzip_body_is_redacted_and_re_encoded(proxy: Proxy, clean_upstream: Upstream) -> None:
    mail = email()
    payload = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"écris à {mail}"}]})
    r = post(proxy, OPENAI, gzip.compress(payload.encode()), {"content-encoding": "gzip"})
    assert r.status_code == 200
    received = clean_upstream.last()
    assert received.headers["content-encoding"] == "gzip"
    sent = json.loads(gzip.decompress(received.body))
    assert sent["messages"][0]["content"] == "écris à [EMAIL_1]"


def test_proxy_still_serves_after_bad_input(proxy: Proxy, clean_upstream: Upstream) -> None:
    for body, _ in BAD_BODIES.values():
        post(proxy, OPENAI, body)
    r = post(proxy, OPENAI, json.dumps({"model": "m", "messages": [{"role": "user", "content": "ok"}]}).encode())
    assert r.status_code == 200 and proxy.process.poll() is None
