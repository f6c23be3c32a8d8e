"""Normalised values for exact data match: one form per cell, and every candidate value a prompt could hold."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import regex

MIN_LENGTH = 3  # shorter normalised values identify nobody
MAX_WORDS = 6  # longest text value, in words, looked for in prompts
_NUMERIC = regex.compile(r"[\d\s().+/-]+")
_IDENTIFIER = regex.compile(r"[a-z0-9][a-z0-9 -]*")
_EMAIL = regex.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WORD = regex.compile(r"\w+")
_SEPARATORS = regex.compile(r"[\s./-]{0,2}")


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _digits(value: str) -> str:
    d = "".join(ch for ch in value if ch.isdigit())
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
    elif _NUMERIC.fullmatch(v) and sum(ch.isdigit() for ch in v) >= 4:
        out = _digits(v)
    elif _IDENTIFIER.fullmatch(v) and sum(ch.isdigit() for ch in v) >= 4 and all(
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
