"""The fast candidate scan gives what the reference generator gives, value by value and span by span."""

from __future__ import annotations

import random

import pytest

from detectors.edm_index import Hasher
from detectors.edm_values import _EMAIL, _email_spans, _fold, candidate_spans, candidates

TEXTS = [
    "",
    "ok",
    "Peux-tu relancer Dupont (jean.dupont42@exemple.fr) pour sa facture ?",
    "Client Élodie N'Diaye, tél. +33 6 12 34 56 78, IBAN FR76 3000 6000 0112 3456 7890 189",
    "virement depuis FR7630006000011234567890189 de Jean-Pierre Lefèvre à Saint-Étienne",
    "a@b.c@d.e x@y @@a@b.cc jean.d@x.fr. a.b@c.d@e.f@g.h -@-.- é@à.ù",
    "10.1.3.246 500 927\n2025-03-23 14:05 06.12.34.56.78 0033 6 12 34 56 78 x_1 y2z",
    "e\u0301cole \u0301\u0301 ab \u0301 c Σίσυφος ΣΑΣ straße İstanbul \ufb01n ²³ ١٢٣٤ ٥",
    "\ufdfa jean martin",  # a word folding to several words: the one-by-one path
    "صلى الله عليه وسلم \ufdfa",  # ... where one value comes from one word and from four
    "a b c d e f g h i j k l m n o p q r s t u v w x y z",
]


def _reference(text: str, max_words: int) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for value, start, end in candidates(text, max_words):
        out.setdefault(value, (start, end))
    return out


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("max_words", [1, 2, 3, 6])
def test_same_values_and_first_spans_as_the_generator(text: str, max_words: int) -> None:
    got = candidate_spans(text, max_words)
    assert got == _reference(text, max_words)


def test_random_texts_match_the_generator() -> None:
    rng = random.Random(1)
    alphabet = "aé e\u0301 Σς1 2@.-+_/\n\t\u00b2\ufb01İx9 ß٣"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 50)))
        assert candidate_spans(text, 3) == _reference(text, 3), repr(text)


def test_email_spans_are_those_of_the_regex() -> None:
    rng = random.Random(2)
    for text in [*TEXTS, *("".join(rng.choice("ab.@-+_ é") for _ in range(30)) for _ in range(3000))]:
        assert _email_spans(text) == [m.span() for m in _EMAIL.finditer(text)], repr(text)


def test_fold_drops_accents_and_case() -> None:
    assert _fold("Élodie LEFÈVRE") == "elodie lefevre"
    assert _fold("e\u0301") == "e"


def test_hashing_many_is_hashing_each() -> None:
    hasher = Hasher(b"k" * 32)
    values = ["jean", "jean martin", "0612345678", "é\udc80", "a\nb", ""]
    assert hasher.many(values).tolist() == [hasher(v) for v in values]
    assert hasher.many(values[:4]).tolist() == [hasher(v) for v in values[:4]]
    assert hasher.many([]).tolist() == []
