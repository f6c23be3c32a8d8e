"""Detector throughput: Garde-fou vs a plain regex loop vs detect-secrets, latency per 4 KB prompt, rule scaling."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import regex  # noqa: E402
from corpus_mixed import build  # noqa: E402

from detectors.engine import Engine  # noqa: E402
from detectors.pipeline import EngineConfig, build_engine, load_config_rules  # noqa: E402
from detectors.rule_pass import RulePass, regex_flags  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def mb(n: int) -> float:
    return n / 1_000_000


def throughput(fn, docs: list[str], nbytes: int, min_seconds: float) -> float:  # type: ignore[no-untyped-def]
    """MB/s over the corpus, repeated until `min_seconds` elapsed (one core: this process, one thread)."""
    rounds = 0
    t0 = time.perf_counter()
    while True:
        for d in docs:
            fn(d)
        rounds += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= min_seconds:
            return mb(nbytes * rounds) / elapsed


def latencies(fn, docs: list[str]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    samples = []
    for d in docs:
        t = time.perf_counter_ns()
        fn(d)
        samples.append((time.perf_counter_ns() - t) / 1e6)
    samples.sort()
    return {
        "p50_ms": statistics.median(samples),
        "p99_ms": samples[min(len(samples) - 1, int(len(samples) * 0.99))],
        "mean_ms": statistics.fmean(samples),
    }


def per_doc_us(fn, docs: list[str], min_seconds: float) -> float:  # type: ignore[no-untyped-def]
    """Mean µs per call of fn over docs, repeated until `min_seconds` elapsed."""
    nbytes = sum(len(d.encode("utf-8")) for d in docs)
    return mb(nbytes) / throughput(fn, docs, nbytes, min_seconds) / len(docs) * 1e6


def chat_prompts() -> list[str]:
    """The chat prompts of the regulated-data corpus: what most prompts look like (short, no code)."""
    path = ROOT / "benchmarks" / "corpus" / "regulated" / "corpus.jsonl"
    return [json.loads(line)["text"] for line in path.open(encoding="utf-8")]


def source_code_stage(engine: Engine, cred: Engine, docs: list[str], four_kb: list[str], cred_us_per_doc: float,
                      min_seconds: float) -> dict[str, float]:
    """The `source_code` stage alone, from the engine's own timings; then pure code: a 4 KB file and a 1 MB one.

    The ratio to the credentials pass is also given on each part of the corpus, each against the credentials pass
    on the same documents: documents holding code (each one a finding to describe: its blocks and their language),
    the others, and the chat prompts of the regulated-data corpus."""
    from corpus_mixed import code_files

    from detectors import code_classifier
    from detectors.code_classifier import find_blocks

    def stage_seconds(subset: list[str]) -> list[float]:
        """The stage's time on each document, from the pass with the least total of 3: a garbage collection
        or a burst of load from another process landing in one pass does not count."""
        for d in subset:  # warm-up: lookup tables filled, caches hot
            engine.scan(d)
        passes = [[engine.scan(d).timings.get("source_code", 0.0) for d in subset] for _ in range(3)]
        return min(passes, key=sum)

    spent = stage_seconds(docs)
    nbytes = sum(len(d.encode("utf-8")) for d in docs)
    lat = sorted(engine.scan(d).timings.get("source_code", 0.0) * 1e3 for d in four_kb)
    us_per_doc = statistics.fmean(spent) * 1e6
    # Where the time goes: documents holding code, and the others (prose and JSON the gate turns away or scores).
    with_code = [any(f.category == "source_code" for f in engine.scan(d).findings) for d in docs]
    code_us = [t * 1e6 for t, c in zip(spent, with_code, strict=True) if c]
    other_us = [t * 1e6 for t, c in zip(spent, with_code, strict=True) if not c]
    out = {"mb_per_s": mb(nbytes) / sum(spent), "us_per_doc": us_per_doc, "ratio_to_credentials": us_per_doc / cred_us_per_doc,
           "p50_ms": statistics.median(lat), "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))],
           "docs_with_code": len(code_us), "us_per_doc_with_code": statistics.fmean(code_us) if code_us else 0.0,
           "us_per_doc_without_code": statistics.fmean(other_us) if other_us else 0.0}
    # Each part against the credentials pass on the same documents.
    prompts = chat_prompts()
    out["us_per_doc_chat_prompts"] = statistics.fmean(stage_seconds(prompts)) * 1e6
    for part, subset in (("with_code", [d for d, c in zip(docs, with_code, strict=True) if c]),
                         ("without_code", [d for d, c in zip(docs, with_code, strict=True) if not c]),
                         ("chat_prompts", prompts)):
        if subset:
            out[f"credentials_us_per_doc_{part}"] = per_doc_us(cred.findings, subset, min_seconds / 4)
            out[f"ratio_to_credentials_{part}"] = out[f"us_per_doc_{part}"] / out[f"credentials_us_per_doc_{part}"]
    # On documents holding code: what the language guesses cost in place (after the rule pass, caches cold), from
    # passes with and without them (a constant guess instead), interleaved so that drift hits both alike. That part
    # bounds the stage from below, however fast the line pass.
    if code_us:
        code_docs = [d for d, c in zip(docs, with_code, strict=True) if c]
        real = code_classifier._language
        passes: dict[bool, list[float]] = {True: [], False: []}
        try:
            for _ in range(3):
                for guess in (True, False):
                    code_classifier._language = real if guess else (  # type: ignore[assignment]
                        lambda text, start, end: "unknown")
                    passes[guess].append(statistics.fmean(stage_seconds(code_docs)) * 1e6)
        finally:
            code_classifier._language = real
        out["language_guess_us_per_doc_with_code"] = max(min(passes[True]) - min(passes[False]), 0.0)
        out["language_guess_ratio_to_credentials"] = (out["language_guess_us_per_doc_with_code"]
                                                      / out["credentials_us_per_doc_with_code"])
    source = "".join(p.read_text(errors="replace") for p in code_files()[:400])
    for name, size, rounds in (("pure_code_4kb", 4096, 200), ("pure_code_1mb", 1_000_000, 3)):
        text = source[:size]
        find_blocks(text)
        t = time.perf_counter()
        for _ in range(rounds):
            find_blocks(text)
        elapsed = (time.perf_counter() - t) / rounds
        out[f"{name}_ms"] = elapsed * 1e3
        out[f"{name}_us_per_line"] = elapsed * 1e6 / (text.count("\n") + 1)
    return out


def conversations(docs: list[str], prompts: list[str], count: int = 12, turns: int = 8) -> list[list[list[str]]]:
    """Requests as chat APIs send them: each turn resends the whole conversation, then the new user message.

    User messages are chat prompts, with a 4 KB document (code, prose or JSON) pasted at turns 1 and 4; the
    assistant answers are 1 KB of prose."""
    prose = [d[:1000] for d in docs if d.count("\n") < 5]
    out = []
    for c in range(count):
        history: list[str] = []
        requests = []
        for t in range(turns):
            user = docs[(c * 7 + t) % len(docs)] if t in (0, 3) else prompts[(c * turns + t) % len(prompts)]
            requests.append([*history, user])
            history += [user, prose[(c * turns + t) % len(prose)]]
        out.append(requests)
    return out


def conversation_replay(engine: Engine, docs: list[str]) -> dict[str, float]:
    """Every request of every conversation scanned message by message (as the proxy does), with and without the
    engine's scan cache; the cache starts empty for each pass."""
    from detectors.scan_cache import ScanCache

    convs = conversations(docs, chat_prompts())
    requests = [r for conv in convs for r in conv]
    chars = sum(len(m) for r in requests for m in r)

    def one_pass(cache: ScanCache | None) -> float:
        engine.cache = cache
        t = time.perf_counter()
        for r in requests:
            for m in r:
                engine.scan(m)
        return time.perf_counter() - t

    try:
        plain = min(one_pass(None) for _ in range(3))
        caches = [ScanCache(4096) for _ in range(3)]
        cached = min(one_pass(c) for c in caches)
    finally:
        engine.cache = None
    c = caches[-1]
    return {"requests": len(requests), "messages_per_request": sum(map(len, requests)) / len(requests),
            "ms_per_request_without_cache": plain / len(requests) * 1e3,
            "ms_per_request_with_cache": cached / len(requests) * 1e3, "speedup": plain / cached,
            "hit_share_of_messages": c.hits / (c.hits + c.misses), "megabytes": chars / 1e6}


def plain_regex_loop(rules) -> object:  # type: ignore[no-untyped-def]
    """The same rules as a loop of `regex` searches: what a project without Hyperscan does."""
    compiled = [regex.compile(r.pattern, regex_flags(r)) for r in rules]

    def scan(text: str) -> int:
        n = 0
        for rx in compiled:
            for _ in rx.finditer(text):
                n += 1
        return n

    return scan


def detect_secrets_scanner():  # type: ignore[no-untyped-def]
    """detect-secrets' default plugins run line by line over the same text."""
    from detect_secrets.core.scan import _process_line_based_plugins
    from detect_secrets.settings import default_settings

    ctx = default_settings()
    ctx.__enter__()

    def scan(text: str) -> int:
        lines = list(enumerate(text.splitlines(), start=1))
        return sum(1 for _ in _process_line_based_plugins(lines=lines, filename="prompt.txt"))

    return scan


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--short", action="store_true", help="CI mode: smaller corpus, shorter timings (~1 minute)")
    ap.add_argument("--size-mb", type=float, default=None)
    ap.add_argument("--out", type=Path, default=RESULTS / "bench_engine.json")
    args = ap.parse_args()
    size = int((args.size_mb or (2.0 if args.short else 6.0)) * 1_000_000)
    min_s = 2.0 if args.short else 6.0

    t = time.perf_counter()
    docs = build(size)
    nbytes = sum(len(d.encode("utf-8")) for d in docs)
    print(f"corpus: {len(docs)} documents, {mb(nbytes):.1f} MB, built in {time.perf_counter() - t:.1f}s")

    cache = ROOT / ".cache" / "gardefou"
    cred_rules = load_config_rules(EngineConfig(categories=("credentials",)))
    all_rules = load_config_rules(EngineConfig())
    t = time.perf_counter()
    cred = Engine([RulePass(cred_rules, None)])
    compile_s = time.perf_counter() - t
    full = build_engine(EngineConfig(cache_dir=cache))
    res: dict[str, object] = {
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine(),
                    "cores": os.cpu_count()},
        "corpus": {"documents": len(docs), "megabytes": round(mb(nbytes), 2)},
        "rules": {"credentials": len(cred_rules), "all": len(all_rules)},
        "hyperscan_compile_seconds_credentials": round(compile_s, 3),
    }

    four_kb = [d for d in docs if 3000 < len(d.encode()) <= 5000][:2000]
    r: dict[str, dict[str, float]] = {}
    r["gardefou_credentials"] = {"mb_per_s": throughput(cred.findings, docs, nbytes, min_s), **latencies(cred.findings, four_kb)}
    print(f"garde-fou, credentials pack ({len(cred_rules)} rules): {r['gardefou_credentials']['mb_per_s']:.1f} MB/s, "
          f"4 KB p50 {r['gardefou_credentials']['p50_ms']:.3f} ms p99 {r['gardefou_credentials']['p99_ms']:.3f} ms")
    r["gardefou_default_pipeline"] = {"mb_per_s": throughput(full.findings, docs, nbytes, min_s), **latencies(full.findings, four_kb)}
    print(f"garde-fou, default pipeline ({len(all_rules)} rules + stages): {r['gardefou_default_pipeline']['mb_per_s']:.1f} MB/s, "
          f"4 KB p50 {r['gardefou_default_pipeline']['p50_ms']:.3f} ms p99 {r['gardefou_default_pipeline']['p99_ms']:.3f} ms")

    cred_us = mb(nbytes) / r["gardefou_credentials"]["mb_per_s"] / len(docs) * 1e6
    r["source_code_stage"] = sc = source_code_stage(full, cred, docs, four_kb, cred_us, min_s)
    print(f"source-code stage: {sc['mb_per_s']:.1f} MB/s, 4 KB p50 {sc['p50_ms']:.3f} ms p99 {sc['p99_ms']:.3f} ms, "
          f"{sc['us_per_doc']:.0f} us/doc ({sc['us_per_doc_with_code']:.0f} with code, {sc['docs_with_code']} of them; "
          f"{sc['us_per_doc_without_code']:.0f} without), {sc['ratio_to_credentials']:.1f}x the credentials pass; pure code: "
          f"4 KB {sc['pure_code_4kb_ms']:.2f} ms ({sc['pure_code_4kb_us_per_line']:.1f} us/line), "
          f"1 MB {sc['pure_code_1mb_ms']:.0f} ms ({sc['pure_code_1mb_us_per_line']:.1f} us/line)")
    print(f"  against the credentials pass on the same documents: with code {sc['ratio_to_credentials_with_code']:.2f}x, "
          f"without {sc['ratio_to_credentials_without_code']:.2f}x, chat prompts {sc['us_per_doc_chat_prompts']:.1f} us, "
          f"{sc['ratio_to_credentials_chat_prompts']:.2f}x")
    if "language_guess_us_per_doc_with_code" in sc:
        print(f"  on documents with code: the language guesses alone {sc['language_guess_us_per_doc_with_code']:.1f} us "
              f"a document, {sc['language_guess_ratio_to_credentials']:.2f}x the credentials pass "
              f"({sc['credentials_us_per_doc_with_code']:.1f} us)")

    r["conversation_replay"] = cr = conversation_replay(full, docs)
    print(f"conversations ({cr['requests']} requests, {cr['messages_per_request']:.1f} messages each, the history "
          f"sent again): {cr['ms_per_request_without_cache']:.2f} ms a request without the scan cache, "
          f"{cr['ms_per_request_with_cache']:.2f} ms with it ({cr['speedup']:.1f}x, "
          f"{cr['hit_share_of_messages']:.0%} of the messages from the cache)")

    # The slow baselines run on a subset, their rate extrapolates (they are linear in the input).
    sub = docs[: max(20, len(docs) // (10 if args.short else 4))]
    sub_bytes = sum(len(d.encode()) for d in sub)
    loop = plain_regex_loop(cred_rules)
    r["plain_regex_loop_credentials"] = {"mb_per_s": throughput(loop, sub, sub_bytes, min_s / 2)}
    print(f"plain regex loop, same {len(cred_rules)} rules: {r['plain_regex_loop_credentials']['mb_per_s']:.2f} MB/s")
    try:
        ds = detect_secrets_scanner()
        r["detect_secrets"] = {"mb_per_s": throughput(ds, sub, sub_bytes, min_s / 2)}
        print(f"detect-secrets (default plugins): {r['detect_secrets']['mb_per_s']:.2f} MB/s")
    except ImportError as e:
        print(f"detect-secrets not installed, skipped ({e})")
    res["results"] = r
    res["speedup_vs_plain_regex"] = round(r["gardefou_credentials"]["mb_per_s"] / r["plain_regex_loop_credentials"]["mb_per_s"], 1)
    print(f"speed-up over the plain regex loop: {res['speedup_vs_plain_regex']}x")

    # How throughput scales with the number of rules.
    scaling = {}
    for n in sorted({min(50, len(cred_rules)), min(100, len(cred_rules)), len(cred_rules)}):
        eng = Engine([RulePass(cred_rules[:n], None)])
        scaling[n] = throughput(eng.findings, docs, nbytes, min_s / 2)
        print(f"  {n:4d} rules: {scaling[n]:.1f} MB/s")
    res["scaling_mb_per_s"] = scaling
    lo, hi = min(scaling.values()), max(scaling.values())
    res["scaling_ratio"] = round(hi / lo, 2)
    print(f"throughput ratio between {min(scaling)} and {max(scaling)} rules: {res['scaling_ratio']}x")
    res["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(f"max RSS: {res['max_rss_mb']} MB")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
