"""Normalised values for exact data match: one form per cell, and every candidate value a prompt could hold."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from itertools import accumulate, compress
from operator import ne, not_

import regex

MIN_LENGTH = 3  # shorter normalised values identify nobody
MAX_WORDS = 6  # longest text value, in words, looked for in prompts
_NUMERIC = regex.compile(r"[\d\s().+/-]+")
_IDENTIFIER = regex.compile(r"[a-z0-9][a-z0-9 -]*")
_EMAIL = regex.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WORD = regex.compile(r"\w+")
_WORD_SPLIT = regex.compile(r"(\w+)")
_ASCII_WORD_SPLIT = re.compile(r"(\w+)", re.ASCII)  # the same words on ASCII text, found faster
_LOCAL_PART = regex.compile(r"(?r)[\w.+-]+")  # an e-mail's local part, read backwards from its "@"
_SEPARATORS = regex.compile(r"[\s./-]{0,2}")


class _NotCombining(dict[int, int | None]):
    """str.translate table dropping combining characters, filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        out = None if unicodedata.combining(chr(code)) else code
        self[code] = out
        return out


class _NotDigit(dict[int, int | None]):
    """str.translate table dropping what str.isdigit calls a digit, filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        out = None if chr(code).isdigit() else code
        self[code] = out
        return out


_DROP_COMBINING = _NotCombining()
_DROP_DIGITS = _NotDigit()


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text.casefold()).translate(_DROP_COMBINING)


def _digits(value: str) -> str:
    d = "".join(filter(str.isdigit, value))
    # +33 6 12 34 56 78 and 06 12 34 56 78 are one French number.
    if (len(d) == 11 and d.startswith("33")) or (len(d) == 13 and d.startswith("0033")):
        d = "0" + d[-9:]
    return d


def normalize_value(value: str) -> str | None:
    """A cell's indexed form: digits of numbers, compact identifiers, folded words; None when too short."""
    v = _fold(value if value.isascii() else unicodedata.normalize("NFKC", value)).strip()
    if not v:
        return None
    if "@" in v and _EMAIL.fullmatch(v):
        out = v
    elif _NUMERIC.fullmatch(v) and sum(map(str.isdigit, v)) >= 4:
        out = _digits(v)
    elif _IDENTIFIER.fullmatch(v) and sum(map(str.isdigit, v)) >= 4 and all(
            any(ch.isdigit() for ch in part) for part in v.replace("-", " ").split()):
        out = v.replace(" ", "").replace("-", "")  # IBAN, customer number, licence plate
    else:
        out = " ".join(_WORD.findall(v))
    return out if len(out) >= MIN_LENGTH else None


def word_count(normalized: str) -> int:
    return normalized.count(" ") + 1


def candidates(text: str, max_words: int = MAX_WORDS) -> Iterator[tuple[str, int, int]]:
    """(normalised value, start, end) for every e-mail, run of 1..max_words words and number run in `text`."""
    for m in _EMAIL.finditer(text):
        yield _fold(m.group()), m.start(), m.end()
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    folded = [_fold(text[a:b]) for a, b in words]
    n = len(words)
    for i in range(n):
        phrase = ""
        for j in range(i, min(n, i + max_words)):
            phrase = folded[j] if j == i else f"{phrase} {folded[j]}"
            if len(phrase) >= MIN_LENGTH:
                yield phrase, words[i][0], words[j][1]
    # Numbers written in groups (phones, IBANs, card numbers): glue adjacent tokens holding digits.
    i = 0
    while i < n:
        if not any(ch.isdigit() for ch in folded[i]):
            i += 1
            continue
        j = i
        while j + 1 < n and any(ch.isdigit() for ch in folded[j + 1]) and _SEPARATORS.fullmatch(
                text[words[j][1]:words[j + 1][0]]):
            j += 1
        for a in range(i, j + 1):
            for b in range(a + 1, min(j, a + 8) + 1):
                raw = text[words[a][0]:words[b][1]]
                value = normalize_value(raw)
                if value:
                    yield value, words[a][0], words[b][1]
        i = j + 1


def _email_spans(text: str) -> list[tuple[int, int]]:
    """The spans `_EMAIL.finditer` gives, found from each "@" instead of trying every position of the text."""
    out: list[tuple[int, int]] = []
    end = 0
    at = text.find("@")
    while at >= 0:
        if at >= end:
            # A match holding this "@" starts where the run of local-part characters before it starts.
            local = _LOCAL_PART.match(text, end, at)
            if local is not None and (m := _EMAIL.match(text, local.start())) is not None:
                out.append(m.span())
                end = m.end()
        at = text.find("@", at + 1)
    return out


def candidate_spans(
    text: str, max_words: int = MAX_WORDS, known: Callable[[list[str]], list[bool]] | None = None,
) -> dict[str, tuple[int, int]]:
    """Every value `candidates` yields, with the span it is first yielded at; built list by list, not value by value.

    With `known` (which of these words some multi-word cell holds), phrases holding another word are left out:
    no cell can equal them. A value left out never changes the span kept for another.
    """
    keys: list[str] = []
    places: list[tuple[int, int]] = []
    for a, b in _email_spans(text):
        keys.append(_fold(text[a:b]))
        places.append((a, b))
    # Non-words and words alternate; their lengths give the words' offsets.
    parts = (_ASCII_WORD_SPLIT if text.isascii() else _WORD_SPLIT).split(text)
    n = len(parts) // 2
    offsets = list(accumulate(map(len, parts), initial=0))
    starts, ends = offsets[1:2 * n:2], offsets[2:2 * n + 1:2]
    spans = list(zip(starts, ends, strict=True))
    words = parts[1::2]
    folded = "\0".join(words).lower().split("\0") if n else []  # right for every ASCII word
    if not text.isascii():
        # Folding is per character and NUL (a starter, never in a word) stops canonical reordering: one call
        # folds every other word.
        odd = list(compress(range(n), map(not_, map(str.isascii, words))))
        done = _fold("\0".join([words[i] for i in odd])).split("\0") if odd else []
        if len(done) != len(odd):
            folded = []  # never seen: a fold giving NUL
        for i, w in zip(odd, done, strict=False):
            folded[i] = w
    if len(folded) != n or " " in "".join(folded):
        # A word folding to several (a rare ligature): the phrase order matters, go one by one.
        return _first_spans(candidates(text, max_words))
    # Phrases of k words, k by k: a phrase of k words holds k - 1 spaces, so no value is yielded for two k's and
    # each keeps the span of its first occurrence, as in `candidates`.
    keys += [w for w in folded if len(w) >= MIN_LENGTH]
    places += [s for w, s in zip(folded, spans, strict=True) if len(w) >= MIN_LENGTH]
    short = "" in folded  # a word folding to nothing: a phrase can be under MIN_LENGTH
    run: dict[int, int] | None = None  # with `known`: how many known words follow from each known word on
    if known is not None and max_words >= 2 and n >= 2:
        distinct = list(dict.fromkeys(folded))
        ok = set(compress(distinct, known(distinct)))
        run = {}
        for i in reversed(list(compress(range(n), map(ok.__contains__, folded)))):
            run[i] = run.get(i + 1, 0) + 1
        first = sorted(i for i, r in run.items() if r >= 2)
    for k in range(2, min(max_words, n) + 1):
        if run is not None:
            # Only the phrases of k known words, in text order as below.
            first = [i for i in first if run[i] >= k]
            if not first:
                break  # no run of k known words, nor of more
            phrases = [" ".join(folded[i:i + k]) for i in first]
            where = [(starts[i], ends[i + k - 1]) for i in first]
        else:
            phrases = list(map(" ".join, zip(*(folded[d:] for d in range(k)), strict=False)))
            where = list(zip(starts, ends[k - 1:], strict=False))
        if short:
            keep = [len(p) >= MIN_LENGTH for p in phrases]
            phrases = [p for p, ok in zip(phrases, keep, strict=True) if ok]
            where = [w for w, ok in zip(where, keep, strict=True) if ok]
        keys += phrases
        places += where
    # Number runs, as in `candidates`, visiting only the words that hold a digit.
    # Letters are never digits; of the other words, those that lose characters when digits are dropped.
    mixed = list(compress(range(n), map(not_, map(str.isalpha, folded))))
    kept = "\0".join([folded[i] for i in mixed]).translate(_DROP_DIGITS).split("\0")
    digits = list(compress(mixed, map(ne, map(len, [folded[i] for i in mixed]), map(len, kept))))
    seen: dict[str, str | None] = {}
    x = 0
    while x < len(digits):
        i = j = digits[x]
        x += 1
        while x < len(digits) and digits[x] == j + 1 and _SEPARATORS.fullmatch(text[ends[j]:starts[j + 1]]):
            j += 1
            x += 1
        for a in range(i, j + 1):
            for b in range(a + 1, min(j, a + 8) + 1):
                raw = text[starts[a]:ends[b]]
                value = seen[raw] if raw in seen else seen.setdefault(raw, normalize_value(raw))
                if value:
                    keys.append(value)
                    places.append((starts[a], ends[b]))
    # Filled back to front, each value keeps its first span.
    return dict(zip(reversed(keys), reversed(places), strict=True))


def _first_spans(found: Iterator[tuple[str, int, int]]) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for value, start, end in found:
        out.setdefault(value, (start, end))
    return out
