"""Token streams for fingerprints: code with names, literals, comments and layout erased; documents as folded words."""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Callable
from itertools import repeat

import numpy as np
import numpy.typing as npt
import regex

# Comments vanish and string literals become one token, so comment edits and new messages change nothing.
# Everything is line-local: an excerpt that starts inside a docstring or block comment tokenises like the file.
_STRING = r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`[^`\n]*`'
_COMMENT = r"//[^\n]*|/\*.*?\*/|#(?!include|define|if|endif|else|pragma|undef|!|\[)[^\n]*|--[ \t][^\n]*"
_COMMENT_OR_STRING = regex.compile(f"(?P<s>{_STRING})|{_COMMENT}")
_TOKEN = re.compile(r"[A-Za-z_$][\w$]*|\d[\w.]*|\S")
# Both in one pass of `re` (strings, comments, tokens), the way _strip then _TOKEN see them: a comment or string
# starts with a character no token continues with, and neither is tried where the other could match.
_CODE_SCAN = re.compile(f"({_STRING})|{_COMMENT}|({_TOKEN.pattern})")
_ASCII_SPACE = np.array([chr(c).isspace() for c in range(128)])  # what \s matches, as str.isspace
_WORD = regex.compile(r"\w+")
_ASCII_WORD = re.compile(r"\w+")
# Kept as themselves (the rest are names): Python's keywords and never-renamed builtins, and the reserved words
# of other languages that Python code almost never uses as names. `func`, `map`, `select`, `default`, `case`...
# are reserved somewhere but are everyday names elsewhere: as keywords, renaming them would break the match.
KEYWORDS = frozenset(
    "False None True and as assert async await break class continue def del elif else except finally for from global"
    " if import in is lambda nonlocal not or pass raise return try while with yield self cls print len range int"
    " float bool str super abstract catch const extends implements instanceof native private protected public"
    " static switch synchronized throw throws transient void volatile null true false let typeof undefined export"
    " extern typedef unsigned typename virtual friend goto fallthrough defer chan impl trait mut pub crate foreach"
    " elseif endif esac fi".split()
)
_MAX_VOCAB = 1_000_000  # distinct raw tokens remembered per stream; beyond, the rest are hashed on every call


def _id(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8,
                                          person=b"gardefou-tok").digest(), "big")


# Raw token -> row of a table of its ids, filled once per token: prompts and files repeat their tokens, and a
# C-level map over the dictionary is what makes tokenising a 4 KB prompt cost a few tens of microseconds.
# Tables only grow (a grown copy is published before its new rows are named in the dictionary), so a reader
# that got rows first and the table second, without a lock, always finds them.
_CODE_ROWS: dict[str, int] = {}
_CODE_TABLE = [np.zeros((1024, 3), dtype=np.uint64)]
_WORD_ROWS: dict[str, int] = {}
_WORD_TABLE = [np.zeros((1024, 1), dtype=np.uint64)]
_LOCK = threading.Lock()


def _lookup(tokens: list[str], rows_of: dict[str, int], table: list[npt.NDArray[np.uint64]],
            make: Callable[[str], tuple[int, ...]]) -> npt.NDArray[np.uint64]:
    """The table rows of `tokens` (len(tokens) x columns), learning new tokens on the way."""
    rows = np.fromiter(map(rows_of.get, tokens, repeat(-1)), dtype=np.intp, count=len(tokens))
    missing = rows < 0
    if missing.any():
        new = list(dict.fromkeys(t for t, m in zip(tokens, missing.tolist(), strict=True) if m))
        with _LOCK:
            new = [t for t in new if t not in rows_of]
            if len(rows_of) + len(new) > _MAX_VOCAB:
                return np.array([make(t) for t in tokens], dtype=np.uint64).reshape(len(tokens), -1)
            start = len(rows_of)
            if start + len(new) > len(table[0]):
                grown = np.zeros((2 * (start + len(new)), table[0].shape[1]), dtype=np.uint64)
                grown[:start] = table[0][:start]
                table[0] = grown
            if new:
                table[0][start:start + len(new)] = np.array([make(t) for t in new], dtype=np.uint64)
            for i, t in enumerate(new):
                rows_of[t] = start + i
        rows = np.fromiter(map(rows_of.__getitem__, tokens), dtype=np.intp, count=len(tokens))
    return table[0][rows]


def _norm_code_token(tok: str) -> str:
    c = tok[0]
    if c.isalpha() or c in "_$":
        return tok if tok in KEYWORDS else "V"
    if c.isdigit():
        return "N"
    return tok


def _strip(text: str) -> str:
    """Comments removed, strings replaced by a marker of the same length, so offsets stay valid."""
    def repl(m: regex.Match[str]) -> str:
        a, b = m.span()
        n: int = b - a
        if m.group("s") is not None:
            return "\x01" + " " * (n - 1)
        return " " * n  # no match spans a newline: every pattern stops at one

    stripped: str = _COMMENT_OR_STRING.sub(repl, text)
    return stripped


def _name(tok: str) -> int:
    """Id of an identifier's own spelling (0 for anything else): k-grams number names by use, not by spelling."""
    c = tok[0]
    return _id("n:" + tok) if (c.isalpha() or c in "_$") and tok not in KEYWORDS else 0


def _code(tok: str) -> tuple[int, int, int]:
    """(normalised id, name id, number value id) of a raw code token."""
    norm = "S" if tok == "\x01" else _norm_code_token(tok)
    return _id(norm), _name(tok), _id("v:" + tok.lower()) if norm == "N" else 0


def code_marks(text: str) -> int:
    """Brackets not after a blank (calls, subscripts), braces, `=` and `0x`: rare in prose, everywhere in code.

    Plain counts, a few microseconds for 4 KB: a prose prompt skips the code stream at that price.
    """
    c = text.count
    return c("(") + c("[") - c(" (") - c(" [") - c("\n(") - c("\n[") + c("{") + c("=") + c("0x")


def code_tokens(text: str) -> tuple[str, list[str]]:
    """The text with comments and strings blanked (offsets kept), and its code tokens."""
    stripped = _strip(text)
    return stripped, _TOKEN.findall(stripped)


def code_token_list(text: str) -> list[str]:
    """code_tokens(text)[1] in one pass, without building the blanked text (its offsets are seldom wanted)."""
    return [tok or "\x01" for string, tok in _CODE_SCAN.findall(text) if string or tok]


def blank(text: str) -> str:
    """code_tokens(text)[0]: comments removed, strings replaced by a marker of the same length."""
    return _strip(text)


def code_ids(tokens: list[str]) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """(normalised token ids, identifier name ids, number value ids) of code tokens."""
    cols = _lookup(tokens, _CODE_ROWS, _CODE_TABLE, _code).T.copy()
    return cols[0], cols[1], cols[2]


def code_spans(stripped: str, tokens: list[str]) -> tuple[list[int], list[int]]:
    """Start and end offset of each token of code_tokens (worked out only when a prompt matched).

    Tokens cover the non-blank characters of the stripped text exactly, in order: the i-th token starts at the
    non-blank character numbered by the lengths of the tokens before it.
    """
    if not tokens:
        return [], []
    chars = _code_points(stripped)
    space = _is_space(chars)
    solid = np.flatnonzero(~space)
    size = np.fromiter(map(len, tokens), dtype=np.intp, count=len(tokens))
    upto = np.cumsum(size)
    starts = solid[upto - size]
    ends = solid[upto - 1] + 1
    marked = np.flatnonzero(chars[starts] == 1)
    if len(marked):
        # A blanked string runs on over its filler, up to the next character that is not " ".
        other = np.append(np.flatnonzero(chars != 32), len(chars))
        ends[marked] = other[np.searchsorted(other, ends[marked])]
    return starts.tolist(), ends.tolist()


def _code_points(text: str) -> npt.NDArray[np.uint32]:
    if text.isascii():
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8).astype(np.uint32)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _is_space(chars: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    space: npt.NDArray[np.bool_] = _ASCII_SPACE[np.minimum(chars, 127)] & (chars < 128)
    wide = np.flatnonzero(chars >= 128)
    if len(wide):
        kinds, inverse = np.unique(chars[wide], return_inverse=True)
        space[wide] = np.array([chr(c).isspace() for c in kinds.tolist()], dtype=bool)[inverse]
    return space


def _spans(gaps: list[str], tokens: list[str]) -> tuple[list[int], list[int]]:
    gap = np.fromiter(map(len, gaps), dtype=np.int64, count=len(gaps))
    size = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    starts = np.cumsum(gap[:-1] + size) - size
    ends = starts + size
    return starts.tolist(), ends.tolist()


def _fold(word: str) -> str:
    if word.isascii():
        return word.lower()
    return "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))


def text_words(text: str) -> list[str]:
    # `re` is faster; on ASCII both read \w as [A-Za-z0-9_], beyond it their Unicode tables differ.
    words: list[str] = (_ASCII_WORD if text.isascii() else _WORD).findall(text)
    return words


def text_ids(words: list[str]) -> npt.NDArray[np.uint64]:
    """Folded word ids of a document or prompt."""
    return _lookup(words, _WORD_ROWS, _WORD_TABLE, lambda w: (_id(_fold(w)),))[:, 0].copy()


def text_spans(text: str, words: list[str]) -> tuple[list[int], list[int]]:
    """Start and end offset of each word of text_words."""
    return _spans(_WORD.split(text), words)
