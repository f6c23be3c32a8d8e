"""The names stage's candidate rules (names.candidates.yml): their examples, checked like `gardefou rules check`."""

from __future__ import annotations

import pytest

from detectors.engine import Engine
from detectors.name_spans import is_noise, name_end, trim_name, windows
from detectors.names import CANDIDATE_RULES
from detectors.ruleset import load_rules

RULES = load_rules([CANDIDATE_RULES])


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_candidate_rule_examples(names_engine: Engine, rule) -> None:  # type: ignore[no-untyped-def]
    assert not rule.emit
    for text in rule.examples:
        doc = names_engine.scan(text, keep_document=True).document
        assert doc is not None and doc.candidates.get(rule.id), text
    for neg in rule.negative_examples:
        doc = names_engine.scan(neg.text, keep_document=True).document
        assert doc is not None and not doc.candidates.get(rule.id), neg.reason


@pytest.mark.parametrize(
    ("text", "pos", "expected"),
    [
        ("Marie Dupont est là", 5, "Marie Dupont"),
        ("Marie de la Tour est là", 5, "Marie de la Tour"),
        ("Jean-Pierre LE GOFF a signé", 11, "Jean-Pierre LE GOFF"),
        ("Marie est là", 5, "Marie"),
        ("Marie Bonjour", 5, "Marie"),  # a salutation is not a surname
        ("Marie 2024", 5, "Marie"),
    ],
)
def test_name_end(text: str, pos: int, expected: str) -> None:
    assert text[:name_end(text, pos)] == expected


@pytest.mark.parametrize(
    ("span", "noise"),
    [("Appelez", True), ("Customer", True), ("jean.dupont@orange.fr", True), ("RGPD", True), ("Sophie Martin", False),
     ("Marie de la Tour", False), ("Version 2", True), ("bonjour", True)],
)
def test_is_noise(span: str, noise: bool) -> None:
    assert is_noise(span) is noise


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Appelez Mme Lefèvre", "Lefèvre"), ("Dossier de", "Dossier"), ("Sophie Martin.", "Sophie Martin")],
)
def test_trim_name(text: str, expected: str) -> None:
    a, b = trim_name(text, 0, len(text))
    assert text[a:b] == expected


def test_windows_merge_and_respect_the_budget() -> None:
    text = "x " * 200
    got = windows(text, [(10, 14), (16, 20), (300, 304)], radius=10, budget=30)
    assert len(got) == 1 and got[0][0] <= 10 and got[0][1] >= 20
    assert sum(b - a for a, b in got) <= 30
