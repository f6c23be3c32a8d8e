"""End-to-end test harness: `gardefou run` as a subprocess, local HTTPS stand-ins for AI services, SDK plumbing.

Reusable API (see tests/proxy/conftest.py for the fixtures built on it):

- ``make_cert(directory, names) -> (cert_path, key_path)``: a self-signed certificate for ``names`` (and 127.0.0.1).
- ``Upstream(cert, key, responder=ai_responder)``: a threaded HTTPS server on 127.0.0.1 (HTTP/1.1, keep-alive).
  ``.port``, ``.requests`` (list of ``Recorded``: host, method, path, headers with lowercase names, body bytes),
  ``.sent`` (``Recorded`` -> list of monotonic send times of each streamed chunk), ``.clear()``, ``.close()``.
  ``responder(Recorded) -> Reply``: ``Reply(status, headers, body)`` or, for streaming, ``Reply(chunks=[(delay, bytes)])``
  sent with chunked encoding, each chunk flushed after sleeping ``delay`` seconds.
  ``ai_responder`` answers OpenAI chat, Anthropic messages and Gemini generateContent (JSON or SSE as asked);
  ``Upstream.stream_delay`` sets the pause between streamed chunks.
- ``Proxy.start(policy, routes, ca_dir, log_path, extra_sets=(), services=None)``: runs
  ``python -m gardefou run`` on free ports, with ``--set gardefou_test_upstream=host=127.0.0.1:port,...``
  (TEST ONLY option) and ``ssl_insecure=true``; waits until it listens. ``.url``, ``.port``, ``.admin_port``,
  ``.ca_cert`` (the CA clients must trust), ``.env()`` (HTTPS_PROXY, SSL_CERT_FILE, REQUESTS_CA_BUNDLE),
  ``.httpx_client()``, ``.client_kwargs()``, ``.log()`` (what the proxy wrote on stdout/stderr), ``.stop()``.
- ``AI_HOSTS``: the real hostnames routed to the stand-in by default.
"""

from __future__ import annotations

import datetime
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
AI_HOSTS = ("api.openai.com", "api.anthropic.com", "generativelanguage.googleapis.com", "api.mistral.ai")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_cert(directory: Path, names: Sequence[str]) -> tuple[Path, Path]:
    """A self-signed server certificate for `names`, 127.0.0.1 and localhost."""
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0] if names else "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    sans: list[x509.GeneralName] = [x509.DNSName(n) for n in (*names, "localhost")]
    sans.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "upstream-cert.pem", directory / "upstream-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Recorded:
    """One request as the upstream received it."""

    host: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


@dataclass
class Reply:
    """A response: a whole body, or `chunks` of (delay before sending, bytes) streamed with chunked encoding."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "application/json"})
    body: bytes = b""
    chunks: list[tuple[float, bytes]] | None = None


Responder = Callable[[Recorded], Reply]


def _sse(events: Iterable[tuple[str | None, object]], delay: float) -> Reply:
    chunks = []
    for event, data in events:
        text = data if isinstance(data, str) else json.dumps(data)
        chunks.append((delay, (f"event: {event}\n" if event else "").encode() + f"data: {text}\n\n".encode()))
    return Reply(headers={"content-type": "text/event-stream", "cache-control": "no-cache"}, chunks=chunks)


STREAM_TOKENS = ("Bon", "jour", " !", " Voici", " la", " réponse", ".")


def ai_responder(req: Recorded, delay: float = 0.25) -> Reply:
    """Minimal valid answers of OpenAI chat, Anthropic messages and Gemini generateContent, streamed when asked."""
    try:
        body = json.loads(req.body) if req.body else {}
    except ValueError:
        body = {}
    stream = isinstance(body, dict) and bool(body.get("stream"))
    if "anthropic" in req.host:
        if stream:
            msg = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude", "content": [],
                   "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 0}}
            events: list[tuple[str | None, object]] = [("message_start", {"type": "message_start", "message": msg}),
                                                       ("content_block_start", {"type": "content_block_start",
                                                        "index": 0, "content_block": {"type": "text", "text": ""}})]
            events += [("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                 "delta": {"type": "text_delta", "text": t}}) for t in STREAM_TOKENS]
            events += [("content_block_stop", {"type": "content_block_stop", "index": 0}),
                       ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn",
                        "stop_sequence": None}, "usage": {"output_tokens": 7}}),
                       ("message_stop", {"type": "message_stop"})]
            return _sse(events, delay)
        return Reply(body=json.dumps({
            "id": "msg_1", "type": "message", "role": "assistant", "model": "claude",
            "content": [{"type": "text", "text": "Bonjour !"}], "stop_reason": "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": 1, "output_tokens": 2}}).encode())
    if "googleapis" in req.host:
        def cand(text: str) -> dict[str, object]:
            return {"candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "index": 0}],
                    "modelVersion": "gemini"}
        if "streamGenerateContent" in req.path:
            return _sse([(None, cand(t)) for t in STREAM_TOKENS], delay)
        return Reply(body=json.dumps(cand("Bonjour !")).encode())
    if stream:
        def chunk(delta: dict[str, str], finish: str | None = None) -> dict[str, object]:
            return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": "gpt",
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        events = [(None, chunk({"role": "assistant", "content": ""}))]
        events += [(None, chunk({"content": t})) for t in STREAM_TOKENS]
        events += [(None, chunk({}, "stop")), (None, "[DONE]")]
        return _sse(events, delay)
    return Reply(body=json.dumps({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "gpt",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Bonjour !"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}}).encode())


class Upstream:
    """A local HTTPS stand-in for AI services that records what it receives."""

    def __init__(self, cert: Path, key: Path, responder: Responder | None = None) -> None:
        self.requests: list[Recorded] = []
        self.sent: dict[int, list[float]] = {}  # id(Recorded) -> send time of each streamed chunk
        self.stream_delay = 0.25
        self.responder: Responder = responder or (lambda r: ai_responder(r, self.stream_delay))
        self._lock = threading.Lock()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed-ACK stall

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                rec = Recorded(self.headers.get("host", ""), self.command, self.path,
                               {k.lower(): v for k, v in self.headers.items()}, body)
                with upstream._lock:
                    upstream.requests.append(rec)
                reply = upstream.responder(rec)
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                if reply.chunks is None:
                    self.send_header("content-length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                    return
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                times = upstream.sent.setdefault(id(rec), [])
                for delay, data in reply.chunks:
                    time.sleep(delay)
                    times.append(time.monotonic())  # before writing: the client cannot have it earlier
                    self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.cert = cert
        self.port = int(self.server.server_address[1])
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()
            self.sent.clear()

    def last(self) -> Recorded:
        return self.requests[-1]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait_for(predicate: Callable[[], bool], timeout: float = 90.0) -> bool:
    """Poll `predicate` every half second until it holds (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def read_incidents(path: Path) -> list[dict[str, object]]:
    """The records of a running proxy's incident log so far ([] before the first one)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def chat_status(proxy: Proxy, prompt: str) -> int:
    """HTTP status of an OpenAI chat request carrying `prompt`, sent through `proxy`."""
    body = {"model": "m", "messages": [{"role": "user", "content": prompt}]}
    with proxy.httpx_client() as http:
        return http.post("https://api.openai.com/v1/chat/completions", content=json.dumps(body)).status_code


def _die_with_parent() -> None:
    """Linux: the proxy gets SIGTERM when the test process dies (a killed pytest must not leave it running)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Proxy:
    """`gardefou run` in a subprocess on free ports, with its own CA directory."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, admin_port: int, ca_dir: Path,
                 log_path: Path) -> None:
        self.process, self.port, self.admin_port = process, port, admin_port
        self.ca_dir, self.log_path = ca_dir, log_path
        self.url = f"http://127.0.0.1:{port}"
        self.ca_cert = ca_dir / "mitmproxy-ca-cert.pem"

    @classmethod
    def start(cls, policy: Path, routes: dict[str, int], ca_dir: Path, log_path: Path,
              extra_sets: Sequence[str] = (), services: Path | None = None, timeout: float = 60.0) -> Proxy:
        port, admin_port = free_port(), free_port()
        route_spec = ",".join(f"{h}=127.0.0.1:{p}" for h, p in routes.items())
        defaults = ["ssl_insecure=true", f"gardefou_test_upstream={route_spec}", "gardefou_reload_interval=1"]
        if services is not None:
            defaults.append(f"gardefou_services={services}")
        # extra_sets win over the defaults (mitmproxy refuses two values for one option)
        overridden = {s.split("=", 1)[0] for s in extra_sets}
        sets = [s for s in defaults if s.split("=", 1)[0] not in overridden] + list(extra_sets)
        cmd = [sys.executable, "-m", "gardefou", "run", "--listen-host", "127.0.0.1", "--listen-port", str(port),
               "--admin-port", str(admin_port), "--policy", str(policy), "--ca-dir", str(ca_dir)]
        for s in sets:
            cmd += ["--set", s]
        log = open(log_path, "wb")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env,
                                   preexec_fn=_die_with_parent)
        proxy = cls(process, port, admin_port, ca_dir, log_path)
        proxy.wait_ready(timeout)
        return proxy

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gardefou run exited with {self.process.returncode}:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    if self.ca_cert.exists():
                        return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gardefou run did not listen within {timeout}s:\n{self.log()}")

    def env(self) -> dict[str, str]:
        """Environment for SDK clients and command-line tools going through the proxy."""
        ca = str(self.ca_cert)
        return {"HTTPS_PROXY": self.url, "https_proxy": self.url, "SSL_CERT_FILE": ca, "REQUESTS_CA_BUNDLE": ca,
                "NODE_EXTRA_CA_CERTS": ca, "NO_PROXY": ""}

    def client_kwargs(self) -> dict[str, object]:
        """`proxy` and `verify` for any httpx-like client class (the anthropic SDK uses its httpx2 fork)."""
        return {"proxy": self.url, "verify": ssl.create_default_context(cafile=str(self.ca_cert))}

    def httpx_client(self, **kwargs: object) -> httpx.Client:
        """An httpx client through the proxy, trusting its CA (pass it to SDKs as `http_client`)."""
        return httpx.Client(**self.client_kwargs(), **kwargs)  # type: ignore[arg-type]

    def metrics(self) -> str:
        """The proxy's own /metrics page (its admin server)."""
        with httpx.Client(timeout=10) as http:
            return http.get(f"http://127.0.0.1:{self.admin_port}/metrics").text

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
