"""The detector-stage interface: what every stage of the engine pipeline receives and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from detectors.finding import Finding
from detectors.normalize import NormalizedText


@dataclass(frozen=True, slots=True)
class Candidate:
    """A hit of a candidate rule (`emit: false`), kept for later stages; offsets in the original text."""

    rule: str
    start: int
    end: int


@dataclass(slots=True)
class Document:
    """One text being scanned, shared by the stages in order.

    Stages read the text and what earlier stages found, and return new findings. `candidates` holds
    hits of rules that only serve other stages (first-name gazetteer, context words); `regions` holds
    labelled spans such as code blocks, so that later stages can skip or weigh them.
    """

    norm: NormalizedText
    findings: list[Finding] = field(default_factory=list)
    candidates: dict[str, list[Candidate]] = field(default_factory=dict)
    regions: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The original text; every offset a stage reports is in it."""
        return self.norm.original


class Stage(Protocol):
    """One detector stage. `scan` must be thread-safe: the proxy scans from a worker pool."""

    name: str

    def scan(self, doc: Document) -> list[Finding]: ...
