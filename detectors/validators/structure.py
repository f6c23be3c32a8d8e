"""Structural validators for credentials: JWT, PEM blocks, base64 payloads."""

from __future__ import annotations

import base64
import binascii
import json

from detectors.validators import validator


def _b64url_json(part: str) -> object | None:
    pad = "=" * (-len(part) % 4)
    try:
        raw = base64.urlsafe_b64decode(part + pad)
        parsed: object = json.loads(raw)
        return parsed
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


@validator("jwt")
def jwt(value: str) -> bool:
    """A JWT: three base64url parts, the header a JSON object with `alg`, the payload a JSON object."""
    parts = value.split(".")
    if len(parts) != 3:
        return False
    header = _b64url_json(parts[0])
    payload = _b64url_json(parts[1])
    return isinstance(header, dict) and "alg" in header and isinstance(payload, dict)


@validator("pem_body")
def pem_body(value: str) -> bool:
    """A PEM block whose body is real base64 of some length (not `...` or `<key here>`)."""
    lines = [ln.strip() for ln in value.strip().splitlines()]
    body = "".join(ln for ln in lines if ln and not ln.startswith("-----") and ":" not in ln)
    if len(body) < 40:
        return False
    try:
        base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(set(body)) > 16
