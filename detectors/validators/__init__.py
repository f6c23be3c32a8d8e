"""Named validators (checksums, structure checks) that confirm a candidate value; discovered by module."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

Validator = Callable[[str], bool]

_REGISTRY: dict[str, Validator] = {}


def validator(name: str) -> Callable[[Validator], Validator]:
    """Register a function under `name`, the value a rule's `validator:` field refers to."""

    def register(fn: Validator) -> Validator:
        if name in _REGISTRY and _REGISTRY[name] is not fn:
            raise ValueError(f"validator {name!r} registered twice")
        _REGISTRY[name] = fn
        return fn

    return register


def _discover() -> None:
    for mod in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{mod.name}")


def get(name: str) -> Validator:
    if not _REGISTRY:
        _discover()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown validator {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def names() -> list[str]:
    if not _REGISTRY:
        _discover()
    return sorted(_REGISTRY)
