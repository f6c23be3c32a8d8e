"""CodeClassifier: finds source code pasted in a prompt (fenced or not) and reports each block with a language guess."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from detectors.code_language import FENCE_ALIASES, guess_language
from detectors.code_lines import CODE, COMMENT, line_score
from detectors.finding import Confidence, Finding
from detectors.stage import Document

_FENCE = regex.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n`]*$", regex.MULTILINE)
_CODE_CHARS = "{};()=<>$[]"
# Below this share of code punctuation a text is prose (half of the corpus' prose, 1 code sample in 960 lost).
MIN_CODE_CHAR_RATIO = 0.005
_SHOUTED = regex.compile(r"\b[A-Z][A-Z-]{2,}\b")
MIN_LINES = 6  # an unfenced block needs this many non-blank lines
MIN_FENCED_CODE_LINES = 3
FENCED_CODE = 0.75
_MAX_GAP = 3  # blank or prose lines tolerated inside a block when code follows


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """A span of the scanned text that holds code; offsets in the text given to `find_blocks`."""

    start: int
    end: int
    language: str
    lines: int
    code_lines: int
    fenced: bool


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line in text[start:end], without the newline."""
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        out.append((pos, stop))
        pos = stop + 1
    return out


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


def _plain_blocks(text: str, start: int, end: int) -> list[CodeBlock]:
    """Runs of code lines outside fences: start on a code line, tolerate short gaps, trim to the last code line."""
    lines = _lines(text, start, end)
    scores = [line_score(text[a:b]) for a, b in lines]
    out: list[CodeBlock] = []
    i, n = 0, len(lines)
    while i < n:
        s = scores[i]
        if s is None or s < CODE:
            i += 1
            continue
        first = last = i
        gap = 0
        j = i + 1
        while j < n:
            sj = scores[j]
            if sj is not None and sj >= CODE:
                last, gap = j, 0
            elif sj is None or sj >= 0:
                gap = gap + 1 if sj is None else 0
                if sj is not None:
                    last = j if _near_code(scores, j) else last
            else:
                gap += 1
            if gap > _MAX_GAP:
                break
            j += 1
        # Comments just above the first code line belong to it.
        while first > 0 and scores[first - 1] in (None, COMMENT):
            first -= 1
        while scores[first] is None:
            first += 1
        nonblank = [v for v in scores[first:last + 1] if v is not None]
        code = sum(1 for v in nonblank if v >= CODE)
        weak = sum(1 for v in nonblank if 0 <= v < CODE)
        if len(nonblank) >= MIN_LINES and code >= 3 and code + 0.5 * weak >= 0.5 * len(nonblank):
            a, b = lines[first][0], lines[last][1]
            out.append(CodeBlock(a, b, guess_language(text[a:b]), len(nonblank), code, False))
        i = last + 1
    return out


def _near_code(scores: list[float | None], j: int) -> bool:
    """A weak line (comment, continuation) belongs to the block when a code line follows closely."""
    for k in range(j + 1, min(len(scores), j + 1 + _MAX_GAP)):
        v = scores[k]
        if v is not None and v >= CODE:
            return True
        if v is not None and v < 0:
            return False
    return False


def find_blocks(text: str) -> list[CodeBlock]:
    """Every code block in `text`: closed fences with enough code lines, then unfenced runs elsewhere."""
    has_fence = "```" in text or "~~~" in text
    if text.count("\n") < MIN_LINES - 1 and not has_fence:
        return []  # too short for an unfenced block, and no fence: the common prompt costs nothing more
    if (not has_fence and sum(text.count(c) for c in _CODE_CHARS) < MIN_CODE_CHAR_RATIO * len(text)
            and len(_SHOUTED.findall(text)) < MIN_LINES):
        return []  # almost no code punctuation, and not the capitals of SQL, COBOL or ABAP either
    blocks: list[CodeBlock] = []
    outside: list[tuple[int, int]] = []
    pos = 0
    for o_start, o_end, b_start, b_end, info in _fences(text) if has_fence else []:
        outside.append((pos, o_start))
        pos = o_end
        body = _lines(text, b_start, b_end)
        # The fence is evidence already: a weaker line counts as code-like inside it.
        code = sum(1 for a, b in body if (line_score(text[a:b]) or 0.0) >= FENCED_CODE)
        if code >= MIN_FENCED_CODE_LINES:
            lang = FENCE_ALIASES.get(info) or guess_language(text[b_start:b_end])
            blocks.append(CodeBlock(o_start, o_end, lang, len(body), code, True))
    outside.append((pos, len(text)))
    for a, b in outside:
        if b > a:
            blocks.extend(_plain_blocks(text, a, b))
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
