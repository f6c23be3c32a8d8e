"""RulePass: every rule pattern in one Hyperscan database, each hit confirmed by `regex` and validated."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import hyperscan
import regex

from detectors import validators
from detectors.entropy import shannon_entropy
from detectors.errors import ConfigError, ConfigProblem
from detectors.filters import first_failing
from detectors.finding import Finding
from detectors.rule import Rule
from detectors.ruleset import rules_digest
from detectors.stage import Candidate, Document

log = logging.getLogger(__name__)

_UNBOUNDED = 1 << 30
# Constructs Hyperscan may reject or only approximate: lookarounds, back-references, atomic groups...
_NEEDS_PROBE = regex.compile(r"\(\?[=!<>]|\\[1-9]|\\[XKG]|[*+?}]\+|\(\?[|R0-9]")


def _unicode_text(pattern: str) -> bool:
    """Patterns with non-ASCII text or an explicit (?u) get Unicode semantics in both engines."""
    return not pattern.isascii() or "(?u" in pattern or "\\p{" in pattern or "\\P{" in pattern


def _is_unicode(rule: Rule) -> bool:
    return _unicode_text(rule.pattern)


def _hs_source(rule: Rule) -> str:
    """What Hyperscan compiles for a rule: its prefilter when it has one, else its pattern."""
    return rule.prefilter or rule.pattern


def regex_flags(rule: Rule) -> int:
    flags: int = regex.V0
    if rule.case_insensitive:
        flags |= regex.IGNORECASE
    if not _is_unicode(rule):
        # Same \w, \d, \b as Hyperscan without UCP, so the prefilter never misses what regex finds.
        flags |= regex.ASCII
    return flags


def hyperscan_flags(rule: Rule, prefilter: bool) -> int:
    flags = hyperscan.HS_FLAG_ALLOWEMPTY
    if rule.case_insensitive:
        flags |= hyperscan.HS_FLAG_CASELESS
    if _unicode_text(_hs_source(rule)):
        flags |= hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP
    if prefilter:
        flags |= hyperscan.HS_FLAG_PREFILTER
    return flags


def _hs_pattern(rule: Rule) -> bytes:
    # Hyperscan has no inline (?u); the UTF8|UCP flags carry it.
    return _hs_source(rule).replace("(?u)", "").encode("utf-8")


def max_width(pattern: str, flags: int) -> int:
    """Longest possible match in characters, or a huge number when unbounded or unknown."""
    try:
        parsed = re._parser.parse(pattern, re.IGNORECASE if flags & regex.IGNORECASE else 0)  # type: ignore[attr-defined]
        hi: int = int(parsed.getwidth()[1])
    except Exception:  # regex-only syntax: treat as unbounded, still correct, just scans more
        return _UNBOUNDED
    return hi if hi < 65535 else _UNBOUNDED


def hyperscan_compiles(rule: Rule) -> tuple[bool, str]:
    """(compiles exactly, message): exact compile first, then as a prefilter approximation."""
    for prefilter in (False, True):
        try:
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            db.compile(expressions=[_hs_pattern(rule)], ids=[0], elements=1, flags=[hyperscan_flags(rule, prefilter)])
            return True, "prefilter" if prefilter else "exact"
        except hyperscan.error as e:
            last = str(e)
    return False, last


@dataclass(frozen=True, slots=True)
class _Compiled:
    rule: Rule
    rx: regex.Pattern[str]
    width: int
    # How far past a Hyperscan match end a match may reach: 0 for the rule's own pattern, `width` when a
    # prefilter fires somewhere inside the match.
    reach: int
    validate: validators.Validator | None

    @classmethod
    def of(cls, rule: Rule) -> _Compiled:
        flags = regex_flags(rule)
        width = max_width(rule.pattern, flags)
        return cls(rule, regex.compile(rule.pattern, flags), width, width if rule.prefilter else 0,
                   validators.get(rule.validator) if rule.validator else None)


class _ByteToChar:
    """Converts UTF-8 byte offsets of a text to code point offsets.

    A few lookups decode the prefix in C; past that a table of the non-ASCII characters is built once and
    each lookup is a bisection. ASCII text is the identity.
    """

    _DIRECT = 8  # lookups answered by decoding before the table pays for itself

    def __init__(self, text: str, data: bytes) -> None:
        self.text = text
        self.data = data
        self.identity = len(text) == len(data)
        self.calls = 0
        self.byte_pos: list[int] | None = None
        self.extra: list[int] = []

    def _table(self) -> list[int]:
        byte_pos: list[int] = []
        extra = byte = last = 0
        for m in regex.finditer(r"[^\x00-\x7f]", self.text):
            i = m.start()
            n = len(m.group().encode("utf-8", "surrogatepass"))
            byte += i - last + n
            extra += n - 1
            last = i + 1
            byte_pos.append(byte)  # byte offset just after this character
            self.extra.append(extra)
        return byte_pos

    def __call__(self, b: int) -> int:
        if self.identity:
            return b
        self.calls += 1
        if self.byte_pos is None:
            if self.calls <= self._DIRECT:
                return len(self.data[:b].decode("utf-8", "ignore"))
            self.byte_pos = self._table()
        k = bisect_right(self.byte_pos, b) - 1
        return b - (self.extra[k] if k >= 0 else 0)


class RulePass:
    """The first stage: Hyperscan says which rules fire and from where; `regex` finds every exact match."""

    name = "hyperscan"

    def __init__(self, rules: list[Rule], cache_dir: Path | None = None) -> None:
        self.rules = list(rules)
        self.version = rules_digest(self.rules)
        exprs = [_hs_pattern(r) for r in self.rules]
        base = [hyperscan_flags(r, False) for r in self.rules]
        key = hashlib.sha256(repr((exprs, base, getattr(hyperscan, "__version__", ""))).encode()).hexdigest()[:24]
        cached = self._read_cache(cache_dir, key)
        if cached is not None:
            prefilter, self._db = cached
        else:
            prefilter = self._compile_modes()
            self._db = self._compile(exprs, [hyperscan_flags(r, p) for r, p in zip(self.rules, prefilter, strict=True)])
            self._write_cache(cache_dir, key, prefilter)
        self._compiled = [_Compiled.of(rule) for rule in self.rules]
        self._local = threading.local()

    def _compile_modes(self) -> list[bool]:
        """Which rules Hyperscan can only approximate (prefilter); every rule it cannot compile is a problem."""
        # Compiling each pattern alone is slow on big rule sets: only the suspicious ones are tried first, the
        # others are proven by the database compile below (and tried alone only if that fails).
        prefilter = self._probe(lambda rule: bool(_NEEDS_PROBE.search(_hs_source(rule))))
        try:
            self._compile(
                [_hs_pattern(r) for r in self.rules],
                [hyperscan_flags(r, p) for r, p in zip(self.rules, prefilter, strict=True)],
            )
            return prefilter
        except hyperscan.error:
            pass
        return self._probe(lambda rule: True)

    def _probe(self, wanted: Callable[[Rule], bool]) -> list[bool]:
        """Compile the `wanted` rules alone: prefilter or not for each rule; all failures raised at once."""
        prefilter: list[bool] = []
        problems: list[ConfigProblem] = []
        for rule in self.rules:
            if not wanted(rule):
                prefilter.append(False)
                continue
            ok, how = hyperscan_compiles(rule)
            prefilter.append(how == "prefilter")
            if not ok:
                file, _, line = rule.source.rpartition(":")
                problems.append(
                    ConfigProblem(file, int(line or 0), f"does not compile in Hyperscan: {how}", rule.id, "pattern")
                )
        if problems:
            raise ConfigError(problems)
        return prefilter

    @staticmethod
    def _compile(exprs: list[bytes], flags: list[int]) -> hyperscan.Database:
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        if exprs:
            db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=flags)
        return db

    def _read_cache(self, cache_dir: Path | None, key: str) -> tuple[list[bool], hyperscan.Database] | None:
        if cache_dir is None or not self.rules:
            return None
        db_path, modes_path = cache_dir / f"rules-{key}.hsdb", cache_dir / f"rules-{key}.modes.json"
        if not (db_path.exists() and modes_path.exists()):
            return None
        try:
            modes = json.loads(modes_path.read_text())
            if not isinstance(modes, list) or len(modes) != len(self.rules):
                raise ValueError("rule count differs")
            return [bool(m) for m in modes], hyperscan.loadb(db_path.read_bytes(), hyperscan.HS_MODE_BLOCK)
        except (hyperscan.error, OSError, ValueError) as e:
            log.warning("ignoring unreadable Hyperscan cache %s: %s", db_path, e)
            return None

    def _write_cache(self, cache_dir: Path | None, key: str, prefilter: list[bool]) -> None:
        if cache_dir is None or not self.rules:
            return
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            # Modes first, database last: a reader that sees the database sees its modes too.
            for path, data in (
                (cache_dir / f"rules-{key}.modes.json", json.dumps(prefilter).encode()),
                (cache_dir / f"rules-{key}.hsdb", hyperscan.dumpb(self._db)),
            ):
                tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
                tmp.write_bytes(data)
                tmp.replace(path)  # atomic: a second worker never reads half a file
        except OSError as e:
            log.warning("cannot write Hyperscan cache in %s: %s", cache_dir, e)

    def _scratch(self) -> hyperscan.Scratch:
        s = getattr(self._local, "scratch", None)
        if s is None:
            s = hyperscan.Scratch(self._db)
            self._local.scratch = s
        return s

    def fired(self, text: str, data: bytes | None = None) -> dict[int, list[int]]:
        """Rule index -> UTF-8 byte offsets where its matches end, in order (`data`: the text already encoded)."""
        hits: dict[int, list[int]] = {}
        if not self._compiled or not text:
            return hits

        def on_match(rule_id: int, _from: int, to: int, _flags: int, _ctx: object) -> None:
            ends = hits.get(rule_id)
            if ends is None:
                hits[rule_id] = [to]
            elif ends[-1] != to:
                ends.append(to)

        self._db.scan(data if data is not None else text.encode("utf-8"), match_event_handler=on_match,
                      scratch=self._scratch())
        return hits

    @staticmethod
    def windows(ends: list[int], width: int, size: int, reach: int = 0) -> list[tuple[int, int]]:
        """Merged [start, end) character windows that hold every match ending at one of `ends` (plus `reach`).

        A match is at most `width` long, so it starts no earlier than its end minus `width`; a few characters
        past the last end let boundary assertions see the real next character.
        """
        out: list[tuple[int, int]] = []
        for e in ends:
            lo, hi = max(0, e - width - 1), min(size, e + reach + 8)
            if out and lo <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], hi))
            else:
                out.append((lo, hi))
        return out

    def scan(self, doc: Document) -> list[Finding]:
        text = doc.norm.text
        data = text.encode("utf-8")
        hits = self.fired(text, data)
        if not hits:
            return []
        to_char = _ByteToChar(text, data)
        lowered: str | None = None
        out: list[Finding] = []
        size = len(text)
        for idx, ends in sorted(hits.items()):
            c = self._compiled[idx]
            if c.width >= _UNBOUNDED:
                spans = [(0, size)]
            else:
                # Regex only where Hyperscan saw a match end, not over the rest of the text.
                spans = self.windows([to_char(e) for e in ends], c.width, size, c.reach)
            seen_end = -1
            for lo, hi in spans:
                for m in c.rx.finditer(text, lo, hi):
                    gs, ge = m.span(1)
                    if gs < 0 or m.start() < seen_end:
                        continue
                    seen_end = m.end()
                    if not c.rule.emit:
                        a, b = doc.norm.to_original(gs, ge)
                        doc.candidates.setdefault(c.rule.id, []).append(Candidate(c.rule.id, a, b))
                        continue
                    if lowered is None and c.rule.keywords:
                        lowered = text.lower()
                    finding = self._confirm(c, text, lowered, gs, ge, doc)
                    if finding is not None:
                        out.append(finding)
        return out

    def _confirm(self, c: _Compiled, text: str, lowered: str | None, gs: int, ge: int, doc: Document) -> Finding | None:
        rule = c.rule
        value = text[gs:ge]
        why = [f"pattern {rule.id}"]
        if rule.min_entropy is not None:
            ent = shannon_entropy(value)
            if ent < rule.min_entropy:
                return None
            why.append(f"entropy {ent:.2f} >= {rule.min_entropy:g}")
        if rule.filters and first_failing(value, rule.filters) is not None:
            return None
        if c.validate is not None:
            if not c.validate(value):
                return None
            why.append(f"validator {rule.validator}: valid")
        confidence = rule.confidence
        if rule.keywords and lowered is not None:
            lo = max(0, gs - rule.keyword_window)
            around = lowered[lo:gs] + " " + lowered[ge : ge + rule.keyword_window]
            word = next((k for k in rule.keywords if k in around), None)
            if word is None and rule.keywords_required:
                return None
            if word is not None:
                why.append(f"keyword {word!r} within {rule.keyword_window} characters")
                if not rule.keywords_required:
                    confidence = confidence.raised()
        a, b = doc.norm.to_original(gs, ge)
        return Finding(rule.category, rule.type, rule.id, a, b, confidence, tuple(why))


def prefilter_misses(rule: Rule, text: str) -> list[tuple[int, int]]:
    """Matches of a rule's pattern in `text` with no prefilter match ending inside them (empty: the contract holds)."""
    if not rule.prefilter:
        return []
    ok, how = hyperscan_compiles(rule)
    if not ok:
        return []  # the database compile reports the rule already
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=[_hs_pattern(rule)], ids=[0], elements=1,
               flags=[hyperscan_flags(rule, how == "prefilter")])
    data = text.encode("utf-8")
    ends: list[int] = []
    db.scan(data, match_event_handler=lambda _i, _f, to, _fl, _c: ends.append(to))
    to_char = _ByteToChar(text, data)
    chars = [to_char(e) for e in ends]
    out = []
    for m in regex.finditer(rule.pattern, text, regex_flags(rule)):
        lo = bisect_right(chars, m.start())
        if lo >= len(chars) or chars[lo] > m.end():
            out.append(m.span())
    return out
