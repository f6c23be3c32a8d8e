"""Incident records and where they go: a size-rotated JSON-lines file with retention, and syslog, off the event loop."""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import queue
import socket
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from proxy.outcome import Outcome

SCHEMA_VERSION = 1
_DAY = 86400.0
_PRUNE_EVERY = 3600.0


def incident_record(o: Outcome, when: datetime) -> dict[str, object]:
    """One incident as written: verdict, where, who (group only) and what (masked, hashed), never a value."""
    return {
        "schema": SCHEMA_VERSION,
        "time": when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "incident_id": o.incident_id,
        "action": o.action,
        "service": o.service,
        "app_status": o.app_status,
        "account": o.instance,
        "endpoint": o.endpoint,
        "group": o.group,
        "findings": [
            {"category": e.category, "type": e.type, "rule": e.rule, "confidence": e.confidence,
             "masked": e.masked, "hash": e.hash, "location": e.location, "attributes": dict(e.attributes)}
            for e in o.evidence
        ],
        "justification": o.justification,
        "error": o.error,
        "fail_mode": o.fail_mode,
        "bytes_scanned": o.bytes_scanned,
        "streamed": o.streamed,
        "policy_version": o.policy_version,
        "rules_version": o.rules_version,
    }


@dataclass(frozen=True, slots=True)
class SyslogTarget:
    """A syslog destination: `udp://host:514`, `tcp://host:514` or a local socket path such as `/dev/log`."""

    transport: str  # udp | tcp | unix
    host: str = ""
    port: int = 514
    path: str = ""


def parse_syslog(spec: str) -> SyslogTarget | None:
    """The target named by the `gardefou_syslog` option; "" means none. Raises ValueError on a malformed spec."""
    spec = spec.strip()
    if not spec:
        return None
    if spec.startswith("/"):
        return SyslogTarget("unix", path=spec)
    parts = urlsplit(spec)
    if parts.scheme not in ("udp", "tcp"):
        raise ValueError(f"syslog target must be udp://host:port, tcp://host:port or a socket path, not {spec!r}")
    try:
        port = parts.port or 514
    except ValueError as e:
        raise ValueError(f"bad syslog port in {spec!r}") from e
    if not parts.hostname or parts.path not in ("", "/"):
        raise ValueError(f"syslog target needs a host and nothing after the port: {spec!r}")
    return SyslogTarget(parts.scheme, parts.hostname, port)


class _QuietErrors(logging.Handler):
    """On a write failure, say which sink failed without echoing the record (logging's default prints it)."""

    def handleError(self, record: logging.LogRecord) -> None:
        exc = sys.exc_info()[1]
        print(f"gardefou incident sink {type(self).__name__} failed: {type(exc).__name__}", file=sys.stderr)


class RetainedFile(_QuietErrors, logging.handlers.RotatingFileHandler):
    """A size-rotated file, owner-only, whose rotated copies older than `retention_days` are deleted."""

    def __init__(self, path: Path, max_bytes: int, backups: int, retention_days: float) -> None:
        self.retention_days = retention_days
        self._pruned = 0.0
        super().__init__(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8", delay=False)
        self.prune()

    def _open(self):  # type: ignore[no-untyped-def]
        # Incidents name groups and masked previews: readable by the proxy's user only.
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return os.fdopen(fd, "a", encoding="utf-8")

    def doRollover(self) -> None:
        super().doRollover()
        self.prune()

    def emit(self, record: logging.LogRecord) -> None:
        super().emit(record)
        if time.time() - self._pruned > _PRUNE_EVERY:
            self.prune()

    def rotated(self) -> list[Path]:
        base = Path(self.baseFilename)
        return sorted(p for p in base.parent.glob(base.name + ".*") if p.suffix[1:].isdigit())

    def prune(self) -> list[Path]:
        """Delete rotated files last written more than `retention_days` ago; 0 keeps them all."""
        self._pruned = time.time()
        if self.retention_days <= 0:
            return []
        limit = time.time() - self.retention_days * _DAY
        gone = []
        for p in self.rotated():
            try:
                if p.stat().st_mtime < limit:
                    p.unlink()
                    gone.append(p)
            except FileNotFoundError:
                continue
        return gone


class _Syslog(_QuietErrors, logging.handlers.SysLogHandler):
    """Syslog with our program name; each message is one incident as JSON."""


def syslog_handler(target: SyslogTarget) -> logging.Handler:
    """A handler for the target; connecting (TCP, local socket) happens here, so a bad target fails at startup."""
    if target.transport == "unix":
        if not Path(target.path).is_socket():  # logging would wait silently for it to appear
            raise OSError(f"syslog socket {target.path} does not exist")
        handler = _Syslog(address=target.path, facility=logging.handlers.SysLogHandler.LOG_LOCAL0)
    else:
        kind = socket.SOCK_DGRAM if target.transport == "udp" else socket.SOCK_STREAM
        handler = _Syslog(address=(target.host, target.port), facility=logging.handlers.SysLogHandler.LOG_LOCAL0,
                          socktype=kind)
        if target.transport == "tcp":
            handler.append_nul = False
            handler.setFormatter(logging.Formatter("%(message)s\n"))  # newline framing (RFC 6587)
    handler.ident = "gardefou: "
    return handler


class IncidentSink:
    """Queues JSON lines to the file and syslog handlers; a listener thread does the I/O."""

    def __init__(self, handlers: list[logging.Handler]) -> None:
        self.handlers = handlers
        self._queue: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
        self._listener = logging.handlers.QueueListener(self._queue, *handlers)
        self._lock = threading.Lock()
        self._closed = False
        self._listener.start()

    def write(self, record: dict[str, object]) -> None:
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        self._queue.put(logging.makeLogRecord({"msg": line, "levelno": logging.WARNING, "levelname": "WARNING"}))

    def close(self) -> None:
        """Flush what is queued, then close the handlers; safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._listener.stop()
        for h in self.handlers:
            h.close()
