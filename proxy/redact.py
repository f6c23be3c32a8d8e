"""Redaction planning: replace found values with typed, numbered placeholders, consistent within a request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A value to hide: segment index, code-point span in that segment's text, and the finding type."""

    segment: int
    start: int
    end: int
    type: str


def placeholder(type_: str, n: int) -> str:
    return f"[{type_.upper()}_{n}]"


def plan_redactions(texts: Sequence[str], spans: Sequence[Span]) -> dict[int, str]:
    """Segment index -> new full text. The same value gets the same placeholder in every segment.

    Overlapping spans are merged into the earliest, longest one: a value is never partly revealed.
    """
    by_segment: dict[int, list[Span]] = {}
    for s in sorted(spans, key=lambda s: (s.segment, s.start, -(s.end - s.start))):
        if not 0 <= s.start < s.end <= len(texts[s.segment]):
            raise ValueError(f"span {s.start}:{s.end} outside segment {s.segment}")
        kept = by_segment.setdefault(s.segment, [])
        if kept and s.start < kept[-1].end:
            last = kept[-1]
            if s.end > last.end:
                kept[-1] = Span(last.segment, last.start, s.end, last.type)
            continue
        kept.append(s)
    names: dict[tuple[str, str], str] = {}
    counters: dict[str, int] = {}
    out: dict[int, str] = {}
    for seg in sorted(by_segment):
        text = texts[seg]
        parts: list[str] = []
        pos = 0
        for s in by_segment[seg]:
            value = text[s.start:s.end]
            key = (s.type, value)
            if key not in names:
                counters[s.type] = counters.get(s.type, 0) + 1
                names[key] = placeholder(s.type, counters[s.type])
            parts.append(text[pos:s.start])
            parts.append(names[key])
            pos = s.end
        parts.append(text[pos:])
        out[seg] = "".join(parts)
    return out

