"""TEST ONLY: connects AI hostnames to local stand-in servers; `gardefou run` loads it only when its option is set."""

from __future__ import annotations

from mitmproxy import ctx, exceptions
from mitmproxy.addonmanager import Loader
from mitmproxy.proxy import server_hooks


def parse_routes(spec: str) -> dict[str, tuple[str, int]]:
    """"api.openai.com=127.0.0.1:8443,api.anthropic.com=127.0.0.1:8444" -> {host: (ip, port)}."""
    routes: dict[str, tuple[str, int]] = {}
    for item in filter(None, (s.strip() for s in spec.split(","))):
        host, sep, target = item.partition("=")
        ip, colon, port = target.rpartition(":")
        if not sep or not colon or not host or not ip or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"expected host=ip:port, got {item!r}")
        routes[host.strip().lower()] = (ip, int(port))
    return routes


class TestUpstream:
    """`server_connect`: swap the address of a routed host; the Host header and the SNI stay the real name.

    For tests only (the stand-ins have their own certificate, so it goes with `ssl_insecure=true`).
    """

    __test__ = False  # not a pytest class

    def __init__(self) -> None:
        self.routes: dict[str, tuple[str, int]] = {}

    def load(self, loader: Loader) -> None:
        loader.add_option("gardefou_test_upstream", str, "",
                          "TEST ONLY: host=ip:port,... connects these hosts to local stand-in servers.")

    def configure(self, updated: set[str]) -> None:
        if "gardefou_test_upstream" in updated:
            try:
                self.routes = parse_routes(ctx.options.gardefou_test_upstream)
            except ValueError as e:
                raise exceptions.OptionsError(f"gardefou_test_upstream: {e}") from e  # type: ignore[no-untyped-call]

    def server_connect(self, data: server_hooks.ServerConnectionHookData) -> None:
        if data.server.address and (target := self.routes.get(str(data.server.address[0]).lower())):
            data.server.address = target
