"""EdmIndex: keyed hashes of a table's normalised cells, sorted for lookup; built from CSV, saved without plaintext."""

from __future__ import annotations

import csv
import hashlib
import time
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from detectors.edm_values import MAX_WORDS, normalize_value, word_count
from detectors.index_file import FileStamp, IndexFileError, read_index, write_index
from detectors.index_key import key_id, load_key

FORMAT = "gardefou-edm/1"  # unchanged by the word array: readers that predate it ignore it
WORDS = "blake2b-64/gardefou-edmw"  # metadata entry: the index holds the word array, hashed so (see WORD_PERSON)
MAX_COLUMNS = 65535
MAX_ROWS_PER_VALUE = 50  # a value held by more records ("Paris", "Martin") only corroborates a rarer one


class Hasher:
    """Keyed BLAKE2b with a 64-bit digest, a MAC by design; the keyed state is copied per value (twice as fast)."""

    def __init__(self, key: bytes, person: bytes = b"gardefou-edm") -> None:
        self._base = hashlib.blake2b(key=key[:64], digest_size=8, person=person)

    def __call__(self, value: str) -> int:
        h = self._base.copy()
        h.update(value.encode("utf-8", "surrogatepass"))
        return int.from_bytes(h.digest(), "big")

    def many(self, values: list[str]) -> npt.NDArray[np.uint64]:
        """The hashes of `values`, in order: digests joined and read as one big-endian array."""
        copy = self._base.copy
        text = "\n".join(values).encode("utf-8", "surrogatepass")
        encoded = text.split(b"\n") if values else []
        if len(encoded) != len(values):  # a value holding a newline: encode one by one
            encoded = [v.encode("utf-8", "surrogatepass") for v in values]
        digests = []
        for data in encoded:
            h = copy()
            h.update(data)
            digests.append(h.digest())
        return np.frombuffer(b"".join(digests), dtype=">u8").astype(np.uint64)


# The words of multi-word cells, under their own personalisation so that no entry can be matched with a cell
# hash. Without the key, the array tells only how many such words there are (a MAC). With the key, words can be
# guessed one by one from a dictionary, as single-word cells already can; the array holds no row or column.
WORD_PERSON = b"gardefou-edmw"


def _word_hashes(words: set[str], key: bytes) -> npt.NDArray[np.uint64]:
    return np.unique(Hasher(key, WORD_PERSON).many(sorted(words)))


@dataclass(slots=True)
class EdmIndex:
    """Sorted 64-bit keyed hashes with the (row, column) each came from; no cell value is kept.

    `words`, when the index has them, are the sorted keyed hashes of the words of multi-word cells: a phrase
    with another word cannot be a cell, so it is neither built nor hashed. Indexes built before have None.
    """

    table: str
    columns: tuple[str, ...]
    rows: int
    min_columns: int
    max_words: int
    key: bytes
    hashes: npt.NDArray[np.uint64]
    row_ids: npt.NDArray[np.uint32]
    col_ids: npt.NDArray[np.uint16]
    path: Path | None = None
    stamp: FileStamp | None = None
    words: npt.NDArray[np.uint64] | None = None
    hasher: Hasher = field(init=False, repr=False)
    word_hasher: Hasher = field(init=False, repr=False)

    def is_stale(self) -> bool:
        """True when the file it was loaded from changed (mtime or size) or disappeared."""
        return self.path is not None and self.stamp is not None and self.stamp.differs(self.path)

    def __post_init__(self) -> None:
        self.hasher = Hasher(self.key)
        self.word_hasher = Hasher(self.key, WORD_PERSON)

    def known_words(self, words: list[str]) -> list[bool]:
        """For each word, whether some multi-word cell holds it (all True without a word array)."""
        if self.words is None:
            return [True] * len(words)
        if not words or not len(self.words):
            return [False] * len(words)
        q = self.word_hasher.many(words)
        pos = np.minimum(np.searchsorted(self.words, q), len(self.words) - 1)
        found: list[bool] = (self.words[pos] == q).tolist()
        return found

    def lookup(self, values: Iterable[str]) -> dict[int, dict[int, str]]:
        """Row -> column -> normalised value, for every record holding a distinctive value among `values`.

        A value found in more than MAX_ROWS_PER_VALUE records cannot single one out: it only adds its column
        to records that a distinctive value already found.
        """
        vals = list(dict.fromkeys(values))
        records: dict[int, dict[int, str]] = {}
        if not vals or not len(self.hashes):
            return records
        q = self.hasher.many(vals)
        lo = np.searchsorted(self.hashes, q, side="left")
        hit = np.nonzero(self.hashes[np.minimum(lo, len(self.hashes) - 1)] == q)[0]
        hi = np.searchsorted(self.hashes, q[hit], side="right")  # the few values found: where their rows end
        common: list[tuple[int, int, int]] = []
        for i, a, b in zip(hit.tolist(), lo[hit].tolist(), hi.tolist(), strict=True):
            if b - a > MAX_ROWS_PER_VALUE:
                common.append((i, a, b))
                continue
            for row, col in zip(self.row_ids[a:b].tolist(), self.col_ids[a:b].tolist(), strict=True):
                records.setdefault(row, {}).setdefault(col, vals[i])
        if records and common:
            found = np.fromiter(records, dtype=np.uint32, count=len(records))
            for i, a, b in common:
                # Rows within one hash are in ascending order (stable sort at build): a binary search each.
                rows = self.row_ids[a:b]
                pos = np.searchsorted(rows, found)
                inside = pos < len(rows)
                for k in np.nonzero(inside)[0].tolist():
                    p = int(pos[k])
                    if rows[p] == found[k]:
                        records[int(found[k])].setdefault(int(self.col_ids[a + p]), vals[i])
        return records

    def save(self, path: Path, key_file: Path) -> None:
        meta = {
            "table": self.table, "columns": list(self.columns), "rows": self.rows, "min_columns": self.min_columns,
            "max_words": self.max_words, "key_id": key_id(self.key), "key_file": str(key_file.resolve()),
            "created": int(time.time()),
        }
        arrays: dict[str, npt.NDArray[Any]] = {"hashes": self.hashes, "rows": self.row_ids, "cols": self.col_ids}
        if self.words is not None:
            meta["words"] = WORDS
            arrays["words"] = self.words
        write_index(path, FORMAT, meta, arrays)

    @classmethod
    def load(cls, path: Path, key_file: Path | None = None) -> EdmIndex:
        """Read an index and its key (the key file recorded at build time unless one is given)."""
        stamp = FileStamp.of(path) if path.exists() else None
        meta, arrays = read_index(path, FORMAT)
        try:
            kf = key_file or Path(str(meta["key_file"]))
            key = load_key(kf)
            if key_id(key) != meta["key_id"]:
                raise IndexFileError(f"{path}: key file {kf} is not the key this index was built with")
            hashes, rows, cols = arrays["hashes"], arrays["rows"], arrays["cols"]
            columns = tuple(str(c) for c in meta["columns"])
            if not (len(hashes) == len(rows) == len(cols)):
                raise IndexFileError(f"{path}: corrupt index (array lengths differ)")
            # An index built before the word array: looked up without the word filter.
            words = arrays["words"].astype(np.uint64, copy=False) if meta.get("words") == WORDS else None
            return cls(str(meta["table"]), columns, int(meta["rows"]), int(meta["min_columns"]),
                       int(meta["max_words"]), key, hashes.astype(np.uint64, copy=False),
                       rows.astype(np.uint32, copy=False), cols.astype(np.uint16, copy=False), path, stamp, words)
        except (KeyError, TypeError, ValueError) as e:
            if isinstance(e, IndexFileError):
                raise
            raise IndexFileError(f"{path}: corrupt index metadata ({e})") from e


def _first_undecodable_line(path: Path, encoding: str) -> int:
    with open(path, "rb") as f:
        for n, raw in enumerate(f, start=1):
            try:
                raw.decode(encoding)
            except UnicodeDecodeError:
                return n
    return 1


def _sniff(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def build_edm_index(
    csv_path: Path,
    key: bytes,
    columns: list[str] | None = None,
    table: str | None = None,
    min_columns: int = 2,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> EdmIndex:
    """Hash every chosen cell of a CSV with a header row; IndexFileError naming file, line and column on bad input."""
    where = str(csv_path)
    try:
        f = open(csv_path, encoding=encoding, newline="")
    except OSError as e:
        raise IndexFileError(f"{where}: cannot read: {e.strerror or e}") from e
    hasher = Hasher(key)
    cache: dict[str, tuple[str, int] | None] = {}  # names and cities repeat: normalise and hash each once
    hashes: array[int] = array("Q")
    row_ids: array[int] = array("I")
    col_ids: array[int] = array("H")
    words: set[str] = set()  # of multi-word cells, hashed at the end (see WORD_PERSON)
    max_words = 1
    n_rows = 0
    reader = None
    try:
        with f:
            sample = f.read(65536)
            f.seek(0)
            reader = csv.reader(f, delimiter=delimiter or _sniff(sample))
            header = next(reader, None)
            if not header:
                raise IndexFileError(f"{where}:1: empty file, expected a header row")
            header = [h.strip().lstrip("\ufeff") for h in header]
            wanted = columns or header
            missing = [c for c in wanted if c not in header]
            if missing:
                raise IndexFileError(f"{where}:1: column(s) {', '.join(map(repr, missing))} not in the header "
                                     f"(columns: {', '.join(header)})")
            if len(wanted) > MAX_COLUMNS:
                raise IndexFileError(f"{where}:1: more than {MAX_COLUMNS} columns")
            positions = [header.index(c) for c in wanted]
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) < len(header):
                    raise IndexFileError(f"{where}:{reader.line_num}: {len(row)} cell(s), the header has {len(header)}")
                for ci, pos in enumerate(positions):
                    cell = row[pos]
                    if cell in cache:
                        done = cache[cell]
                    else:
                        value = normalize_value(cell)
                        done = cache[cell] = (value, hasher(value)) if value is not None else None
                        if value is not None and " " in value:
                            words.update(value.split(" "))
                        if len(cache) > 200_000:
                            cache.clear()
                    if done is None:
                        continue
                    hashes.append(done[1])
                    row_ids.append(n_rows)
                    col_ids.append(ci)
                    max_words = max(max_words, word_count(done[0]))
                n_rows += 1
                if progress is not None and n_rows % 1000 == 0:
                    progress(1000)
    except UnicodeDecodeError as e:
        line = _first_undecodable_line(csv_path, encoding)
        raise IndexFileError(f"{where}:{line}: not valid {encoding} ({e.reason}); try --encoding latin-1") from e
    except csv.Error as e:
        line = reader.line_num if reader is not None else 1
        raise IndexFileError(f"{where}:{line}: {e}") from e
    h = np.frombuffer(hashes, dtype=np.uint64) if hashes else np.zeros(0, dtype=np.uint64)
    order = np.argsort(h, kind="stable")
    return EdmIndex(
        table=table or csv_path.stem, columns=tuple(wanted), rows=n_rows, min_columns=min_columns,
        max_words=min(max_words, MAX_WORDS), key=key, hashes=h[order],
        row_ids=np.frombuffer(row_ids, dtype=np.uint32)[order] if row_ids else np.zeros(0, dtype=np.uint32),
        col_ids=np.frombuffer(col_ids, dtype=np.uint16)[order] if col_ids else np.zeros(0, dtype=np.uint16),
        words=_word_hashes(words, key),
    )
