"""Types of the C module `_codescan` (detectors/_codescan.c)."""

from collections.abc import Buffer, Sequence

SOURCE: str
BLANK: int
UNSEEN: int
SLOW: int
LONG_LINE: int
CODE: int
COMMENT: int
MIN_LINES: int
MAX_GAP: int
FENCED_CODE: int
MIN_FENCED_CODE_LINES: int

def configure(
    keywords: Sequence[bytes], ambiguous: Sequence[bytes], bare: Sequence[bytes], code_chars: bytes, /
) -> None: ...
def fold(text: str, table: Buffer, /) -> bytes | None: ...
def scores(folded: Buffer, /) -> tuple[bytes, bytes, bytes]: ...
def runs(quarters: Buffer, lo: int, hi: int, /) -> list[tuple[int, int, int, int]]: ...
def shouted(folded: Buffer, limit: int, /) -> int: ...
def blocks(
    text: str, table: Buffer, min_ratio: float, /
) -> list[tuple[int, int, int, int, int, int, int, int]] | None: ...
