"""AzureOpenAIAdapter: Azure OpenAI deployments, same bodies as OpenAI, refused in Azure's content-filter shape."""

from __future__ import annotations

from collections.abc import Mapping

from proxy.adapters.base import Reply
from proxy.adapters.jsonbody import json_reply_body, reply_headers
from proxy.adapters.openai import ROUTES, OpenAIAdapter


class AzureOpenAIAdapter(OpenAIAdapter):
    """{resource}.openai.azure.com, *.cognitiveservices.azure.com, *.services.ai.azure.com."""

    name = "azure_openai"
    # The OpenAI routes match the end of the path: /openai/deployments/{d}/chat/completions?api-version=...,
    # /openai/v1/chat/completions and AI Foundry's /models/chat/completions all resolve the same way.
    routes = ROUTES

    def block_reply(self, endpoint: str, message: str, code: str) -> Reply:
        # The shape Azure's own content filter answers with: clients already show it as a policy refusal.
        error = {
            "message": message,
            "type": None,
            "param": "prompt",
            "code": "content_filter",
            "status": 400,
            "innererror": {"code": "ResponsibleAIPolicyViolation"},
        }
        return Reply(400, reply_headers(), json_reply_body({"error": error}))

    def instance(self, host: str, headers: Mapping[str, str]) -> str:
        # An Azure resource is always a company's subscription.
        return "corporate"
