"""Renders the proxy auto-config (PAC) file: AI service hosts through Garde-fou, the rest direct."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

_PROXY = re.compile(r"[A-Za-z0-9.\-]{1,253}:\d{1,5}|\[[0-9A-Fa-f:.]+\]:\d{1,5}")


def check_proxy(address: str) -> str:
    """`host:port` as it may appear in a PAC `PROXY` directive; raise ValueError on anything else."""
    if not _PROXY.fullmatch(address) or not 0 < int(address.rsplit(":", 1)[1]) < 65536:
        raise ValueError(f"proxy address must be host:port, not {address!r}")
    return address


def render_pac(hosts: Iterable[str], proxy: str, everything: bool = False) -> str:
    """A PAC file sending the catalogue's hosts (exact or `*` patterns) to `proxy`, every host when `everything`.

    No `; DIRECT` fallback: when the proxy is down, AI traffic must fail rather than leave uninspected.
    """
    directive = f"PROXY {check_proxy(proxy)}"
    exact = sorted({h.lower() for h in hosts if "*" not in h})
    patterns = sorted({h.lower() for h in hosts if "*" in h})
    if everything:
        body = f"  return {json.dumps(directive)};\n"
    else:
        body = (
            f"  var exact = {json.dumps(dict.fromkeys(exact, 1), indent=None)};\n"
            f"  var patterns = {json.dumps(patterns)};\n"
            "  host = host.toLowerCase().replace(/\\.$/, \"\");\n"
            "  if (Object.prototype.hasOwnProperty.call(exact, host)) return PROXY;\n"
            "  for (var i = 0; i < patterns.length; i++) {\n"
            "    if (shExpMatch(host, patterns[i])) return PROXY;\n"
            "  }\n"
            "  return \"DIRECT\";\n"
        )
    return (
        "// Garde-fou proxy auto-config: generative AI services go through the DLP proxy.\n"
        f"var PROXY = {json.dumps(directive)};\n"
        "function FindProxyForURL(url, host) {\n"
        f"{body}"
        "}\n"
    )
