"""FingerprintStage: reports a prompt that reuses a fragment of indexed code or documents, naming the source file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detectors.finding import Confidence, Finding
from detectors.fingerprint_index import CODE_K, TEXT_K, FingerprintIndex, code_hashes, text_hashes
from detectors.fingerprint_tokens import code_marks, code_spans, code_tokens, text_spans, text_words
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

    weight: float  # sum over distinct shared fingerprints of 1 / files holding it
    distinct: int
    covered: int  # prompt tokens inside shared k-grams
    first: int  # first and last prompt token position of a shared k-gram
    last: int


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
            stripped, tokens = code_tokens(text)
            streams.append(_Stream(code_hashes(tokens), CODE_K, lambda: code_spans(stripped, tokens)))
        if self.index.has_text:
            words = text_words(text)
            streams.append(_Stream(text_hashes(words), TEXT_K, lambda: text_spans(text, words)))
        if not streams:
            return []
        hits = [self._collect(s.hashes, s.k) for s in streams]
        kept = []
        for f in set[int]().union(*hits):
            got = [x[f] for x in hits if f in x]
            # A fingerprint shared by d indexed files weighs 1/d: idioms spread over files, copies do not.
            if sum(x.weight for x in got) >= self.min_matches and sum(x.covered for x in got) >= self.min_covered:
                kept.append(f)
        others: tuple[int, ...] = ()
        if not kept:
            common = self._common(streams, hits)
            if common is None:
                return []
            f, others, shared = common
            kept = [f]
            hits = [{f: x} if x is not None else {} for x in shared]
        # Offsets are worked out only now: most prompts match nothing and never pay for them.
        spans = [s.spans() if any(f in x for f in kept) else ([], []) for s, x in zip(streams, hits, strict=True)]
        ranked: list[Match] = []
        for f in kept:
            starts, ends, count = [], [], 0
            for x, (st, en), s in zip(hits, spans, streams, strict=True):
                hit = x.get(f)
                if hit is not None:
                    starts.append(st[hit.first])
                    ends.append(en[hit.last + s.k - 1])
                    count += hit.distinct
            ranked.append((f, count, min(starts), max(ends), others))
        ranked.sort(key=lambda m: (-m[1], m[0]))
        return ranked[:MAX_SOURCES]

    def _collect(self, h: npt.NDArray[np.uint64], k: int) -> dict[int, _Hit]:
        """Per indexed file, what the k-gram hashes `h` of one token stream share with it (vectorised)."""
        if not len(h):
            return {}
        table, owners = self.index.lookup_hashes, self.index.lookup_files
        lo = np.searchsorted(table, h, side="left")
        hi = np.searchsorted(table, h, side="right")
        m = np.nonzero(hi > lo)[0]
        if not len(m):
            return {}
        cnt = (hi - lo)[m]
        # One row per (prompt position, indexed file holding that hash).
        rows = np.repeat(lo[m] - (np.cumsum(cnt) - cnt), cnt) + np.arange(int(cnt.sum()))
        fids = owners[rows].astype(np.int64)
        qpos = np.repeat(m, cnt)
        weight = np.repeat(1.0 / cnt, cnt)
        order = np.lexsort((qpos, fids))
        fids, qpos, weight, hq = fids[order], qpos[order], weight[order], h[qpos[order]]
        out: dict[int, _Hit] = {}
        for grp in np.split(np.arange(len(fids)), np.flatnonzero(np.diff(fids)) + 1):
            p = qpos[grp]
            _, first = np.unique(hq[grp], return_index=True)
            out[int(fids[grp[0]])] = _Hit(float(weight[grp][first].sum()), len(first), _covered(p, k), int(p[0]),
                                          int(p[-1]))
        return out

    def _common(self, streams: list[_Stream], hits: list[dict[int, _Hit]]
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
            for j, f in enumerate(files.tolist()):
                if f in x:
                    score[j] += x[f].distinct
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
                hit = _Hit(0.0, len(np.unique(s.hashes[p])), _covered(p, s.k), int(p.min()), int(p.max()))
            rare = x.get(best)
            if rare is not None:
                # Rare and common positions are disjoint hashes; their k-grams may overlap a little.
                hit = rare if hit is None else _Hit(0.0, hit.distinct + rare.distinct, hit.covered + rare.covered,
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
