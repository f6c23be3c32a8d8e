"""FingerprintStage: reports a prompt that reuses a fragment of indexed code or documents, naming the source file."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from detectors.finding import Confidence, Finding
from detectors.fingerprint_index import CODE_K, CODE_MIN_DISTINCT, CODE_SALT, TEXT_K, TEXT_SALT, FingerprintIndex
from detectors.fingerprint_tokens import code_tokens, text_tokens
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
        found: dict[int, tuple[dict[int, float], set[int], int, int]] = {}
        kinds = [("code", CODE_K, CODE_SALT)] + ([("text", TEXT_K, TEXT_SALT)] if self.index.has_text else [])
        for kind, k, salt in kinds:
            if kind == "code":
                ids, names, starts, ends = code_tokens(text)
                h = kgram_hashes(ids, k, salt, names, CODE_MIN_DISTINCT)
            else:
                ids, starts, ends = text_tokens(text)
                h = kgram_hashes(ids, k, salt)
            if not len(h):
                continue
            self._collect(h, k, starts, ends, found)
        # A fingerprint shared by d indexed files weighs 1/d: idioms spread over files, copies do not.
        ranked = sorted(((f, len(hs), a, b) for f, (hs, covered, a, b) in found.items()
                         if sum(hs.values()) >= self.min_matches and len(covered) >= self.min_covered),
                        key=lambda m: (-m[1], m[0]))
        return ranked[:MAX_SOURCES]

    def _collect(self, h: npt.NDArray[np.uint64], k: int, starts: list[int], ends: list[int],
                 found: dict[int, tuple[dict[int, float], set[int], int, int]]) -> None:
        table, owners = self.index.lookup_hashes, self.index.lookup_files
        lo = np.searchsorted(table, h, side="left")
        hi = np.searchsorted(table, h, side="right")
        for pos in np.nonzero(hi > lo)[0].tolist():
            a, b = starts[pos], ends[pos + k - 1]
            weight = 1.0 / (int(hi[pos]) - int(lo[pos]))
            for fid in owners[int(lo[pos]):int(hi[pos])].tolist():
                hs, covered, s, e = found.get(fid) or ({}, set(), a, b)
                hs[int(h[pos])] = weight
                covered.update(range(pos, pos + k))
                found[fid] = (hs, covered, min(s, a), max(e, b))

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
