"""What enforcement runs on: the policy and the engine built from it, rebuilt whole and swapped on change."""

from __future__ import annotations

import importlib
import logging
import os
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from detectors.engine import Engine
from detectors.errors import ConfigError, ConfigProblem
from detectors.pipeline import EngineConfig, build_engine, default_cache_dir
from detectors.rule import Rule
from proxy.policy import Policy, check_service_ids, load_policy

log = logging.getLogger(__name__)
# Texts whose findings an engine keeps: a conversation is sent again whole with each turn (a few MB at most).
SCAN_CACHE_ENTRIES = 4096


@dataclass(frozen=True, slots=True)
class Runtime:
    """An immutable pair swapped in whole: readers never see a policy with another policy's engine."""

    policy: Policy
    engine: Engine
    signature: tuple[tuple[str, int], ...]  # (file, mtime_ns) of everything it was built from


def dictionary_rules(policy: Policy) -> tuple[Rule, ...]:
    """Rules from the policy's `dictionaries:`, through `detectors.dictionaries` when that module exists."""
    if not policy.dictionaries:
        return ()
    try:
        module = importlib.import_module("detectors.dictionaries")
    except ModuleNotFoundError:
        log.warning("policy has dictionaries but detectors.dictionaries is not installed: ignored")
        return ()
    specs = {d.name: {"category": d.category, "confidence": d.confidence, "case_insensitive": d.case_insensitive,
                      "accent_insensitive": d.accent_insensitive, "terms": list(d.terms)} for d in policy.dictionaries}
    try:
        return tuple(module.dictionary_rules(specs, policy.source))
    except ConfigError:
        raise
    except ValueError as e:
        raise ConfigError([ConfigProblem(policy.source, 0, f"dictionaries: {e}", field="dictionaries")]) from e


def watched_files(policy_path: Path, rules_dir: Path, policy: Policy | None) -> list[Path]:
    files = [policy_path, *sorted(rules_dir.rglob("*.yaml"))]
    if policy is not None:
        files += [p for p in (policy.edm_index, policy.fingerprint_index) if p is not None]
    return files


def signature(files: list[Path]) -> tuple[tuple[str, int], ...]:
    out = []
    for f in files:
        try:
            out.append((str(f), f.stat().st_mtime_ns))
        except OSError:
            out.append((str(f), -1))
    return tuple(out)


def build_runtime(policy_path: Path, rules_dir: Path, names: bool, cache_dir: Path | None = None,
                  service_ids: Collection[str] | None = None, scan_cache: int = SCAN_CACHE_ENTRIES) -> Runtime:
    """Load the policy and build its engine. Raises ConfigError (file, line, field) on any bad input."""
    policy = load_policy(policy_path)
    if service_ids is not None:
        check_service_ids(policy, service_ids)
    config = EngineConfig(rules_dir=rules_dir, cache_dir=cache_dir or default_cache_dir(), names=names,
                          extra_rules=dictionary_rules(policy), edm_index=policy.edm_index,
                          fingerprint_index=policy.fingerprint_index, edm_min_columns=policy.edm_min_columns,
                          load_models_now=True,  # before the policy goes into force: seconds, once per process
                          scan_cache=scan_cache)
    engine = build_engine(config)
    return Runtime(policy, engine, signature(watched_files(policy_path, rules_dir, policy)))


def load_hash_key(path: Path) -> bytes:
    """The secret key of value hashes; created (0600) when missing, read by every worker otherwise."""
    if not path.exists():
        # Written aside then linked: a worker racing us reads either nothing or the whole key.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_hex(32).encode())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    key = path.read_bytes().strip()
    if len(key) < 16:
        raise ValueError(f"{path}: hash key too short (at least 16 bytes)")
    return key
