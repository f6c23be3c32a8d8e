"""A small HTTP server in its own threads for the admin endpoints; it never logs clients or paths."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True, slots=True)
class Page:
    """One answer of the admin server."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"


# A route gets the request's Host header (the PAC file names the proxy the client reached) and answers a Page.
Route = Callable[[str], Page]


class AdminServer:
    """Serves `routes` by exact path on host:port until `close()`; GET and HEAD only."""

    def __init__(self, host: str, port: int, routes: Mapping[str, Route]) -> None:
        self.routes = dict(routes)
        self._httpd = ThreadingHTTPServer((host, port), _handler(self.routes))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="gardefou-admin", daemon=True)
        self._thread.start()

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._httpd.server_address[:2]
        return str(host), int(port)

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def _handler(routes: Mapping[str, Route]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "gardefou-admin"
        sys_version = ""

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def _answer(self, send_body: bool) -> None:
            route = routes.get(self.path.split("?", 1)[0])
            try:
                page = route(self.headers.get("Host", "")) if route else Page(404, b"not found\n")
            except Exception as e:  # an admin page must not take the server thread down
                page = Page(500, f"error: {type(e).__name__}\n".encode())
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if send_body:
                self.wfile.write(page.body)

        def log_message(self, format: str, *args: object) -> None:
            return  # the default logs the client's IP address: not ours to keep

    return Handler
