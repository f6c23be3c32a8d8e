"""FingerprintIndex: winnowed k-gram hashes of a company's code and documents, per file, built incrementally."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from detectors.fingerprint_tokens import code_ids, code_tokens, text_ids, text_words
from detectors.index_file import FileStamp, IndexFileError, read_index, write_index
from detectors.winnow import kgram_hashes, winnow

FORMAT = "gardefou-fingerprints/2"  # 2: names hashed by distance to their previous use, number tables kept
CODE_K, CODE_W = 15, 10  # tokens per k-gram, window: any shared run of 24+ normalised tokens is seen
CODE_MIN_DISTINCT = 7  # distinct tokens (names by spelling) a code k-gram needs to count
CODE_MIN_KINDS = 5  # distinct tokens once names are erased: fewer is a list of imports, assignments or words
TEXT_K, TEXT_W = 8, 8  # words per k-gram, window: any shared run of 15+ words is seen
CODE_SALT, TEXT_SALT = 0x5EED_C0DE, 0x5EED_7E47  # keep code and document hashes apart
MAX_FILE_BYTES = 4_000_000
MAX_SHARED_FILES = 10  # a fingerprint in more files is boilerplate: it only names a source when nothing rarer does
MAX_COMMON_FILES = 1000  # a fingerprint in more files than this is an idiom of the language: never looked up
CODE_EXTENSIONS = frozenset(
    ".py .pyi .java .kt .kts .scala .js .mjs .cjs .jsx .ts .tsx .c .h .cc .cpp .cxx .hpp .hh .cs .go .rs .php"
    " .rb .swift .m .mm .sql .sh .bash .zsh .ps1 .psm1 .pl .pm .lua .r .cbl .cob .cpy .abap .vb .bas .groovy"
    " .dart .ex .exs .erl .hs .ml .fs .clj .yaml .yml .toml .ini .cfg .json .xml .proto .tf .gradle".split()
)
TEXT_EXTENSIONS = frozenset(".txt .md .rst .tex .adoc .org .html .htm .csv .tsv".split())
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache",
                        ".ruff_cache", ".pytest_cache", "dist", "build", ".idea", ".vscode"})


def _empty(dtype: type[np.generic]) -> npt.NDArray[Any]:
    return np.zeros(0, dtype=dtype)


@dataclass(frozen=True, slots=True)
class IndexedFile:
    """One indexed file: where it is and what it was, so an unchanged file is not read again."""

    path: str
    mtime_ns: int
    size: int
    sha256: str
    kind: str  # "code" or "text"


def kind_of(path: Path) -> str | None:
    ext = path.suffix.lower()
    if ext in CODE_EXTENSIONS:
        return "code"
    if ext in TEXT_EXTENSIONS:
        return "text"
    return None


def code_hashes(tokens: list[str]) -> npt.NDArray[np.uint64]:
    """Hash of every k-gram of normalised code tokens (see code_tokens), the same for indexed files and prompts."""
    ids, names, values = code_ids(tokens)
    return kgram_hashes(ids, CODE_K, CODE_SALT, names, CODE_MIN_DISTINCT, values, CODE_MIN_KINDS)


def text_hashes(words: list[str]) -> npt.NDArray[np.uint64]:
    """Hash of every k-gram of folded words (see text_words)."""
    return kgram_hashes(text_ids(words), TEXT_K, TEXT_SALT)


def fingerprints(text: str, kind: str) -> npt.NDArray[np.uint64]:
    """The distinct winnowed fingerprints of one file's text."""
    if kind == "code":
        h = code_hashes(code_tokens(text)[1])
        return np.unique(h[winnow(h, CODE_W)])
    h = text_hashes(text_words(text))
    return np.unique(h[winnow(h, TEXT_W)])


def walk(roots: Iterable[Path]) -> Iterator[Path]:
    """Indexable files under each root (a root may be a file), hidden and build directories skipped."""
    for root in roots:
        if root.is_file():
            if kind_of(root):
                yield root.resolve()
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
            for name in sorted(filenames):
                p = Path(dirpath) / name
                if kind_of(p):
                    yield p.resolve()


@dataclass(slots=True)
class BuildStats:
    """What an (incremental) build did."""

    files: int = 0
    read: int = 0
    reused: int = 0
    skipped: int = 0
    bytes_read: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class FingerprintIndex:
    """Every file's fingerprints as (hash, file id) pairs sorted by hash; only hashes and paths are stored."""

    files: list[IndexedFile]
    hashes: npt.NDArray[np.uint64]
    file_ids: npt.NDArray[np.uint32]
    path: Path | None = None
    stamp: FileStamp | None = None
    # Lookup views derived at load: (hash, file) rows of the rare fingerprints; the boilerplate ones (held by
    # more than MAX_SHARED_FILES files) as hash -> group of files, since they come in families of identical sets.
    lookup_hashes: npt.NDArray[np.uint64] = field(default_factory=lambda: _empty(np.uint64))
    lookup_files: npt.NDArray[np.uint32] = field(default_factory=lambda: _empty(np.uint32))
    common_hashes: npt.NDArray[np.uint64] = field(default_factory=lambda: _empty(np.uint64))
    common_groups: npt.NDArray[np.int64] = field(default_factory=lambda: _empty(np.int64))
    group_starts: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    group_files: npt.NDArray[np.uint32] = field(default_factory=lambda: _empty(np.uint32))

    def __post_init__(self) -> None:
        if not len(self.hashes):
            return
        bounds = np.flatnonzero(np.diff(self.hashes)) + 1  # hashes are sorted: one run per distinct fingerprint
        starts = np.concatenate(([0], bounds))
        counts = np.diff(np.append(starts, len(self.hashes)))
        rare = np.repeat(counts <= MAX_SHARED_FILES, counts)
        self.lookup_hashes = self.hashes[rare]
        self.lookup_files = self.file_ids[rare]
        common = (counts > MAX_SHARED_FILES) & (counts <= MAX_COMMON_FILES)
        if not common.any():
            return
        c_starts, c_counts = starts[common], counts[common]
        files = self.file_ids[np.repeat(common, counts)]
        # A holder set's signature: the wrapping sum of one random word per file (collisions: ~2**-64).
        word = np.random.default_rng(0).integers(0, 2**63, size=len(self.files), dtype=np.uint64)
        offsets = np.cumsum(c_counts) - c_counts
        with np.errstate(over="ignore"):
            sig = np.add.reduceat(word[files], offsets) * np.uint64(0x9E3779B97F4A7C15) + c_counts.astype(np.uint64)
        _, first, groups = np.unique(sig, return_index=True, return_inverse=True)
        self.common_hashes = self.hashes[c_starts]
        self.common_groups = groups.astype(np.int64).ravel()
        sizes = c_counts[first]
        self.group_starts = np.concatenate(([0], np.cumsum(sizes)))
        self.group_files = files[np.repeat(offsets[first] - self.group_starts[:-1], sizes) + np.arange(sizes.sum())]

    @property
    def has_text(self) -> bool:
        return any(f.kind == "text" for f in self.files)

    def is_stale(self) -> bool:
        """True when the file it was loaded from changed (mtime or size) or disappeared."""
        return self.path is not None and self.stamp is not None and self.stamp.differs(self.path)

    def per_file(self) -> dict[int, npt.NDArray[np.uint64]]:
        order = np.argsort(self.file_ids, kind="stable")
        ids = self.file_ids[order]
        hs = self.hashes[order]
        bounds = np.searchsorted(ids, np.arange(len(self.files) + 1, dtype=np.uint32))
        return {i: hs[bounds[i]:bounds[i + 1]] for i in range(len(self.files))}

    def save(self, path: Path) -> None:
        meta = {
            "files": [[f.path, f.mtime_ns, f.size, f.sha256, f.kind] for f in self.files],
            "code_k": CODE_K, "code_w": CODE_W, "text_k": TEXT_K, "text_w": TEXT_W, "created": int(time.time()),
        }
        write_index(path, FORMAT, meta, {"hashes": self.hashes, "files": self.file_ids})

    @classmethod
    def load(cls, path: Path) -> FingerprintIndex:
        stamp = FileStamp.of(path) if path.exists() else None
        meta, arrays = read_index(path, FORMAT)
        try:
            if (meta["code_k"], meta["code_w"], meta["text_k"], meta["text_w"]) != (CODE_K, CODE_W, TEXT_K, TEXT_W):
                raise IndexFileError(f"{path}: built with other winnowing parameters; rebuild it")
            files = [IndexedFile(str(p), int(m), int(s), str(h), str(k)) for p, m, s, h, k in meta["files"]]
            hashes = arrays["hashes"].astype(np.uint64, copy=False)
            file_ids = arrays["files"].astype(np.uint32, copy=False)
        except (KeyError, TypeError, ValueError) as e:
            if isinstance(e, IndexFileError):
                raise
            raise IndexFileError(f"{path}: corrupt index metadata ({e})") from e
        if len(hashes) != len(file_ids) or (len(file_ids) and int(file_ids.max()) >= len(files)):
            raise IndexFileError(f"{path}: corrupt index (arrays do not match the file list)")
        return cls(files, hashes, file_ids, path, stamp)


def build_fingerprint_index(
    roots: Iterable[Path],
    previous: FingerprintIndex | None = None,
    progress: Callable[[Path], None] | None = None,
) -> tuple[FingerprintIndex, BuildStats]:
    """Index every file under `roots`; files unchanged since `previous` (mtime and size, or content) are not redone."""
    t0 = time.perf_counter()
    stats = BuildStats()
    old_by_path: dict[str, tuple[IndexedFile, npt.NDArray[np.uint64]]] = {}
    old_by_sha: dict[str, npt.NDArray[np.uint64]] = {}
    if previous is not None:
        groups = previous.per_file()
        for i, f in enumerate(previous.files):
            old_by_path[f.path] = (f, groups[i])
            old_by_sha[f.sha256] = groups[i]
    files: list[IndexedFile] = []
    parts: list[npt.NDArray[np.uint64]] = []
    for p in walk(roots):
        if progress is not None:
            progress(p)
        try:
            st = p.stat()
        except OSError:
            stats.skipped += 1
            continue
        if st.st_size > MAX_FILE_BYTES or st.st_size == 0:
            stats.skipped += 1
            continue
        kind = kind_of(p) or "code"
        key = str(p)
        old = old_by_path.get(key)
        if old is not None and old[0].mtime_ns == st.st_mtime_ns and old[0].size == st.st_size:
            files.append(old[0])
            parts.append(old[1])
            stats.reused += 1
            continue
        try:
            data = p.read_bytes()
        except OSError:
            stats.skipped += 1
            continue
        if b"\0" in data[:8192]:
            stats.skipped += 1  # binary
            continue
        sha = hashlib.sha256(data).hexdigest()
        stats.bytes_read += len(data)
        reused = old_by_sha.get(sha)
        if reused is not None:
            fps = reused
            stats.reused += 1
        else:
            fps = fingerprints(data.decode("utf-8", errors="replace"), kind)
            stats.read += 1
        files.append(IndexedFile(key, st.st_mtime_ns, st.st_size, sha, kind))
        parts.append(fps)
    stats.files = len(files)
    if parts:
        hashes = np.concatenate(parts)
        ids = np.repeat(np.arange(len(parts), dtype=np.uint32), [len(x) for x in parts])
        order = np.argsort(hashes, kind="stable")
        index = FingerprintIndex(files, hashes[order], ids[order])
    else:
        index = FingerprintIndex(files, np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint32))
    stats.seconds = time.perf_counter() - t0
    return index, stats
