"""The fast lookup paths of fingerprints equal their plain definitions: hashes, tokens, offsets, weights."""

from __future__ import annotations

import random

import numpy as np
import pytest
import regex

from detectors.fingerprint import _NO_HITS, FingerprintStage, _Hits
from detectors.fingerprint_index import FingerprintIndex
from detectors.fingerprint_tokens import _TOKEN, blank, code_spans, code_token_list, code_tokens, text_words
from detectors.winnow import kgram_hashes, kgram_hashes_reference

_TRICKY = [
    'x = "a # not a comment" + y  # comment\nz = \'it\\\'s\' // 2\n',
    "int f(int a) { /* c */ return a-- - 1; } -- sql comment\n#include <x.h>\n#define N 3\n",
    "s = `tpl ${a}` + \"unterminated\n'' \"\" ``\n1.5e3 0x1F $foo a$b _x 9ab.c\n",
    "tab\there\x0bvt\x1cfs\u2028ls\xa0nbsp é=café(\u00e9) # fin\n",
    "",
    "   \n\n",
    '"" # only a string and a comment',
]


def _tricky_texts() -> list[str]:
    rng = random.Random(0)
    alphabet = " \t\n\"'`/#*-\\\xa0é\u2028\x1c1.$_a(){}=x"
    return _TRICKY + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 50))) for _ in range(3000)]


def _split_spans(stripped: str, tokens: list[str]) -> tuple[list[int], list[int]]:
    """Offsets as first computed: gaps from _TOKEN.split, a string marker running on over its filler."""
    gaps = _TOKEN.split(stripped)
    starts, ends, at = [], [], 0
    for i, t in enumerate(tokens):
        at += len(gaps[i])
        end = at + len(t)
        if t == "\x01":
            end += len(gaps[i + 1]) - len(gaps[i + 1].lstrip(" "))
        starts.append(at)
        ends.append(end)
        at += len(t)
    return starts, ends


@pytest.mark.parametrize("with_values", [False, True])
def test_kgram_hashes_equal_the_window_definition(with_values: bool) -> None:
    rng = np.random.default_rng(5)
    for _ in range(400):
        size, k, vocab = int(rng.integers(0, 90)), int(rng.integers(1, 18)), int(rng.integers(1, 10))
        pick = rng.integers(1, 2**64 - 1, size=vocab, dtype=np.uint64)
        ids = pick[rng.integers(0, vocab, size)]
        names = np.where(rng.random(size) < 0.4, pick[rng.integers(0, vocab, size)] ^ np.uint64(7), 0).astype(np.uint64)
        values = np.where(rng.random(size) < 0.3, pick[rng.integers(0, vocab, size)] ^ np.uint64(9), 0)
        vals = values.astype(np.uint64) if with_values else None
        args = (ids, k, 17, names, int(rng.integers(0, 9)), vals, int(rng.integers(0, 9)))
        assert np.array_equal(kgram_hashes(*args), kgram_hashes_reference(*args))
        assert np.array_equal(kgram_hashes(ids, k, 3), kgram_hashes_reference(ids, k, 3))


def test_one_pass_tokens_blanking_and_offsets_equal_the_two_pass_ones() -> None:
    for text in _tricky_texts():
        stripped, tokens = code_tokens(text)
        assert code_token_list(text) == tokens, repr(text)
        assert blank(text) == stripped
        assert code_spans(stripped, tokens) == _split_spans(stripped, tokens), repr(text)


def test_a_blanked_string_span_covers_the_literal() -> None:
    text = 'call("hello")  + 1'
    stripped, tokens = code_tokens(text)
    starts, ends = code_spans(stripped, tokens)
    i = tokens.index("\x01")
    assert text[starts[i]:ends[i]] == '"hello"'


def test_ascii_words_are_read_as_the_unicode_reader_reads_them() -> None:
    for text in ["snake_case42 and-dashes, x.y", "a_b c9 __init__", *_TRICKY]:
        assert text_words(text) == regex.findall(r"\w+", text)


@pytest.mark.parametrize(("holders", "shared", "kept"), [(10, 25, [3]), (6, 15, [])])
def test_weight_at_the_threshold_is_decided_by_the_per_file_sum(holders: int, shared: int, kept: list[int]) -> None:
    # 25 fingerprints held by 10 files sum to 2.5000000000000004, 15 held by 6 to 2.4999999999999996 (numpy's
    # pairwise sum, as the per-file loop did): the vectorised total, summed in another order, is off the other way.
    rows = np.full(shared, 1.0 / holders)
    approx = 2.5 - 1e-12 if kept else 2.5 + 1e-12
    one = np.array([3], dtype=np.int64)
    hits = _Hits(one, np.array([approx]), np.array([shared]), np.array([40]), np.zeros(1, dtype=np.int64),
                 np.array([30]), np.full(shared, 3, dtype=np.int64), rows)
    index = FingerprintIndex([], np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint32))
    stage = FingerprintStage(index, min_matches=2.5)
    assert stage._kept([hits]) == kept
    assert stage._kept([hits, _NO_HITS]) == kept
    assert FingerprintStage(index, min_matches=2.4)._kept([hits]) == [3]
    assert FingerprintStage(index, min_matches=2.6)._kept([hits]) == []
    assert FingerprintStage(index, min_matches=2.5, min_covered=41)._kept([hits]) == []
