"""Every line's `line_score` at once: in C (`_codescan`) where it was built, else Hyperscan, numpy and a table."""

from __future__ import annotations

import hashlib
import logging
import threading
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import hyperscan
import numpy as np
import numpy.typing as npt
import regex

from detectors.code_lines import _AMBIGUOUS, _BARE, _KEYWORDS, _SYMBOLS, CODE_CHARS, line_score

C_SOURCE = Path(__file__).with_name("_codescan.c")  # in a source tree (not in a wheel): the C module's source


def source_digest(path: Path = C_SOURCE) -> str:
    """The hash of the C source that setup.py builds into the module (`_codescan.SOURCE`)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


try:
    from detectors import _codescan
except ImportError:  # built without a C compiler: the numpy path below gives the same scores, several times slower
    _codescan = None  # type: ignore[assignment]
else:
    if C_SOURCE.exists() and _codescan.SOURCE != source_digest():  # the module must be built from this source
        logging.getLogger(__name__).warning(
            "detectors/_codescan.c changed since its module was built: using the numpy path (run make install)")
        _codescan = None  # type: ignore[assignment]
native = _codescan  # the C module or None, for code_classifier too


def configure_native() -> None:
    """Gives the C module the word lists of code_lines: they are written once, in Python."""
    if _codescan is not None:
        _codescan.configure([k.encode() for k in _KEYWORDS], [k.encode() for k in _AMBIGUOUS],
                            [k.encode() for k in _BARE], CODE_CHARS.encode())


configure_native()

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Quarters = npt.NDArray[np.int8]

# The text is folded to one byte per character, so byte offsets are string offsets and the patterns
# below stay byte classes. ASCII is kept; any other character becomes the byte of its class, chosen so
# that every test `line_score` makes (the `regex` classes \w \d \s, str.strip and str.isupper) gives the
# same answer on the byte as on the character.
_LOWER, _UPPER, _UNCASED, _BULLET, _OTHER, _SLOW = 0x80, 0x81, 0x82, 0x83, 0x7F, 0x85
_SPACE = 0x0B  # a blank that is not " " (s.count(" ") and `line[:1] in " \t"` must not see it)


def _char_class(ch: str) -> int:
    """The byte standing for `ch`, or _SLOW when no byte behaves the same (such lines are scored in Python)."""
    if ch == "\u2022":
        return _BULLET  # a list bullet for _LIST_ITEM
    word = regex.match(r"\w", ch) is not None
    digit = regex.match(r"\d", ch) is not None
    space = regex.match(r"\s", ch) is not None
    title = unicodedata.category(ch) == "Lt"  # a titlecase letter makes str.isupper() false, as a lower one does
    cased = ch.isupper() or ch.islower() or title
    if space != ch.isspace():
        return _SLOW
    if space:
        return _SPACE if not word and not cased else _SLOW
    if digit:
        return ord("0") if not cased else _SLOW
    if word:
        if ch.islower() or title:
            return _LOWER
        return _UPPER if ch.isupper() else _UNCASED
    return _OTHER if not cased else _SLOW


def _fold_table() -> bytes:
    """Folding of the 256 Latin-1 characters; ASCII printables and \\t \\n \\v \\f \\r stay themselves."""
    out = bytearray(range(256))
    for c in list(range(32)) + list(range(127, 256)):
        if chr(c) not in "\t\n\x0b\x0c\r":
            out[c] = _char_class(chr(c))
    return bytes(out)


_LATIN1 = _fold_table()
# Every character of the Basic Multilingual Plane, filled on first sight (0xFF: not seen yet).
_UNSEEN = 0xFF
_BMP = np.full(0x10000, _UNSEEN, dtype=np.uint8)
_BMP[:256] = np.frombuffer(_LATIN1, dtype=np.uint8)


@lru_cache(maxsize=4096)
def _astral_class(cp: int) -> int:
    return _char_class(chr(cp))


def fold(text: str) -> bytes:
    """One byte per character of `text` (see above)."""
    if native is not None:
        out = native.fold(text, _BMP)
        if out is not None:
            return out
        # A character seen for the first time (or above U+FFFE): classified below, then the table has it.
    return fold_numpy(text)


def fold_numpy(text: str) -> bytes:
    """`fold` without the C module."""
    try:
        return text.encode("latin-1").translate(_LATIN1)
    except UnicodeEncodeError:
        pass
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    out = _BMP[np.minimum(cps, 0xFFFF)]
    unseen = np.flatnonzero(out == _UNSEEN)
    if len(unseen):
        # First sight of a character, or one above U+FFFE (U+FFFF stays unseen and stands for all of them).
        classes = []
        for cp in cps[unseen].tolist():
            if cp < 0xFFFF:
                c = _BMP[cp] = _char_class(chr(cp))
            else:
                c = _astral_class(cp)
            classes.append(c)
        out[unseen] = classes
    return out.tobytes()


# The patterns run over the stripped lines (`bytes.strip` of the folded line: the same blanks as str.strip),
# each after a newline, so `\n` and `$` are the ends of `s` in line_score (a literal newline lets Hyperscan
# filter on it, which `^` does not). Byte classes used to write them:
_W = r"[\t\x0b\x0c\r ]"  # a blank, always followed by a non-blank on a stripped line
_WORDC = r"0-9A-Za-z_\x80-\x82"  # what \w matches once folded
_NOT_WORD = rf"[^{_WORDC}\n]"
_NOT_TOKEN = rf"[^{_WORDC}\-\t\n\x0b\x0c\r ]"  # ends the first [\w-]+ token, and is not a blank


def _alts(words: Iterable[str]) -> str:
    return "|".join(regex.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


# The first [\w-]+ token can only be a keyword made of such characters ("return;" is a keyword as a head only).
_AMB_ALTS = _alts(k for k in _KEYWORDS & _AMBIGUOUS if regex.fullmatch(r"[\w-]+", k))
_PLAIN_ALTS = _alts(k for k in _KEYWORDS - _AMBIGUOUS if regex.fullmatch(r"[\w-]+", k))

# Feature bits; a line may report a bit more than once.
BARE, COMMENT, LOG, LIST, PREFIX, KW_HEAD, KW_OTHER, AMB_HEAD, AMB_OTHER, RET_SEMI = (1 << i for i in range(10))
HEAD_UP, FIRST_UP, BLOCK_COLON, ASSIGN, CALL, OPERATOR = (1 << i for i in range(10, 16))

# (bit, pattern): several patterns share a bit where Hyperscan takes no `$` inside an alternation.
_PATTERNS: tuple[tuple[int, str], ...] = (
    (BARE, rf"\n(?:{_alts(_BARE)})$"),
    (COMMENT, rf"\n(?://|/\*|\*/|\*{_W}|#[^#!{_WORDC}\-\n]|--{_W}|;;|REM{_W}|\"{_W}|'{_W})"),
    (COMMENT, r"\n[*#]$"),
    (LOG, rf"\n(?:\[?[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[T ][0-9]{{2}}:[0-9]{{2}}|\[?[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}"
          rf"|\[?(?:INFO|WARN(?:ING)?|ERROR|DEBUG|TRACE|FATAL|CRITICAL){_NOT_WORD}"
          rf"|[A-Z][A-Za-z]+(?:-[A-Z][A-Za-z]+)*:{_W}"
          rf"|[A-Z][a-z]{{2}}{_W}+[0-9]{{1,2}}{_W}+[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}"
          rf"|[0-9]{{1,3}}(?:\.[0-9]{{1,3}}){{3}}{_W}+-{_W}+-|[{_WORDC}]+\[[0-9]+\]:)"),
    (LOG, r"\n\[?(?:INFO|WARN(?:ING)?|ERROR|DEBUG|TRACE|FATAL|CRITICAL)$"),
    (LIST, rf"\n(?:[\-*+\x83]|[0-9]{{1,3}}[.)]){_W}+[{_WORDC}]"),
    (PREFIX, rf"\n(?:#include|#define|#if|#endif|#pragma|#undef|#!|<\?php|@[{_WORDC}]|\$[{_WORDC}]"
             rf"|\[[{_WORDC}.]+\]\$|[A-Z][a-z]+-[A-Z][{_WORDC}]+|[0-9]{{2}}{_W}+[A-Z]|END-[A-Z]+"
             rf"|[{_WORDC}.]+::[{_WORDC}])"),
    (KW_HEAD, rf"\n(?:{_PLAIN_ALTS}){_W}"),
    (KW_HEAD, rf"\n(?:{_PLAIN_ALTS})$"),
    (KW_OTHER, rf"\n(?:{_PLAIN_ALTS}){_NOT_TOKEN}"),
    (AMB_HEAD, rf"\n(?:{_AMB_ALTS}){_W}"),
    (AMB_HEAD, rf"\n(?:{_AMB_ALTS})$"),
    (AMB_OTHER, rf"\n(?:{_AMB_ALTS}){_NOT_TOKEN}"),
    (RET_SEMI, rf"\nreturn;{_W}"),
    (RET_SEMI, r"\nreturn;$"),
    (HEAD_UP, rf"\n[^\t\n\x0b\x0c\r a-z\x80]*[A-Z\x81][^\t\n\x0b\x0c\r a-z\x80]*{_W}"),
    (HEAD_UP, r"\n[^\t\n\x0b\x0c\r a-z\x80]*[A-Z\x81][^\t\n\x0b\x0c\r a-z\x80]*$"),
    # Checked with the line's last character: FIRST_UP with ".", BLOCK_COLON with ":".
    (FIRST_UP, rf"\n(?:[0-9A-Z_\x81\x82\-]+[A-Z\x81]|[A-Z\x81][0-9A-Z_\x81\x82\-])[0-9A-Z_\x81\x82\-]*[^{_WORDC}\-\n]"),
    (BLOCK_COLON, r"\n(?:def|class|if|elif|else|for|while|try|except|finally|with|async|match|case|switch|default"
                  rf"|public|private|protected){_NOT_WORD}"),
    (BLOCK_COLON, rf"\){_W}*(?:->{_W}*[{_WORDC}\[\], .|]+)?:$"),
    (ASSIGN, rf"\n(?:[{_WORDC}$@.\[\]\"'>:\-]+(?:{_W}*,{_W}*[{_WORDC}$.*]+)*{_W}*"
             rf"(?:[+\-*/%|&^]|<<|>>|\?\?|\|\|)?=[^\n=]|[{_WORDC}$]+{_W}*:=[^\n]|[{_WORDC}$]+{_W}*<-[^\n])"),
    (CALL, rf"[{_WORDC}$>\]]\((?:[^()\n]|\([^()\n]*\))*\)"),
    (OPERATOR, rf"->|=>|::|==|!=|&&|\|\||<=|>=|\+\+|\+=|<<|>>|\$\(|\$\{{|\]{_W}*\["),
    (OPERATOR, r"--$"),
)


def _compile(anchored: bool) -> hyperscan.Database:
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    chosen = [(bit, p) for bit, p in _PATTERNS if p.startswith("\\n") == anchored]
    exprs = [p.encode("latin-1") for _, p in chosen]
    ids = [bit.bit_length() - 1 for bit, _ in chosen]
    db.compile(expressions=exprs, ids=ids, elements=len(exprs), flags=[hyperscan.HS_FLAG_MULTILINE] * len(exprs))
    return db


@lru_cache(maxsize=1)
def _databases() -> tuple[hyperscan.Database, hyperscan.Database]:
    """Two databases: together in one, Hyperscan picks slower engines (4 KB of prose: 6 us in two scans, 10 in one).

    Compiled on first use: with the C module they are only needed by the tests that compare both paths."""
    return _compile(True), _compile(False)


_LOCAL = threading.local()


def _scratches() -> tuple[hyperscan.Scratch, hyperscan.Scratch]:
    s = getattr(_LOCAL, "scratches", None)
    if s is None:
        dbs = _databases()
        s = _LOCAL.scratches = (hyperscan.Scratch(dbs[0]), hyperscan.Scratch(dbs[1]))
    return s  # type: ignore[no-any-return]


def _table(chars: str | bytes, value: int = 1) -> npt.NDArray[np.int64]:
    t = np.zeros(256, dtype=np.int64)
    for c in chars:
        t[c if isinstance(c, int) else ord(c)] = value
    return t


_LETTER = _table(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + bytes([_LOWER, _UPPER, _UNCASED]))


# Character classes for the counts: the pairs table is indexed by (class of a character, class of the next one).
_NL, _SYM, _SPACE_C, _LETTER_C, _NONE = range(5)
_CLASS = bytes(_NL if c == 10 else _SYM if chr(c) in _SYMBOLS else _SPACE_C if c == 32
               else _LETTER_C if _LETTER[c] else _NONE for c in range(256))


def _pair_weights() -> npt.NDArray[np.int64]:
    """Weight of the pair (character, next character), by `class of next << 8 | class of character`.

    Summed over the pairs from a line's leading newline to the character before its trailing newline, so that
    each character of the line counts once as "next". Low 32 bits: symbols + 2**9 * characters; high 32 bits:
    spaces + 2**9 * word starts (`_WORD` matches runs of letters: a word starts at a letter after a non-letter).
    Over a line of at most 511 characters each count fits its 9 bits; a longer one is too long whatever they say.
    """
    out = np.zeros(_NONE + 1 << 8, dtype=np.int64)
    for cur in range(_NONE + 1):
        for nxt in range(_NONE + 1):
            w = (nxt != _NL) << 9 | (nxt == _SYM) | (nxt == _SPACE_C) << 32
            w |= (nxt == _LETTER_C and cur != _LETTER_C) << 41
            out[nxt << 8 | cur] = w
    return out


_PAIRS = _pair_weights()
# Density in one of 13 codes: the number of thresholds below it plus the number at or below it.
_DENSITY = np.array([0.02, 0.03, 0.04, 0.05, 0.08, 0.16])


def _density_code(density: Floats) -> Ints:
    return np.searchsorted(_DENSITY, density, "left") + np.searchsorted(_DENSITY, density, "right")


def _by_density(test: Callable[[float], bool]) -> tuple[bool, ...]:
    """`test` of a density, by density code (the code of each threshold, of a point above it, of zero)."""
    points = np.array([0.0] + [x for t in _DENSITY for x in (t, np.nextafter(t, 1.0))])
    out = [False] * 13
    for code, x in zip(_density_code(points).tolist(), points.tolist(), strict=True):
        out[code] = test(x)
    return tuple(out)


_D_LT02, _D_GE03, _D_LT04, _D_LT05, _D_GT05, _D_LT08, _D_GT08, _D_GT16 = (_by_density(f) for f in (
    lambda d: d < 0.02, lambda d: d >= 0.03, lambda d: d < 0.04, lambda d: d < 0.05,
    lambda d: d > 0.05, lambda d: d < 0.08, lambda d: d > 0.08, lambda d: d > 0.16))

# A line is scored from one key, a mixed-radix number of these parts (radix, weight):
_INDENT, _UPPER_FIRST, _LAST, _WORDS, _SIZE, _FEAT = (2, 1), (2, 2), (6, 4), (6, 24), (65, 144), (388, 9360)
# _LAST: how the line ends.
_OTHER_END, _CLOSER, _COLON, _CONT, _DOT, _BANG = range(6)
# _SIZE: density code * 5 + length class (blank, 1-30, 31-119, 120-400, longer).
_BLANK_LINE, _SHORT, _MEDIUM, _LONG, _TOO_LONG = range(5)
# _FEAT: 0 bare, 1 comment, 2-3 log (+ head is a keyword or upper case), then 4 + the mixed radix below.
_KW_NONE, _KW_PLAIN, _KW_AMB, _KW_PREFIX = range(4)
_SHAPE_SUMS = (0, 4, 6, 8, 10, 14)  # quarter points of ASSIGN (6), CALL (4), OPERATOR (4) together


def _byte_part(part: tuple[int, int], values: dict[bytes, int]) -> bytes:
    """A bytes.translate table giving each character its key part (the three small parts fit a byte together)."""
    t = bytearray(256)
    for chars, v in values.items():
        for c in chars:
            t[c] = v * part[1]
    return bytes(t)


_INDENT_KEY = _byte_part(_INDENT, {b" \t": 1})
_UPPER_KEY = _byte_part(_UPPER_FIRST, {bytes(range(65, 91)) + bytes([_UPPER]): 1})
_LAST_KEY = _byte_part(_LAST, {b"}{;": _CLOSER, b":": _COLON, b",([\\)": _CONT, b".": _DOT, b"?!": _BANG})


def _size_key() -> npt.NDArray[np.int32]:
    """Key part by `symbols + 2**9 * length` (indexes past the end clip to a line too long)."""
    sym, n = np.divmod(np.arange(1 << 18), 1 << 9)[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        code = _density_code(np.where(n > 0, sym / np.maximum(n, 1), 0.0))
    size = np.select([n == 0, n <= 30, n < 120, n <= 400], [_BLANK_LINE, _SHORT, _MEDIUM, _LONG], _TOO_LONG)
    out: npt.NDArray[np.int32] = ((code * 5 + size) * _SIZE[1]).astype(np.int32)
    return out


def _words_key() -> npt.NDArray[np.int32]:
    """Key part by `spaces + 2**9 * words`: 5+ spaces, and words 3+ or prose-like (6+, 80% of the tokens)."""
    spaces, words = np.divmod(np.arange(1 << 18), 1 << 9)[::-1]
    cls = np.where((words >= 6) & (words >= 0.8 * (spaces + 1)), 2, np.where(words >= 3, 1, 0))
    out: npt.NDArray[np.int32] = (((spaces >= 5) * 3 + cls) * _WORDS[1]).astype(np.int32)
    return out


def _feat_key() -> npt.NDArray[np.int32]:
    """Key part by feature bits."""
    f = np.arange(1 << 16)
    head = (f & (KW_HEAD | AMB_HEAD | RET_SEMI | HEAD_UP)) != 0
    plain, amb = (f & (KW_HEAD | KW_OTHER)) != 0, (f & (AMB_HEAD | AMB_OTHER)) != 0
    kw = np.select([plain, amb, (f & PREFIX) != 0], [_KW_PLAIN, _KW_AMB, _KW_PREFIX], _KW_NONE)
    shape = np.searchsorted(_SHAPE_SUMS, 6 * ((f & ASSIGN) != 0) + 4 * ((f & CALL) != 0) + 4 * ((f & OPERATOR) != 0))
    rest = ((((kw * 2 + head) * 2 + ((f & BLOCK_COLON) != 0)) * 2 + ((f & FIRST_UP) != 0)) * 2
            + ((f & LIST) != 0)) * 6 + shape
    code = np.select([(f & BARE) != 0, (f & COMMENT) != 0, (f & LOG) != 0], [0, 1, 2 + head], 4 + rest)
    out: npt.NDArray[np.int32] = (code * _FEAT[1]).astype(np.int32)
    return out


_SIZE_KEY, _WORDS_KEY, _FEAT_KEY = _size_key(), _words_key(), _feat_key()
_KW_STEP = 96 * _FEAT[1]  # the keyword class's weight in the key
_AMBIGUOUS_FEAT = (_FEAT_KEY // _FEAT[1] - 4) // 96 == _KW_AMB
_BITS = np.left_shift(1, np.arange(16))
_ONE = np.int64(1)


def _quarters_of(key: int) -> int:
    """line_score in quarter points from a line's key (see above)."""
    indent, key = key % 2, key // 2
    upper, key = key % 2, key // 2
    last, key = key % 6, key // 6
    words, key = key % 6, key // 6
    size, feat = key % 65, key // 65
    spaces5, word_cls = divmod(words, 3)
    dc, length = divmod(size, 5)
    if length == _BLANK_LINE:
        return BLANK
    if feat == 0:
        return 10
    if length == _TOO_LONG:
        return -12
    if feat == 1:
        return 2
    rest = feat - 4
    rest, shape = divmod(rest, 6)
    rest, listed = divmod(rest, 2)
    rest, first_up = divmod(rest, 2)
    rest, colon_block = divmod(rest, 2)
    kw, head = divmod(rest, 2)
    if feat in (2, 3):
        head = feat - 2
    if _D_LT02[dc] and length >= _MEDIUM and last not in (_CLOSER, _COLON) and spaces5 and not head:
        return -10
    if feat in (2, 3):
        return -12
    q = 0
    if last == _CLOSER or (last == _COLON and colon_block):
        q += 8
    elif last == _CONT and _D_GT05[dc]:
        q += 3
    keyword = kw in (_KW_PLAIN, _KW_PREFIX) or (kw == _KW_AMB and _D_GE03[dc])
    if keyword or (last == _DOT and first_up and length <= _MEDIUM):
        q += 6
    q += _SHAPE_SUMS[shape] + 4 * _D_GT08[dc] + 2 * _D_GT16[dc]
    if indent and q > 0:
        q += 1
    if not keyword and word_cls == 2 and _D_LT04[dc]:
        q -= 10 + 4 * (last in (_DOT, _BANG) and upper)
    elif word_cls >= 1 and last in (_DOT, _BANG, _COLON) and _D_LT05[dc] and not keyword and upper:
        q -= 4
    if listed and _D_LT08[dc]:
        q -= 6
    return q


UNSET, BLANK = -128, -127  # quarter points of a key not seen yet, and of a blank line
# Filled on first sight of each key (a few thousand in practice; all 3.6 million would take seconds at import).
# Threads may fill the same entry at once: they write the same value.
_SCORES = np.full(_FEAT[0] * _FEAT[1], UNSET, dtype=np.int8)


def quarters(text: str, data: bytes | None = None) -> tuple[Ints, Ints, Quarters]:
    """(starts, ends, line_score * 4) of the lines of `text`, BLANK for a blank line; `data` is fold(text)."""
    if data is None:
        data = fold(text)
    if native is None:
        return quarters_numpy(text, data)
    st, en, qb = native.scores(data)
    starts: Ints = np.frombuffer(st, dtype=np.int64)
    ends: Ints = np.frombuffer(en, dtype=np.int64)
    q: Quarters = np.frombuffer(qb, dtype=np.int8)
    if _SLOW in data:
        q = q.copy()
        _rescore_slow(text, data, starts, ends, q)
    return starts, ends, q


def _rescore_slow(text: str, data: bytes, starts: Ints, ends: Ints, q: Quarters) -> None:
    """Lines holding a character no byte stands for, scored one by one by `line_score` (rare)."""
    slow = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == _SLOW)
    for i in np.unique(np.searchsorted(ends, slow)).tolist():
        v = line_score(text[starts[i]:ends[i]])
        q[i] = BLANK if v is None else round(v * 4)


def quarters_numpy(text: str, data: bytes) -> tuple[Ints, Ints, Quarters]:
    """`quarters` without the C module: Hyperscan for the line shapes, numpy for the counts, a table for the sum."""
    raw = data.split(b"\n")
    if not data or data[-1] == 10:
        raw.pop()  # no line after a final newline, as `_lines` has it
    lines = len(raw)
    if not lines:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int8)
    a = np.frombuffer(data, dtype=np.uint8)
    ends = np.empty(lines, dtype=np.int64)
    nl = (a == 10).nonzero()[0]
    ends[:len(nl)] = nl[:lines]
    ends[len(nl):] = len(data)
    starts = np.empty(lines, dtype=np.int64)
    starts[0] = 0
    starts[1:] = ends[:-1] + _ONE
    # The stripped lines, each between newlines: the counts below and the patterns run on them.
    sb = b"\n" + b"\n".join(map(bytes.strip, raw)) + b"\n"
    b = np.frombuffer(sb, dtype=np.uint8)
    snl = (b == 10).nonzero()[0]
    pairs = np.ndarray(shape=(len(sb) - 1,), dtype="<u2", buffer=sb.translate(_CLASS), strides=(1,))
    run = np.empty(len(sb), dtype=np.int64)
    run[0] = 0
    np.cumsum(_PAIRS.take(pairs), out=run[1:])
    at = run[snl]
    counts = (at[1:] - at[:-1]).view(np.uint32)  # per line: [symbols + 2**9 chars, spaces + 2**9 words]

    events: list[int] = []
    add = events.append

    def on_match(i: int, _f: int, to: int, _fl: int, _c: object) -> None:
        add(to << 4 | i)  # about 0.17 us a call: keep the work, and the events per line, low

    for db, scratch in zip(_databases(), _scratches(), strict=True):
        db.scan(sb, match_event_handler=on_match, scratch=scratch)
    feat = np.zeros(lines, dtype=np.int64)
    if events:
        ev = np.fromiter(events, np.int64, len(events))
        np.bitwise_or.at(feat, np.searchsorted(snl[1:], ev >> 4), _BITS[ev & 15])

    key = _FEAT_KEY[feat] + _SIZE_KEY.take(counts[0::2], mode="clip") + _WORDS_KEY.take(counts[1::2], mode="clip")
    # The three small parts: last and first character of the stripped line, first of the line as written.
    small = np.frombuffer(b[snl[1:] - _ONE].tobytes().translate(_LAST_KEY), dtype=np.uint8)
    small = small + np.frombuffer(b[snl[:-1] + _ONE].tobytes().translate(_UPPER_KEY), dtype=np.uint8)
    small += np.frombuffer(a[starts].tobytes().translate(_INDENT_KEY), dtype=np.uint8)
    key += small
    # An ambiguous keyword counts on a line of at most 4 tokens (or, in the table, of enough symbols).
    for i in np.flatnonzero(_AMBIGUOUS_FEAT[feat]).tolist():
        if len(raw[i].split()) <= 4:
            key[i] += (_KW_PLAIN - _KW_AMB) * _KW_STEP
    q = _SCORES[key]
    unset = q == UNSET
    if unset.any():
        for k in np.unique(key[unset]).tolist():
            _SCORES[k] = _quarters_of(k)
        q = _SCORES[key]
    if _SLOW in data:
        _rescore_slow(text, data, starts, ends, q)
    return starts, ends, q


def line_scores(text: str) -> tuple[Ints, Ints, Floats]:
    """(starts, ends, scores) of the lines of `text` as `line_score` gives them, NaN for a blank line."""
    starts, ends, q = quarters(text)
    return starts, ends, np.where(q == BLANK, np.nan, q / 4)
