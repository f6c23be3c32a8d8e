"""FingerprintStage: reports a prompt that reuses a fragment of indexed code or documents, naming the source file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detectors.finding import Confidence, Finding
from detectors.fingerprint_index import CODE_K, TEXT_K, FingerprintIndex, code_hashes, text_hashes
from detectors.fingerprint_tokens import blank, code_marks, code_spans, code_token_list, text_spans, text_words
from detectors.stage import Document

MIN_MATCHES = 2.5  # weight of shared fingerprints (each 1/files holding it) before a file counts as a source
MIN_COVERED = 30  # prompt tokens inside shared k-grams: idioms share a few short stretches, copies share lines
MIN_COMMON = 6  # distinct shared fingerprints before code held by many files is reported at all
MAX_SOURCES = 5  # files reported per prompt, best first
MIN_CODE_MARKS = 2  # calls, subscripts, braces or `=` a text needs before its code tokens are hashed at all

# (file id, distinct fingerprints shared, start, end of the matching stretch, other files holding the same)
Match = tuple[int, int, int, int, tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class _Stream:
    """One token stream of the prompt: its k-gram hashes, k, and how to find its tokens' offsets."""

    hashes: npt.NDArray[np.uint64]
    k: int
    spans: Callable[[], tuple[list[int], list[int]]]


@dataclass(frozen=True, slots=True)
class _Hit:
    """What one token stream of the prompt shares with one indexed file."""

    distinct: int  # distinct shared fingerprints
    covered: int  # prompt tokens inside shared k-grams
    first: int  # first and last prompt token position of a shared k-gram
    last: int


_NO_INTS = np.zeros(0, dtype=np.int64)
_NO_FLOATS = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Hits:
    """What one token stream of the prompt shares with each indexed file it meets, as arrays over `files`."""

    files: npt.NDArray[np.int64]  # sorted file ids
    weight: npt.NDArray[np.float64]  # sum over distinct shared fingerprints of 1 / files holding it (see exact)
    distinct: npt.NDArray[np.int64]
    covered: npt.NDArray[np.int64]
    first: npt.NDArray[np.int64]
    last: npt.NDArray[np.int64]
    row_files: npt.NDArray[np.int64]  # file and 1 / holders of each shared (fingerprint, file), by fingerprint
    row_weights: npt.NDArray[np.float64]

    def at(self, files: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.intp]]:
        """Which of `files` this stream meets, and their rows here (valid where met)."""
        i = np.minimum(np.searchsorted(self.files, files), max(len(self.files) - 1, 0))
        met: npt.NDArray[np.bool_] = self.files[i] == files if len(self.files) else np.zeros(len(files), dtype=bool)
        return met, i

    def get(self, f: int) -> _Hit | None:
        i = int(np.searchsorted(self.files, f))
        if i == len(self.files) or self.files[i] != f:
            return None
        return _Hit(int(self.distinct[i]), int(self.covered[i]), int(self.first[i]), int(self.last[i]))

    def exact_weight(self, f: int) -> float:
        """The weight as summed per file in hash order (numpy's pairwise sum), for decisions at the threshold."""
        return float(self.row_weights[self.row_files == f].sum())


_NO_HITS = _Hits(_NO_INTS, _NO_FLOATS, _NO_INTS, _NO_INTS, _NO_INTS, _NO_INTS, _NO_INTS, _NO_FLOATS)
_ULP_MARGIN = 1e-9  # far above float rounding of a few thousand terms: beyond it, summation order cannot matter


class FingerprintStage:
    """Hashes every k-gram of the prompt (no winnowing on this side: more chances to meet an indexed minimum)."""

    name = "fingerprints"

    def __init__(self, index: FingerprintIndex, min_matches: float = MIN_MATCHES,
                 min_covered: int = MIN_COVERED) -> None:
        self.index = index
        self.min_matches = min_matches
        self.min_covered = min_covered

    def matches(self, text: str) -> list[Match]:
        """Indexed files this text copies from, best first.

        A file is a source when it holds enough fingerprints that few other files hold. When the shared code is
        held by many files alike (generated modules, vendored copies), the best of them is reported with the
        others, rather than nothing.
        """
        streams = []
        if code_marks(text) >= MIN_CODE_MARKS:
            tokens = code_token_list(text)
            streams.append(_Stream(code_hashes(tokens), CODE_K, lambda: code_spans(blank(text), tokens)))
        if self.index.has_text:
            words = text_words(text)
            streams.append(_Stream(text_hashes(words), TEXT_K, lambda: text_spans(text, words)))
        if not streams:
            return []
        hits = [self._collect(s.hashes, s.k) for s in streams]
        kept = self._kept(hits)
        shared: list[dict[int, _Hit]] = [{} for _ in streams]
        for f in kept:
            for x, got in zip(hits, shared, strict=True):
                hit = x.get(f)
                if hit is not None:
                    got[f] = hit
        others: tuple[int, ...] = ()
        if not kept:
            common = self._common(streams, hits)
            if common is None:
                return []
            f, others, best = common
            kept = [f]
            shared = [{f: x} if x is not None else {} for x in best]
        # Offsets are worked out only now: most prompts match nothing and never pay for them.
        spans = [s.spans() if x else ([], []) for s, x in zip(streams, shared, strict=True)]
        ranked: list[Match] = []
        for f in kept:
            starts, ends, count = [], [], 0
            for got, (st, en), s in zip(shared, spans, streams, strict=True):
                hit = got.get(f)
                if hit is not None:
                    starts.append(st[hit.first])
                    ends.append(en[hit.last + s.k - 1])
                    count += hit.distinct
            ranked.append((f, count, min(starts), max(ends), others))
        ranked.sort(key=lambda m: (-m[1], m[0]))
        return ranked[:MAX_SOURCES]

    def _kept(self, hits: list[_Hits]) -> list[int]:
        """Files enough rare fingerprints and prompt tokens are shared with, over all streams."""
        met = [x for x in hits if len(x.files)]
        if not met:
            return []
        files = met[0].files if len(met) == 1 else np.unique(np.concatenate([x.files for x in met]))
        weight = np.zeros(len(files))
        covered = np.zeros(len(files), dtype=np.int64)
        for x in met:
            i = np.searchsorted(files, x.files)
            weight[i] += x.weight
            covered[i] += x.covered
        kept = []
        for j in np.flatnonzero(covered >= self.min_covered).tolist():
            f, w = int(files[j]), float(weight[j])
            if abs(w - self.min_matches) <= _ULP_MARGIN:
                # A fingerprint shared by d indexed files weighs 1/d: idioms spread over files, copies do not.
                w = sum(x.exact_weight(f) for x in met if x.get(f) is not None)
            if w >= self.min_matches:
                kept.append(f)
        return kept

    def _collect(self, h: npt.NDArray[np.uint64], k: int) -> _Hits:
        """Per indexed file, what the k-gram hashes `h` of one token stream share with it (vectorised)."""
        if not len(h):
            return _NO_HITS
        table, owners = self.index.lookup_hashes, self.index.lookup_files
        if not len(table):
            return _NO_HITS
        order = np.argsort(h)
        hs = h[order]  # sorted keys: each binary search starts where the last one ended
        lo = np.searchsorted(table, hs, side="left")
        sel = np.flatnonzero(table[np.minimum(lo, len(table) - 1)] == hs)
        if not len(sel):
            return _NO_HITS  # most hashes of most prompts: one search each, not two
        hsel, lo = hs[sel], lo[sel]
        c = np.searchsorted(table, hsel, side="right") - lo
        # Distinct shared fingerprints, as table rows (one per holding file), ascending by hash.
        new = np.ones(len(sel), dtype=bool)
        new[1:] = hsel[1:] != hsel[:-1]
        uc = c[new]
        row_files = owners[_expand(lo[new], uc)].astype(np.int64)
        row_weights = np.repeat(1.0 / uc, uc)
        # One row per (prompt position, indexed file holding that hash), grouped by file, positions ascending.
        fids = owners[_expand(lo, c)].astype(np.int64)
        qpos = np.repeat(order[sel], c)
        srt = np.argsort(fids * len(h) + qpos)
        fids, qpos = fids[srt], qpos[srt]
        starts = np.flatnonzero(np.concatenate(([True], fids[1:] != fids[:-1])))
        files = fids[starts]
        # Tokens inside the union of the k-grams starting at a file's sorted positions.
        span = np.empty(len(qpos), dtype=np.int64)
        span[1:] = np.minimum(np.diff(qpos), k)
        span[starts] = k
        ends = np.append(starts[1:], len(qpos)) - 1
        at = np.searchsorted(files, row_files)
        return _Hits(files, np.bincount(at, weights=row_weights, minlength=len(files)),
                     np.bincount(at, minlength=len(files)), np.add.reduceat(span, starts), qpos[starts],
                     qpos[ends], row_files, row_weights)

    def _common(self, streams: list[_Stream], hits: list[_Hits]
                ) -> tuple[int, tuple[int, ...], list[_Hit | None]] | None:
        """The file sharing most fingerprints, boilerplate ones included, and the files sharing as many.

        Returns (best file, tied files, what each stream shares with the best file) or None.
        """
        idx = self.index
        if not len(idx.common_hashes):
            return None
        found = []
        for s in streams:
            i = np.minimum(np.searchsorted(idx.common_hashes, s.hashes), len(idx.common_hashes) - 1)
            pos = np.flatnonzero(idx.common_hashes[i] == s.hashes)
            found.append((pos, idx.common_groups[i[pos]]))
        if sum(len(p) for p, _ in found) < MIN_COMMON:
            return None  # the usual case, decided before any per-file work
        # Distinct shared hashes per group of files, then per file through the groups it belongs to.
        hv = np.concatenate([s.hashes[p] for s, (p, _) in zip(streams, found, strict=True)])
        gs = np.concatenate([g for _, g in found])
        _, first = np.unique(hv, return_index=True)
        groups, per_group = np.unique(gs[first], return_counts=True)
        sizes = idx.group_starts[groups + 1] - idx.group_starts[groups]
        rows = np.repeat(idx.group_starts[groups] - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
        holders = idx.group_files[rows].astype(np.int64)
        files, inverse = np.unique(holders, return_inverse=True)
        score = np.bincount(inverse.ravel(), weights=np.repeat(per_group, sizes))
        for x in hits:
            met, i = x.at(files)
            score[met] += x.distinct[i[met]]
        tied = files[score == score.max()]
        # Code held alike by several files, or else a mere mix of idioms that one file happens to gather.
        if score.max() < MIN_COMMON or len(tied) < 2:
            return None
        best = int(tied[0])
        mine = np.repeat(groups, sizes)[holders == best]
        shared: list[_Hit | None] = []
        for s, (pos, g), x in zip(streams, found, hits, strict=True):
            p = pos[np.isin(g, mine)]
            hit = None
            if len(p):
                hit = _Hit(len(np.unique(s.hashes[p])), _covered(p, s.k), int(p.min()), int(p.max()))
            rare = x.get(best)
            if rare is not None:
                # Rare and common positions are disjoint hashes; their k-grams may overlap a little.
                hit = rare if hit is None else _Hit(hit.distinct + rare.distinct, hit.covered + rare.covered,
                                                    min(hit.first, rare.first), max(hit.last, rare.last))
            shared.append(hit)
        if sum(x.covered for x in shared if x is not None) < self.min_covered:
            return None
        return best, tuple(int(t) for t in tied[1:]), shared

    def scan(self, doc: Document) -> list[Finding]:
        out = []
        for fid, count, start, end, others in self.matches(doc.norm.text):
            src = self.index.files[fid]
            a, b = doc.norm.to_original(start, end)
            also = f" and {len(others)} other indexed files holding the same code" if others else ""
            conf = Confidence.HIGH if count >= 2 * self.min_matches and not others else Confidence.MEDIUM
            attrs = [("source", src.path), ("kind", src.kind), ("fingerprints", str(count))]
            if others:
                attrs.append(("other_sources", str(len(others))))
            out.append(Finding(
                "intellectual_property", "fingerprint_match", "intellectual_property.fingerprint", a, b, conf,
                (f"{count} fingerprints shared with indexed {src.kind} file {src.path}{also}",), tuple(attrs),
            ))
        return out


def _covered(p: npt.NDArray[np.intp], k: int) -> int:
    """Prompt tokens inside the union of the k-grams starting at sorted positions `p`."""
    if not len(p):
        return 0
    p = np.sort(p)
    return int(np.minimum(np.diff(p), k).sum()) + k


def _expand(starts: npt.NDArray[np.intp], counts: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """starts[i], starts[i] + 1, ... counts[i] of each, concatenated."""
    return np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
