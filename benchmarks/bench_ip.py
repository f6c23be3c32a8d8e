"""Fingerprint and EDM numbers: recall/false positives, index size per MB, build time, lookup latency; code-stage cost.

    .venv/bin/python benchmarks/bench_ip.py [--quick]
Fingerprints: the interpreter's standard library + pip (2,000+ files) are indexed; disguised 10-20 line excerpts
(renamed identifiers, reformatting, comments changed, two lines swapped) must be found, excerpts of other code bases
(mitmproxy, numpy, spacy, pydantic, thinc) must not. Every sampled excerpt counts: one held alike by many files is
found when its file is named or among the "N other files". Lookup latency on 4 KB prompts (indexed code, other
code, prose), index size and resident memory after load. EDM: a generated 100,000-row table.
Writes benchmarks/results/bench_ip.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from fingerprint_samples import (  # noqa: E402
    disguise,
    fingerprint_roots,
    is_copy,
    other_code_roots,
    python_files,
    samples,
    stdlib_roots,
)

from detectors.edm import EdmStage  # noqa: E402
from detectors.edm_index import EdmIndex, build_edm_index  # noqa: E402
from detectors.fingerprint import FingerprintStage  # noqa: E402
from detectors.fingerprint_index import FingerprintIndex, build_fingerprint_index  # noqa: E402
from detectors.index_key import load_or_create_key  # noqa: E402
from detectors.normalize import normalize  # noqa: E402
from detectors.stage import Document  # noqa: E402


def bench_fingerprints(n_pos: int, n_neg: int, tmp: Path) -> dict[str, object]:
    roots = fingerprint_roots()
    t0 = time.perf_counter()
    index, stats = build_fingerprint_index(roots)
    build_s = time.perf_counter() - t0
    path = tmp / "fp.npz"
    index.save(path)
    t0 = time.perf_counter()
    _, stats2 = build_fingerprint_index(roots, previous=FingerprintIndex.load(path))
    rebuild_s = time.perf_counter() - t0
    index = FingerprintIndex.load(path)
    stage = FingerprintStage(index)
    mb = stats.bytes_read / 1e6
    size = path.stat().st_size
    rng = random.Random(2)
    pos = samples(python_files(stdlib_roots()), n_pos, 1)
    hits = first = shared = 0
    for src, ex in pos:
        want = str(src.resolve())
        m = stage.matches("Peux-tu optimiser ceci ?\n" + disguise(ex, rng))
        # Code held alike by several files is reported as the best of them "and N other files": a hit if listed.
        named = {index.files[f].path for x in m for f in (x[0], *x[4])}
        hits += want in named
        first += bool(m) and index.files[m[0][0]].path == want
        shared += want in named and bool(m[0][4])
    neg = samples(python_files(other_code_roots()), n_neg, 3)
    fp = copies = 0
    for _, ex in neg:
        m = stage.matches(ex)
        if m:
            if is_copy(ex, Path(index.files[m[0][0]].path).read_text(encoding="utf-8", errors="replace")):
                copies += 1
            else:
                fp += 1
    # Lookup latency on 4 KB prompts, one pass each: disguised indexed code, other code, prose.
    lat = _latency(stage, [(_PREFIX + "\n" + ex + "\n") * 8 for _, ex in pos[:100]])
    lat_other = _latency(stage, [(_PREFIX + "\n" + ex + "\n") * 8 for _, ex in neg[:100]])
    lat_prose = _latency(stage, _prose_prompts(100))
    return {
        "indexed_files": stats.files, "indexed_mb": round(mb, 1), "build_s": round(build_s, 1),
        "incremental_rebuild_s": round(rebuild_s, 2), "rebuild_reused": stats2.reused,
        "index_bytes": size, "index_mb_per_source_mb": round(size / 1e6 / mb, 3), "fingerprints": len(index.hashes),
        "index_rss_mb": _rss_after_load(path),
        "recall": round(hits / len(pos), 3), "recall_named_first": round(first / len(pos), 3),
        "recall_shared_with_other_files": shared, "positives": len(pos),
        "negatives": len(neg), "false_positives": fp, "fp_rate": round(fp / len(neg), 4),
        "negatives_that_are_real_copies": copies,
        "lookup_ms_4kb_median": lat[0], "lookup_ms_4kb_p95": lat[1],
        "lookup_ms_4kb_other_code_median": lat_other[0], "lookup_ms_4kb_other_code_p95": lat_other[1],
        "lookup_ms_4kb_prose_median": lat_prose[0], "lookup_ms_4kb_prose_p95": lat_prose[1],
    }


_PREFIX = "Bonjour, peux-tu relire ce code ? " * 4


def _latency(stage: FingerprintStage, prompts: list[str]) -> tuple[float, float]:
    """Median and p95 ms of stage.matches over 4 KB prompts, each seen once."""
    lat = []
    for p in prompts:
        p = p[:4096]
        t = time.perf_counter()
        stage.matches(p)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    return round(statistics.median(lat), 2), round(lat[int(0.95 * len(lat)) - 1], 2)


def _prose_prompts(n: int) -> list[str]:
    """4 KB of French and English prose from the source-code corpus (man pages, licences, readmes, letters)."""
    corpus = ROOT / "benchmarks" / "corpus" / "source_code" / "samples.jsonl"
    rows = [json.loads(line) for line in corpus.open(encoding="utf-8")]
    prose = [r["text"] for r in rows if r["kind"] in ("prose_en", "prose_fr")]
    rng = random.Random(4)
    out = []
    for _ in range(n):
        rng.shuffle(prose)
        text, i = "", 0
        while len(text) < 4096:
            text += prose[i % len(prose)] + "\n\n"
            i += 1
        out.append(text[:4096])
    return out


def _rss_after_load(path: Path) -> float:
    """MB of resident memory a fresh process gains by loading the index (lookup views included)."""
    code = ("import sys; sys.path.insert(0, sys.argv[2]); from pathlib import Path\n"
            "import numpy, detectors.fingerprint_index as fi\n"
            "def rss(): return int(next(x for x in open('/proc/self/status') if x.startswith('VmRSS')).split()[1])\n"
            "before = rss(); index = fi.FingerprintIndex.load(Path(sys.argv[1])); print((rss() - before) / 1024)")
    out = subprocess.run([sys.executable, "-c", code, str(path), str(ROOT)], capture_output=True, text=True,
                         check=True)
    return round(float(out.stdout), 1)


def bench_edm(rows: int, tmp: Path) -> dict[str, object]:
    spec = importlib.util.spec_from_file_location("ip_conftest", ROOT / "tests" / "detectors" / "ip" / "conftest.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    csv_path = tmp / "clients.csv"
    data = mod.write_people_csv(csv_path, rows)
    key = load_or_create_key(tmp / "edm.key")
    t0 = time.perf_counter()
    index = build_edm_index(csv_path, key, ["first_name", "last_name", "email", "phone", "iban", "city"], "clients")
    build_s = time.perf_counter() - t0
    out = tmp / "clients.edm.npz"
    index.save(out, tmp / "edm.key")
    stage = EdmStage(EdmIndex.load(out))
    rng = random.Random(5)
    corpus = ROOT / "benchmarks" / "corpus" / "source_code" / "samples.jsonl"
    prose = [json.loads(line)["text"] for line in corpus.open(encoding="utf-8")]
    prose = [t for t in prose if len(t) > 400]
    lat, found = [], 0
    for _ in range(200):
        r = data[rng.randrange(rows)]
        filler = "\n".join(rng.sample(prose, 12))[:3900]  # varied 4 KB prompts: prose, code, logs of the corpus
        text = filler + f" {r[2]} {r[3]}"
        t = time.perf_counter()
        fs = stage.scan(Document(normalize(text)))
        lat.append((time.perf_counter() - t) * 1000)
        found += bool(fs)
    return {
        "rows": rows, "build_s": round(build_s, 2), "index_bytes": out.stat().st_size,
        "csv_bytes": csv_path.stat().st_size, "hashes": len(index.hashes), "detected_2_columns": found / 200,
        "lookup_ms_4kb_median": round(statistics.median(lat), 2),
        "lookup_ms_4kb_p95": round(sorted(lat)[int(0.95 * len(lat)) - 1], 2),
    }


def bench_code_stage() -> dict[str, object]:
    """MB/s of the source-code stage against the rule pass: whole corpus (half code), then its prose/logs half."""
    from detectors.pipeline import EngineConfig, build_engine

    corpus = ROOT / "benchmarks" / "corpus" / "source_code" / "samples.jsonl"
    rows = [json.loads(line) for line in corpus.open(encoding="utf-8")]
    engine = build_engine(EngineConfig())
    out: dict[str, object] = {}
    for name, texts in (("mixed", [r["text"] for r in rows]),
                        ("no_code", [r["text"] for r in rows if r["label"] != "code"])):
        mb = sum(len(t.encode()) for t in texts) / 1e6
        timings: dict[str, float] = {}
        for _ in range(3):
            for t in texts:
                for k, v in engine.scan(t).timings.items():
                    timings[k] = timings.get(k, 0.0) + v / 3
        rule, code = timings.get("hyperscan", 0.0), timings.get("source_code", 0.0)
        out[name] = {"mb": round(mb, 2), "rule_pass_mb_s": round(mb / rule, 1), "source_code_mb_s": round(mb / code, 1),
                     "source_code_over_rule_pass": round(code / rule, 2)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer samples")
    args = ap.parse_args()
    n_pos, n_neg = (100, 300) if args.quick else (300, 1000)
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        results["fingerprints"] = bench_fingerprints(n_pos, n_neg, tmp)
        print("fingerprints", json.dumps(results["fingerprints"], indent=1))
        results["edm"] = bench_edm(100_000, tmp)
        print("edm", json.dumps(results["edm"], indent=1))
    results["source_code_stage"] = bench_code_stage()
    print("source_code_stage", json.dumps(results["source_code_stage"], indent=1))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_ip.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
