"""CodeClassifier: finds source code pasted in a prompt (fenced or not) and reports each block with a language guess."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import regex

from detectors.code_language import FENCE_ALIASES, GUESS_CHARS, guess_language
from detectors.code_line_scores import _BMP, _SLOW, BLANK, Ints, Quarters, fold, native, quarters
from detectors.code_lines import CODE, CODE_CHARS, COMMENT
from detectors.finding import Confidence, Finding
from detectors.stage import Document

_FENCE = regex.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n`]*$", regex.MULTILINE)
_NOT_CODE_CHARS = bytes(c for c in range(256) if chr(c) not in CODE_CHARS)
# Below this share of code punctuation a text is prose (half of the corpus' prose, 1 code sample in 960 lost).
MIN_CODE_CHAR_RATIO = 0.005
_SHOUTED = regex.compile(r"\b[A-Z][A-Z-]{2,}\b")
MIN_LINES = 6  # an unfenced block needs this many non-blank lines
MIN_FENCED_CODE_LINES = 3
FENCED_CODE = 0.75
_MAX_GAP = 3  # blank or prose lines tolerated inside a block when code follows
# The same thresholds in quarter points (line scores are multiples of 0.25).
_CODE, _COMMENT, _FENCED_CODE = round(CODE * 4), round(COMMENT * 4), round(FENCED_CODE * 4)
# Quarter points, read as an unsigned byte -> 0 blank, 1 weak (0 to code), 2 code, 3 negative.
_KIND = np.full(256, 3, dtype=np.int64)
_KIND[:_CODE] = 1
_KIND[_CODE:128] = 2
_KIND[BLANK & 0xFF] = 0


class CodeBlock(NamedTuple):
    """A span of the scanned text that holds code; offsets in the text given to `find_blocks`."""

    start: int
    end: int
    language: str
    lines: int
    code_lines: int
    fenced: bool


def _language(text: str, start: int, end: int) -> str:
    """guess_language(text[start:end]) without copying what it would not read of a long block."""
    if end - start > GUESS_CHARS:
        cut = text.find("\n", start + GUESS_CHARS, end)
        if cut > 0:
            end = cut
    return guess_language(text[start:end])


def _fences(text: str) -> list[tuple[int, int, int, int, str]]:
    """(outer start, outer end, body start, body end, info) of each closed Markdown fence."""
    out = []
    opening: regex.Match[str] | None = None
    for m in _FENCE.finditer(text):
        if opening is None:
            opening = m
        elif m.group(1)[0] == opening.group(1)[0] and len(m.group(1)) >= len(opening.group(1)) and not m.group(2):
            out.append((opening.start(), m.end(), opening.end() + 1, m.start(), opening.group(2).lower()))
            opening = None
    return out


def _plain_blocks(text: str, starts: Ints, ends: Ints, q: Quarters, lo: int, hi: int) -> list[CodeBlock]:
    """The unfenced blocks among lines lo..hi-1, each with its language."""
    found = runs(q, lo, hi) if native is None else native.runs(q, lo, hi)
    out = []
    for first, last, nonblank, code_lines in found:
        a, b = int(starts[first]), int(ends[last])
        out.append(CodeBlock(a, b, _language(text, a, b), nonblank, code_lines, False))
    return out


def runs(q: Quarters, lo: int, hi: int) -> list[tuple[int, int, int, int]]:
    """(first, last, nonblank lines, code lines) of each block among lines lo..hi-1 (numpy; `_codescan.runs` in C).

    A block runs from a code line on, through gaps of at most _MAX_GAP blank or negative lines, and ends on its last
    code line; comments just above count in. It needs MIN_LINES non-blank lines, mostly code-like."""
    seg = q[lo:hi]
    code = np.flatnonzero(seg >= _CODE)
    if len(code) < 3:
        return []
    # Four blank or negative lines in a row end a block: count such windows, and cut where one lies between.
    gap = seg < 0
    full = gap[:-3] & gap[1:-2] & gap[2:-1] & gap[3:]
    windows = np.zeros(len(seg) + 1, dtype=np.int64)
    np.cumsum(full, out=windows[1:len(full) + 1])
    windows[len(full) + 1:] = windows[len(full)]
    cut = windows[np.maximum(code[1:] - _MAX_GAP, 0)] > windows[code[:-1] + 1]
    firsts = [code[0], *code[1:][cut].tolist()]
    lasts = [*code[:-1][cut].tolist(), code[-1]]
    scores = seg.tolist()
    out: list[tuple[int, int, int, int]] = []
    for first, last in zip(firsts, lasts, strict=True):
        first = int(first)
        # Comments just above the first code line belong to it.
        while first > 0 and scores[first - 1] in (BLANK, _COMMENT):
            first -= 1
        while scores[first] == BLANK:
            first += 1
        kinds = _KIND.take(seg[first:last + 1].view(np.uint8))
        _, weak, code_lines, negative = np.bincount(kinds, minlength=4).tolist()
        nonblank = weak + code_lines + negative
        if nonblank >= MIN_LINES and code_lines >= 3 and code_lines + 0.5 * weak >= 0.5 * nonblank:
            out.append((lo + first, lo + last, nonblank, code_lines))
    return out


def _fenced(text: str) -> bool:
    # memchr first: a search for "```" steps one character at a time (3 us per 4 KB).
    return ("`" in text and "```" in text) or ("~" in text and "~~~" in text)


def _shouted(text: str, data: bytes) -> int:
    """Words in capitals (up to MIN_LINES of them): in C on the folded text, 30 times faster than the regex."""
    if native is None or _SLOW in data:
        return len(_SHOUTED.findall(text))
    return native.shouted(data, MIN_LINES)


def _native_block(text: str, start: int, end: int, lines: int, code_lines: int, info_start: int, info_end: int,
                  body_start: int, body_end: int) -> CodeBlock:
    if info_start < 0:
        return CodeBlock(start, end, _language(text, start, end), lines, code_lines, False)
    lang = FENCE_ALIASES.get(text[info_start:info_end].lower()) or _language(text, body_start, body_end)
    return CodeBlock(start, end, lang, lines, code_lines, True)


def find_blocks(text: str) -> list[CodeBlock]:
    """Every code block in `text`: closed fences with enough code lines, then unfenced runs elsewhere."""
    if native is not None:  # all of it in one C call, unless a character is not classified yet
        found = native.blocks(text, _BMP, MIN_CODE_CHAR_RATIO)
        if found is not None:
            return [_native_block(text, *t) for t in found]
    if text.count("\n") < MIN_LINES - 1 and not _fenced(text):
        return []  # too short for an unfenced block, and no fence: the common prompt costs nothing more
    data = fold(text)  # one byte per character: the checks below run on bytes, several times faster
    has_fence = (b"`" in data and b"```" in data) or (b"~" in data and b"~~~" in data)
    if (not has_fence and len(data.translate(None, _NOT_CODE_CHARS)) < MIN_CODE_CHAR_RATIO * len(data)
            and _shouted(text, data) < MIN_LINES):
        return []  # almost no code punctuation, and not the capitals of SQL, COBOL or ABAP either
    starts, ends, q = quarters(text, data)
    blocks: list[CodeBlock] = []
    lo = 0  # first line outside the fences seen so far
    for o_start, o_end, b_start, b_end, info in _fences(text) if has_fence else []:
        body_lo, body_hi = np.searchsorted(starts, (b_start, b_end)).tolist()
        hi = int(np.searchsorted(starts, o_start))
        if hi > lo:
            blocks.extend(_plain_blocks(text, starts, ends, q, lo, hi))
        lo = int(np.searchsorted(starts, o_end + 1))
        # The fence is evidence already: a weaker line counts as code-like inside it.
        code = int(np.count_nonzero(q[body_lo:body_hi] >= _FENCED_CODE))
        if code >= MIN_FENCED_CODE_LINES:
            lang = FENCE_ALIASES.get(info) or _language(text, b_start, b_end)
            blocks.append(CodeBlock(o_start, o_end, lang, body_hi - body_lo, code, True))
    if len(starts) > lo:
        blocks.extend(_plain_blocks(text, starts, ends, q, lo, len(starts)))
    return sorted(blocks, key=lambda blk: blk.start)


class CodeClassifier:
    """The `source_code` stage: one finding per code block, and the blocks recorded as `doc.regions["code"]`."""

    name = "source_code"

    def scan(self, doc: Document) -> list[Finding]:
        blocks = find_blocks(doc.norm.text)
        if not blocks:
            return []
        out = []
        spans = doc.regions.setdefault("code", [])
        for blk in blocks:
            start, end = doc.norm.to_original(blk.start, blk.end)
            spans.append((start, end))
            strong = blk.fenced or blk.code_lines >= 10
            why = (f"{'fenced' if blk.fenced else 'unfenced'} block of {blk.lines} lines, {blk.code_lines} code-like",
                   f"language guess: {blk.language}")
            out.append(Finding("source_code", "source_code", "source_code.classifier", start, end,
                               Confidence.HIGH if strong else Confidence.MEDIUM, why,
                               (("language", blk.language), ("lines", str(blk.lines)))))
        return out
