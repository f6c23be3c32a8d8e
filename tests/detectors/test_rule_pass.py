"""The Hyperscan rule pass: every match found, spans exact, validators, filters and keywords applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from detectors.engine import Engine
from detectors.errors import ConfigError
from detectors.finding import Confidence
from detectors.normalize import normalize
from detectors.rule import NegativeExample, Rule
from detectors.rule_pass import RulePass, max_width, prefilter_misses
from detectors.stage import Document


def make_rule(rid: str = "credentials.test.token", pattern: str = r"\b(tok_[a-z0-9]{8})\b", **kw: object) -> Rule:
    fields: dict[str, object] = {
        "id": rid,
        "name": rid,
        "category": rid.split(".")[0],
        "type": rid.split(".")[-1],
        "pattern": pattern,
        "confidence": Confidence.MEDIUM,
        "examples": ("x",),
        "negative_examples": (NegativeExample("y", "z"),),
        "source": "test.yaml:1",
    }
    fields.update(kw)
    return Rule(**fields)  # type: ignore[arg-type]


def scan(rules: list[Rule], text: str) -> list[tuple[str, str, str]]:
    engine = Engine([RulePass(rules, None)])
    return [(f.rule, text[f.start : f.end], f.confidence.label) for f in engine.findings(text)]


def test_every_occurrence_is_found_not_only_the_first() -> None:
    text = " ".join(f"tok_{i:08d}"[:12] for i in range(5)) + " tok_abcd1234"
    found = scan([make_rule(filters=())], text)
    assert [v for _, v, _ in found] == [
        "tok_00000000",
        "tok_00000001",
        "tok_00000002",
        "tok_00000003",
        "tok_00000004",
        "tok_abcd1234",
    ]


def test_capture_group_span_excludes_context() -> None:
    r = make_rule(pattern=r"secret=(\d{6})\b", filters=())
    assert scan([r], "a secret=482915 b") == [("credentials.test.token", "482915", "medium")]


def test_unicode_offsets_are_code_points() -> None:
    text = "\u00e9\u00e8\u00ea\U0001f600 tok_q1w2e3r4"
    f = Engine([RulePass([make_rule(filters=())], None)]).findings(text)[0]
    assert text[f.start : f.end] == "tok_q1w2e3r4"


def test_invisible_characters_inside_a_value_are_still_caught() -> None:
    text = "t\u200bok_q1w2\u2060e3r4 done"
    f = Engine([RulePass([make_rule(filters=())], None)]).findings(text)[0]
    assert text[f.start : f.end] == "t\u200bok_q1w2\u2060e3r4"


@pytest.mark.parametrize(
    ("kw", "text", "expected"),
    [
        ({"validator": "luhn"}, "card 4970100000000063", ["4970100000000063"]),
        ({"validator": "luhn"}, "card 4970100000000064", []),
        ({"min_entropy": 3.0}, "card 1111111111111112", []),
        ({"keywords": ("visa",), "keywords_required": True}, "card 4970100000000063", []),
        ({"keywords": ("card",), "keywords_required": True}, "card 4970100000000063", ["4970100000000063"]),
    ],
)
def test_confirmation_steps(kw: dict[str, object], text: str, expected: list[str]) -> None:
    r = make_rule("regulated_data.test.card", r"\b(\d{16})\b", **kw)
    assert [v for _, v, _ in scan([r], text)] == expected


def test_keyword_raises_confidence_one_tier() -> None:
    r = make_rule(keywords=("token",), filters=())
    assert scan([r], "my token tok_a1b2c3d4")[0][2] == "high"
    assert scan([r], "here tok_a1b2c3d4")[0][2] == "medium"


@pytest.mark.parametrize("value", ["tok_xxxxxxxx", "tok_abcdefgh", "tok_12345678"])
def test_default_credential_filters_drop_placeholders(value: str) -> None:
    from detectors.filters import DEFAULT_CREDENTIAL_FILTERS

    assert scan([make_rule(filters=DEFAULT_CREDENTIAL_FILTERS)], f"key {value}") == []


def test_candidate_rules_feed_later_stages_only() -> None:
    r = make_rule("regulated_data.test.first_name", r"\b(Camille)\b", emit=False)
    rp = RulePass([r], None)
    doc = Document(normalize("Bonjour Camille !"))
    assert rp.scan(doc) == []
    assert [(c.start, c.end) for c in doc.candidates["regulated_data.test.first_name"]] == [(8, 15)]


def test_lookaround_pattern_compiles_as_prefilter_and_regex_decides() -> None:
    r = make_rule(pattern=r"(?<![A-Za-z])(tok_[0-9]{4})(?!\d)", filters=())
    assert [v for _, v, _ in scan([r], "tok_1234 xtok_5678 tok_99999")] == ["tok_1234"]


def test_pattern_hyperscan_cannot_compile_is_reported_with_rule_and_line() -> None:
    r = make_rule(pattern=r"a\K(b)", source="rules/x.yaml:7")
    with pytest.raises(ConfigError) as e:
        RulePass([r], None)
    assert "rules/x.yaml:7" in str(e.value) and "credentials.test.token" in str(e.value)


def test_database_cache_is_reused(tmp_path: Path) -> None:
    rules = [make_rule(filters=())]
    RulePass(rules, tmp_path)
    files = list(tmp_path.glob("*.hsdb"))
    assert len(files) == 1
    mtime = files[0].stat().st_mtime_ns
    again = RulePass(rules, tmp_path)
    assert files[0].stat().st_mtime_ns == mtime
    assert Engine([again]).findings("tok_a1b2c3d4")


def test_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    rules = [make_rule(filters=())]
    RulePass(rules, tmp_path)
    (next(tmp_path.glob("*.hsdb"))).write_bytes(b"garbage")
    assert Engine([RulePass(rules, tmp_path)]).findings("tok_a1b2c3d4")


@pytest.mark.parametrize(
    ("pattern", "width"),
    [(r"abc", 3), (r"a{2,5}", 5), (r"x+", 1 << 30), (r"(?i)[a-z]{40}", 40)],
)
def test_max_width(pattern: str, width: int) -> None:
    import regex

    assert max_width(pattern, regex.IGNORECASE if "(?i)" in pattern else 0) == width


def test_scan_never_crashes_on_odd_text(engine: Engine) -> None:
    for text in ["", "\x00" * 10, "\udcff\ud800", "\U0010ffff" * 100, "é" * 10_000, "a" * 1_000_000]:
        engine.findings(text)


def test_validator_discovery_survives_a_direct_import() -> None:
    import subprocess
    import sys

    code = "import detectors.validators.checksums\nfrom detectors import validators\nvalidators.get('jwt')\n"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert r.returncode == 0, r.stderr.decode()


@pytest.mark.parametrize(
    ("ends", "width", "size", "expected"),
    [
        ([10], 5, 100, [(4, 18)]),
        ([10, 12, 40], 5, 100, [(4, 20), (34, 48)]),
        ([3], 10, 6, [(0, 6)]),
        ([], 5, 10, []),
    ],
)
def test_confirm_windows_cover_each_match_and_merge(ends: list[int], width: int, size: int,
                                                    expected: list[tuple[int, int]]) -> None:
    assert RulePass.windows(ends, width, size) == expected


def test_matches_far_apart_in_a_long_text_are_all_found() -> None:
    filler = "lorem ipsum " * 5000
    text = f"tok_a1b2c3d4 {filler} tok_e5f6g7h8 {filler} tok_i9j0k1l2"
    found = [v for _, v, _ in scan([make_rule(filters=())], text)]
    assert found == ["tok_a1b2c3d4", "tok_e5f6g7h8", "tok_i9j0k1l2"]


def test_overlap_resolution_keeps_the_confident_specific_finding() -> None:
    from detectors.engine import resolve_overlaps
    from detectors.finding import Finding

    wide = Finding("credentials", "password", "credentials.password.assignment", 0, 40, Confidence.MEDIUM)
    inner = Finding("credentials", "stripe_key", "credentials.stripe.secret_key", 10, 40, Confidence.HIGH)
    same_span_weaker = Finding("credentials", "secret", "credentials.secret.assignment", 10, 40, Confidence.LOW)
    other_category = Finding("regulated_data", "email", "regulated_data.contact.email", 12, 30, Confidence.HIGH)
    assert resolve_overlaps([wide, inner, same_span_weaker, other_category]) == [inner, other_category]


def test_overlap_resolution_scales_to_many_findings() -> None:
    from detectors.engine import resolve_overlaps
    from detectors.finding import Finding

    many = [Finding("regulated_data", "email", "r.e.x", i * 30, i * 30 + 20, Confidence.HIGH) for i in range(50_000)]
    assert len(resolve_overlaps(many)) == 50_000


@pytest.mark.parametrize("lookups", [1, 5, 40])
def test_byte_to_char_offsets_direct_and_tabled(lookups: int) -> None:
    from detectors.rule_pass import _ByteToChar

    text = "é€😀ab\n" * 50 + "z"
    data = text.encode("utf-8")
    bounds = [len(text[:i].encode("utf-8")) for i in range(len(text) + 1)]
    convert = _ByteToChar(text, data)
    for i in range(0, len(bounds), max(1, len(bounds) // lookups)):
        assert convert(bounds[i]) == i


def test_prefilter_finds_matches_that_extend_past_it() -> None:
    # Hyperscan sees only the "@"; the mailbox before it and the domain after it come from the regex confirm.
    rule = make_rule("regulated_data.test.email", r"\b([a-z]{1,40}@[a-z]{1,40}\.fr)\b", prefilter=r"[a-z]@[a-z]")
    text = "x " * 300 + "ecrire a jean@exemple.fr ou a marie@societe.fr " + "y " * 300
    assert [v for _, v, _ in scan([rule], text)] == ["jean@exemple.fr", "marie@societe.fr"]


def test_prefilter_changes_the_database_cache_key(tmp_path: Path) -> None:
    plain = make_rule("regulated_data.test.email", r"\b([a-z]{1,40}@[a-z]{1,40}\.fr)\b")
    RulePass([plain], tmp_path)
    RulePass([make_rule(plain.id, plain.pattern, prefilter=r"[a-z]@[a-z]")], tmp_path)
    assert len(list(tmp_path.glob("rules-*.hsdb"))) == 2


def test_prefilter_misses_name_the_uncovered_matches() -> None:
    good = make_rule("regulated_data.test.email", r"\b([a-z]{1,40}@[a-z]{1,40}\.fr)\b", prefilter=r"[a-z]@[a-z]")
    bad = make_rule(good.id, good.pattern, prefilter=r"@[a-z]+\.com")
    text = "jean@exemple.fr"
    assert prefilter_misses(good, text) == []
    assert prefilter_misses(bad, text) == [(0, len(text))]
