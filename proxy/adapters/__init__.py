"""Per-service adapters and their registry: the catalogue names an adapter, `adapter_for` returns it."""

from __future__ import annotations

from importlib import import_module

from proxy.adapters.base import Adapter, AdapterError, ParsedRequest, Reply, Segment

# Adapter name -> (module, class); modules load on first use.
_REGISTRY: dict[str, tuple[str, str]] = {
    "openai": ("proxy.adapters.openai", "OpenAIAdapter"),
}

_instances: dict[str, Adapter] = {}

__all__ = ["ADAPTER_NAMES", "Adapter", "AdapterError", "ParsedRequest", "Reply", "Segment", "adapter_for"]

ADAPTER_NAMES = frozenset(_REGISTRY)


def adapter_for(name: str) -> Adapter:
    """The adapter registered under `name` (adapters are stateless: one shared instance each)."""
    adapter = _instances.get(name)
    if adapter is None:
        try:
            module, cls = _REGISTRY[name]
        except KeyError:
            raise KeyError(f"no adapter named {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None
        adapter = getattr(import_module(module), cls)()
        _instances[name] = adapter
    return adapter
