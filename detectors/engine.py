"""Engine: runs the detector stages in order over one text and returns its findings with per-stage timings."""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field

from detectors.finding import Finding
from detectors.normalize import normalize
from detectors.scan_cache import ScanCache
from detectors.stage import Document, Stage


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Findings sorted by position, and the seconds each stage took (for metrics and benchmarks)."""

    findings: tuple[Finding, ...]
    timings: dict[str, float] = field(default_factory=dict)
    document: Document | None = None
    cached: bool = False  # the findings come from the engine's cache: the text was scanned before


# Finding types that summarise other findings (detectors/records.py) rather than locate one value.
AGGREGATE_TYPES = frozenset({"personal_record"})


def resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    """Drop a finding contained in another of the same category that is at least as confident.

    A generic rule (password assignment) and a specific one (Stripe key) often report the same value;
    the specific, more confident one stays. Findings of different categories are all kept.
    """
    # Aggregates (a personal record spanning its members) never hide, nor are hidden by, the findings inside them.
    aggregates = [f for f in findings if f.type in AGGREGATE_TYPES]
    if aggregates:
        findings = [f for f in findings if f.type not in AGGREGATE_TYPES]
    ordered = sorted(findings, key=lambda f: (f.start, -(f.end - f.start), -f.confidence, f.rule))
    kept: list[Finding] = []
    for f in ordered:
        dominated = False
        for k in reversed(kept):
            if k.end <= f.start and k.start < f.start - 10_000:
                break
            if k.category == f.category and k.start <= f.start and f.end <= k.end and k.confidence >= f.confidence:
                dominated = True
                break
        if not dominated:
            kept.append(f)
    # A span reported by a more confident rule that lies inside a weaker, wider one wins too. `kept` is sorted
    # by start, so only the findings starting inside f are looked at (no quadratic pass on hostile input).
    starts = [k.start for k in kept]
    out: list[Finding] = []
    for f in kept:
        lo, hi = bisect_left(starts, f.start), bisect_left(starts, f.end)
        if any(
            o is not f
            and o.category == f.category
            and o.end <= f.end
            and (o.start, o.end) != (f.start, f.end)
            and o.confidence > f.confidence
            for o in kept[lo:hi]
        ):
            continue
        out.append(f)
    return sorted(out + aggregates, key=lambda f: (f.start, f.end, f.rule))


class Engine:
    """A pipeline of stages; the Hyperscan rule pass first, the others behind it."""

    def __init__(self, stages: Sequence[Stage], version: str = "", cache: ScanCache | None = None) -> None:
        self.stages = list(stages)
        self.version = version
        self.cache = cache

    def scan(self, text: str, keep_document: bool = False, scope: str = "") -> ScanResult:
        """Findings of `text`; one this engine scanned before for the same `scope` (a user, a client) comes from
        its cache (time spent there: "cache")."""
        cache = self.cache
        if cache is None or keep_document:
            return self._scan(text, keep_document)
        t0 = time.perf_counter()
        key = cache.key(text, scope)
        if key is None:
            return self._scan(text, keep_document)
        cached = cache.get(key)
        if cached is not None:
            return ScanResult(cached, {"cache": time.perf_counter() - t0}, cached=True)
        lookup = time.perf_counter() - t0
        result = self._scan(text, keep_document)
        cache.put(key, result.findings)
        result.timings["cache"] = lookup
        return result

    def _scan(self, text: str, keep_document: bool) -> ScanResult:
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        doc = Document(normalize(text))
        timings["normalize"] = time.perf_counter() - t0
        for stage in self.stages:
            t = time.perf_counter()
            found = stage.scan(doc)
            if found:
                doc.findings.extend(found)
            timings[stage.name] = timings.get(stage.name, 0.0) + time.perf_counter() - t
        findings = resolve_overlaps(doc.findings) if len(doc.findings) > 1 else list(doc.findings)
        return ScanResult(tuple(findings), timings, doc if keep_document else None)

    def findings(self, text: str) -> list[Finding]:
        return list(self.scan(text).findings)
