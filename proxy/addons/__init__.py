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


def mitmproxy_addons() -> list[object]:
    """mitmproxy's own addons that a DLP forward proxy needs; not mitmdump's whole set.

    Left out on purpose: flow saving and export (save, savehar, export, cut), replay (client/server playback),
    traffic rewriting (map/modify, anticache, anticomp, sticky cookies and auth), user scripts and the command
    history file. In a proxy that decrypts prompts, any of them is a way to write or alter that data outside the
    policy; their options are unknown to `gardefou run` and refused. Every addon also costs a call per hook of
    every request, fewer of them is a faster proxy.
    """
    from mitmproxy.addons import (
        block,
        core,
        disable_h2c,
        dns_resolver,
        errorcheck,
        next_layer,
        onboarding,
        proxyauth,
        proxyserver,
        tlsconfig,
        upstream_auth,
    )

    # mitmdump's relative order: hooks run in this order (proxyauth before the proxy server and ours...).
    return [
        core.Core(),
        block.Block(),
        disable_h2c.DisableH2C(),
        onboarding.Onboarding(),  # type: ignore[no-untyped-call]
        proxyauth.ProxyAuth(),
        proxyserver.Proxyserver(),  # type: ignore[no-untyped-call]
        dns_resolver.DnsResolver(),
        next_layer.NextLayer(),
        tlsconfig.TlsConfig(),
        upstream_auth.UpstreamAuth(),
        errorcheck.ErrorCheck(),
    ]


def default_addons() -> list[object]:
    """Fresh addon instances for one master: core enforcement, then metrics, incident log and admin."""
    return [a for m, n in (*_CORE, *_AFTER) if (a := _load(m, n)) is not None]
