"""The GenAI service catalogue (`rules/services/*.yaml`): which hosts are AI services, their adapter and status."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detectors.errors import ConfigError, ConfigProblem
from detectors.ruleset import RULES_DIR
from detectors.yamlsource import LineDict, LineList, line_of, load_yaml
from proxy.adapters import ADAPTER_NAMES

STATUSES = ("sanctioned", "tolerated", "unsanctioned")
DEFAULT_DIR = RULES_DIR / "services"

_FIELDS = {"id", "name", "vendor", "hosts", "adapter", "status", "notes"}
_ID = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# A label with a wildcard inside (`*-aiplatform`, `api-*`): `*` stands for one or more label characters.
_WILD_LABEL = re.compile(r"[a-z0-9-]*\*[a-z0-9-]*")


@dataclass(frozen=True, slots=True)
class Service:
    """One AI service: where it lives, which adapter reads it, and its default status."""

    id: str
    name: str
    hosts: tuple[str, ...]
    adapter: str
    status: str  # sanctioned | tolerated | unsanctioned (the policy may override)
    vendor: str
    notes: str = ""


def host_problem(pattern: str) -> str:
    """Why a host pattern is malformed, or "" when it is fine.

    Allowed: `api.example.com`, `*.example.com` (any depth of subdomain), and one label holding a `*`
    (`*-aiplatform.googleapis.com`, `api.*.githubcopilot.com`) followed by at least two fixed labels.
    """
    if pattern != pattern.lower():
        return "hosts are lowercase"
    if ":" in pattern or "/" in pattern:
        return "a host has no port, scheme or path"
    labels = pattern.split(".")
    wild = [i for i, label in enumerate(labels) if "*" in label]
    if len(wild) > 1 or any(label.count("*") > 1 for label in labels):
        return "only one `*` per host"
    for i, label in enumerate(labels):
        if i in wild:
            if not _WILD_LABEL.fullmatch(label):
                return "malformed wildcard label"
        elif not _LABEL.fullmatch(label):
            return f"malformed label {label!r}" if label else "empty label"
    if wild and len(labels) - wild[0] - 1 < 2:
        return "a wildcard needs at least two fixed labels after it (e.g. *.example.com)"
    if not wild and len(labels) < 2:
        return "a host has at least two labels"
    return ""


def normalise_host(host: str) -> str:
    """Lowercase, without port, trailing dot or IPv6 brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host[1:]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


class Catalogue:
    """Services by host: an exact dict, then a walk over the host's suffixes for wildcard patterns."""

    def __init__(self, services: list[Service]) -> None:
        self.services = tuple(services)
        self._exact: dict[str, Service] = {}
        self._subdomains: dict[str, Service] = {}  # "*.suffix" -> service, keyed by suffix
        self._inner: dict[str, list[tuple[re.Pattern[str], Service]]] = {}  # fixed suffix -> label patterns
        for service in services:
            for pattern in service.hosts:
                labels = pattern.split(".")
                if "*" not in pattern:
                    self._exact[pattern] = service
                elif labels[0] == "*":
                    self._subdomains[".".join(labels[1:])] = service
                else:
                    cut = next(i for i, label in enumerate(labels) if "*" in label)
                    suffix = ".".join(labels[cut + 1 :])
                    head = r"\.".join(re.escape(x).replace(r"\*", "[a-z0-9-]+") for x in labels[: cut + 1])
                    self._inner.setdefault(suffix, []).append((re.compile(head), service))
        self._by_id = {s.id: s for s in services}

    def lookup(self, host: str) -> Service | None:
        """The service serving `host` (any case, port allowed), or None when the host is not an AI service."""
        host = normalise_host(host)
        found = self._exact.get(host)
        if found is not None:
            return found
        labels = host.split(".")
        # Longest suffix first: the most specific pattern wins.
        for cut in range(1, len(labels) - 1):
            suffix = ".".join(labels[cut:])
            for head, service in self._inner.get(suffix, ()):
                if head.fullmatch(".".join(labels[:cut])):
                    return service
            found = self._subdomains.get(suffix)
            if found is not None:
                return found
        return None

    def get(self, service_id: str) -> Service | None:
        return self._by_id.get(service_id)

    def hosts(self) -> tuple[str, ...]:
        """Every host pattern, for the PAC file and the decision to intercept TLS."""
        return tuple(h for s in self.services for h in s.hosts)

    def __len__(self) -> int:
        return len(self.services)


def _service(entry: Any, file: str, line: int, problems: list[ConfigProblem]) -> Service | None:
    if not isinstance(entry, LineDict):
        problems.append(ConfigProblem(file, line, "a service is a mapping"))
        return None
    sid = entry.get("id")
    rule = sid if isinstance(sid, str) else ""
    before = len(problems)

    def problem(field: str, message: str) -> None:
        problems.append(ConfigProblem(file, entry.line_of(field), message, rule, field))

    for key in entry:
        if key not in _FIELDS:
            problem(key, f"unknown field (known: {', '.join(sorted(_FIELDS))})")
    if not isinstance(sid, str) or not _ID.fullmatch(sid):
        problem("id", "required: lowercase letters, digits, '-', '_' or '.'")
    for key in ("name", "vendor"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            problem(key, "required: a non-empty string")
    adapter = entry.get("adapter")
    if adapter not in ADAPTER_NAMES:
        problem("adapter", f"unknown adapter {adapter!r} (known: {', '.join(sorted(ADAPTER_NAMES))})")
    status = entry.get("status")
    if status not in STATUSES:
        problem("status", f"must be one of {', '.join(STATUSES)}, not {status!r}")
    notes = entry.get("notes", "")
    if not isinstance(notes, str):
        problem("notes", "must be a string")
    hosts = entry.get("hosts")
    if not isinstance(hosts, LineList) or not hosts:
        problem("hosts", "required: a non-empty list of host names")
        hosts = LineList()
    for i, host in enumerate(hosts):
        why = "must be a string" if not isinstance(host, str) else host_problem(host)
        if why:
            problems.append(ConfigProblem(file, hosts.item_lines[i], f"host #{i + 1}: {why}", rule, "hosts"))
    if len(problems) > before:
        return None
    return Service(str(sid), entry["name"], tuple(hosts), str(adapter), str(status), entry["vendor"], notes)


def load_catalogue(path: str | Path = DEFAULT_DIR) -> Catalogue:
    """Load one catalogue file or every `*.yaml` of a directory; raise ConfigError listing every problem."""
    root = Path(path)
    files = sorted(root.glob("*.yaml")) if root.is_dir() else [root]
    problems: list[ConfigProblem] = []
    if not files:
        problems.append(ConfigProblem(str(root), 0, "no catalogue file (*.yaml) here"))
    services: list[Service] = []
    ids: dict[str, str] = {}
    hosts: dict[str, str] = {}
    for file in files:
        data, errors = load_yaml(file)
        problems.extend(errors)
        if errors:
            continue
        name = str(file)
        if not isinstance(data, LineDict) or not isinstance(data.get("services"), LineList):
            problems.append(ConfigProblem(name, line_of(data), "a catalogue file is a mapping with a `services:` list"))
            continue
        entries: LineList = data["services"]
        for entry, line in zip(entries, entries.item_lines, strict=True):
            service = _service(entry, name, line, problems)
            if service is None:
                continue
            where = entry.line_of("id")
            if service.id in ids:
                first = ids[service.id]
                problems.append(ConfigProblem(name, where, f"duplicate id (first in {first})", service.id, "id"))
                continue
            ids[service.id] = f"{name}:{where}"
            clash = [h for h in service.hosts if h in hosts]
            for host in clash:
                message = f"host {host} already belongs to {hosts[host]}"
                problems.append(ConfigProblem(name, entry.line_of("hosts"), message, service.id, "hosts"))
            if clash:
                continue
            hosts.update((h, service.id) for h in service.hosts)
            services.append(service)
    if problems:
        raise ConfigError(problems)
    return Catalogue(services)
