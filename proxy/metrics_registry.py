"""Garde-fou's Prometheus metrics: one registry per proxy, label values bounded to known or capped sets."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from detectors.finding import CATEGORIES
from proxy.outcome import ACTIONS, Outcome

APP_STATUSES = ("sanctioned", "tolerated", "unsanctioned", "unknown")
ACCOUNTS = ("personal", "corporate", "unknown")
FAIL_MODES = ("open", "closed")
# Stages the engine and enforcement time (Outcome.timings keys); a new stage gets through under a small cap.
STAGES = ("adapter", "cache", "normalize", "hyperscan", "names", "records", "source_code", "edm", "fingerprints",
          "decide", "rewrite")
OTHER = "other"
UNKNOWN = "unknown"

# Latency buckets from 100 µs to 10 s: the rule pass is sub-millisecond, NER and timeouts are not.
_SECONDS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_BYTES = (256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216)
_SAFE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:+-]{0,63}")


class BoundedLabel:
    """Maps raw values to label values: known ones pass, others pass while safe and under a cap, the rest is "other".

    A label is where cardinality explodes and where a leaked value would live; neither may depend on traffic.
    """

    def __init__(self, known: Iterable[str] = (), cap: int = 0) -> None:
        self._known = frozenset(known)
        self._cap = cap
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, value: str) -> str:
        if value in self._known:
            return value
        if not value:
            return UNKNOWN
        if not _SAFE.fullmatch(value):
            return OTHER
        with self._lock:
            if value in self._seen:
                return value
            if len(self._seen) < self._cap:
                self._seen.add(value)
                return value
        return OTHER


def rule_family(rule: str) -> str:
    """The family of a rule id, its second part: `credentials.aws.access_key` -> `aws`."""
    parts = rule.split(".")
    return parts[1] if len(parts) > 2 else parts[0]


def status_class(status: int) -> str:
    """`2xx`... for an HTTP status; the exact code would add cardinality and nothing to read."""
    return f"{status // 100}xx" if 100 <= status < 600 else OTHER


class MetricsRegistry:
    """Every metric of the proxy in a registry of its own, fed from Outcomes, responses and errors."""

    def __init__(self, services: Iterable[str] = (), service_cap: int = 100, group_cap: int = 64,
                 family_cap: int = 200) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self._service = BoundedLabel((*services, UNKNOWN), service_cap)
        self._group = BoundedLabel(("default",), group_cap)
        self._family = BoundedLabel((), family_cap)
        self._endpoint = BoundedLabel((), 32)
        self._error = BoundedLabel((), 32)
        self._action = BoundedLabel(ACTIONS)
        self._status = BoundedLabel(APP_STATUSES)
        self._account = BoundedLabel(ACCOUNTS)
        self._category = BoundedLabel(CATEGORIES)
        self._stage = BoundedLabel(STAGES, 16)
        self._fail_mode = BoundedLabel(FAIL_MODES)

        self.requests = Counter("gardefou_requests", "Requests to AI services seen by the proxy, by verdict.",
                                ("service", "app_status", "account", "endpoint", "action"), registry=r)
        self.incidents = Counter("gardefou_incidents", "Requests with a non-allow verdict (the incident log's lines).",
                                 ("service", "group", "action"), registry=r)
        self.incident_categories = Counter(
            "gardefou_incident_categories",
            "Incidents by category of data found; one incident counts once in each of its categories, "
            "none when the verdict came from the app status or an error.",
            ("category", "group", "action"), registry=r)
        self.detections = Counter("gardefou_detections", "Findings in requests, one per finding.",
                                  ("category", "rule_family", "service", "action"), registry=r)
        self.justifications = Counter("gardefou_coach_justifications",
                                      "Coached requests the user sent on with a justification.",
                                      ("service", "group"), registry=r)
        self.fail_events = Counter("gardefou_fail_mode_events",
                                   "Scan failures handled by the fail mode: open passes the request, closed blocks it.",
                                   ("mode", "error", "service"), registry=r)
        self.scan_errors = Counter("gardefou_scan_errors", "Requests whose body was not scanned, by failure class.",
                                   ("error", "service"), registry=r)
        self.scan_seconds = Histogram("gardefou_scan_duration_seconds", "Time spent per scanning stage per request.",
                                      ("stage",), buckets=_SECONDS, registry=r)
        self.scanned_bytes = Counter("gardefou_scanned_bytes", "Bytes of request text scanned.", ("service",),
                                     registry=r)
        self.cached_bytes = Counter("gardefou_scan_cache_hit_bytes",
                                    "Bytes of request text whose findings came from the scan cache (sent before).",
                                    ("service",), registry=r)
        self.request_bytes = Histogram("gardefou_scanned_request_size_bytes", "Bytes scanned per request.",
                                       buckets=_BYTES, registry=r)
        self.responses = Counter("gardefou_upstream_responses", "Responses from AI services, by status class.",
                                 ("service", "code_class", "streamed"), registry=r)
        self.flow_errors = Counter("gardefou_flow_errors",
                                   "Requests the AI service never answered (refused, reset, hang-up, timeout).",
                                   ("service",), registry=r)
        self.policy_reloads = Counter("gardefou_policy_reloads",
                                      "Policy loads after the first: applied when a new policy version enforces, "
                                      "rejected when mitmproxy refused a policy option update.",
                                      ("result",), registry=r)
        self.policy_info = Gauge("gardefou_policy_info", "Policy and rule set versions in force (value 1).",
                                 ("policy_version", "rules_version"), registry=r)
        ProcessCollector(registry=r)  # process_cpu_seconds_total, process_resident_memory_bytes... of the proxy
        self._versions: tuple[str, str] | None = None
        self._lock = threading.Lock()
        for result in ("applied", "rejected"):
            self.policy_reloads.labels(result)

    def observe(self, o: Outcome) -> None:
        """Count one request's Outcome: verdict, findings, timings, failures and the policy in force."""
        service, action, group = self._service(o.service), self._action(o.action), self._group(o.group)
        self.requests.labels(service, self._status(o.app_status), self._account(o.instance),
                             self._endpoint(o.endpoint), action).inc()
        for e in o.evidence:
            self.detections.labels(self._category(e.category), self._family(rule_family(e.rule)), service, action).inc()
        if action != "allow":
            self.incidents.labels(service, group, action).inc()
            for category in sorted({self._category(e.category) for e in o.evidence}) or ["none"]:
                self.incident_categories.labels(category, group, action).inc()
        if o.justification:
            self.justifications.labels(service, group).inc()
        if o.error:
            self.scan_errors.labels(self._error(o.error), service).inc()
            if o.fail_mode:
                self.fail_events.labels(self._fail_mode(o.fail_mode), self._error(o.error), service).inc()
        for stage, seconds in o.timings.items():
            self.scan_seconds.labels(self._stage(stage)).observe(max(seconds, 0.0))
        if o.bytes_scanned:
            self.scanned_bytes.labels(service).inc(o.bytes_scanned)
            self.request_bytes.observe(o.bytes_scanned)
        if o.cached_bytes:
            self.cached_bytes.labels(service).inc(o.cached_bytes)
        if o.policy_version or o.rules_version:
            self._policy_seen(o.policy_version, o.rules_version)

    def response(self, service: str, status: int, streamed: bool) -> None:
        self.responses.labels(self._service(service), status_class(status), "true" if streamed else "false").inc()

    def flow_error(self, service: str) -> None:
        self.flow_errors.labels(self._service(service)).inc()

    def reload_rejected(self) -> None:
        self.policy_reloads.labels("rejected").inc()

    def _policy_seen(self, policy_version: str, rules_version: str) -> None:
        versions = (_version(policy_version), _version(rules_version))
        with self._lock:
            previous, self._versions = self._versions, versions
            if previous == versions:
                return
            if previous is not None:
                self.policy_info.remove(*previous)
                if previous[0] != versions[0]:
                    self.policy_reloads.labels("applied").inc()
            self.policy_info.labels(*versions).set(1)

    def exposition(self) -> tuple[bytes, str]:
        """The text format body and its content type, for the admin server's /metrics."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def _version(value: str) -> str:
    """Versions are hashes or dates in practice; anything else must not become a label."""
    return value if _VERSION.fullmatch(value) else (UNKNOWN if not value else OTHER)
