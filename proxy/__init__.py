"""Garde-fou's mitmproxy side: addons, adapters per AI service, policy and enforcement."""
