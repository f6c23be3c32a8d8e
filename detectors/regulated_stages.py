"""The regulated-data stages behind the rule pass: names (opt-in, NER) then the personal-record signal, last."""

from __future__ import annotations

from typing import TYPE_CHECKING

from detectors.stage import Stage

if TYPE_CHECKING:
    from detectors.pipeline import EngineConfig


def regulated_stages(config: EngineConfig) -> list[Stage]:
    """Names only when `config.names` (spaCy is imported only then); records when `config.records`."""
    stages: list[Stage] = []
    if config.names:
        from detectors.names import CANDIDATE_RULES, NamesStage

        local = config.rules_dir / "regulated_data" / CANDIDATE_RULES.name
        names = NamesStage(candidate_rules=local if local.exists() else CANDIDATE_RULES, cache_dir=config.cache_dir)
        names.warm_up(background=not config.load_models_now)
        stages.append(names)
    if config.records:
        from detectors.records import RecordsStage

        stages.append(RecordsStage())
    return stages
