"""End to end: the official OpenAI, Anthropic and Google GenAI SDKs through `gardefou run` to local stand-ins."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import anthropic
import httpx
import openai
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types
from harness import Proxy, Upstream
from sample import aws_key, email, french_iban

pytestmark = pytest.mark.slow

CLEAN = "Peux-tu résumer les avantages du télétravail en trois points ?"


class Sent:
    """The bodies an SDK put on the wire, captured by an httpx hook before the proxy saw them."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def __call__(self, request: Any) -> None:  # httpx.Request, or httpx2's for anthropic
        self.bodies.append(request.read())


@pytest.fixture
def sent() -> Sent:
    return Sent()


@pytest.fixture
def oai(proxy: Proxy, sent: Sent) -> Iterator[openai.OpenAI]:
    with proxy.httpx_client(event_hooks={"request": [sent]}) as http:
        yield openai.OpenAI(api_key="sk-test-not-a-key", http_client=http, max_retries=0)


@pytest.fixture
def claude(proxy: Proxy, sent: Sent) -> Iterator[anthropic.Anthropic]:
    with anthropic.DefaultHttpxClient(**proxy.client_kwargs(), event_hooks={"request": [sent]}) as http:
        yield anthropic.Anthropic(api_key="sk-ant-test-not-a-key", http_client=http, max_retries=0)


@pytest.fixture
def gemini(proxy: Proxy, sent: Sent) -> Iterator[genai.Client]:
    with proxy.httpx_client(event_hooks={"request": [sent]}) as http:
        options = genai_types.HttpOptions(httpx_client=http, retry_options=genai_types.HttpRetryOptions(attempts=1))
        yield genai.Client(api_key="gemini-test-not-a-key", http_options=options)


def ask_openai(client: openai.OpenAI, prompt: str) -> str:
    r = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
    return r.choices[0].message.content or ""


def ask_anthropic(client: anthropic.Anthropic, prompt: str) -> str:
    r = client.messages.create(model="claude-test-model", max_tokens=50, messages=[{"role": "user", "content": prompt}])
    return "".join(b.text for b in r.content if b.type == "text")


def ask_gemini(client: genai.Client, prompt: str) -> str:
    return client.models.generate_content(model="gemini-2.5-flash", contents=prompt).text or ""


SDKS: dict[str, tuple[str, Callable[[Any, str], str], type[Exception]]] = {
    "openai": ("oai", ask_openai, openai.PermissionDeniedError),
    "anthropic": ("claude", ask_anthropic, anthropic.PermissionDeniedError),
    "gemini": ("gemini", ask_gemini, genai_errors.ClientError),
}


def user_texts(body: object) -> list[str]:
    """Every string in a JSON body (prompts included, whatever the service's shape)."""
    if isinstance(body, str):
        return [body]
    if isinstance(body, dict):
        return [t for v in body.values() for t in user_texts(v)]
    if isinstance(body, list):
        return [t for v in body for t in user_texts(v)]
    return []


@pytest.mark.parametrize("sdk", SDKS)
def test_clean_prompt_passes_unchanged(sdk: str, request: pytest.FixtureRequest, clean_upstream: Upstream,
                                       sent: Sent) -> None:
    fixture, ask, _ = SDKS[sdk]
    assert ask(request.getfixturevalue(fixture), CLEAN) == "Bonjour !"
    assert len(clean_upstream.requests) == 1
    assert clean_upstream.last().body == sent.bodies[-1]  # byte for byte what the SDK sent


@pytest.mark.parametrize("sdk", SDKS)
def test_api_key_is_blocked_with_the_category_named(sdk: str, request: pytest.FixtureRequest,
                                                    clean_upstream: Upstream, proxy: Proxy) -> None:
    fixture, ask, error = SDKS[sdk]
    key = aws_key()
    with pytest.raises(error) as e:
        ask(request.getfixturevalue(fixture), f"Pourquoi ma config ne marche pas ? aws_access_key_id = {key}")
    message = str(e.value)
    assert "credentials" in message and "identifiants" in message
    assert key not in message
    assert clean_upstream.requests == []  # never left the proxy
    assert key not in proxy.log()


@pytest.mark.parametrize("sdk", SDKS)
def test_personal_data_is_redacted(sdk: str, request: pytest.FixtureRequest, clean_upstream: Upstream,
                                   proxy: Proxy) -> None:
    fixture, ask, _ = SDKS[sdk]
    mail, iban = email(), french_iban()
    prompt = f"Rédige une relance pour {mail} : virement attendu sur l'IBAN {iban}, merci de confirmer à {mail}."
    assert ask(request.getfixturevalue(fixture), prompt) == "Bonjour !"
    received = clean_upstream.last()
    body = received.json()  # still valid JSON
    texts = " ".join(user_texts(body))
    assert mail not in received.body.decode() and iban not in received.body.decode()
    assert "[EMAIL_1]" in texts and "[IBAN_1]" in texts and "[EMAIL_2]" not in texts  # same value, same placeholder
    assert "virement attendu" in texts
    assert mail not in proxy.log() and iban not in proxy.log()


def _stream_openai(client: openai.OpenAI) -> list[tuple[float, str]]:
    out = []
    for chunk in client.chat.completions.create(model="gpt-4o-mini", stream=True,
                                                messages=[{"role": "user", "content": CLEAN}]):
        if chunk.choices and chunk.choices[0].delta.content:
            out.append((time.monotonic(), chunk.choices[0].delta.content))
    return out


def _stream_anthropic(client: anthropic.Anthropic) -> list[tuple[float, str]]:
    out = []
    with client.messages.stream(model="claude-test-model", max_tokens=50,
                                messages=[{"role": "user", "content": CLEAN}]) as stream:
        for text in stream.text_stream:
            out.append((time.monotonic(), text))
    return out


def _stream_gemini(client: genai.Client) -> list[tuple[float, str]]:
    return [(time.monotonic(), c.text or "")
            for c in client.models.generate_content_stream(model="gemini-2.5-flash", contents=CLEAN)]


# SDK -> (client fixture, streaming call, index of the first text event among the upstream's events)
STREAMS: dict[str, tuple[str, Callable[[Any], list[tuple[float, str]]], int]] = {
    "openai": ("oai", _stream_openai, 1),  # after the role chunk
    "anthropic": ("claude", _stream_anthropic, 2),  # after message_start, content_block_start
    "gemini": ("gemini", _stream_gemini, 0),
}


@pytest.mark.parametrize("sdk", STREAMS)
def test_streamed_answer_arrives_chunk_by_chunk(sdk: str, request: pytest.FixtureRequest,
                                                clean_upstream: Upstream) -> None:
    fixture, stream, first = STREAMS[sdk]
    clean_upstream.stream_delay = 0.3
    try:
        got = stream(request.getfixturevalue(fixture))
    finally:
        clean_upstream.stream_delay = 0.25
    assert "".join(t for _, t in got) == "Bonjour ! Voici la réponse."
    sent_at = clean_upstream.sent[id(clean_upstream.last())]
    for k, (arrived, _) in enumerate(got):
        event = first + k
        assert sent_at[event] <= arrived  # (sanity: same clock)
        # Each token reaches the client before the upstream even sends the next one: nothing is buffered.
        if event + 1 < len(sent_at):
            assert arrived < sent_at[event + 1], f"chunk {k} arrived after the next one was sent"
    assert got[0][0] < sent_at[-1]  # the first token long before the end of the answer


def test_tenant_restriction_header_is_injected(claude: anthropic.Anthropic, clean_upstream: Upstream) -> None:
    ask_anthropic(claude, CLEAN)
    assert clean_upstream.last().headers.get("anthropic-allowed-org-ids") == "org-test-1234"


def test_coach_blocks_then_proceeds_with_a_justification(proxy: Proxy, clean_upstream: Upstream) -> None:
    prompt = "Fais un résumé du Projet Chimère pour le comité."
    with proxy.httpx_client() as http:
        client = openai.OpenAI(api_key="sk-test-not-a-key", http_client=http, max_retries=0)
        with pytest.raises(openai.PermissionDeniedError) as e:
            ask_openai(client, prompt)
        assert "X-Gardefou-Justification" in str(e.value) and "intellectual property" in str(e.value)
        assert clean_upstream.requests == []
        justified = client.with_options(default_headers={"X-Gardefou-Justification": "valide par la direction, ticket 4521"})
        assert ask_openai(justified, prompt) == "Bonjour !"
    received = clean_upstream.last()
    assert "Projet Chimère" in received.body.decode()
    assert "x-gardefou-justification" not in received.headers  # stripped before forwarding


def test_non_ai_host_is_tunnelled_untouched(proxy: Proxy, upstream: Upstream) -> None:
    """A host outside the catalogue keeps its own certificate end to end: the proxy never decrypts it."""
    import ssl

    trust_only_upstream = ssl.create_default_context(cafile=str(upstream.cert))
    with httpx.Client(proxy=proxy.url, verify=trust_only_upstream) as http:
        r = http.post(f"https://localhost:{upstream.port}/v1/chat/completions", json={"hello": "world"})
        peer = r.extensions["network_stream"].get_extra_info("ssl_object").getpeercert(True)
    assert r.status_code == 200
    expected = ssl.PEM_cert_to_DER_cert(upstream.cert.read_text())
    assert peer == expected
    with httpx.Client(proxy=proxy.url, verify=ssl.create_default_context(cafile=str(proxy.ca_cert))) as http:
        with pytest.raises(httpx.ConnectError):  # our CA did not sign it: proof nobody intercepted
            http.get(f"https://localhost:{upstream.port}/")


def test_ai_host_is_intercepted_with_our_ca(proxy: Proxy, clean_upstream: Upstream) -> None:
    import ssl

    with httpx.Client(proxy=proxy.url, verify=ssl.create_default_context(cafile=str(proxy.ca_cert))) as http:
        r = http.get("https://api.openai.com/v1/models")
    assert r.status_code == 200
    assert clean_upstream.last().path == "/v1/models"
    assert json.loads(r.content)["object"] == "chat.completion"  # the stand-in's answer, through the proxy
