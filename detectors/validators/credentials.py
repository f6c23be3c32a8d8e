"""Credential validators: GitHub/npm token checksums, escaped PEM blocks, HTTP Basic payloads."""

from __future__ import annotations

import base64
import binascii
import zlib

from detectors.validators import validator
from detectors.validators.structure import pem_body

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_B62_INDEX = {c: i for i, c in enumerate(_BASE62)}


def base62_encode(n: int, width: int = 6) -> str:
    """Base62 with GitHub's alphabet (digits, upper, lower), left-padded with '0' to `width`."""
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = _BASE62[r] + out
    return out.rjust(width, "0")


def crc32_base62(body: str) -> str:
    """The 6-character checksum GitHub and npm append to the random part of their tokens."""
    return base62_encode(zlib.crc32(body.encode("ascii")) & 0xFFFFFFFF)


@validator("github_checksum")
def github_checksum(value: str) -> bool:
    """`ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_`/`npm_` + 30 random base62 + 6 base62 of their CRC32."""
    _, sep, rest = value.partition("_")
    if not sep or len(rest) != 36 or any(c not in _B62_INDEX for c in rest):
        return False
    return crc32_base62(rest[:30]) == rest[30:]


@validator("pem_escaped")
def pem_escaped(value: str) -> bool:
    """A PEM block whose newlines are JSON/string escapes (`\\n`), as in a service-account JSON file."""
    return pem_body(value.replace("\\r", "").replace("\\n", "\n"))


@validator("basic_auth")
def basic_auth(value: str) -> bool:
    """An HTTP Basic payload: base64 of printable `user:password` with a non-empty password."""
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False
    user, sep, password = raw.partition(":")
    return bool(sep) and len(password) >= 3 and raw.isprintable() and len(user) <= 128


@validator("pem_armor")
def pem_armor(value: str) -> bool:
    """An armored block (PGP, SSH2) once its checksum line (`=ab12`) and quoted headers are set aside."""
    lines = [ln for ln in value.splitlines() if not ln.strip().startswith(("=", '"', "----"))]
    return pem_body("\n".join(lines))
