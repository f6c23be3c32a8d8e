"""Policy dictionaries: literal terms compiled into the Hyperscan pass, whole words, case and accent folding."""

from __future__ import annotations

import pytest

from detectors.dictionaries import dictionary_rules, term_pattern
from detectors.engine import Engine
from detectors.errors import ConfigError
from detectors.rule_pass import RulePass

SPECS: dict[str, dict[str, object]] = {
    "projets": {"category": "intellectual_property", "confidence": "high", "case_insensitive": True,
                "accent_insensitive": True, "terms": ["Projet Hélios", "Atlas", "Atlas Pro", "C++ (v2)", "R&D-Nova"]},
    "clients": {"terms": ["Société Générale des Eaux", "O'Brien & Co"], "accent_insensitive": False},
    "Marques Déposées": {"terms": ["KiloWatt"], "case_insensitive": False},
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine([RulePass(dictionary_rules(SPECS), cache_dir=None)])


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Le PROJET HELIOS démarre lundi", "intellectual_property.dictionary.projets"),
        ("le projet hélios démarre", "intellectual_property.dictionary.projets"),
        ("le projet   Hèlios démarre", "intellectual_property.dictionary.projets"),
        ("On migre vers atlas demain", "intellectual_property.dictionary.projets"),
        ("compilé avec C++ (v2) hier", "intellectual_property.dictionary.projets"),
        ("budget R&D - Nova validé", "intellectual_property.dictionary.projets"),
        ("contrat Société Générale des Eaux signé", "intellectual_property.dictionary.clients"),
        ("dossier O'Brien & Co", "intellectual_property.dictionary.clients"),
        ("la gamme KiloWatt sort", "intellectual_property.dictionary.marques_d_pos_es"),
    ],
)
def test_term_reported(engine: Engine, text: str, rule: str) -> None:
    assert [f.rule for f in engine.findings(text)] == [rule]


@pytest.mark.parametrize(
    "text",
    [
        "Atlassian est un éditeur", "la cartographie de l'atlasien", "Societe Generale des Eaux",  # accents required
        "la gamme kilowatt", "C++ v2", "Projet Helio",
    ],
)
def test_term_not_reported(engine: Engine, text: str) -> None:
    assert engine.findings(text) == []


def test_longest_term_wins_and_span_is_the_term(engine: Engine) -> None:
    text = "Déploiement de Atlas Pro ce soir"
    (f,) = engine.findings(text)
    assert text[f.start:f.end] == "Atlas Pro"
    assert (f.category, f.type) == ("intellectual_property", "projets")


def test_rules_carry_their_own_examples(engine: Engine) -> None:
    for rule in dictionary_rules(SPECS):
        for ex in rule.examples:
            assert any(f.rule == rule.id for f in engine.findings(ex)), ex
        for neg in rule.negative_examples:
            assert not any(f.rule == rule.id for f in engine.findings(neg.text)), neg.text


def test_metacharacters_are_escaped() -> None:
    assert term_pattern("a.b*", accent_insensitive=False) == r"\ba\.b\*"


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        ({"x": {"terms": []}}, "dictionaries.x.terms"),
        ({"x": {"terms": ["ok", ""]}}, "item 2 must be a non-empty string"),
        ({"x": {"terms": ["a"], "category": "secrets"}}, "dictionaries.x.category"),
        ({"x": {"terms": ["a"], "confidence": "huge"}}, "confidence must be one of"),
        ({"x": {"terms": ["a"], "case_insensitive": "yes"}}, "must be true or false"),
        ({"x": {"terms": ["a"], "colour": "red"}}, "unknown field"),
        ({"x": ["a"]}, "must be a mapping"),
    ],
)
def test_bad_specs_name_the_dictionary_and_field(specs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as e:
        dictionary_rules(specs)  # type: ignore[arg-type]
    assert message in str(e.value)


def test_every_problem_listed_at_once() -> None:
    with pytest.raises(ConfigError) as e:
        dictionary_rules({"a": {"terms": []}, "b": {"terms": ["x"], "confidence": "nope"}})
    assert len(e.value.problems) == 2
