"""`gardefou index edm|fingerprints|info`: build the exact-data-match and fingerprint indexes the policy points to."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from tqdm import tqdm

from detectors.edm_index import build_edm_index
from detectors.fingerprint_index import FingerprintIndex, build_fingerprint_index, walk
from detectors.index_file import IndexFileError
from detectors.index_key import default_key_file, load_or_create_key


def register(sub: Any) -> None:
    index = sub.add_parser("index", help="build exact-data-match and fingerprint indexes (hashes only)")
    isub = index.add_subparsers(dest="index_command", required=True, metavar="KIND")
    edm = isub.add_parser("edm", help="index a customer or employee table (CSV with a header row)")
    edm.add_argument("csv", type=Path, help="the table, a CSV file whose first row names the columns")
    edm.add_argument("--out", "-o", type=Path, help="index file to write (default: TABLE.edm.npz beside the CSV)")
    edm.add_argument("--columns", help="comma-separated columns to index (default: all)")
    edm.add_argument("--table", help="name reported in findings (default: the CSV file name)")
    edm.add_argument("--key-file", type=Path, default=None,
                     help=f"secret key for the hashes, created 0600 if missing (default: {default_key_file()})")
    edm.add_argument("--min-columns", type=int, default=2,
                     help="columns of one record a prompt must hold to be reported (default: 2)")
    edm.add_argument("--encoding", default="utf-8", help="CSV encoding (default: utf-8)")
    edm.add_argument("--delimiter", help="CSV delimiter (default: guessed among , ; tab |)")
    edm.set_defaults(func=cmd_edm)
    fp = isub.add_parser("fingerprints", help="index repositories and documents (winnowed hashes of normalised text)")
    fp.add_argument("paths", type=Path, nargs="+", metavar="DIR", help="directories or files to index")
    fp.add_argument("--out", "-o", type=Path, required=True, help="index file to write (updated in place)")
    fp.add_argument("--full", action="store_true", help="re-read every file instead of reusing unchanged ones")
    fp.set_defaults(func=cmd_fingerprints)


def _fail(message: str) -> int:
    print(f"gardefou: {message}", file=sys.stderr)
    return 2


def cmd_edm(args: argparse.Namespace) -> int:
    if args.min_columns < 1:
        return _fail("--min-columns must be at least 1")
    columns = [c.strip() for c in args.columns.split(",") if c.strip()] if args.columns else None
    key_file = args.key_file or default_key_file()
    out = args.out or args.csv.with_name(f"{args.csv.stem}.edm.npz")
    t0 = time.perf_counter()
    try:
        key = load_or_create_key(key_file)
        with tqdm(unit=" rows", desc=f"index {args.csv.name}", disable=None) as bar:
            index = build_edm_index(args.csv, key, columns, args.table, args.min_columns, args.encoding,
                                    args.delimiter, progress=bar.update)
        index.save(out, key_file)
    except IndexFileError as e:
        return _fail(str(e))
    size = out.stat().st_size
    print(f"{out}: table {index.table!r}, {index.rows} rows, {len(index.columns)} columns "
          f"({', '.join(index.columns)}), {len(index.hashes)} hashes, {size / 1e6:.1f} MB, "
          f"{time.perf_counter() - t0:.1f} s; key {key_file}")
    return 0


def cmd_fingerprints(args: argparse.Namespace) -> int:
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        return _fail(f"no such file or directory: {', '.join(missing)}")
    previous = None
    if args.out.exists() and not args.full:
        try:
            previous = FingerprintIndex.load(args.out)
        except IndexFileError as e:
            print(f"gardefou: {e}; rebuilding from scratch", file=sys.stderr)
    files = list(walk(args.paths))
    try:
        with tqdm(total=len(files), unit=" files", desc="fingerprints", disable=None) as bar:
            index, stats = build_fingerprint_index(files, previous, progress=lambda _p: bar.update(1))
        index.save(args.out)
    except IndexFileError as e:
        return _fail(str(e))
    size = args.out.stat().st_size
    print(f"{args.out}: {stats.files} files ({stats.read} read, {stats.reused} unchanged, {stats.skipped} skipped), "
          f"{len(index.hashes)} fingerprints, {size / 1e6:.1f} MB, {stats.seconds:.1f} s")
    return 0
