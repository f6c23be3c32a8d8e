"""Rule: one detection pattern with its own proof (examples and negative examples)."""

from __future__ import annotations

from dataclasses import dataclass, field

from detectors.finding import Confidence


@dataclass(frozen=True, slots=True)
class NegativeExample:
    """A text the rule must not report, and why."""

    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Rule:
    """A detection rule as loaded from `rules/**/*.yaml`. Rules detect; the policy decides."""

    id: str
    name: str
    category: str
    type: str
    pattern: str
    confidence: Confidence
    examples: tuple[str, ...]
    negative_examples: tuple[NegativeExample, ...]
    references: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    # True: the rule reports only with a keyword nearby. False: a keyword raises the confidence one tier.
    keywords_required: bool = False
    keyword_window: int = 80
    min_entropy: float | None = None
    validator: str | None = None
    # Named false-positive filters run on the captured value (see detectors/filters.py).
    filters: tuple[str, ...] = ()
    case_insensitive: bool = False
    # A candidate rule feeds a later stage (names, records) and reports nothing by itself.
    emit: bool = True
    # Hyperscan-only pattern that matches inside every match of `pattern`: a cheap factor for rules whose own
    # pattern Hyperscan scans slowly (long repeats before a literal, Unicode classes); `regex` confirms around it.
    prefilter: str | None = None
    source: str = ""  # "file:line" where the rule is defined
    tags: tuple[str, ...] = field(default=())

    @property
    def family(self) -> str:
        """The provider or family, the second part of the id: `credentials.aws.access_key` -> `aws`."""
        parts = self.id.split(".")
        return parts[1] if len(parts) > 2 else parts[-1]
