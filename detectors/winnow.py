"""Winnowing (Schleimer, Wilkerson, Aiken 2003): k-gram hashes of a token stream and the minima of each window."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_P = np.uint64(0x100000001B3)  # odd multiplier; arithmetic wraps modulo 2**64
DULL = np.uint64(0xFFFFFFFFFFFFFFFF)  # the hash given to repetitive k-grams: never a minimum, never looked up
MAX_K = 63
_BACK = np.arange(1, MAX_K + 2, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # [0]: a new name; [d]: d back
_LITERAL_SALT = 0xD6E8FEB86659FD93  # k-grams hashed with their number values live apart from structural ones
_Q = np.uint64(pow(int(_P), -1, 2**64))  # P * Q == 1 modulo 2**64
_POW = [(np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64))]  # P**i, P**-i; see _powers


def _powers(n: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """P**i and P**-i (P is odd, so invertible modulo 2**64) for i < n, grown on demand and shared."""
    pw, qw = _POW[0]
    if len(pw) < n:
        size = max(n, 2 * len(pw))
        with np.errstate(over="ignore"):
            pw = np.cumprod(np.concatenate(([np.uint64(1)], np.full(size - 1, _P))), dtype=np.uint64)
            qw = np.cumprod(np.concatenate(([np.uint64(1)], np.full(size - 1, _Q))), dtype=np.uint64)
        _POW[0] = (pw, qw)  # one tuple swapped at once: a concurrent reader sees the old or the new pair
    return pw, qw


def _pairs(keys: npt.NDArray[np.uint64], k: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Positions whose key occurred fewer than k tokens before, and where: the repeats some k-gram holds."""
    order = np.argsort(keys, kind="stable")
    same = keys[order[1:]] == keys[order[:-1]]
    later, earlier = order[1:][same], order[:-1][same]
    near = later - earlier < k
    return later[near], earlier[near]


def _repeats(later: npt.NDArray[np.intp], earlier: npt.NDArray[np.intp], k: int, n: int) -> npt.NDArray[np.intp]:
    """Per k-gram s, the pairs (earlier, later) it holds both ends of: later <= s + k - 1 and earlier >= s.

    Pairs are closer than k, so those with later <= s + k - 1 are the ones inside plus those with earlier < s.
    """
    size = n + k - 1
    upto = np.zeros(size + 1, dtype=np.intp)
    np.cumsum(np.bincount(later, minlength=size), out=upto[1:])
    before = np.zeros(size + 1, dtype=np.intp)
    np.cumsum(np.bincount(earlier, minlength=size), out=before[1:])
    out: npt.NDArray[np.intp] = upto[k:] - before[:n]
    return out


def _distinct_below(keys: npt.NDArray[np.uint64], k: int, n: int, least: int) -> npt.NDArray[np.bool_]:
    """Which k-grams hold fewer than `least` distinct keys (k minus the repeats each holds)."""
    later, earlier = _pairs(keys, k)
    below: npt.NDArray[np.bool_] = _repeats(later, earlier, k, n) > k - least
    return below


def _rolling(base: npt.NDArray[np.uint64], later: npt.NDArray[np.intp], earlier: npt.NDArray[np.intp],
             delta: npt.NDArray[np.uint64], k: int, salt: int) -> npt.NDArray[np.uint64]:
    """_hash of every k-gram of `base`, where a k-gram holding both `earlier` and `later` adds `delta` at `later`.

    sum_j t[s+j] P**(k-1-j) is P**(s+k-1) times sum_i t[i] P**-i, a difference of prefix sums: O(n), not O(nk).
    The deltas (a name's distance back instead of "new") count in k-grams with later <= s+k-1 minus those with
    earlier < s, since pairs are closer than k; each earlier position has one later one, so no index repeats.
    """
    size = len(base)
    n = size - k + 1
    pw, qw = _powers(size + k)
    with np.errstate(over="ignore"):
        x = base * qw[:size]
        d = delta * qw[later]
        upto = np.zeros(size + 1, dtype=np.uint64)
        before = np.zeros(size + 1, dtype=np.uint64)
        upto[1:] = x
        before[1:] = x
        upto[later + 1] += d
        before[earlier + 1] += d
        np.cumsum(upto, out=upto)
        np.cumsum(before, out=before)
        h: npt.NDArray[np.uint64] = (upto[k:] - before[:n]) * pw[k - 1:k - 1 + n]
        h += np.uint64(salt * int(pw[k]) % 2**64)
    return _mix(h)


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
    Computed in O(n) one-dimensional passes; the tests hold it equal to the n x k window definition.
    """
    n = len(ids) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    none = np.zeros(0, dtype=np.intp)
    if names is None:
        return _rolling(ids, none, none, np.zeros(0, dtype=np.uint64), k, salt)
    assert k <= MAX_K
    is_name = names != 0
    later, earlier = _pairs(np.where(is_name, names, ids), k)
    base = np.where(is_name, _BACK[0], ids)
    # A name whose previous use lies in the k-gram is hashed as that distance instead of as new.
    named = is_name[later]
    n_later, n_earlier = later[named], earlier[named]
    with np.errstate(over="ignore"):
        delta = _BACK[n_later - n_earlier] - _BACK[0]
    h = _rolling(base, n_later, n_earlier, delta, k, salt)
    if min_distinct > 1 or min_kinds > 1:
        dull = _repeats(later, earlier, k, n) > k - min_distinct
        if min_kinds > 1:
            dull |= _distinct_below(ids, k, n, min_kinds)
        if values is not None and dull.any():
            # Number values count as distinct tokens: a table of constants is specific, a list of names is not.
            # A k-gram without numbers keys its tokens alike with or without them: it stays dull, unlooked at.
            numbered = values != 0
            upto = np.zeros(len(ids) + 1, dtype=np.intp)
            np.cumsum(numbered, out=upto[1:])
            diverse = dull & (upto[k:] > upto[:n])
            if diverse.any():
                with_values = np.where(numbered, values, ids)
                diverse &= ~_distinct_below(np.where(is_name, names, with_values), k, n, min_distinct)
                if min_kinds > 1 and diverse.any():
                    diverse &= ~_distinct_below(with_values, k, n, min_kinds)
            if diverse.any():
                rows = np.flatnonzero(diverse)
                plain = ~numbered[n_later]
                literal = _rolling(np.where(numbered, values, base), n_later[plain], n_earlier[plain], delta[plain],
                                   k, salt ^ _LITERAL_SALT)
                h[rows] = literal[rows]
                dull[rows] = False
        h[dull] = DULL
    return h


def _mix(h: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64 finaliser, in place: polynomial hashes of similar runs are close; winnowing wants them scattered."""
    with np.errstate(over="ignore"):
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
