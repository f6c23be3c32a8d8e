"""The admin HTTP endpoint: /metrics for Prometheus, /healthz for orchestrators, /proxy.pac for browsers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from mitmproxy import ctx, exceptions
from mitmproxy.addonmanager import Loader

from detectors.errors import ConfigError
from proxy.admin_server import AdminServer, Page
from proxy.catalogue import DEFAULT_DIR, load_catalogue
from proxy.pac import check_proxy, render_pac

log = logging.getLogger(__name__)

SERVER_OPTIONS = frozenset({"gardefou_admin_host", "gardefou_admin_port"})
PAC_OPTIONS = frozenset({"gardefou_services", "gardefou_pac_proxy", "gardefou_pac_all"})
PAC_TYPE = "application/x-ns-proxy-autoconfig"


class Admin:
    """Owns the admin server; reads the Metrics addon's registry at each scrape."""

    def __init__(self) -> None:
        self.server: AdminServer | None = None
        self.hosts: tuple[str, ...] = ()
        self.exposition: Callable[[], tuple[bytes, str]] | None = None
        self._running = False

    def load(self, loader: Loader) -> None:
        loader.add_option("gardefou_admin_host", str, "127.0.0.1",
                          "Address of the admin server (/metrics, /healthz, /proxy.pac); 0.0.0.0 in a container.")
        loader.add_option("gardefou_admin_port", int, 8081, "Port of the admin server; 0 turns it off.")
        loader.add_option("gardefou_pac_proxy", str, "",
                          "host:port the PAC file sends AI traffic to. Empty: the host the PAC was fetched from, "
                          "with the proxy's listen port.")
        loader.add_option("gardefou_pac_all", bool, False, "The PAC file sends all traffic through the proxy.")

    def configure(self, updated: set[str]) -> None:
        o = ctx.options
        # Addons talk through the master's registry by name; Metrics comes earlier in the list.
        metrics = ctx.master.addons.get("metrics")  # type: ignore[no-untyped-call]
        self.exposition = metrics.metrics.exposition if metrics is not None else None
        if updated & PAC_OPTIONS or not self.hosts:
            if o.gardefou_pac_proxy:
                try:
                    check_proxy(o.gardefou_pac_proxy)
                except ValueError as e:
                    raise exceptions.OptionsError(f"gardefou_pac_proxy: {e}") from e  # type: ignore[no-untyped-call]
            services = getattr(o, "gardefou_services", str(DEFAULT_DIR))
            try:
                self.hosts = load_catalogue(Path(services)).hosts()
            except ConfigError as e:
                raise exceptions.OptionsError(str(e)) from e  # type: ignore[no-untyped-call]
        if not 0 <= o.gardefou_admin_port <= 65535:
            raise exceptions.OptionsError(  # type: ignore[no-untyped-call]
                f"gardefou_admin_port: {o.gardefou_admin_port} is not a port")
        if self._running and updated & SERVER_OPTIONS:
            self._restart(o.gardefou_admin_host, o.gardefou_admin_port)

    def running(self) -> None:
        # Listening starts with the proxy, like mitmproxy's own servers; mitmdump exits on an error logged now.
        self._running = True
        try:
            self._restart(ctx.options.gardefou_admin_host, ctx.options.gardefou_admin_port)
        except exceptions.OptionsError as e:
            log.error("gardefou: %s", e)

    def _restart(self, host: str, port: int) -> None:
        old, self.server = self.server, None
        if old is not None:
            old.close()
        if port == 0:
            return
        routes = {"/metrics": self.metrics_page, "/healthz": self.health_page, "/proxy.pac": self.pac_page}
        try:
            self.server = AdminServer(host, port, routes)
        except OSError as e:
            raise exceptions.OptionsError(  # type: ignore[no-untyped-call]
                f"admin server cannot listen on {host}:{port}: {e.strerror}") from e
        log.info("gardefou: admin server on http://%s:%d (/metrics, /healthz, /proxy.pac)", host, port)

    def done(self) -> None:
        self._running = False
        if self.server is not None:
            self.server.close()
            self.server = None

    # Pages run in the admin server's threads: they only read state swapped whole by configure.
    def metrics_page(self, host_header: str) -> Page:
        if self.exposition is None:
            return Page(404, b"metrics addon not loaded\n")
        body, content_type = self.exposition()
        return Page(200, body, content_type)

    def health_page(self, host_header: str) -> Page:
        return Page(200, b"ok\n")

    def pac_page(self, host_header: str) -> Page:
        o = ctx.options
        proxy = o.gardefou_pac_proxy or f"{_hostname(host_header)}:{o.listen_port or 8080}"
        try:
            return Page(200, render_pac(self.hosts, proxy, o.gardefou_pac_all).encode(), PAC_TYPE)
        except ValueError:
            return Page(400, b"set gardefou_pac_proxy: the Host header does not name this proxy\n")


def _hostname(host_header: str) -> str:
    """The host part of a Host header (`proxy.corp:8081`, `[::1]:8081`), without the admin port."""
    if host_header.startswith("["):
        return host_header.split("]", 1)[0] + "]"
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header
