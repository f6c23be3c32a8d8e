"""Policy dictionaries (project code names, markings, customers) compiled into literal rules for the Hyperscan pass."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

import regex

from detectors.errors import ConfigError, ConfigProblem
from detectors.finding import CATEGORIES, Confidence
from detectors.rule import NegativeExample, Rule

_KNOWN = {"category", "confidence", "case_insensitive", "accent_insensitive", "terms", "description"}
_NAME = regex.compile(r"[^a-z0-9_]+")
# Accented variants of each base letter (lower and upper case), so "Societe" matches "Société" and "SOCIÉTÉ".
_ACCENTS = {
    "a": "aàâäáãåAÀÂÄÁÃÅ", "c": "cçCÇ", "e": "eéèêëEÉÈÊË", "i": "iîïíìIÎÏÍÌ", "n": "nñNÑ", "o": "oôöóòõOÔÖÓÒÕ",
    "u": "uùûüúUÙÛÜÚ", "y": "yÿýYŸÝ",
}


def _base(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def term_pattern(term: str, accent_insensitive: bool) -> str:
    """A regex for one literal term: metacharacters escaped, flexible spacing, accents folded when asked."""
    term = unicodedata.normalize("NFKC", term).strip()
    out: list[str] = []
    i = 0
    while i < len(term):
        ch = term[i]
        if ch.isspace() or ch == "-":
            j = i
            while j < len(term) and (term[j].isspace() or term[j] == "-"):
                j += 1
            out.append(r"\s*-\s*" if "-" in term[i:j] else r"\s+")
            i = j
            continue
        base = _base(ch).lower()
        if accent_insensitive and base in _ACCENTS:
            out.append(f"[{_ACCENTS[base]}]")
        else:
            out.append(regex.escape(ch))
        i += 1
    body = "".join(out)
    left = r"\b" if _is_word(term[0]) else ""
    right = r"\b" if _is_word(term[-1]) else ""
    return f"{left}{body}{right}"


def _negative(term: str) -> str:
    """A text holding the term glued inside a longer word, which a whole-word dictionary must not report."""
    if _is_word(term[-1]):
        return f"{term}zq est un autre mot"
    if _is_word(term[0]):
        return f"zq{term} est un autre mot"
    return "aucun terme du dictionnaire ici"


def dictionary_rule(name: str, spec: Mapping[str, object], source: str = "policy") -> Rule:
    """One rule for one dictionary; raises ConfigError naming the dictionary and field of every problem."""
    problems: list[ConfigProblem] = []
    key = _NAME.sub("_", name.lower()).strip("_") or "unnamed"
    if not key[0].isalpha():
        key = f"d_{key}"

    def bad(field: str, message: str) -> None:
        where = f"dictionaries.{name}.{field}"
        problems.append(ConfigProblem(source, 0, f"dictionary {name!r}: {message}", field=where))

    for k in spec:
        if k not in _KNOWN:
            bad(str(k), f"unknown field (known: {', '.join(sorted(_KNOWN))})")
    category = spec.get("category", "intellectual_property")
    if category not in CATEGORIES:
        bad("category", f"must be one of {', '.join(CATEGORIES)}")
        category = "intellectual_property"
    try:
        confidence = Confidence.parse(str(spec.get("confidence", "high")))
    except ValueError as e:
        bad("confidence", str(e))
        confidence = Confidence.HIGH
    flags = {}
    for flag in ("case_insensitive", "accent_insensitive"):
        value = spec.get(flag, True)
        if not isinstance(value, bool):
            bad(flag, "must be true or false")
            value = True
        flags[flag] = value
    raw_terms = spec.get("terms")
    terms: list[str] = []
    if not isinstance(raw_terms, list) or not raw_terms:
        bad("terms", "required, a non-empty list of strings")
    else:
        for n, t in enumerate(raw_terms):
            if not isinstance(t, str) or not t.strip():
                bad("terms", f"item {n + 1} must be a non-empty string")
            else:
                terms.append(t.strip())
    if problems:
        raise ConfigError(problems)
    # Longest first, so that "Atlas Pro" wins over "Atlas" at the same place.
    unique = sorted(set(terms), key=lambda t: (-len(t), t))
    alternatives = "|".join(term_pattern(t, flags["accent_insensitive"]) for t in unique)
    assert isinstance(category, str)
    return Rule(
        id=f"{category}.dictionary.{key}",
        name=f"Dictionary {name}",
        category=category,
        type=key,
        pattern=f"(?u)((?:{alternatives}))",
        confidence=confidence,
        examples=tuple(f"Note : {t} — à relire" for t in unique),
        negative_examples=(NegativeExample(_negative(unique[0]), "a term glued inside a longer word"),),
        case_insensitive=flags["case_insensitive"],
        source=f"{source}:0",
        tags=("dictionary",),
    )


def dictionary_rules(specs: Mapping[str, Mapping[str, object]], source: str = "policy") -> list[Rule]:
    """Rules for the policy's `dictionaries:` section; every problem of every dictionary in one ConfigError."""
    rules: list[Rule] = []
    problems: list[ConfigProblem] = []
    for name, spec in specs.items():
        if not isinstance(spec, Mapping):
            message = f"dictionary {name!r} must be a mapping"
            problems.append(ConfigProblem(source, 0, message, field=f"dictionaries.{name}"))
            continue
        try:
            rules.append(dictionary_rule(str(name), spec, source))
        except ConfigError as e:
            problems.extend(e.problems)
    if problems:
        raise ConfigError(problems)
    return rules
