"""The source-code and intellectual-property stages the engine configuration asks for, in order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from detectors.code_classifier import CodeClassifier
from detectors.stage import Stage

if TYPE_CHECKING:
    from detectors.pipeline import EngineConfig


def ip_stages(config: EngineConfig) -> list[Stage]:
    """Code classifier first (its regions serve later stages), then the index-backed stages."""
    stages: list[Stage] = []
    if config.source_code:
        stages.append(CodeClassifier())
    return stages
