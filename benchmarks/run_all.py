"""Runs every benchmark and accuracy script in turn (`--short` for CI) and prints a summary of their JSON."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

# (script, arguments in short mode, arguments in full mode); a script not present yet is skipped.
SCRIPTS = (
    ("bench_engine.py", ["--short"], []),
    ("eval_credentials.py", [], []),
    ("eval_regulated.py", ["--quick"], []),
    ("eval_source_code.py", [], []),
    ("bench_ip.py", ["--quick"], []),
    ("bench_proxy.py", ["--short"], []),
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--short", action="store_true", help="CI mode: each script in its short form")
    ap.add_argument("--only", action="append", help="run only these scripts (repeatable)")
    args = ap.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    failed = []
    for script, short, full in SCRIPTS:
        if args.only and script not in args.only:
            continue
        path = HERE / script
        if not path.exists():
            print(f"== {script}: not present, skipped")
            continue
        cmd = [sys.executable, str(path), *(short if args.short else full)]
        print(f"== {' '.join([script, *cmd[2:]])}", flush=True)
        t = time.perf_counter()
        r = subprocess.run(cmd, cwd=HERE.parent, check=False)
        print(f"== {script}: exit {r.returncode} in {time.perf_counter() - t:.0f}s", flush=True)
        if r.returncode != 0:
            failed.append(script)
    summary = {p.stem: json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json")) if p.stem != "summary"}
    (RESULTS / "summary.json").write_text(json.dumps(summary, indent=2))
    print(f"results in {RESULTS}/ ({len(summary)} files)")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
