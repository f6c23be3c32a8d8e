"""Winnowing (Schleimer, Wilkerson, Aiken 2003): k-gram hashes of a token stream and the minima of each window."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_P = np.uint64(0x100000001B3)  # odd multiplier; arithmetic wraps modulo 2**64
DULL = np.uint64(0xFFFFFFFFFFFFFFFF)  # the hash given to repetitive k-grams: never a minimum, never looked up
MAX_K = 63
_BACK = np.arange(1, MAX_K + 2, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # [0]: a new name; [d]: d back
_LITERAL_SALT = 0xD6E8FEB86659FD93  # k-grams hashed with their number values live apart from structural ones


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
                 values: npt.NDArray[np.uint64] | None = None) -> npt.NDArray[np.uint64]:
    """Hash of every run of k consecutive tokens (n - k + 1 of them), mixed so that minima are well spread.

    With `names` (non-zero for identifiers), an identifier is hashed as the distance back to its previous use in
    the k-gram, or as new (Baker's parameterised strings): consistent renaming leaves the hash unchanged, yet
    `a = a + b` and `a = b + c` differ. A k-gram of fewer than `min_distinct` distinct tokens (names by spelling)
    is a literal table or a run of similar calls, which every code base has: it is hashed with the number values
    of `values` (non-zero for numbers) when those make it diverse enough, and is DULL otherwise.
    """
    n = len(ids) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    if names is None:
        return _hash([ids[j:j + n] for j in range(k)], salt)
    assert k <= MAX_K
    is_name = names != 0
    back = previous_distance(np.where(is_name, names, ids))
    tokens = [_token(ids, is_name, back, j, n) for j in range(k)]
    h = _hash(tokens, salt)
    if min_distinct > 1:
        dull = _distinct(back, k, n) < min_distinct
        if values is not None and dull.any():
            numbered = values != 0
            lit_back = previous_distance(np.where(is_name, names, np.where(numbered, values, ids)))
            diverse = dull & (_distinct(lit_back, k, n) >= min_distinct)
            if diverse.any():
                lit = _hash([np.where(numbered[j:j + n], values[j:j + n], t) for j, t in enumerate(tokens)],
                            salt ^ _LITERAL_SALT)
                h[diverse] = lit[diverse]
                dull &= ~diverse
        h[dull] = DULL
    return h


def _token(ids: npt.NDArray[np.uint64], is_name: npt.NDArray[np.bool_], back: npt.NDArray[np.int64],
           j: int, n: int) -> npt.NDArray[np.uint64]:
    """The j-th token of every k-gram; a name whose previous use lies before the k-gram is new in it."""
    d = back[j:j + n]
    tok: npt.NDArray[np.uint64] = np.where(is_name[j:j + n], _BACK[np.where(d <= j, d, 0)], ids[j:j + n])
    return tok


def _distinct(back: npt.NDArray[np.int64], k: int, n: int) -> npt.NDArray[np.int64]:
    """Distinct keys of every k-gram: the positions whose key does not occur earlier in it."""
    count = np.ones(n, dtype=np.int64)
    for j in range(1, k):
        d = back[j:j + n]
        count += (d == 0) | (d > j)
    return count


def _hash(tokens: list[npt.NDArray[np.uint64]], salt: int) -> npt.NDArray[np.uint64]:
    with np.errstate(over="ignore"):
        h = np.full(len(tokens[0]), np.uint64(salt), dtype=np.uint64)
        for tok in tokens:
            h = h * _P + tok
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
