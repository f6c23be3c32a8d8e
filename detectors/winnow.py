"""Winnowing (Schleimer, Wilkerson, Aiken 2003): k-gram hashes of a token stream and the minima of each window."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_P = np.uint64(0x100000001B3)  # odd multiplier; arithmetic wraps modulo 2**64


DULL = np.uint64(0xFFFFFFFFFFFFFFFF)  # the hash given to repetitive k-grams: never a minimum, never looked up
_SLOT = np.arange(1, 65, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # "the name first seen at slot t"


def kgram_hashes(ids: npt.NDArray[np.uint64], k: int, salt: int = 0,
                 names: npt.NDArray[np.uint64] | None = None, min_distinct: int = 0) -> npt.NDArray[np.uint64]:
    """Hash of every run of k consecutive tokens (n - k + 1 of them), mixed so that minima are well spread.

    With `names` (non-zero for identifiers), each identifier is hashed as the slot of its first use inside the
    k-gram: consistent renaming leaves the hash unchanged, yet `a = a + b` and `a = b + c` differ.
    K-grams of fewer than `min_distinct` distinct tokens (literal tables, runs of similar calls) hash to DULL:
    every code base has them, so they prove nothing.
    """
    n = len(ids) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = np.full(n, np.uint64(salt), dtype=np.uint64)
        for j in range(k):
            tok = ids[j:j + n]
            if names is not None:
                cur = names[j:j + n]
                first = np.full(n, j, dtype=np.int64)
                for t in range(j - 1, -1, -1):
                    first[names[t:t + n] == cur] = t  # descending: the earliest slot is written last
                tok = np.where(cur != 0, _SLOT[first], tok)
            h = h * _P + tok
        # splitmix64 finaliser: polynomial hashes of similar runs are close; winnowing wants them scattered.
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    if min_distinct > 1:
        windows = np.sort(np.lib.stride_tricks.sliding_window_view(ids, k), axis=1)
        distinct = 1 + np.count_nonzero(np.diff(windows, axis=1), axis=1)
        h[distinct < min_distinct] = DULL
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
