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


def _known(words: set[str], calls: list[list[str]]):  # type: ignore[no-untyped-def]
    def known(batch: list[str]) -> list[bool]:
        calls.append(batch)
        return [w in words for w in batch]
    return known


def test_word_filter_leaves_out_only_phrases_of_unknown_words() -> None:
    rng = random.Random(4)
    alphabet = "aé é Σς1 2@.-+_/\n\tİx9 ß"
    texts = [*TEXTS, *("".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 50))) for _ in range(2000))]
    for words in ({"jean", "pierre", "saint", "etienne", "a", "e"}, {"ae", "x9", "1", "ss"}, set()):
        for text in texts:
            for max_words in (2, 3, 6):
                full = candidate_spans(text, max_words)
                got = candidate_spans(text, max_words, _known(words, []))
                # A value is kept, with its span, unless it is a phrase holding an unknown word.
                assert set(got) <= set(full)
                assert all(got[v] == s for v, s in full.items() if " " not in v or set(v.split(" ")) <= words)


def test_word_filter_on_a_prompt() -> None:
    text = "Jean-Pierre Lefèvre, Saint-Étienne. Jean Pierre 06 12 34 56 78"
    calls: list[list[str]] = []
    got = candidate_spans(text, 3, _known({"jean", "pierre", "saint", "etienne"}, calls))
    assert calls == [["jean", "pierre", "lefevre", "saint", "etienne", "06", "12", "34", "56", "78"]]
    assert got["jean pierre"] == (0, 11) and got["saint etienne"] == (21, 34)
    assert "pierre lefevre" not in got and "jean pierre lefevre" not in got and "lefevre saint" not in got
    assert "etienne jean pierre" in got  # across punctuation, as without the filter
    full = candidate_spans(text, 3)
    assert got["lefevre"] == full["lefevre"] == (12, 19) and got["0612345678"] == full["0612345678"]
    calls.clear()
    assert candidate_spans(text, 1, _known(set(), calls)) == candidate_spans(text, 1) and not calls
