"""Index files: numpy arrays plus JSON metadata in one .npz (no pickle), written atomically, read with clear errors."""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt


class IndexFileError(ValueError):
    """An index file that cannot be read or written; the message names the file."""


@dataclass(frozen=True, slots=True)
class FileStamp:
    """What an index file looked like when loaded, to tell cheaply whether it changed since."""

    mtime_ns: int
    size: int

    @classmethod
    def of(cls, path: Path) -> FileStamp:
        st = path.stat()
        return cls(st.st_mtime_ns, st.st_size)

    def differs(self, path: Path) -> bool:
        try:
            return FileStamp.of(path) != self
        except OSError:
            return True


def write_index(path: Path, fmt: str, meta: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]) -> None:
    """Write arrays and metadata to `path` through a temporary file, so a reader never sees half an index."""
    payload = json.dumps({"format": fmt, **meta}, ensure_ascii=False).encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            savez: Any = np.savez  # its stub types **kwds as the allow_pickle flag
            savez(f, meta=np.frombuffer(payload, dtype=np.uint8), **arrays)
        tmp.replace(path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise IndexFileError(f"{path}: cannot write index: {e.strerror or e}") from e


def read_index(path: Path, fmt: str) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
    """(metadata, arrays) of an index file of format `fmt`; IndexFileError naming the file otherwise."""
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except FileNotFoundError:
        raise IndexFileError(f"{path}: index file not found") from None
    except OSError as e:
        raise IndexFileError(f"{path}: cannot read index: {e.strerror or e}") from e
    except (ValueError, zipfile.BadZipFile, EOFError) as e:
        raise IndexFileError(f"{path}: not a Garde-fou index file ({e})") from e
    raw = arrays.pop("meta", None)
    try:
        meta = json.loads(raw.tobytes().decode("utf-8")) if raw is not None else None
    except (UnicodeDecodeError, ValueError):
        meta = None
    if not isinstance(meta, dict) or meta.get("format") != fmt:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise IndexFileError(f"{path}: not a {fmt} index (format {found!r})")
    return meta, arrays
