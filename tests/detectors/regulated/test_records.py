"""The personal-record signal: distinct personal-data types close together, and only then."""

from __future__ import annotations

import pytest

from detectors.engine import Engine
from detectors.finding import Confidence, Finding
from detectors.records import RecordSettings, clusters, is_record

IBAN = "FR34 8196 7273 1778 4864 8876 634"
PHONE = "06 12 34 56 78"
EMAIL = "camille.durand@orange.fr"


def _f(kind: str, start: int, end: int) -> Finding:
    return Finding("regulated_data", kind, f"regulated_data.test.{kind}", start, end, Confidence.MEDIUM)


@pytest.mark.parametrize(
    ("spans", "gap", "sizes"),
    [
        ([(0, 5), (10, 15), (20, 25)], 300, [3]),
        ([(0, 5), (400, 405)], 300, [1, 1]),
        ([(0, 5), (200, 205), (450, 455)], 300, [3]),  # chained: each within the gap of the previous
        ([], 300, []),
    ],
)
def test_clusters(spans: list[tuple[int, int]], gap: int, sizes: list[int]) -> None:
    assert [len(c) for c in clusters([_f("x", a, b) for a, b in spans], gap)] == sizes


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        ({"iban", "phone", "email"}, True),
        ({"iban", "phone"}, False),
        ({"person", "phone"}, True),
        ({"person"}, False),
    ],
)
def test_is_record(types: set[str], expected: bool) -> None:
    assert is_record(types, RecordSettings()) is expected


def _records(engine: Engine, text: str) -> list[Finding]:
    return [f for f in engine.findings(text) if f.type == "personal_record"]


def test_three_types_close_together_make_a_record(engine: Engine) -> None:
    text = f"Virement sur {IBAN}, joignable au {PHONE} ou par mail à {EMAIL}. Merci."
    (record,) = _records(engine, text)
    assert record.confidence is Confidence.HIGH
    assert (record.start, record.end) == (text.index(IBAN), text.index(EMAIL) + len(EMAIL))
    assert record.attribute("types") == "email,iban,phone"
    # The members stay reported on their own: the proxy redacts each of them.
    assert {f.type for f in engine.findings(text)} >= {"iban", "phone", "email", "personal_record"}


def test_far_apart_or_too_few_types_make_no_record(engine: Engine) -> None:
    far = f"IBAN {IBAN}." + " Texte sans rapport." * 30 + f" Tél {PHONE}." + " Encore du texte." * 30 + f" {EMAIL}"
    assert _records(engine, far) == []
    assert _records(engine, f"IBAN {IBAN} et tél {PHONE}") == []


def test_name_and_one_identifier_make_a_record(names_engine: Engine) -> None:
    text = f"Mme Lefèvre est joignable au {PHONE}."
    (record,) = _records(names_engine, text)
    assert record.attribute("types") == "person,phone"


@pytest.mark.parametrize(
    ("names", "records", "tail"),
    [(True, True, ["names", "records"]), (False, True, ["records"]), (True, False, ["names"]), (False, False, [])],
)
def test_regulated_stages_come_last_in_order(names: bool, records: bool, tail: list[str]) -> None:
    from detectors.pipeline import EngineConfig, _later_stages

    stages = [s.name for s in _later_stages(EngineConfig(names=names, records=records))]
    regulated = [s for s in stages if s in ("names", "records")]
    assert regulated == tail and stages[len(stages) - len(tail):] == tail
