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
