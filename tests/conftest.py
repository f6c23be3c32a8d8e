"""Shared fixtures: one engine per test session (building it compiles the Hyperscan database)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("GARDEFOU_CACHE_DIR", str(ROOT / ".cache" / "gardefou"))


@pytest.fixture(scope="session")
def engine():  # type: ignore[no-untyped-def]
    """The shipped rules with the default stages (no NER): what `gardefou scan` uses."""
    from detectors.pipeline import EngineConfig, build_engine

    return build_engine(EngineConfig())
