"""Incident log: record format, which verdicts are written, rotation, retention, syslog and option errors."""

from __future__ import annotations

import json
import os
import socket
import stat
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from mitmproxy import exceptions
from mitmproxy.test import taddons, tflow

from proxy.addons.incidents import IncidentLog, incident_path
from proxy.incident_sink import IncidentSink, RetainedFile, SyslogTarget, incident_record, parse_syslog
from proxy.outcome import METADATA_KEY, Evidence, Outcome

SECRET = "AKIAQYLPMN5HFIQR7XYA"


def blocked(incident_id: str = "f1", action: str = "block") -> Outcome:
    e = Evidence("credentials", "aws_key", "credentials.aws.access_key", "high", "AKIA…7XYA", "3f2a" * 4,
                 "messages[0].content")
    return Outcome(incident_id, "openai", "sanctioned", "chat", "finance", action, (e,), "corporate",
                   policy_version="p1", rules_version="r1", bytes_scanned=64)


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def run(addon: IncidentLog, tmp_path: Path, *outcomes: Outcome, **options: object) -> None:
    with taddons.context(addon) as tctx:
        tctx.configure(addon, confdir=str(tmp_path), **options)
        for o in outcomes:
            f = tflow.tflow()
            f.metadata[METADATA_KEY] = o
            addon.request(f)
        addon.request(tflow.tflow())  # no Outcome: nothing to record
        addon.done()


def test_record_has_the_documented_fields_and_no_value() -> None:
    rec = incident_record(blocked(), datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC))
    assert rec["time"] == "2026-01-02T03:04:05.678Z"
    assert rec["findings"] == [{"category": "credentials", "type": "aws_key", "rule": "credentials.aws.access_key",
                                "confidence": "high", "masked": "AKIA…7XYA", "hash": "3f2a" * 4,
                                "location": "messages[0].content", "attributes": {}}]
    assert {"incident_id", "action", "service", "app_status", "account", "endpoint", "group", "justification",
            "policy_version", "rules_version", "error", "fail_mode"} <= rec.keys()
    assert SECRET not in json.dumps(rec)


def test_a_findings_attributes_are_recorded() -> None:
    # What the detectors report beside the value: the code block's language, the matched source file, the table.
    e = Evidence("intellectual_property", "fingerprint_match", "intellectual_property.fingerprint", "high", "def…x)",
                 "ab" * 8, "messages[0].content", (("source", "/srv/repo/ledger.py"), ("fingerprints", "12")))
    o = Outcome("f9", "openai", "sanctioned", "chat", "dev", "block", (e,))
    rec = incident_record(o, datetime(2026, 1, 2, tzinfo=UTC))
    assert rec["findings"][0]["attributes"] == {"source": "/srv/repo/ledger.py", "fingerprints": "12"}


def test_only_non_allow_verdicts_are_written(tmp_path: Path) -> None:
    run(IncidentLog(), tmp_path, blocked("a"), blocked("b", action="allow"), blocked("c", action="redact"))
    path = tmp_path / "incidents.jsonl"
    assert [r["incident_id"] for r in lines(path)] == ["a", "c"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_audit_mode_writes_every_request(tmp_path: Path) -> None:
    log = tmp_path / "audit" / "all.jsonl"
    run(IncidentLog(), tmp_path, blocked("a", action="allow"), blocked("b"), gardefou_audit=True,
        gardefou_incident_log=str(log))
    assert [r["action"] for r in lines(log)] == ["allow", "block"]


def test_off_writes_no_file(tmp_path: Path) -> None:
    run(IncidentLog(), tmp_path, blocked(), gardefou_incident_log="off")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("option", "expected"), [("", "CONF/incidents.jsonl"), ("off", None), ("/x/y.jsonl", "/x/y.jsonl")])
def test_incident_path(option: str, expected: str | None) -> None:
    got = incident_path(option, "CONF")
    assert (str(got) if got else None) == expected


def test_rotation_keeps_n_backups(tmp_path: Path) -> None:
    log = tmp_path / "i.jsonl"
    run(IncidentLog(), tmp_path, *(blocked(str(i)) for i in range(40)), gardefou_incident_log=str(log),
        gardefou_incident_max_bytes=1500, gardefou_incident_backups=2)
    rotated = sorted(p.name for p in tmp_path.glob("i.jsonl.*"))
    assert rotated == ["i.jsonl.1", "i.jsonl.2"]
    kept = [r["incident_id"] for p in (log.with_name("i.jsonl.2"), log.with_name("i.jsonl.1"), log)
            for r in lines(p)]
    assert kept == [str(i) for i in range(40 - len(kept), 40)]  # newest kept, in order, none torn
    assert all(p.stat().st_size <= 1500 for p in tmp_path.glob("i.jsonl*"))


def test_retention_deletes_only_old_rotated_files(tmp_path: Path) -> None:
    log = tmp_path / "i.jsonl"
    old, recent = tmp_path / "i.jsonl.1", tmp_path / "i.jsonl.2"
    for p in (old, recent, log):
        p.write_text("{}\n")
    stale = time.time() - 31 * 86400
    os.utime(old, (stale, stale))
    os.utime(log, (stale, stale))  # the live file is never deleted
    handler = RetainedFile(log, 1000, 5, retention_days=30)
    handler.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["i.jsonl", "i.jsonl.2"]


def test_zero_retention_keeps_everything(tmp_path: Path) -> None:
    old = tmp_path / "i.jsonl.1"
    old.write_text("{}\n")
    os.utime(old, (0, 0))
    RetainedFile(tmp_path / "i.jsonl", 1000, 5, retention_days=0).close()
    assert old.exists()


@pytest.mark.parametrize(("spec", "target"), [
    ("", None),
    ("udp://siem.example:5514", SyslogTarget("udp", "siem.example", 5514)),
    ("tcp://10.1.2.3", SyslogTarget("tcp", "10.1.2.3", 514)),
    ("/dev/log", SyslogTarget("unix", path="/dev/log")),
])
def test_parse_syslog(spec: str, target: SyslogTarget | None) -> None:
    assert parse_syslog(spec) == target


@pytest.mark.parametrize("spec", ["http://x:514", "udp://:514", "udp://h:99999", "udp://h:514/path", "siem:514"])
def test_parse_syslog_rejects(spec: str) -> None:
    with pytest.raises(ValueError, match="syslog"):
        parse_syslog(spec)


def test_udp_syslog_receives_each_incident_as_json(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        server.settimeout(10)
        port = server.getsockname()[1]
        run(IncidentLog(), tmp_path, blocked("a"), blocked("b"), gardefou_syslog=f"udp://127.0.0.1:{port}",
            gardefou_incident_log="off")
        got = [server.recv(65535).decode() for _ in range(2)]
    for message, expected in zip(got, ("a", "b"), strict=True):
        assert message.startswith("<132>gardefou: ")  # local0.warning
        assert json.loads(message.split(": ", 1)[1].rstrip("\x00"))["incident_id"] == expected


def test_unix_socket_syslog(tmp_path: Path) -> None:
    path = tmp_path / "log.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))
        server.settimeout(10)
        run(IncidentLog(), tmp_path, blocked("a"), gardefou_syslog=str(path), gardefou_incident_log="off")
        message = server.recv(65535).decode()
    assert json.loads(message.split(": ", 1)[1].rstrip("\x00"))["incident_id"] == "a"


def test_tcp_syslog_is_newline_framed(tmp_path: Path) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(10)
        port = server.getsockname()[1]
        run(IncidentLog(), tmp_path, blocked("a"), blocked("b"), gardefou_syslog=f"tcp://127.0.0.1:{port}",
            gardefou_incident_log="off")
        conn, _ = server.accept()
        with conn:
            conn.settimeout(10)
            data = b""
            while data.count(b"\n") < 2:
                chunk = conn.recv(65535)
                assert chunk, "connection closed early"
                data += chunk
    ids = [json.loads(m.split(b": ", 1)[1])["incident_id"] for m in data.splitlines()]
    assert ids == ["a", "b"]


@pytest.mark.parametrize("options", [
    {"gardefou_syslog": "ftp://x"},
    {"gardefou_incident_max_bytes": -1},
    {"gardefou_incident_retention_days": -5},
    {"gardefou_syslog": "/nonexistent/socket"},
    {"gardefou_incident_log": "/proc/forbidden/i.jsonl"},
])
def test_bad_options_raise_options_error(tmp_path: Path, options: dict[str, object]) -> None:
    addon = IncidentLog()
    with taddons.context(addon) as tctx:
        with pytest.raises(exceptions.OptionsError):
            tctx.configure(addon, confdir=str(tmp_path), **options)
        addon.done()


def test_reconfigure_swaps_the_sink_and_closes_the_old_one(tmp_path: Path) -> None:
    addon = IncidentLog()
    first, second = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    with taddons.context(addon) as tctx:
        tctx.configure(addon, gardefou_incident_log=str(first))
        f = tflow.tflow()
        f.metadata[METADATA_KEY] = blocked("a")
        addon.request(f)
        tctx.configure(addon, gardefou_incident_log=str(second))
        f = tflow.tflow()
        f.metadata[METADATA_KEY] = blocked("b")
        addon.request(f)
        addon.done()
    assert [r["incident_id"] for r in lines(first)] == ["a"]
    assert [r["incident_id"] for r in lines(second)] == ["b"]


def test_sink_close_is_idempotent(tmp_path: Path) -> None:
    sink = IncidentSink([RetainedFile(tmp_path / "i.jsonl", 0, 0, 0)])
    sink.write({"x": 1})
    sink.close()
    sink.close()
    assert lines(tmp_path / "i.jsonl") == [{"x": 1}]


def test_a_burst_is_on_disk_once_the_queue_drains(tmp_path: Path) -> None:
    # The file is flushed when the listener's queue is empty (one write a burst), not only at close.
    path = tmp_path / "i.jsonl"
    sink = IncidentSink([RetainedFile(path, 0, 0, 0)])
    try:
        for i in range(500):
            sink.write({"n": i})
        deadline = time.monotonic() + 10
        while len(path.read_text().splitlines()) < 500:
            assert time.monotonic() < deadline, "the burst was not flushed while the sink stayed open"
            time.sleep(0.01)
        assert lines(path) == [{"n": i} for i in range(500)]
    finally:
        sink.close()


def test_a_device_is_never_rotated(tmp_path: Path) -> None:
    # /dev/null as the incident log (a deployment that keeps syslog only): writes go on, nothing is renamed.
    sink = IncidentSink([RetainedFile(Path("/dev/null"), 100, 2, 0)])
    for i in range(50):
        sink.write({"n": i, "pad": "x" * 40})
    sink.close()
    assert Path("/dev/null").is_char_device()
    assert not list(Path("/dev").glob("null.*"))
