"""Text normalisation for matching (NFKC, invisible characters, look-alikes) with offsets mapped back."""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import hyperscan

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



# Blocks holding the compatibility characters that matter for matching (full-width and mathematical letters,
# ligatures, enclosed and superscript digits, letterlike symbols); NFKC changes elsewhere (CJK, Arabic
# presentation forms) and punctuation such as the ellipsis never hide a secret, and are left alone.
_COMPAT_BLOCKS = (
    (0x00A0, 0x00FF), (0x0132, 0x0133), (0x013F, 0x0140), (0x017F, 0x017F), (0x01C4, 0x01CC), (0x02B0, 0x02FF),
    (0x1D2C, 0x1DBF), (0x2070, 0x209F), (0x2100, 0x218F), (0x2460, 0x24FF), (0x2C7C, 0x2C7D), (0xFB00, 0xFB06),
    (0xFE50, 0xFE6B), (0xFF01, 0xFF5E), (0x1D400, 0x1D7FF), (0x1F100, 0x1F1FF),
)
_IGNORED = frozenset("\u2026\u2025\u00a8\u00af\u00b4\u00b8")


def _changing_codepoints() -> list[int]:
    """Every character normalisation changes: format controls, look-alikes, compatibility forms above."""
    # Format controls live in these planes' early blocks, the specials block and the tags block.
    planes = (range(0x3000), range(0xFE00, 0x10000), range(0x11000, 0x1F000), range(0xE0000, 0xE1000))
    cps = {c for r in planes for c in r if unicodedata.category(chr(c)) == "Cf"}
    cps |= {ord(c) for c in _INVISIBLE} | {ord(c) for c in _CONFUSABLES}
    for lo, hi in _COMPAT_BLOCKS:
        for c in range(lo, hi + 1):
            ch = chr(c)
            if ch not in _IGNORED and unicodedata.normalize("NFKC", ch) != ch:
                cps.add(c)
    return sorted(cps)


def _ranges(cps: list[int]) -> list[tuple[int, int]]:
    ranges: list[list[int]] = []
    for c in cps:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return [(a, b) for a, b in ranges]


def _class(cps: list[int]) -> str:
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in _ranges(cps))


_CPS = _changing_codepoints()
_CHANGING = re.compile(f"[{_class(_CPS)}\\ud800-\\udfff]")


class _FoldCheck:
    """Says in one Hyperscan pass (about a microsecond per 4 KB) whether a text needs folding at all."""

    def __init__(self) -> None:
        self._db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        body = "".join(f"\\x{{{a:x}}}" + (f"-\\x{{{b:x}}}" if b > a else "") for a, b in _ranges(_CPS))
        pattern = f"[{body}]"
        self._db.compile(expressions=[pattern.encode()], ids=[0], elements=1,
                         flags=[hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH])
        self._local = threading.local()

    def needed(self, text: str) -> bool:
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: the slow path replaces them
            return True
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        hit: list[int] = []
        self._db.scan(data, match_event_handler=lambda *a: hit.append(1), scratch=scratch)
        return bool(hit)


_FOLD_CHECK = _FoldCheck()
_ONE_FOR_ONE = tuple(
    (a, b)
    for a, b in _CONFUSABLES.items()
    if a in "\u00a0\u202f\u2007\u2019\u2018\u201c\u201d\u2013\u2014\u2010\u2011\u2212"
)


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
    # Common one-for-one folds (French typography) in C; offsets stay the same, so the map stays identity.
    folded = text
    for src, dst in _ONE_FOR_ONE:
        if src in folded:
            folded = folded.replace(src, dst)
    if not _FOLD_CHECK.needed(folded):
        return NormalizedText(text, folded)
    pieces: list[str] = []
    seg_norm: list[int] = [0]
    seg_orig: list[int] = [0]
    seg_len: list[int] = [0]
    npos = 0  # length of the normalised text so far
    last = 0  # original offset up to which text is copied
    # Visit only the characters that change.
    for m in _CHANGING.finditer(text):
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
