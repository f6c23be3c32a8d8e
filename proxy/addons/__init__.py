"""The addon list of `gardefou run`: enforcement first, then the addons that read its Outcome."""

from __future__ import annotations

import importlib
import logging

log = logging.getLogger(__name__)

# (module, class) in hook order; enforcement must run before the readers of its Outcome.
_CORE = (
    ("proxy.addons.passthrough", "Passthrough"),
    ("proxy.addons.enforce", "Enforce"),
    ("proxy.addons.streaming", "Streaming"),
)

# Readers of the Outcome, after enforcement; a module not yet in the tree is skipped.
_AFTER: tuple[tuple[str, str], ...] = (
    # -- metrics engineer: append ("proxy.addons.metrics", "Metrics"), ... below this line --
    ("proxy.addons.metrics", "Metrics"), ("proxy.addons.incidents", "IncidentLog"), ("proxy.addons.admin", "Admin"),
)


def _load(module: str, name: str) -> object | None:
    try:
        cls = getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as e:
        if e.name != module:
            raise
        return None
    addon: object = cls()
    return addon


def default_addons() -> list[object]:
    """Fresh addon instances for one master: core enforcement, then metrics, incident log and admin."""
    return [a for m, n in (*_CORE, *_AFTER) if (a := _load(m, n)) is not None]
