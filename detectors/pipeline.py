"""Assembles the engine from configuration: which rules, which stages, which indexes."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from detectors.engine import Engine
from detectors.rule import Rule
from detectors.rule_pass import RulePass
from detectors.ruleset import RULES_DIR, load_rules, rule_files
from detectors.scan_cache import ScanCache
from detectors.stage import Stage


def default_cache_dir() -> Path:
    base = os.environ.get("GARDEFOU_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "gardefou"
    )
    return Path(base)


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """What to detect. Every stage beyond the rule pass is opt-in, so each costs only where enabled."""

    rules_dir: Path = RULES_DIR
    cache_dir: Path | None = field(default_factory=default_cache_dir)
    # Restrict to these categories (None = all).
    categories: tuple[str, ...] | None = None
    # Names, places and organisations through NER (regulated data); costs milliseconds per prompt.
    names: bool = False
    # Load the NER model while the engine is built (the proxy: prompts are scanned on its event loop, which must
    # never wait seconds for it); otherwise it loads in the background and the first prompt needing it waits.
    load_models_now: bool = False
    # The source-code classifier stage.
    source_code: bool = True
    # Personal-record signal: several identifier types close together.
    records: bool = True
    # Extra rules built from configuration (policy dictionaries), compiled into the same database.
    extra_rules: tuple[Rule, ...] = ()
    # Index files for exact data match and fingerprints (None = not loaded).
    edm_index: Path | None = None
    fingerprint_index: Path | None = None
    # Columns of one indexed record a prompt must hold to be reported (None = the value stored in the index).
    edm_min_columns: int | None = None
    # Texts whose findings the engine keeps, for conversations sent again with each turn (0 = no cache).
    scan_cache: int = 0


def load_config_rules(config: EngineConfig) -> list[Rule]:
    rules = load_rules(rule_files(config.rules_dir)) + list(config.extra_rules)
    if config.categories is not None:
        # Candidate rules go with their category: a credentials-only engine has no use for name gazetteers.
        rules = [r for r in rules if r.category in config.categories]
    return rules


def build_engine(config: EngineConfig | None = None, rules: list[Rule] | None = None) -> Engine:
    """Build the full pipeline. Raises ConfigError (file, line, rule, field) on a bad rule set."""
    config = config or EngineConfig()
    if rules is None:
        rules = load_config_rules(config)
    rule_pass = RulePass(rules, config.cache_dir)
    stages: list[Stage] = [rule_pass]
    stages.extend(_later_stages(config))
    cache = ScanCache(config.scan_cache) if config.scan_cache > 0 else None
    return Engine(stages, version=rule_pass.version, cache=cache)


def _later_stages(config: EngineConfig) -> list[Stage]:
    """Stages behind the rule pass, in order. Each issue plugs its stage in here, nowhere else."""
    stages: list[Stage] = []
    # -- source code / intellectual property stages (code classifier, EDM, fingerprints) --
    from detectors.ip_stages import ip_stages  # local: each area of this function is edited apart
    stages.extend(ip_stages(config))
    # -- regulated data stages (names through NER, personal-record signal) --
    from detectors.regulated_stages import regulated_stages  # local, like the line above
    stages.extend(regulated_stages(config))
    return stages
