"""The policy as typed, frozen data: what `load_policy` builds and `decide` reads."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from detectors.finding import Confidence

ACTIONS = ("allow", "log", "redact", "coach", "block")
# Severity order: the strictest fired action wins.
SEVERITY = {a: i for i, a in enumerate(ACTIONS)}
APP_STATUSES = ("sanctioned", "tolerated", "unsanctioned", "unknown")
INSTANCES = ("corporate", "personal", "unknown")
FAIL_MODES = ("open", "closed")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Group:
    """Users known by proxy-authentication name or client address range."""

    name: str
    users: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """Findings of a category (or the request itself when category is empty) mapped to an action."""

    name: str
    action: str
    category: str = ""  # "" = a request rule: fires on its scope alone, without findings
    types: frozenset[str] = frozenset()
    min_confidence: Confidence = Confidence.LOW
    min_count: int = 1
    groups: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    instances: frozenset[str] = frozenset()
    app_status: frozenset[str] = frozenset()
    line: int = 0


@dataclass(frozen=True, slots=True)
class ServicePolicy:
    """Per-service overrides: status, fail mode and tenant-restriction headers to inject."""

    status: str = ""  # "" = the catalogue's status
    fail_mode: str = ""  # "" = the policy's default
    headers: tuple[tuple[str, str], ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class Allowlist:
    """Never scanned (users, services) or never reported (value hashes from the incident log)."""

    hashes: frozenset[str] = frozenset()
    users: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class DictionarySpec:
    """A term list for `detectors.dictionaries.dictionary_rules`, as plain data."""

    name: str
    category: str
    confidence: str
    case_insensitive: bool
    accent_insensitive: bool
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Policy:
    """The company's AI usage charter, validated."""

    source: str = ""
    version: str = ""
    fail_mode: str = "open"
    max_body_bytes: int = 4 * 1024 * 1024
    scan_timeout: float = 2.0
    justification_max_chars: int = 300
    app_status: tuple[tuple[str, str], ...] = (
        ("sanctioned", "allow"), ("tolerated", "allow"), ("unsanctioned", "block"), ("unknown", "log"),
    )
    services: tuple[tuple[str, ServicePolicy], ...] = ()
    groups: tuple[Group, ...] = ()
    rules: tuple[PolicyRule, ...] = ()
    allowlist: Allowlist = field(default_factory=Allowlist)
    dictionaries: tuple[DictionarySpec, ...] = ()
    edm_index: Path | None = None
    fingerprint_index: Path | None = None
    edm_min_columns: int | None = None  # None: the threshold stored in the EDM index (2 unless built otherwise)

    def service(self, service_id: str) -> ServicePolicy:
        for sid, sp in self.services:
            if sid == service_id:
                return sp
        return ServicePolicy()

    def status_action(self, status: str) -> str:
        return dict(self.app_status).get(status, "log")

    def effective_status(self, service_id: str, catalogue_status: str) -> str:
        return self.service(service_id).status or catalogue_status

    def fail_mode_for(self, service_id: str) -> str:
        return self.service(service_id).fail_mode or self.fail_mode

    def group_of(self, user: str, address: str) -> str:
        """The first group naming this user or containing this address; "default" otherwise."""
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0]) if address else None
        except ValueError:
            ip = None
        if ip is not None and isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        for g in self.groups:
            if user and user in g.users:
                return g.name
            if ip is not None and any(ip.version == n.version and ip in n for n in g.networks):
                return g.name
        return "default"
