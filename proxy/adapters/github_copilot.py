"""GitHubCopilotAdapter: Copilot chat (OpenAI and Anthropic formats) and inline completions, refused with a 422."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from proxy.adapters import anthropic
from proxy.adapters.base import Reply
from proxy.adapters.collector import Collector
from proxy.adapters.jsonbody import json_reply_body, reply_headers
from proxy.adapters.openai import ROUTES, OpenAIAdapter

# Chat also speaks Anthropic's /v1/messages; inline completions are /v1/engines/{model}/completions.
_ROUTES = (*ROUTES, (re.compile(r"(?:^|/)v1/messages(?:/count_tokens)?$"), "messages"))


class GitHubCopilotAdapter(OpenAIAdapter):
    """api[.{plan}].githubcopilot.com, proxy.{plan}.githubcopilot.com, copilot-proxy.githubusercontent.com."""

    name = "github_copilot"
    routes = _ROUTES

    def walk(self, endpoint: str, c: Collector, body: dict[str, Any]) -> None:
        if endpoint == "messages":
            anthropic.messages(c, body)
        else:
            super().walk(endpoint, c, body)

    def block_reply(self, endpoint: str, message: str, code: str) -> Reply:
        # VS Code drops its Copilot token on 401/403; a 422 shows as "Filtered by Responsible AI Service" + text.
        return Reply(422, reply_headers(), json_reply_body({"error": {"message": message, "code": code}}))

    def instance(self, host: str, headers: Mapping[str, str]) -> str:
        # The plan is in the host name: business and enterprise seats belong to a company.
        name = host.lower()
        if ".business." in name or ".enterprise." in name:
            return "corporate"
        return "personal" if ".individual." in name else "unknown"
