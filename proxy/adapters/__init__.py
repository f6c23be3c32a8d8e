"""Per-service adapters and their registry: the catalogue names an adapter, `adapter_for` returns it."""

from __future__ import annotations

from proxy.adapters.anthropic import AnthropicAdapter
from proxy.adapters.azure_openai import AzureOpenAIAdapter
from proxy.adapters.base import Adapter, AdapterError, ParsedRequest, Reply, Segment
from proxy.adapters.bedrock import BedrockAdapter
from proxy.adapters.gemini import GeminiAdapter
from proxy.adapters.generic import GenericAdapter
from proxy.adapters.github_copilot import GitHubCopilotAdapter
from proxy.adapters.mistral import MistralAdapter
from proxy.adapters.openai import OpenAIAdapter

# Adapters are stateless: one shared instance each.
_ADAPTERS: dict[str, Adapter] = {
    a.name: a
    for a in (
        OpenAIAdapter(),
        AzureOpenAIAdapter(),
        AnthropicAdapter(),
        GeminiAdapter(),
        MistralAdapter(),
        BedrockAdapter(),
        GitHubCopilotAdapter(),
        GenericAdapter(),
    )
}

ADAPTER_NAMES = frozenset(_ADAPTERS)

__all__ = ["ADAPTER_NAMES", "Adapter", "AdapterError", "ParsedRequest", "Reply", "Segment", "adapter_for"]


def adapter_for(name: str) -> Adapter:
    """The adapter registered under `name`; KeyError names the known ones."""
    try:
        return _ADAPTERS[name]
    except KeyError:
        raise KeyError(f"no adapter named {name!r}; known: {', '.join(sorted(_ADAPTERS))}") from None
