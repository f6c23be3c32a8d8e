"""RecordsStage: several kinds of personal data close together form a personal record, stronger than each alone."""

from __future__ import annotations

from dataclasses import dataclass

from detectors.finding import Confidence, Finding
from detectors.stage import Document

RULE = "regulated_data.records.personal_record"
# Findings that do not identify a person by themselves and never make a record.
_IGNORED_TYPES = frozenset({"personal_record", "location", "organization", "siren", "siret", "fr_vat", "bic"})


@dataclass(frozen=True, slots=True)
class RecordSettings:
    """When nearby findings make a record."""

    # Largest gap, in characters, between two findings of the same record.
    max_gap: int = 300
    # Distinct identifier types needed; one fewer when a person's name is among them.
    min_types: int = 3
    min_types_with_name: int = 2
    # Weaker findings (a lone first name) do not count.
    min_confidence: Confidence = Confidence.MEDIUM


def clusters(findings: list[Finding], max_gap: int) -> list[list[Finding]]:
    """Group findings (sorted by start) so that consecutive members are at most `max_gap` characters apart."""
    groups: list[list[Finding]] = []
    end = -1
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        if groups and f.start - end <= max_gap:
            groups[-1].append(f)
            end = max(end, f.end)
        else:
            groups.append([f])
            end = f.end
    return groups


def is_record(types: set[str], settings: RecordSettings) -> bool:
    if "person" in types:
        return len(types) >= settings.min_types_with_name
    return len(types) >= settings.min_types


class RecordsStage:
    """The last stage: one `personal_record` finding per cluster of distinct personal-data types."""

    name = "records"

    def __init__(self, settings: RecordSettings | None = None) -> None:
        self.settings = settings or RecordSettings()

    def scan(self, doc: Document) -> list[Finding]:
        s = self.settings
        relevant = [f for f in doc.findings if f.category == "regulated_data" and f.type not in _IGNORED_TYPES
                    and f.confidence >= s.min_confidence]
        if len(relevant) < min(s.min_types, s.min_types_with_name):
            return []
        out: list[Finding] = []
        for group in clusters(relevant, s.max_gap):
            types = {f.type for f in group}
            if not is_record(types, s):
                continue
            start = min(f.start for f in group)
            end = max(f.end for f in group)
            listed = ",".join(sorted(types))
            out.append(Finding("regulated_data", "personal_record", RULE, start, end, Confidence.HIGH,
                               (f"{len(types)} personal-data types within {s.max_gap} characters: {listed}",),
                               (("types", listed), ("count", str(len(group))))))
        return out
