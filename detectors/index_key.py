"""The secret key of keyed index hashes: kept in its own file (0600), apart from the index it protects."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from detectors.index_file import IndexFileError

KEY_BYTES = 32


def default_key_file() -> Path:
    env = os.environ.get("GARDEFOU_INDEX_KEY_FILE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return Path(base) / "gardefou" / "index.key"


def load_or_create_key(path: Path) -> bytes:
    """The key in `path`, created (random, mode 0600) when the file does not exist yet."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return load_key(path)  # another process created it meanwhile
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(KEY_BYTES).hex().encode() + b"\n")
    return load_key(path)


def load_key(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise IndexFileError(f"{path}: key file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise IndexFileError(f"{path}: cannot read key file: {e}") from e
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise IndexFileError(f"{path}: a key file holds {KEY_BYTES * 2} hexadecimal characters") from None
    if len(key) < 16:
        raise IndexFileError(f"{path}: key too short ({len(key)} bytes, at least 16)")
    return key


def key_id(key: bytes) -> str:
    """A public fingerprint of the key, stored in the index to detect a mismatched key file."""
    return hmac.new(key, b"gardefou-index-key-id", hashlib.sha256).hexdigest()[:16]
