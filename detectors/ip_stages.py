"""The source-code and intellectual-property stages the engine configuration asks for, in order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from detectors.code_classifier import CodeClassifier
from detectors.edm import EdmStage
from detectors.edm_index import EdmIndex
from detectors.errors import ConfigError, ConfigProblem
from detectors.fingerprint import FingerprintStage
from detectors.fingerprint_index import FingerprintIndex
from detectors.index_file import IndexFileError
from detectors.stage import Stage

if TYPE_CHECKING:
    from detectors.pipeline import EngineConfig


def ip_stages(config: EngineConfig) -> list[Stage]:
    """Code classifier first (its regions serve later stages), then the index-backed stages.

    An index that cannot be loaded is a configuration error naming the file, like a bad policy.
    """
    stages: list[Stage] = []
    if config.source_code:
        stages.append(CodeClassifier())
    try:
        if config.edm_index is not None:
            edm = EdmIndex.load(config.edm_index)
            if config.edm_min_columns is not None and not 1 <= config.edm_min_columns <= len(edm.columns):
                raise IndexFileError(f"{config.edm_index}: a threshold of {config.edm_min_columns} columns can never "
                                     f"match, the index holds {len(edm.columns)} ({', '.join(edm.columns)})")
            stages.append(EdmStage(edm, config.edm_min_columns))
        if config.fingerprint_index is not None:
            stages.append(FingerprintStage(FingerprintIndex.load(config.fingerprint_index)))
    except IndexFileError as e:
        path, _, message = str(e).partition(": ")
        raise ConfigError([ConfigProblem(path, 0, message, field="indexes")]) from e
    return stages
