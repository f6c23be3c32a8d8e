"""Text files sent inline as base64 (data URLs, `file_data`, `inlineData`): decoded to scan, re-encoded to rewrite."""

from __future__ import annotations

import base64
import binascii
import re

from proxy.adapters.base import AdapterError

# Marks "the string at the path before is a base64 text file; the segment is its decoded text".
BASE64 = "\x00base64"

_TEXT_MIMES = frozenset(
    {"application/json", "application/xml", "application/x-yaml", "application/yaml", "application/csv",
     "application/javascript", "application/x-javascript", "application/sql", "application/x-sh",
     "application/x-python", "application/x-httpd-php", "application/toml", "application/x-tex"}
)
_TEXT_EXTENSIONS = frozenset(
    "txt md markdown csv tsv json jsonl xml yaml yml toml ini cfg conf env properties log sql html htm css "
    "py js mjs ts tsx jsx java kt c h cc cpp hpp cs go rs rb php sh bash ps1 swift scala r m tex rst".split()
)
_DATA_URL = re.compile(r"data:([^;,]*)((?:;[^;,]*)*);base64,", re.IGNORECASE)
MAX_DECODED = 8 * 1024 * 1024  # bigger inline files are left to the upload inspection (a later issue)


def is_text(mime: str, filename: str = "") -> bool:
    """Whether a file of this media type or name is text worth scanning."""
    mime = mime.split(";", 1)[0].strip().lower()
    if mime.startswith("text/") or mime in _TEXT_MIMES or mime.endswith(("+json", "+xml")):
        return True
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return ext in _TEXT_EXTENSIONS


def decode(value: str, mime: str = "", filename: str = "") -> str | None:
    """The text of a base64 file (bare or as a data URL), or None when it is not a UTF-8 text file."""
    header = _DATA_URL.match(value)
    data = value[header.end() :] if header else value
    if header and header.group(1):
        mime = header.group(1)
    if not is_text(mime, filename) or len(data) > MAX_DECODED * 4 // 3 + 4:
        return None
    try:
        raw = base64.b64decode(data, validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def encode(original: str, text: str) -> str:
    """`text` base64-encoded the way `original` was (with its data URL header, if any)."""
    header = _DATA_URL.match(original)
    prefix = original[: header.end()] if header else ""
    try:
        return prefix + base64.b64encode(text.encode("utf-8")).decode("ascii")
    except UnicodeEncodeError:
        raise AdapterError("replacement cannot be written in UTF-8") from None
