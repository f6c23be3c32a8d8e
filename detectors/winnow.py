"""Winnowing (Schleimer, Wilkerson, Aiken 2003): k-gram hashes of a token stream and the minima of each window."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_P = np.uint64(0x100000001B3)  # odd multiplier; arithmetic wraps modulo 2**64
DULL = np.uint64(0xFFFFFFFFFFFFFFFF)  # the hash given to repetitive k-grams: never a minimum, never looked up
MAX_K = 63
_BACK = np.arange(1, MAX_K + 2, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # [0]: a new name; [d]: d back
_LITERAL_SALT = 0xD6E8FEB86659FD93  # k-grams hashed with their number values live apart from structural ones
_OFFSETS = np.arange(MAX_K + 1)
with np.errstate(over="ignore"):
    _POWERS = np.cumprod(np.concatenate(([np.uint64(1)], np.full(MAX_K, _P))), dtype=np.uint64)[::-1].copy()


def previous_distance(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    """For each position, how far back the same key last occurred (0: not before)."""
    order = np.argsort(keys, kind="stable")
    same = keys[order[1:]] == keys[order[:-1]]
    later, earlier = order[1:][same], order[:-1][same]
    out = np.zeros(len(keys), dtype=np.int64)
    out[later] = later - earlier
    return out


def kgram_hashes(ids: npt.NDArray[np.uint64], k: int, salt: int = 0,
                 names: npt.NDArray[np.uint64] | None = None, min_distinct: int = 0,
                 values: npt.NDArray[np.uint64] | None = None, min_kinds: int = 0) -> npt.NDArray[np.uint64]:
    """Hash of every run of k consecutive tokens (n - k + 1 of them), mixed so that minima are well spread.

    With `names` (non-zero for identifiers), an identifier is hashed as the distance back to its previous use in
    the k-gram, or as new (Baker's parameterised strings): consistent renaming leaves the hash unchanged, yet
    `a = a + b` and `a = b + c` differ. A k-gram of fewer than `min_distinct` distinct tokens (names by spelling)
    or `min_kinds` distinct normalised tokens (any name counts once: import lists, `x = y.x` runs, prose) is a
    literal table or a run of similar lines, which every code base has: it is hashed with the number values of
    `values` (non-zero for numbers) when those make it diverse enough, and is DULL otherwise.
    """
    n = len(ids) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    window = np.lib.stride_tricks.sliding_window_view
    if names is None:
        return _hash(window(ids, k), salt)
    assert k <= MAX_K
    is_name = window(names != 0, k)
    back = window(previous_distance(np.where(names != 0, names, ids)), k)
    # Within a k-gram, a name is new unless its previous use lies inside it (j tokens back at most).
    inside = back <= _OFFSETS[:k]
    tokens = np.where(is_name, _BACK[np.where(inside, back, 0)], window(ids, k))
    h = _hash(tokens, salt)
    if min_distinct > 1 or min_kinds > 1:
        dull = n_distinct(back, inside) < min_distinct
        if min_kinds > 1:
            kinds_back = window(previous_distance(ids), k)
            dull |= n_distinct(kinds_back, kinds_back <= _OFFSETS[:k]) < min_kinds
        if values is not None and dull.any():
            # Number values count as distinct tokens: a table of constants is specific, a list of names is not.
            numbered = values != 0
            with_values = np.where(numbered, values, ids)
            lit_back = window(previous_distance(np.where(names != 0, names, with_values)), k)
            diverse = dull & (n_distinct(lit_back, lit_back <= _OFFSETS[:k]) >= min_distinct)
            if min_kinds > 1 and diverse.any():
                kinds_back = window(previous_distance(with_values), k)
                diverse &= n_distinct(kinds_back, kinds_back <= _OFFSETS[:k]) >= min_kinds
            if diverse.any():
                rows = np.flatnonzero(diverse)
                w_numbered, w_values = window(numbered, k)[rows], window(values, k)[rows]
                h[rows] = _hash(np.where(w_numbered, w_values, tokens[rows]), salt ^ _LITERAL_SALT)
                dull[rows] = False
        h[dull] = DULL
    return h


def n_distinct(back: npt.NDArray[np.int64], inside: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """Distinct keys of every k-gram: positions whose key is new in it (none or previous use outside)."""
    count: npt.NDArray[np.int64] = np.count_nonzero((back == 0) | ~inside, axis=1)
    return count


def _hash(tokens: npt.NDArray[np.uint64], salt: int) -> npt.NDArray[np.uint64]:
    """Polynomial hash of each row (Horner's rule as one dot product), then mixed."""
    k = tokens.shape[1]
    with np.errstate(over="ignore"):
        h: npt.NDArray[np.uint64] = (tokens * _POWERS[MAX_K - k + 1:]).sum(axis=1, dtype=np.uint64)
        h += np.uint64(salt) * _POWERS[MAX_K - k]
        # splitmix64 finaliser: polynomial hashes of similar runs are close; winnowing wants them scattered.
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    return h


def winnow(hashes: npt.NDArray[np.uint64], w: int) -> npt.NDArray[np.intp]:
    """Positions of the fingerprints: the rightmost minimum of every window of w hashes, each position once.

    Any shared run of at least w + k - 1 tokens yields at least one shared fingerprint.
    """
    n = len(hashes)
    if n == 0:
        return np.zeros(0, dtype=np.intp)
    if n <= w:
        pos: npt.NDArray[np.intp] = np.array([n - 1 - int(np.argmin(hashes[::-1]))], dtype=np.intp)
        kept: npt.NDArray[np.intp] = pos[hashes[pos] != DULL]
        return kept
    windows = np.lib.stride_tricks.sliding_window_view(hashes, w)
    # argmin on the reversed window gives the rightmost minimum (robust winnowing).
    right = w - 1 - np.argmin(windows[:, ::-1], axis=1)
    pos = np.unique(np.arange(len(windows), dtype=np.intp) + right)
    selected: npt.NDArray[np.intp] = pos[hashes[pos] != DULL]
    return selected
