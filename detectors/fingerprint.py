"""FingerprintStage: reports a prompt that reuses a fragment of indexed code or documents, naming the source file."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detectors.finding import Confidence, Finding
from detectors.fingerprint_index import CODE_K, TEXT_K, FingerprintIndex, code_hashes, text_hashes
from detectors.fingerprint_tokens import code_spans, text_spans
from detectors.stage import Document

MIN_MATCHES = 2.5  # weight of shared fingerprints (each 1/files holding it) before a file counts as a source
MIN_COVERED = 30  # prompt tokens inside shared k-grams: idioms share a few short stretches, copies share lines
MAX_SOURCES = 5  # files reported per prompt, best first


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

    def matches(self, text: str) -> list[tuple[int, int, int, int]]:
        """(file id, distinct fingerprints shared, start, end of the matching stretch in `text`), best first."""
        code = self._collect(code_hashes(text), CODE_K)
        words = self._collect(text_hashes(text), TEXT_K) if self.index.has_text else {}
        kept = []
        for f in code.keys() | words.keys():
            hits = [x for x in (code.get(f), words.get(f)) if x is not None]
            # A fingerprint shared by d indexed files weighs 1/d: idioms spread over files, copies do not.
            if sum(x.weight for x in hits) >= self.min_matches and sum(x.covered for x in hits) >= self.min_covered:
                kept.append(f)
        if not kept:
            return []
        # Offsets are worked out only now: most prompts match nothing and never pay for them.
        cs = code_spans(text) if any(f in code for f in kept) else ([], [])
        ws = text_spans(text) if any(f in words for f in kept) else ([], [])
        ranked = []
        for f in kept:
            starts, ends, count = [], [], 0
            for hit, (st, en), k in ((code.get(f), cs, CODE_K), (words.get(f), ws, TEXT_K)):
                if hit is not None:
                    starts.append(st[hit.first])
                    ends.append(en[hit.last + k - 1])
                    count += hit.distinct
            ranked.append((f, count, min(starts), max(ends)))
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
            covered = int(np.minimum(np.diff(p), k).sum()) + k  # tokens inside the union of the shared k-grams
            out[int(fids[grp[0]])] = _Hit(float(weight[grp][first].sum()), len(first), covered, int(p[0]), int(p[-1]))
        return out

    def scan(self, doc: Document) -> list[Finding]:
        out = []
        for fid, count, start, end in self.matches(doc.norm.text):
            src = self.index.files[fid]
            a, b = doc.norm.to_original(start, end)
            conf = Confidence.HIGH if count >= 2 * self.min_matches else Confidence.MEDIUM
            out.append(Finding(
                "intellectual_property", "fingerprint_match", "intellectual_property.fingerprint", a, b, conf,
                (f"{count} fingerprints shared with indexed {src.kind} file {src.path}",),
                (("source", src.path), ("kind", src.kind), ("fingerprints", str(count))),
            ))
        return out
