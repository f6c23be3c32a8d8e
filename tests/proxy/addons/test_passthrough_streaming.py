"""Passthrough (TLS decision), Streaming and the test-only upstream routing, with taddons/tflow."""

from __future__ import annotations

import ssl

import pytest
from mitmproxy import connection, exceptions, http, tls
from mitmproxy.proxy import context, server_hooks
from mitmproxy.proxy.layers.tls import parse_client_hello
from mitmproxy.test import taddons, tflow

from proxy.addons.passthrough import Passthrough
from proxy.addons.streaming import Streaming
from proxy.addons.testupstream import TestUpstream, parse_routes
from proxy.outcome import METADATA_KEY, Outcome


def client_hello(sni: str | None) -> tls.ClientHello:
    """A real ClientHello, as Python's TLS stack writes it."""
    ctx = ssl.create_default_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname=sni) if sni else ssl.SSLContext(
        ssl.PROTOCOL_TLS_CLIENT).wrap_bio(incoming, outgoing)
    with pytest.raises(ssl.SSLWantReadError):
        obj.do_handshake()
    hello = parse_client_hello(outgoing.read())
    assert hello is not None
    return hello


@pytest.mark.parametrize(("sni", "connect_host", "ignored"), [
    ("api.openai.com", "api.openai.com", False),
    ("europe-west1-aiplatform.googleapis.com", "x", False),  # wildcard catalogue entry
    ("www.lemonde.fr", "www.lemonde.fr", True),
    ("bank.example", "api.openai.com", True),  # the SNI decides, not what CONNECT said
    (None, "api.openai.com", False),  # no SNI: the CONNECT host
    (None, "10.1.2.3", True),
])
def test_only_ai_hosts_are_decrypted(sni: str | None, connect_host: str, ignored: bool) -> None:
    addon = Passthrough()
    with taddons.context(addon) as tctx:
        tctx.configure(addon)
        client = connection.Client(peername=("127.0.0.1", 5000), sockname=("127.0.0.1", 8080))
        ctx = context.Context(client, tctx.options)
        ctx.server = connection.Server(address=(connect_host, 443))
        data = tls.ClientHelloData(ctx, client_hello(sni))
        addon.tls_clienthello(data)
        assert data.ignore_connection == ignored


def test_bad_catalogue_is_an_options_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "services.yaml"
    bad.write_text("services:\n  - id: x\n    hosts: [nope]\n")
    addon = Passthrough()
    with taddons.context(addon) as tctx, pytest.raises(exceptions.OptionsError, match=r"services\.yaml:"):
        tctx.configure(addon, gardefou_services=str(bad))


OUTCOME = Outcome("i", "openai-api", "tolerated", "chat", "default", "allow")


@pytest.mark.parametrize(("headers", "inspected", "streamed"), [
    ({"content-type": "text/event-stream"}, True, True),
    ({"content-type": "application/json", "transfer-encoding": "chunked"}, True, True),
    ({"content-type": "application/json", "content-length": "12"}, True, False),
    ({"content-type": "text/event-stream"}, False, False),  # not an AI request: mitmproxy's default
])
def test_streaming(headers: dict[str, str], inspected: bool, streamed: bool) -> None:
    flow = tflow.tflow(resp=True)
    flow.response = http.Response.make(200, b"", headers)
    if "content-length" not in headers:
        flow.response.headers.pop("content-length", None)
    if inspected:
        flow.metadata[METADATA_KEY] = OUTCOME
    with taddons.context(Streaming()):
        Streaming().responseheaders(flow)
    assert bool(flow.response.stream) == streamed


@pytest.mark.parametrize(("spec", "expected"), [
    ("", {}),
    ("api.openai.com=127.0.0.1:8443", {"api.openai.com": ("127.0.0.1", 8443)}),
    ("A.com=127.0.0.1:1, b.com=::1:2", {"a.com": ("127.0.0.1", 1), "b.com": ("::1", 2)}),
])
def test_parse_routes(spec: str, expected: dict[str, tuple[str, int]]) -> None:
    assert parse_routes(spec) == expected


@pytest.mark.parametrize("spec", ["api.openai.com", "a.com=127.0.0.1", "a.com=127.0.0.1:99999", "=1.2.3.4:5"])
def test_parse_routes_rejects(spec: str) -> None:
    with pytest.raises(ValueError, match="host=ip:port"):
        parse_routes(spec)


def test_test_upstream_swaps_the_address_only() -> None:
    addon = TestUpstream()
    with taddons.context(addon) as tctx:
        tctx.configure(addon, gardefou_test_upstream="api.openai.com=127.0.0.1:9443")
        server = connection.Server(address=("api.openai.com", 443))
        server.sni = "api.openai.com"
        addon.server_connect(server_hooks.ServerConnectionHookData(server=server, client=tflow.tclient_conn()))
        assert server.address == ("127.0.0.1", 9443) and server.sni == "api.openai.com"
        other = connection.Server(address=("example.com", 443))
        addon.server_connect(server_hooks.ServerConnectionHookData(server=other, client=tflow.tclient_conn()))
        assert other.address == ("example.com", 443)
        with pytest.raises(exceptions.OptionsError):
            tctx.configure(addon, gardefou_test_upstream="broken")
