"""Text normalisation for matching (NFKC, invisible characters, look-alikes) with offsets mapped back."""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import regex

# Characters that render as nothing and are used to split a secret so regexes miss it.
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b"
    "\u206c\u206d\u206e\u206f\u3164\ufe00\ufe01\ufe02\ufe03\ufe04\ufe05\ufe06\ufe07\ufe08\ufe09\ufe0a"
    "\ufe0b\ufe0c\ufe0d\ufe0e\ufe0f\ufeff\uffa0"
)

# Look-alikes that NFKC leaves alone: dashes, quotes and the Cyrillic/Greek letters used in homoglyph attacks.
_CONFUSABLES = {
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\ufe63": "-",
    "\uff0d": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
    "\u0430": "a",
    "\u0435": "e",
    "\u043e": "o",
    "\u0440": "p",
    "\u0441": "c",
    "\u0443": "y",
    "\u0445": "x",
    "\u0455": "s",
    "\u0456": "i",
    "\u0458": "j",
    "\u04bb": "h",
    "\u0501": "d",
    "\u0410": "A",
    "\u0412": "B",
    "\u0415": "E",
    "\u041a": "K",
    "\u041c": "M",
    "\u041d": "H",
    "\u041e": "O",
    "\u0420": "P",
    "\u0421": "C",
    "\u0422": "T",
    "\u0425": "X",
    "\u0405": "S",
    "\u0406": "I",
    "\u0408": "J",
    "\u03bf": "o",
    "\u039f": "O",
    "\u03b1": "a",
    "\u0391": "A",
    "\u0392": "B",
    "\u0395": "E",
    "\u0396": "Z",
    "\u0397": "H",
    "\u0399": "I",
    "\u039a": "K",
    "\u039c": "M",
    "\u039d": "N",
    "\u03a1": "P",
    "\u03a4": "T",
    "\u03a5": "Y",
    "\u03a7": "X",
}

_NON_ASCII = regex.compile(r"[^\x00-\x7f]+")


@lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    if ch in _INVISIBLE:
        return ""
    if ch in _CONFUSABLES:
        return _CONFUSABLES[ch]
    cat = unicodedata.category(ch)
    if cat == "Cf":  # any other format control (bidi, tags) is invisible too
        return ""
    if cat == "Cs":  # lone surrogate from a broken decode: keep a placeholder, never crash
        return "\ufffd"
    folded = unicodedata.normalize("NFKC", ch)
    return "".join(_CONFUSABLES.get(c, c) for c in folded)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """The text to match on, and how to map its offsets back to the original.

    The map is piecewise: segment k starts at normalised offset `seg_norm[k]` and original offset
    `seg_orig[k]`; a linear segment (`seg_len[k] == 0`) advances one for one, a folded segment maps every
    character to the `seg_len[k]` original characters it came from. Memory grows with the number of
    folded characters, not with the text.
    """

    original: str
    text: str
    seg_norm: tuple[int, ...] = ()
    seg_orig: tuple[int, ...] = ()
    seg_len: tuple[int, ...] = ()

    @property
    def identity(self) -> bool:
        return not self.seg_norm

    def _locate(self, i: int) -> tuple[int, int]:
        """Original (start, end) of normalised character i."""
        k = bisect_right(self.seg_norm, i) - 1
        base, width = self.seg_orig[k], self.seg_len[k]
        if width:
            return base, base + width
        pos = base + (i - self.seg_norm[k])
        return pos, pos + 1

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span [start, end) to the original text."""
        if not self.seg_norm:
            return start, end
        if start >= len(self.text):
            return len(self.original), len(self.original)
        a, _ = self._locate(start)
        if end <= start:
            return a, a
        _, b = self._locate(end - 1)
        return a, b


def normalize(text: str) -> NormalizedText:
    """Fold compatibility forms and look-alikes, drop invisible characters, keep a map to the original."""
    if text.isascii():
        return NormalizedText(text, text)
    pieces: list[str] = []
    seg_norm: list[int] = [0]
    seg_orig: list[int] = [0]
    seg_len: list[int] = [0]
    npos = 0  # length of the normalised text so far
    last = 0  # original offset up to which text is copied
    for m in _NON_ASCII.finditer(text):
        a, b = m.span()
        i = a
        while i < b:
            ch = text[i]
            out = _fold(ch)
            if out == ch:
                i += 1
                continue
            # Copy the unchanged run, then open a folded segment and a new linear one after it.
            pieces.append(text[last:i])
            npos += i - last
            pieces.append(out)
            if out:
                seg_norm.append(npos)
                seg_orig.append(i)
                seg_len.append(1)
                npos += len(out)
            seg_norm.append(npos)
            seg_orig.append(i + 1)
            seg_len.append(0)
            last = i + 1
            i += 1
    if len(seg_norm) == 1:
        return NormalizedText(text, text)
    pieces.append(text[last:])
    return NormalizedText(text, "".join(pieces), tuple(seg_norm), tuple(seg_orig), tuple(seg_len))
