"""NamesStage: person names (and places, organisations) from cheap candidates, NER only on small windows."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from detectors.finding import Confidence, Finding
from detectors.language import guess_language
from detectors.name_spans import (
    full_name_at,
    honorific_before,
    is_noise,
    name_end,
    overlaps_any,
    skip_separators,
    trim_name,
    uppercase_surname_before,
    windows,
    worth_ner,
)
from detectors.nlp import NerModel, shared_model
from detectors.rule_pass import RulePass
from detectors.ruleset import RULES_DIR, load_rules
from detectors.stage import Candidate, Document

CANDIDATE_RULES = RULES_DIR / "regulated_data" / "names.candidates.yml"

FIRST_NAME = "regulated_data.names.first_name"
HONORIFIC = "regulated_data.names.honorific"
CONTEXT = "regulated_data.names.context"
CAPITALISED = "regulated_data.names.capitalised_pair"
_SEPARATOR = "\n\n"
_ENTITY_TYPES = {"PERSON": "person", "LOCATION": "location", "ORGANIZATION": "organization"}


@dataclass(frozen=True, slots=True)
class NamesSettings:
    """Bounds on the stage's cost and how sure it must be."""

    # Characters around a candidate given to NER.
    radius: int = 20
    # At most this many characters of a prompt go through NER (each ~15 µs plus ~2 ms per call).
    ner_budget: int = 200
    # Run the French model on English text when no English model is installed: person F1 on the English part
    # of the corpus goes from 0.84 (gazetteer and honorifics only) to 0.95 (benchmarks/eval_regulated.py).
    english_ner: bool = True
    # Context words closer than this to a lone first name make it a name ("Bonjour Sophie,").
    context_distance: int = 20


@dataclass(slots=True)
class _Person:
    start: int
    end: int
    confidence: Confidence
    why: str


class NamesStage:
    """Persons from the gazetteer, honorifics and NER windows; skips code regions and structured findings."""

    name = "names"

    def __init__(self, settings: NamesSettings | None = None, model: NerModel | None = None,
                 candidate_rules: Path = CANDIDATE_RULES, cache_dir: Path | None = None) -> None:
        self.settings = settings or NamesSettings()
        self._model = model
        # Gazetteer, honorifics, context words: a Hyperscan database of their own, built only with names on.
        self.candidates = RulePass(load_rules([candidate_rules]), cache_dir)

    @property
    def model(self) -> NerModel:
        if self._model is None:
            self._model = shared_model()
        return self._model

    def warm_up(self, background: bool = False) -> None:
        """Load the NER model now rather than on the first prompt that needs it (seconds), or start loading it."""
        if background:
            threading.Thread(target=self.model.ensure_loaded, name="ner-load", daemon=True).start()
        else:
            self.model.ensure_loaded()

    def scan(self, doc: Document) -> list[Finding]:
        self.candidates.scan(doc)  # candidate rules only: fills doc.candidates, reports nothing
        firsts = doc.candidates.get(FIRST_NAME, [])
        honorifics = doc.candidates.get(HONORIFIC, [])
        pairs = doc.candidates.get(CAPITALISED, [])
        if not (firsts or honorifics or pairs):
            return []  # nothing looks like a name: no NER at all
        text = doc.text
        blocked = list(doc.regions.get("code", [])) + [(f.start, f.end) for f in doc.findings]
        context = [(c.start, c.end) for c in doc.candidates.get(CONTEXT, [])]
        people = self._from_candidates(text, firsts, honorifics, context, blocked)
        people = _merge(people + self._after_context(text, context, blocked))
        out = [self._finding("person", p.start, p.end, p.confidence, p.why) for p in people]
        covered = blocked + [(p.start, p.end) for p in people]
        out.extend(self._from_ner(text, pairs, covered, {text[c.start:c.end] for c in firsts}))
        return out

    def _from_candidates(self, text: str, firsts: list[Candidate], honorifics: list[Candidate],
                         context: list[tuple[int, int]], blocked: list[tuple[int, int]]) -> list[_Person]:
        found: list[_Person] = []
        for h in honorifics:
            start = h.end + 1
            end = name_end(text, h.end)
            if end > start and not overlaps_any(start, end, blocked):
                found.append(_Person(start, end, Confidence.HIGH, "honorific before capitalised words"))
        full_names: set[str] = set()
        lone: list[Candidate] = []
        for c in firsts:
            if overlaps_any(c.start, c.end, blocked):
                continue
            end = name_end(text, c.end)
            surname_first = uppercase_surname_before(text, c.start)
            if surname_first < c.start and end == c.end and not overlaps_any(surname_first, c.start, blocked):
                found.append(_Person(surname_first, c.end, Confidence.MEDIUM, "UPPERCASE surname before a first name"))
                full_names.add(text[c.start:c.end])
            elif end > c.end:
                sure = honorific_before(text, c.start) or _near(context, c.start, c.end, self.settings.context_distance)
                found.append(_Person(c.start, end, Confidence.HIGH if sure else Confidence.MEDIUM,
                                     "first name from the gazetteer followed by a surname"))
                full_names.add(text[c.start:c.end])
            else:
                lone.append(c)
        for c in lone:
            # A first name alone is a person after a greeting or context word, or when named in full elsewhere.
            near = _near(context, c.start, c.end, self.settings.context_distance) or honorific_before(text, c.start)
            conf = Confidence.MEDIUM if near or text[c.start:c.end] in full_names else Confidence.LOW
            found.append(_Person(c.start, c.end, conf, "first name from the gazetteer"))
        return _merge(found)

    @staticmethod
    def _after_context(text: str, context: list[tuple[int, int]], blocked: list[tuple[int, int]]) -> list[_Person]:
        """Two or more capitalised words right after a person context word ("Cordialement,\nAiden Berfauri")."""
        out: list[_Person] = []
        for _, b in context:
            start = skip_separators(text, b)
            if start - b > 4:
                continue
            end = full_name_at(text, start)
            if end > start and not overlaps_any(start, end, blocked) and not is_noise(text[start:end]):
                out.append(_Person(start, end, Confidence.MEDIUM, "capitalised words after a person context word"))
        return out

    def _from_ner(self, text: str, pairs: list[Candidate], covered: list[tuple[int, int]],
                  first_names: set[str]) -> list[Finding]:
        anchors = [(c.start, c.end) for c in pairs
                   if not overlaps_any(c.start, c.end, covered) and worth_ner(text[c.start:c.end])]
        if not anchors:
            return []
        language = guess_language(text)
        if language == "en" and not self.settings.english_ner and not self.model.supports("en"):
            return []  # English text, no English model: the gazetteer and honorifics alone (see docs)
        spans = windows(text, anchors, self.settings.radius, self.settings.ner_budget)
        if not spans:
            return []
        joined = _SEPARATOR.join(text[a:b] for a, b in spans)
        offsets: list[tuple[int, int]] = []  # (offset in joined, offset in text) per window
        pos = 0
        for a, b in spans:
            offsets.append((pos, a))
            pos += (b - a) + len(_SEPARATOR)
        out: list[Finding] = []
        for ent in self.model.entities(joined, language):
            base = next(((j, t) for j, t in reversed(offsets) if j <= ent.start), None)
            if base is None:
                continue
            start, end = ent.start - base[0] + base[1], ent.end - base[0] + base[1]
            kind = _ENTITY_TYPES.get(ent.type)
            if kind is None:
                continue
            if kind == "person":
                start, end = trim_name(text, start, end)
            if end <= start or is_noise(text[start:end]) or overlaps_any(start, end, covered):
                continue
            if kind == "person":
                words = text[start:end].split()
                confident = len(words) >= 2 or words[0] in first_names or honorific_before(text, start)
                conf = Confidence.MEDIUM if confident else Confidence.LOW
                out.append(self._finding(kind, start, end, conf, "NER (spaCy through Presidio) in a candidate window"))
            else:
                out.append(self._finding(kind, start, end, Confidence.LOW, "NER (spaCy through Presidio)"))
        return out

    @staticmethod
    def _finding(kind: str, start: int, end: int, confidence: Confidence, why: str) -> Finding:
        return Finding("regulated_data", kind, f"regulated_data.names.{kind}", start, end, confidence, (why,))


def _near(spans: list[tuple[int, int]], start: int, end: int, distance: int) -> bool:
    return any((b <= start and start - b <= distance) or (a >= end and a - end <= distance) for a, b in spans)


def _merge(people: list[_Person]) -> list[_Person]:
    """Overlapping candidates ("Jean" and "Jean Marie Dupont") become one person with the best confidence."""
    out: list[_Person] = []
    for p in sorted(people, key=lambda p: (p.start, -p.end)):
        if out and p.start < out[-1].end:
            last = out[-1]
            last.end = max(last.end, p.end)
            if p.confidence > last.confidence:
                last.confidence, last.why = p.confidence, p.why
            continue
        out.append(_Person(p.start, p.end, p.confidence, p.why))
    return out
