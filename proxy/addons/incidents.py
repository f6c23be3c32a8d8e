"""Writes one JSON line per non-allow verdict (every request in audit mode) to a rotated file and syslog."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from mitmproxy import ctx, exceptions, http
from mitmproxy.addonmanager import Loader

from proxy.incident_sink import IncidentSink, RetainedFile, incident_record, parse_syslog, syslog_handler
from proxy.outcome import METADATA_KEY, Outcome

OPTIONS = frozenset({"gardefou_incident_log", "gardefou_incident_max_bytes", "gardefou_incident_backups",
                     "gardefou_incident_retention_days", "gardefou_syslog", "confdir"})
OFF = "off"


class IncidentLog:
    """Records the Outcome the enforcement addon left in `flow.metadata`; never sees the request body."""

    def __init__(self) -> None:
        self.sink: IncidentSink | None = None

    def load(self, loader: Loader) -> None:
        loader.add_option("gardefou_incident_log", str, "",
                          "Incident log (JSON lines). Empty: incidents.jsonl in the confdir; 'off': no file.")
        loader.add_option("gardefou_incident_max_bytes", int, 50 * 1024 * 1024,
                          "Rotate the incident log when it reaches this size (bytes).")
        loader.add_option("gardefou_incident_backups", int, 10, "Rotated incident logs to keep (count).")
        loader.add_option("gardefou_incident_retention_days", int, 180,
                          "Delete rotated incident logs older than this many days; 0 keeps them.")
        loader.add_option("gardefou_syslog", str, "",
                          "Also send incidents to syslog: udp://host:514, tcp://host:514 or /dev/log. Empty: off.")
        loader.add_option("gardefou_audit", bool, False,
                          "Record every request to an AI service, not only the non-allow verdicts.")

    def configure(self, updated: set[str]) -> None:
        if self.sink is not None and not updated & OPTIONS:
            return
        o = ctx.options
        if o.gardefou_incident_max_bytes < 0 or o.gardefou_incident_backups < 0:
            raise exceptions.OptionsError("gardefou_incident_max_bytes and gardefou_incident_backups must be >= 0")  # type: ignore[no-untyped-call]
        if o.gardefou_incident_retention_days < 0:
            raise exceptions.OptionsError("gardefou_incident_retention_days must be >= 0")  # type: ignore[no-untyped-call]
        handlers: list[logging.Handler] = []
        try:
            target = parse_syslog(o.gardefou_syslog)
            path = incident_path(o.gardefou_incident_log, o.confdir)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                handlers.append(RetainedFile(path, o.gardefou_incident_max_bytes, o.gardefou_incident_backups,
                                             o.gardefou_incident_retention_days))
            if target is not None:
                handlers.append(syslog_handler(target))
        except (ValueError, OSError) as e:
            for h in handlers:
                h.close()
            raise exceptions.OptionsError(f"incident log: {e}") from e  # type: ignore[no-untyped-call]
        old, self.sink = self.sink, IncidentSink(handlers)
        if old is not None:
            old.close()

    def request(self, flow: http.HTTPFlow) -> None:
        outcome = flow.metadata.get(METADATA_KEY)
        if not isinstance(outcome, Outcome) or self.sink is None:
            return
        if outcome.action != "allow" or ctx.options.gardefou_audit:
            self.sink.write(incident_record(outcome, datetime.now(UTC)))

    def done(self) -> None:
        if self.sink is not None:
            self.sink.close()


def incident_path(option: str, confdir: str) -> Path | None:
    """Where the log goes: the option's path, incidents.jsonl in the confdir when empty, nowhere when 'off'."""
    if option == OFF:
        return None
    return Path(option).expanduser() if option else Path(confdir).expanduser() / "incidents.jsonl"
