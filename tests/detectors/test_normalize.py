"""Normalisation folds look-alikes and invisible characters and maps offsets back exactly."""

from __future__ import annotations

import pytest

from detectors.normalize import normalize


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("plain ascii", "plain ascii"),
        ("caf\u00e9 cr\u00e8me", "caf\u00e9 cr\u00e8me"),  # accents are not look-alikes: untouched
        ("sk\u2011proj", "sk-proj"),  # non-breaking hyphen
        ("AK\u200bIA", "AKIA"),  # zero-width space
        ("\u202eAKIA\u202c", "AKIA"),  # bidi override
        ("\uff21\uff2b\uff29\uff21", "AKIA"),  # full-width letters (NFKC)
        ("p\u0430ssword", "password"),  # Cyrillic a
        ("\ufb01le", "file"),  # ligature expands to two characters
        ("a\u00a0b", "a b"),  # no-break space
    ],
)
def test_normalized_text(original: str, expected: str) -> None:
    assert normalize(original).text == expected


@pytest.mark.parametrize(
    ("original", "needle"),
    [
        ("key: AK\u200bIA\u200bQYLP end", "AKIAQYLP"),
        ("\ufb01\ufb01 x AKIA y", "AKIA"),
        ("\u00e9\u00e9\u200b\u200bsk\u2011proj\u2011abc", "sk-proj-abc"),
        ("\uff21\uff2b\uff29\uff21 tail", "AKIA"),
    ],
)
def test_spans_map_to_original(original: str, needle: str) -> None:
    n = normalize(original)
    start = n.text.index(needle)
    a, b = n.to_original(start, start + len(needle))
    # The original span, once normalised, is exactly the needle: nothing cut, nothing extra.
    assert normalize(original[a:b]).text == needle
    assert original[a] not in "\u200b\u200c" and original[b - 1] not in "\u200b\u200c"


def test_ligature_span_covers_whole_source_character() -> None:
    n = normalize("x\ufb01y")
    assert n.text == "xfiy"
    assert n.to_original(1, 2) == (1, 2)  # "f" alone maps to the whole ligature
    assert n.to_original(1, 3) == (1, 2)


def test_lone_surrogate_never_crashes() -> None:
    n = normalize("a\udcffb")
    assert n.text == "a\ufffdb"
    n.text.encode("utf-8")  # Hyperscan needs valid UTF-8


def test_large_non_ascii_text_keeps_a_small_map() -> None:
    text = ("\u00e9t\u00e9 " * 100_000) + "AK\u200bIA"
    n = normalize(text)
    assert n.text.endswith("AKIA")
    assert len(n.seg_norm) < 10  # one folded character: a handful of segments, not one entry per character
