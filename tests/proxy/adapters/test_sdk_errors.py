"""The official SDKs, served each adapter's refusal by a local HTTP server: one request, no retry, text shown."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from proxy.adapters import adapter_for
from proxy.adapters.base import Reply

MESSAGE = "Requête bloquée : donnée sensible détectée. / Request blocked: sensitive data detected."


class _Server:
    """Answers every POST with the refusal it is given and counts the requests."""

    def __init__(self) -> None:
        self.reply = Reply(403)
        self.count = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", "0")))
                server.count += 1
                self.send_response(server.reply.status)
                for name, value in server.reply.headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(server.reply.body)))
                self.end_headers()
                self.wfile.write(server.reply.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def serve(self, adapter: str, endpoint: str) -> None:
        self.reply = adapter_for(adapter).block_reply(endpoint, MESSAGE, "gardefou_policy_violation")
        self.count = 0


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    s = _Server()
    thread = threading.Thread(target=s.httpd.serve_forever, daemon=True)
    thread.start()
    yield s
    s.httpd.shutdown()


def test_openai(server: _Server) -> None:
    import openai

    server.serve("openai", "chat")
    client = openai.OpenAI(api_key="sk-test", base_url=f"{server.url}/v1", max_retries=2)
    with pytest.raises(openai.PermissionDeniedError) as e:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    assert MESSAGE in str(e.value) and e.value.code == "gardefou_policy_violation"
    assert server.count == 1


def test_azure_openai(server: _Server) -> None:
    import openai

    server.serve("azure_openai", "chat")
    client = openai.AzureOpenAI(api_key="k", azure_endpoint=server.url, api_version="2024-10-21", max_retries=2)
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="d", messages=[{"role": "user", "content": "x"}])
    assert MESSAGE in str(e.value) and e.value.code == "content_filter"
    assert server.count == 1


def test_github_copilot_through_the_openai_sdk(server: _Server) -> None:
    import openai

    server.serve("github_copilot", "chat")
    client = openai.OpenAI(api_key="t", base_url=server.url, max_retries=2)
    with pytest.raises(openai.UnprocessableEntityError) as e:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    assert MESSAGE in str(e.value)
    assert server.count == 1


def test_anthropic(server: _Server) -> None:
    import anthropic

    server.serve("anthropic", "messages")
    client = anthropic.Anthropic(api_key="k", base_url=server.url, max_retries=2)
    with pytest.raises(anthropic.PermissionDeniedError) as e:
        client.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=[{"role": "user", "content": "x"}])
    assert MESSAGE in str(e.value)
    assert server.count == 1


def test_google_genai(server: _Server) -> None:
    from google import genai
    from google.genai import errors, types

    server.serve("gemini", "generate_content")
    retry = types.HttpRetryOptions(attempts=3, initial_delay=0.01, max_delay=0.01)
    client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=server.url, retry_options=retry))
    with pytest.raises(errors.ClientError) as e:
        client.models.generate_content(model="gemini-2.5-flash", contents="x")
    assert e.value.code == 400 and e.value.message == MESSAGE
    assert server.count == 1
