"""Reads and validates a policy file; every problem is reported with file, line and field before failing."""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from detectors.errors import ConfigError, ConfigProblem
from detectors.finding import CATEGORIES, Confidence
from detectors.ruleset import RULES_DIR
from detectors.yamlsource import LineDict, LineList, line_of, load_yaml
from proxy.policy.model import (
    ACTIONS,
    APP_STATUSES,
    FAIL_MODES,
    INSTANCES,
    Allowlist,
    DictionarySpec,
    Group,
    Network,
    Policy,
    PolicyRule,
    ServicePolicy,
)

SHIPPED_POLICY = RULES_DIR / "policy.yaml"

_TOP = {"version", "fail_mode", "limits", "app_status", "services", "groups", "rules", "allowlist",
        "dictionaries", "indexes"}
_LIMITS = {"max_body_bytes", "scan_timeout_seconds", "justification_max_chars"}
_RULE = {"name", "action", "category", "types", "min_confidence", "min_count", "groups", "services", "instances",
         "app_status"}
_SERVICE = {"status", "fail_mode", "headers"}
_GROUP = {"users", "networks"}
_ALLOW = {"hashes", "users", "services"}
_DICT = {"category", "confidence", "case_insensitive", "accent_insensitive", "terms"}
# Tenant-restriction headers a policy may inject (and nothing else: a policy must not forge arbitrary headers).
TENANT_HEADERS = ("chatgpt-allowed-workspace-id", "anthropic-allowed-org-ids", "restrict-access-to-tenants",
                  "restrict-access-context", "x-googapps-allowed-domains")


class _Checker:
    """Collects problems while converting YAML nodes into typed values."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[ConfigProblem] = []

    def problem(self, line: int, message: str, field: str) -> None:
        self.problems.append(ConfigProblem(self.file, line, message, field=field))

    def mapping(self, node: Any, field: str, line: int) -> LineDict | None:
        if node is None:
            return None
        if not isinstance(node, LineDict):
            self.problem(line_of(node, line), "must be a mapping", field)
            return None
        return node

    def entries(self, data: LineDict, section: str, known: set[str],
                reserved: Mapping[str, str] | None = None) -> Iterator[tuple[str, str, int, LineDict]]:
        """(name, field path, line, mapping) of each entry of a named section; problems recorded, bad ones skipped."""
        node = self.mapping(data.get(section), section, data.line_of(section))
        if node is None:
            return
        for name, spec in node.items():
            field = f"{section}.{name}"
            if reserved and name in reserved:
                self.problem(node.line_of(name), reserved[name], field)
                continue
            entry = self.mapping(spec, field, node.line_of(name))
            if entry is None:
                continue
            self.unknown_keys(entry, known, field)
            yield name, field, node.line_of(name), entry

    def unknown_keys(self, node: LineDict, known: set[str], field: str) -> None:
        for key in node:
            if key not in known:
                self.problem(node.line_of(key), f"unknown key (expected one of: {', '.join(sorted(known))})",
                             f"{field}.{key}" if field else key)

    def choice(self, node: LineDict, key: str, choices: tuple[str, ...], field: str, default: str) -> str:
        value = node.get(key, default)
        if value not in choices:
            self.problem(node.line_of(key), f"must be one of {', '.join(choices)}, not {value!r}", field)
            return default
        return str(value)

    def number(self, node: LineDict, key: str, field: str, default: float, integer: bool, minimum: float) -> float:
        value = node.get(key, default)
        ok = isinstance(value, int) if integer else isinstance(value, int | float)
        if isinstance(value, bool) or not ok or value < minimum:
            kind = "an integer" if integer else "a number"
            self.problem(node.line_of(key), f"must be {kind} >= {minimum}, not {value!r}", field)
            return default
        return float(value)

    def strings(self, node: LineDict, key: str, field: str, choices: tuple[str, ...] = ()) -> frozenset[str]:
        value = node.get(key)
        if value is None:
            return frozenset()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.problem(node.line_of(key), "must be a list of non-empty strings", field)
            return frozenset()
        for v in value:
            if choices and v not in choices:
                self.problem(node.line_of(key), f"{v!r} is not one of {', '.join(choices)}", field)
        return frozenset(value)

    def boolean(self, node: LineDict, key: str, field: str, default: bool) -> bool:
        value = node.get(key, default)
        if not isinstance(value, bool):
            self.problem(node.line_of(key), f"must be true or false, not {value!r}", field)
            return default
        return value


def load_policy(path: Path | str) -> Policy:
    """Load and validate a policy file. Raises ConfigError listing every problem."""
    path = Path(path)
    data, problems = load_yaml(path)
    if problems:
        raise ConfigError(problems)
    try:
        raw = path.read_bytes()
    except OSError as e:  # pragma: no cover - load_yaml read it a moment ago
        raise ConfigError([ConfigProblem(str(path), 0, f"cannot read: {e.strerror}")]) from e
    c = _Checker(str(path))
    policy = _build(c, data, path, hashlib.sha256(raw).hexdigest()[:12])
    if c.problems:
        raise ConfigError(c.problems)
    return policy


def check_service_ids(policy: Policy, known: Collection[str]) -> None:
    """Service ids the policy names must exist in the catalogue: a typo would silently do nothing."""
    problems = []
    hint = f"not in the service catalogue (known: {', '.join(sorted(known))})"
    for sid, sp in policy.services:
        if sid not in known:
            problems.append(ConfigProblem(policy.source, sp.line, f"{sid!r} {hint}", field=f"services.{sid}"))
    for i, rule in enumerate(policy.rules):
        for sid in sorted(rule.services - set(known)):
            problems.append(ConfigProblem(policy.source, rule.line, f"{sid!r} {hint}", field=f"rules[{i}].services"))
    for sid in sorted(policy.allowlist.services - set(known)):
        problems.append(ConfigProblem(policy.source, 0, f"{sid!r} {hint}", field="allowlist.services"))
    if problems:
        raise ConfigError(problems)


def _build(c: _Checker, data: Any, path: Path, version: str) -> Policy:
    if not isinstance(data, LineDict):
        c.problem(line_of(data, 1), "a policy must be a mapping at the top level", "")
        return Policy()
    c.unknown_keys(data, _TOP, "")
    if data.get("version", 1) != 1:
        c.problem(data.line_of("version"), f"unsupported policy version {data.get('version')!r} (expected 1)",
                  "version")
    fail_mode = c.choice(data, "fail_mode", FAIL_MODES, "fail_mode", "open")
    limits = c.mapping(data.get("limits"), "limits", data.line_of("limits"))
    max_body, timeout, just = 4 * 1024 * 1024, 2.0, 300
    if limits is not None:
        c.unknown_keys(limits, _LIMITS, "limits")
        max_body = int(c.number(limits, "max_body_bytes", "limits.max_body_bytes", max_body, True, 1))
        timeout = c.number(limits, "scan_timeout_seconds", "limits.scan_timeout_seconds", timeout, False, 0.001)
        just = int(c.number(limits, "justification_max_chars", "limits.justification_max_chars", just, True, 1))
    return Policy(
        source=str(path), version=version, fail_mode=fail_mode, max_body_bytes=max_body, scan_timeout=timeout,
        justification_max_chars=just,
        app_status=_app_status(c, data),
        services=_services(c, data),
        groups=_groups(c, data),
        rules=_rules(c, data),
        allowlist=_allowlist(c, data),
        dictionaries=_dictionaries(c, data),
        **_indexes(c, data, path.parent),
    )


def _app_status(c: _Checker, data: LineDict) -> tuple[tuple[str, str], ...]:
    out = dict(Policy().app_status)
    node = c.mapping(data.get("app_status"), "app_status", data.line_of("app_status"))
    if node is not None:
        c.unknown_keys(node, set(APP_STATUSES), "app_status")
        for status in APP_STATUSES:
            if status in node:
                out[status] = c.choice(node, status, ACTIONS, f"app_status.{status}", out[status])
    return tuple(out.items())


def _services(c: _Checker, data: LineDict) -> tuple[tuple[str, ServicePolicy], ...]:
    out = []
    for sid, field, line, s in c.entries(data, "services", _SERVICE):
        status = c.choice(s, "status", ("", *APP_STATUSES[:3]), f"{field}.status", "") if "status" in s else ""
        fmode = c.choice(s, "fail_mode", FAIL_MODES, f"{field}.fail_mode", "") if "fail_mode" in s else ""
        headers: list[tuple[str, str]] = []
        h = c.mapping(s.get("headers"), f"{field}.headers", s.line_of("headers"))
        for name, value in (h or {}).items():
            if name.lower() not in TENANT_HEADERS:
                c.problem(h.line_of(name) if h else 0,
                          f"only tenant-restriction headers may be injected ({', '.join(TENANT_HEADERS)})",
                          f"{field}.headers.{name}")
            elif (not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip()
                  or not all(" " <= ch <= "~" for ch in str(value))):
                c.problem(h.line_of(name) if h else 0, "must be a non-empty string of printable ASCII",
                          f"{field}.headers.{name}")
            else:
                headers.append((name, str(value)))
        out.append((str(sid), ServicePolicy(status, fmode, tuple(headers), line)))
    return tuple(out)


def _groups(c: _Checker, data: LineDict) -> tuple[Group, ...]:
    out = []
    reserved = {"default": "'default' is the implicit group of everyone else"}
    for name, field, _line, g in c.entries(data, "groups", _GROUP, reserved):
        nets: list[Network] = []
        for n in c.strings(g, "networks", f"{field}.networks"):
            try:
                nets.append(ipaddress.ip_network(n, strict=False))
            except ValueError:
                c.problem(g.line_of("networks"), f"{n!r} is not an address range like 10.0.0.0/24",
                          f"{field}.networks")
        out.append(Group(str(name), c.strings(g, "users", f"{field}.users"),
                         tuple(sorted(nets, key=str))))
    return tuple(out)


def _rules(c: _Checker, data: LineDict) -> tuple[PolicyRule, ...]:
    node = data.get("rules")
    if node is None:
        return ()
    if not isinstance(node, LineList):
        c.problem(data.line_of("rules"), "must be a list of rules", "rules")
        return ()
    out = []
    for i, (item, line) in enumerate(zip(node, node.item_lines, strict=True)):
        field = f"rules[{i}]"
        r = c.mapping(item, field, line)
        if r is None:
            continue
        c.unknown_keys(r, _RULE, field)
        if "action" not in r:
            c.problem(r.line, "missing", f"{field}.action")
        action = c.choice(r, "action", ACTIONS, f"{field}.action", "log")
        category = ""
        if "category" in r:
            category = c.choice(r, "category", CATEGORIES, f"{field}.category", "")
        try:
            confidence = Confidence.parse(str(r.get("min_confidence", "low")))
        except ValueError as e:
            c.problem(r.line_of("min_confidence"), str(e), f"{field}.min_confidence")
            confidence = Confidence.LOW
        types = c.strings(r, "types", f"{field}.types")
        count = int(c.number(r, "min_count", f"{field}.min_count", 1, True, 1))
        if not category and (types or "min_confidence" in r or "min_count" in r):
            c.problem(r.line, "types, min_confidence and min_count need a category", f"{field}.category")
        if action == "redact" and not category:
            c.problem(r.line_of("action"), "redact needs a category: there is nothing to replace", f"{field}.action")
        name = r.get("name", f"rule {i + 1}")
        if not isinstance(name, str):
            c.problem(r.line_of("name"), "must be a string", f"{field}.name")
            name = f"rule {i + 1}"
        out.append(PolicyRule(
            name=name, action=action, category=category, types=types, min_confidence=confidence, min_count=count,
            groups=c.strings(r, "groups", f"{field}.groups"),
            services=c.strings(r, "services", f"{field}.services"),
            instances=c.strings(r, "instances", f"{field}.instances", INSTANCES),
            app_status=c.strings(r, "app_status", f"{field}.app_status", APP_STATUSES),
            line=r.line,
        ))
    _check_group_names(c, data, out)
    return tuple(out)


def _check_group_names(c: _Checker, data: LineDict, rules: list[PolicyRule]) -> None:
    groups = data.get("groups")
    known = {"default", *(groups.keys() if isinstance(groups, dict) else ())}
    for i, rule in enumerate(rules):
        for g in sorted(rule.groups - known):
            c.problem(rule.line, f"unknown group {g!r}", f"rules[{i}].groups")


def _allowlist(c: _Checker, data: LineDict) -> Allowlist:
    node = c.mapping(data.get("allowlist"), "allowlist", data.line_of("allowlist"))
    if node is None:
        return Allowlist()
    c.unknown_keys(node, _ALLOW, "allowlist")
    hashes = c.strings(node, "hashes", "allowlist.hashes")
    for h in sorted(hashes):
        if len(h) != 32 or any(ch not in "0123456789abcdef" for ch in h):
            c.problem(node.line_of("hashes"), f"{h!r} is not a value hash (32 hex digits, from the incident log)",
                      "allowlist.hashes")
    return Allowlist(hashes, c.strings(node, "users", "allowlist.users"),
                     c.strings(node, "services", "allowlist.services"))


def _dictionaries(c: _Checker, data: LineDict) -> tuple[DictionarySpec, ...]:
    out = []
    for name, field, _line, d in c.entries(data, "dictionaries", _DICT):
        category = c.choice(d, "category", CATEGORIES, f"{field}.category", "intellectual_property")
        confidence = c.choice(d, "confidence", ("low", "medium", "high"), f"{field}.confidence", "medium")
        terms = d.get("terms")
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) and t.strip() for t in terms):
            c.problem(d.line_of("terms"), "must be a non-empty list of non-empty strings", f"{field}.terms")
            terms = []
        out.append(DictionarySpec(str(name), category, confidence,
                                  c.boolean(d, "case_insensitive", f"{field}.case_insensitive", True),
                                  c.boolean(d, "accent_insensitive", f"{field}.accent_insensitive", True),
                                  tuple(terms)))
    return tuple(out)


def _indexes(c: _Checker, data: LineDict, base: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"edm_index": None, "fingerprint_index": None, "edm_min_columns": None}
    node = c.mapping(data.get("indexes"), "indexes", data.line_of("indexes"))
    if node is None:
        return out
    c.unknown_keys(node, {"edm", "fingerprints", "edm_min_columns"}, "indexes")
    if "edm_min_columns" in node:
        out["edm_min_columns"] = int(c.number(node, "edm_min_columns", "indexes.edm_min_columns", 2, True, 1))
    for key, target in (("edm", "edm_index"), ("fingerprints", "fingerprint_index")):
        value = node.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value:
            c.problem(node.line_of(key), "must be a file path", f"indexes.{key}")
            continue
        p = Path(value).expanduser()
        p = p if p.is_absolute() else base / p
        if not p.is_file():
            c.problem(node.line_of(key), f"no such file: {p}", f"indexes.{key}")
        out[target] = p
    if out["edm_min_columns"] is not None and "edm" not in node:
        c.problem(node.line_of("edm_min_columns"), "a threshold without an EDM index (indexes.edm) has nothing to "
                  "apply to", "indexes.edm_min_columns")
    return out
