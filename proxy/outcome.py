"""Outcome: what happened to one intercepted request, shared by enforcement, metrics and the incident log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from detectors.finding import Finding, mask, value_hash

# Key of the Outcome in `flow.metadata`; addons talk through it, never through each other.
METADATA_KEY = "gardefou.outcome"

ACTIONS = ("allow", "log", "redact", "coach", "block")


@dataclass(frozen=True, slots=True)
class Evidence:
    """A finding as it may be recorded: rule and category, a masked preview and a keyed hash, never the value."""

    category: str
    type: str
    rule: str
    confidence: str
    masked: str
    hash: str
    location: str = ""  # where in the request, e.g. "messages[2].content"
    # The finding's non-sensitive attributes: the code block's language, the matched source file, the EDM table...
    attributes: tuple[tuple[str, str], ...] = ()


def evidence_from(findings: Iterable[tuple[Finding, str, str]], key: bytes) -> tuple[Evidence, ...]:
    """Build evidence from (finding, scanned text, location) triples; the text never leaves this function."""
    out = []
    for f, text, location in findings:
        value = text[f.start:f.end]
        out.append(
            Evidence(f.category, f.type, f.rule, f.confidence.label, mask(value), value_hash(value, key), location,
                     f.attributes)
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Outcome:
    """Set once per request by the enforcement addon; read by the metrics and incident-log addons."""

    incident_id: str
    service: str  # catalogue id of the AI service, "unknown" when the host is not catalogued
    app_status: str  # sanctioned | tolerated | unsanctioned | unknown
    endpoint: str  # adapter's name for the operation: "chat", "responses", "embeddings", "generic"...
    group: str  # policy group of the user; never the user name or IP
    action: str  # one of ACTIONS, as enforced
    evidence: tuple[Evidence, ...] = ()
    instance: str = "unknown"  # personal | corporate | unknown
    justification: str = ""  # coach: the reason the user gave to proceed (length-limited by the policy)
    error: str = ""  # scanner/parse failure class ("malformed_body", "timeout", "too_large"...), "" when none
    fail_mode: str = ""  # "open" or "closed" when `error` was handled by the fail mode
    bytes_scanned: int = 0
    cached_bytes: int = 0  # of bytes_scanned, those the engine had scanned before (a conversation sent again)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, incl. "adapter"
    policy_version: str = ""
    rules_version: str = ""
    streamed: bool = False
