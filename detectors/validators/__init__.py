"""Named validators (checksums, structure checks) that confirm a candidate value; discovered by module."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

Validator = Callable[[str], bool]

_REGISTRY: dict[str, Validator] = {}
_discovered = False


def validator(name: str) -> Callable[[Validator], Validator]:
    """Register a function under `name`, the value a rule's `validator:` field refers to."""

    def register(fn: Validator) -> Validator:
        if name in _REGISTRY and _REGISTRY[name] is not fn:
            raise ValueError(f"validator {name!r} registered twice")
        _REGISTRY[name] = fn
        return fn

    return register


def _discover() -> None:
    """Import every validator module once; importing one module directly must not hide the others."""
    global _discovered
    if _discovered:
        return
    for mod in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{mod.name}")
    _discovered = True


def get(name: str) -> Validator:
    _discover()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown validator {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def names() -> list[str]:
    _discover()
    return sorted(_REGISTRY)
