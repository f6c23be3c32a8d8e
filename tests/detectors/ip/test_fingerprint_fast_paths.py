"""The fast lookup paths of fingerprints equal their plain definitions: hashes, tokens, offsets, weights."""

from __future__ import annotations

import random

import numpy as np
import numpy.typing as npt
import pytest
import regex

from detectors.fingerprint import _NO_HITS, FingerprintStage, _Hits
from detectors.fingerprint_index import FingerprintIndex
from detectors.fingerprint_tokens import _TOKEN, blank, code_spans, code_token_list, code_tokens, text_words
from detectors.winnow import _BACK, _LITERAL_SALT, _P, DULL, MAX_K, _mix, kgram_hashes

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


# The window definition of kgram_hashes (the code it replaced), kept here as the reference the tests compare with.
_OFFSETS = np.arange(MAX_K + 1)
with np.errstate(over="ignore"):
    _POWERS = np.cumprod(np.concatenate(([np.uint64(1)], np.full(MAX_K, _P))), dtype=np.uint64)[::-1].copy()


def _previous_distance(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    """For each position, how far back the same key last occurred (0: not before)."""
    order = np.argsort(keys, kind="stable")
    same = keys[order[1:]] == keys[order[:-1]]
    later, earlier = order[1:][same], order[:-1][same]
    out = np.zeros(len(keys), dtype=np.int64)
    out[later] = later - earlier
    return out


def _n_distinct(back: npt.NDArray[np.int64], inside: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """Distinct keys of every k-gram: positions whose key is new in it (none or previous use outside)."""
    count: npt.NDArray[np.int64] = np.count_nonzero((back == 0) | ~inside, axis=1)
    return count


def _hash(tokens: npt.NDArray[np.uint64], salt: int) -> npt.NDArray[np.uint64]:
    """Polynomial hash of each row (Horner's rule as one dot product), then mixed."""
    k = tokens.shape[1]
    with np.errstate(over="ignore"):
        h: npt.NDArray[np.uint64] = (tokens * _POWERS[MAX_K - k + 1:]).sum(axis=1, dtype=np.uint64)
        h += np.uint64(salt) * _POWERS[MAX_K - k]
    return _mix(h)


def _kgram_hashes_reference(ids: npt.NDArray[np.uint64], k: int, salt: int = 0,
                           names: npt.NDArray[np.uint64] | None = None, min_distinct: int = 0,
                           values: npt.NDArray[np.uint64] | None = None, min_kinds: int = 0
                           ) -> npt.NDArray[np.uint64]:
    """kgram_hashes as first written, on n x k windows: the definition the O(n) one is held equal to."""
    n = len(ids) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    window = np.lib.stride_tricks.sliding_window_view
    if names is None:
        return _hash(window(ids, k), salt)
    assert k <= MAX_K
    is_name = window(names != 0, k)
    back = window(_previous_distance(np.where(names != 0, names, ids)), k)
    # Within a k-gram, a name is new unless its previous use lies inside it (j tokens back at most).
    inside = back <= _OFFSETS[:k]
    tokens = np.where(is_name, _BACK[np.where(inside, back, 0)], window(ids, k))
    h = _hash(tokens, salt)
    if min_distinct > 1 or min_kinds > 1:
        dull = _n_distinct(back, inside) < min_distinct
        if min_kinds > 1:
            kinds_back = window(_previous_distance(ids), k)
            dull |= _n_distinct(kinds_back, kinds_back <= _OFFSETS[:k]) < min_kinds
        if values is not None and dull.any():
            numbered = values != 0
            with_values = np.where(numbered, values, ids)
            lit_back = window(_previous_distance(np.where(names != 0, names, with_values)), k)
            diverse = dull & (_n_distinct(lit_back, lit_back <= _OFFSETS[:k]) >= min_distinct)
            if min_kinds > 1 and diverse.any():
                kinds_back = window(_previous_distance(with_values), k)
                diverse &= _n_distinct(kinds_back, kinds_back <= _OFFSETS[:k]) >= min_kinds
            if diverse.any():
                rows = np.flatnonzero(diverse)
                w_numbered, w_values = window(numbered, k)[rows], window(values, k)[rows]
                h[rows] = _hash(np.where(w_numbered, w_values, tokens[rows]), salt ^ _LITERAL_SALT)
                dull[rows] = False
        h[dull] = DULL
    return h



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
        assert np.array_equal(kgram_hashes(*args), _kgram_hashes_reference(*args))
        assert np.array_equal(kgram_hashes(ids, k, 3), _kgram_hashes_reference(ids, k, 3))


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
