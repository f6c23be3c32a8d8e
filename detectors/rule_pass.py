"""RulePass: every rule pattern in one Hyperscan database, each hit confirmed by `regex` and validated."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from bisect import bisect_right
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


def _is_unicode(rule: Rule) -> bool:
    """Rules with non-ASCII text or an explicit (?u) get Unicode semantics in both engines."""
    return not rule.pattern.isascii() or "(?u" in rule.pattern or "\\p{" in rule.pattern or "\\P{" in rule.pattern


def regex_flags(rule: Rule) -> int:
    flags: int = regex.V0
    if rule.case_insensitive:
        flags |= regex.IGNORECASE
    if not _is_unicode(rule):
        # Same \w, \d, \b as Hyperscan without UCP, so the prefilter never misses what regex finds.
        flags |= regex.ASCII
    return flags


def hyperscan_flags(rule: Rule, prefilter: bool) -> int:
    flags = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY
    if rule.case_insensitive:
        flags |= hyperscan.HS_FLAG_CASELESS
    if _is_unicode(rule):
        flags |= hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP
    if prefilter:
        flags |= hyperscan.HS_FLAG_PREFILTER
    return flags


def _hs_pattern(rule: Rule) -> bytes:
    # Hyperscan has no inline (?u); the UTF8|UCP flags carry it.
    return rule.pattern.replace("(?u)", "").encode("utf-8")


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
    validate: validators.Validator | None


class _ByteToChar:
    """Converts UTF-8 byte offsets of a text to code point offsets, in O(log n) per lookup."""

    def __init__(self, text: str) -> None:
        self.byte_pos: list[int] = []
        self.extra: list[int] = []
        if text.isascii():
            return
        extra = 0
        byte = 0
        last = 0
        for m in regex.finditer(r"[^\x00-\x7f]", text):
            i = m.start()
            byte += i - last
            n = len(m.group().encode("utf-8", "surrogatepass"))
            extra += n - 1
            byte += n
            last = i + 1
            self.byte_pos.append(byte)  # byte offset just after this character
            self.extra.append(extra)

    def __call__(self, b: int) -> int:
        if not self.byte_pos:
            return b
        k = bisect_right(self.byte_pos, b) - 1
        return b - (self.extra[k] if k >= 0 else 0)


class RulePass:
    """The first stage: Hyperscan says which rules fire and from where; `regex` finds every exact match."""

    name = "hyperscan"

    def __init__(self, rules: list[Rule], cache_dir: Path | None = None) -> None:
        self.rules = list(rules)
        self.version = rules_digest(self.rules)
        self._compiled: list[_Compiled] = []
        problems: list[ConfigProblem] = []
        exprs: list[bytes] = []
        flags: list[int] = []
        for rule in self.rules:
            rflags = regex_flags(rule)
            ok, how = hyperscan_compiles(rule)
            file, _, line = rule.source.rpartition(":")
            if not ok:
                problems.append(
                    ConfigProblem(file, int(line or 0), f"does not compile in Hyperscan: {how}", rule.id, "pattern")
                )
                continue
            self._compiled.append(
                _Compiled(
                    rule,
                    regex.compile(rule.pattern, rflags),
                    max_width(rule.pattern, rflags),
                    validators.get(rule.validator) if rule.validator else None,
                )
            )
            exprs.append(_hs_pattern(rule))
            flags.append(hyperscan_flags(rule, how == "prefilter"))
        if problems:
            raise ConfigError(problems)
        self._db = self._load_or_compile(exprs, flags, cache_dir)
        self._local = threading.local()

    def _load_or_compile(self, exprs: list[bytes], flags: list[int], cache_dir: Path | None) -> hyperscan.Database:
        key = hashlib.sha256(repr((exprs, flags, getattr(hyperscan, "__version__", ""))).encode()).hexdigest()[:24]
        path = cache_dir / f"rules-{key}.hsdb" if cache_dir else None
        if path and path.exists():
            try:
                return hyperscan.loadb(path.read_bytes(), hyperscan.HS_MODE_BLOCK)
            except (hyperscan.error, OSError, ValueError) as e:
                log.warning("ignoring unreadable Hyperscan cache %s: %s", path, e)
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        if exprs:
            db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=flags)
        if path and exprs:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_bytes(hyperscan.dumpb(db))
                tmp.replace(path)  # atomic: a second worker never reads half a file
            except OSError as e:
                log.warning("cannot write Hyperscan cache %s: %s", path, e)
        return db

    def _scratch(self) -> hyperscan.Scratch:
        s = getattr(self._local, "scratch", None)
        if s is None:
            s = hyperscan.Scratch(self._db)
            self._local.scratch = s
        return s

    def fired(self, text: str) -> dict[int, int]:
        """Rule index -> UTF-8 byte offset where its first match ends."""
        hits: dict[int, int] = {}
        if not self._compiled or not text:
            return hits

        def on_match(rule_id: int, _from: int, to: int, _flags: int, _ctx: object) -> None:
            hits.setdefault(rule_id, to)

        self._db.scan(text.encode("utf-8"), match_event_handler=on_match, scratch=self._scratch())
        return hits

    def scan(self, doc: Document) -> list[Finding]:
        text = doc.norm.text
        hits = self.fired(text)
        if not hits:
            return []
        to_char = _ByteToChar(text)
        lowered: str | None = None
        out: list[Finding] = []
        for idx, first_end in sorted(hits.items()):
            c = self._compiled[idx]
            end_char = to_char(first_end)
            pos = 0 if c.width >= _UNBOUNDED else max(0, end_char - c.width - 1)
            for m in c.rx.finditer(text, pos):
                gs, ge = m.span(1)
                if gs < 0:
                    continue
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
