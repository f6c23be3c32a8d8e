"""Finding: one piece of sensitive data located in a text, with the reasons it was reported."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from enum import IntEnum

CATEGORIES = ("credentials", "regulated_data", "source_code", "intellectual_property")


class Confidence(IntEnum):
    """Ordered confidence tiers; the policy thresholds on them."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @classmethod
    def parse(cls, name: str) -> Confidence:
        try:
            return cls[name.upper()]
        except KeyError:
            raise ValueError(f"confidence must be one of low, medium, high, not {name!r}") from None

    @property
    def label(self) -> str:
        return self.name.lower()

    def raised(self) -> Confidence:
        return Confidence(min(self + 1, Confidence.HIGH))


@dataclass(frozen=True, slots=True)
class Finding:
    """A located sensitive value. Never holds the value itself: spans point into the scanned text.

    Offsets are Unicode code points of the original (un-normalised) text, end exclusive.
    """

    category: str
    type: str
    rule: str
    start: int
    end: int
    confidence: Confidence
    explanation: tuple[str, ...] = ()
    # Extra, non-sensitive attributes (language guess, matched source file, record table...).
    attributes: tuple[tuple[str, str], ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        """The `scan --jsonl` contract."""
        return {
            "category": self.category,
            "type": self.type,
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "confidence": self.confidence.label,
        }

    def attribute(self, key: str, default: str = "") -> str:
        for k, v in self.attributes:
            if k == key:
                return v
        return default

    def overlaps(self, other: Finding) -> bool:
        return self.start < other.end and other.start < self.end


def mask(value: str) -> str:
    """A preview that never reveals a secret: a few edge characters of long values, nothing of short ones."""
    n = len(value)
    if n <= 8:
        return "*" * n
    keep = 2 if n < 16 else (3 if n < 40 else 4)
    return f"{value[:keep]}…{value[-keep:]}"


def value_hash(value: str, key: bytes) -> str:
    """Keyed hash of a value, so repeats correlate without storing the value."""
    return hmac.new(key, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]
