"""FingerprintStage: reports a prompt that reuses a fragment of indexed code or documents, naming the source file."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from detectors.finding import Confidence, Finding
from detectors.fingerprint_index import CODE_K, CODE_MIN_DISTINCT, CODE_SALT, TEXT_K, TEXT_SALT, FingerprintIndex
from detectors.fingerprint_tokens import code_ids, code_spans, text_ids, text_spans
from detectors.stage import Document
from detectors.winnow import kgram_hashes

MIN_MATCHES = 2.5  # weight of shared fingerprints (each 1/files holding it) before a file counts as a source
MIN_COVERED = 30  # prompt tokens inside shared k-grams: idioms share a few short stretches, copies share lines
MAX_SOURCES = 5  # files reported per prompt, best first


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
        found: dict[int, tuple[dict[int, float], set[int], list[tuple[str, int]]]] = {}
        ids, names = code_ids(text)
        self._collect(kgram_hashes(ids, CODE_K, CODE_SALT, names, CODE_MIN_DISTINCT), CODE_K, "code", found)
        if self.index.has_text:
            self._collect(kgram_hashes(text_ids(text), TEXT_K, TEXT_SALT), TEXT_K, "text", found)
        # A fingerprint shared by d indexed files weighs 1/d: idioms spread over files, copies do not.
        kept = [(f, hs, places) for f, (hs, covered, places) in found.items()
                if sum(hs.values()) >= self.min_matches and len(covered) >= self.min_covered]
        if not kept:
            return []
        # Offsets are worked out only now: most prompts match nothing and never pay for them.
        spans = {"code": code_spans(text)}
        if any(kind == "text" for _, _, places in kept for kind, _ in places):
            spans["text"] = text_spans(text)
        ranked = []
        for f, hs, places in kept:
            starts = [spans[kind][0][pos] for kind, pos in places]
            ends = [spans[kind][1][pos + (CODE_K if kind == "code" else TEXT_K) - 1] for kind, pos in places]
            ranked.append((f, len(hs), min(starts), max(ends)))
        ranked.sort(key=lambda m: (-m[1], m[0]))
        return ranked[:MAX_SOURCES]

    def _collect(self, h: npt.NDArray[np.uint64], k: int, kind: str,
                 found: dict[int, tuple[dict[int, float], set[int], list[tuple[str, int]]]]) -> None:
        if not len(h):
            return
        table, owners = self.index.lookup_hashes, self.index.lookup_files
        lo = np.searchsorted(table, h, side="left")
        hi = np.searchsorted(table, h, side="right")
        for pos in np.nonzero(hi > lo)[0].tolist():
            weight = 1.0 / (int(hi[pos]) - int(lo[pos]))
            for fid in owners[int(lo[pos]):int(hi[pos])].tolist():
                hs, covered, places = found.get(fid) or ({}, set(), [])
                hs[int(h[pos])] = weight
                # Code and word positions are apart: words count negative.
                covered.update(range(pos, pos + k) if kind == "code" else range(-pos - k, -pos))
                places.append((kind, pos))
                found[fid] = (hs, covered, places)

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
