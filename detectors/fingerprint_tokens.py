"""Token streams for fingerprints: code with names, literals, comments and layout erased; documents as folded words."""

from __future__ import annotations

import hashlib
import unicodedata

import numpy as np
import numpy.typing as npt
import regex

# Comments vanish and string literals become one token, so comment edits and new messages change nothing.
# Everything is line-local: an excerpt that starts inside a docstring or block comment tokenises like the file.
_COMMENT_OR_STRING = regex.compile(
    r'(?P<s>"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`[^`\n]*`)'
    r"|//[^\n]*|/\*.*?\*/|#(?!include|define|if|endif|else|pragma|undef|!|\[)[^\n]*|--[ \t][^\n]*"
)
_TOKEN = regex.compile(r"[A-Za-z_$][\w$]*|\d[\w.]*|\S")
_WORD = regex.compile(r"\w+")
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
# Token strings to 64-bit ids; the vocabulary of normalised code is small, that of documents is bounded here.
_IDS: dict[str, int] = {}
_MAX_IDS = 1_000_000


def _id(token: str) -> int:
    got = _IDS.get(token)
    if got is None:
        if len(_IDS) >= _MAX_IDS:
            _IDS.clear()
        got = _IDS[token] = int.from_bytes(hashlib.blake2b(token.encode("utf-8", "surrogatepass"),
                                                           digest_size=8, person=b"gardefou-tok").digest(), "big")
    return got


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
        s: str = m.group()
        if m.group("s") is not None:
            return "\x01" + " " * (len(s) - 1)
        return "".join("\n" if ch == "\n" else " " for ch in s)

    stripped: str = _COMMENT_OR_STRING.sub(repl, text)
    return stripped


def _name(tok: str) -> int:
    """Id of an identifier's own spelling (0 for anything else): k-grams number names by use, not by spelling."""
    c = tok[0]
    return _id("n:" + tok) if (c.isalpha() or c in "_$") and tok not in KEYWORDS else 0


_CODE: dict[str, tuple[int, int, int]] = {}  # raw token -> (normalised, name, number value ids): prompts repeat


def _code(tok: str) -> tuple[int, int, int]:
    got = _CODE.get(tok)
    if got is None:
        if len(_CODE) >= _MAX_IDS:
            _CODE.clear()
        norm = "S" if tok == "\x01" else _norm_code_token(tok)
        got = _CODE[tok] = (_id(norm), _name(tok), _id("v:" + tok.lower()) if norm == "N" else 0)
    return got


def code_ids(text: str) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """(normalised token ids, identifier name ids, number value ids) of code; token i is code_spans' i-th."""
    triples = [_code(t) for t in _TOKEN.findall(_strip(text))]
    if not triples:
        empty = np.zeros(0, dtype=np.uint64)
        return empty, empty, empty
    cols = np.array(triples, dtype=np.uint64).T.copy()
    return cols[0], cols[1], cols[2]


def code_spans(text: str) -> tuple[list[int], list[int]]:
    """Start and end offset in `text` of each token of code_ids (computed only when a prompt matched)."""
    stripped = _strip(text)
    spans = [m.span() for m in _TOKEN.finditer(stripped)]
    return [a for a, _ in spans], [b if stripped[a] != "\x01" else _string_end(stripped, a) for a, b in spans]


def _string_end(stripped: str, start: int) -> int:
    end = start + 1
    while end < len(stripped) and stripped[end] == " ":
        end += 1
    return end


def _fold(word: str) -> str:
    if word.isascii():
        return word.lower()
    return "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))


def text_ids(text: str) -> npt.NDArray[np.uint64]:
    """Folded word ids of a document or prompt."""
    words = _WORD.findall(text)
    return np.fromiter((_word(w) for w in words), dtype=np.uint64, count=len(words))


_WORDS: dict[str, int] = {}


def _word(w: str) -> int:
    got = _WORDS.get(w)
    if got is None:
        if len(_WORDS) >= _MAX_IDS:
            _WORDS.clear()
        got = _WORDS[w] = _id(_fold(w))
    return got


def text_spans(text: str) -> tuple[list[int], list[int]]:
    """Start and end offset of each word of text_ids."""
    spans = [m.span() for m in _WORD.finditer(text)]
    return [a for a, _ in spans], [b for _, b in spans]
