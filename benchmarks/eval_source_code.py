"""Precision, recall and F1 of the source-code stage on the labelled corpus, per language and per kind of text.

    .venv/bin/python benchmarks/eval_source_code.py [--errors N]
Writes benchmarks/results/eval_source_code.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detectors.code_classifier import find_blocks  # noqa: E402

CORPUS = ROOT / "benchmarks" / "corpus" / "source_code" / "samples.jsonl"


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--errors", type=int, default=0, help="print this many misclassified samples of each kind")
    args = ap.parse_args()
    samples = [json.loads(line) for line in CORPUS.open(encoding="utf-8")]
    tp = fp = fn = tn = 0
    per_lang: Counter[str] = Counter()
    hit_lang: Counter[str] = Counter()
    lang_ok: Counter[str] = Counter()
    per_kind: Counter[str] = Counter()
    wrong_kind: Counter[str] = Counter()
    errors: list[tuple[str, dict[str, object], list[object]]] = []
    t0 = time.perf_counter()
    for s in samples:
        blocks = find_blocks(s["text"])
        predicted = bool(blocks)
        actual = s["label"] == "code"
        per_kind[s["kind"]] += 1
        if actual:
            per_lang[s["language"]] += 1
            if predicted:
                tp += 1
                hit_lang[s["language"]] += 1
                if blocks[0].language == s["language"]:
                    lang_ok[s["language"]] += 1
            else:
                fn += 1
                wrong_kind[s["kind"]] += 1
                errors.append(("FN", s, blocks))
        elif predicted:
            fp += 1
            wrong_kind[s["kind"]] += 1
            errors.append(("FP", s, blocks))
        else:
            tn += 1
    elapsed = time.perf_counter() - t0
    p, r, f = prf(tp, fp, fn)
    print(f"samples {len(samples)}: tp {tp} fp {fp} fn {fn} tn {tn}")
    print(f"precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}   ({elapsed * 1000 / len(samples):.2f} ms/sample)")
    # Unfenced excerpts (6+ lines, alone or inside a request) against every negative.
    un = [s for s in samples if s["kind"] in ("bare", "ask")]
    un_fn = sum(1 for s in un if any(e[1] is s for e in errors))
    pu, ru, fu = prf(len(un) - un_fn, fp, un_fn)
    print(f"unfenced only: {len(un)} excerpts, precision {pu:.3f}  recall {ru:.3f}  F1 {fu:.3f}")
    print(f"{'language':<12} {'n':>4} {'recall':>7} {'lang ok':>8}")
    langs: dict[str, dict[str, float]] = {}
    for lang in sorted(per_lang):
        rec = hit_lang[lang] / per_lang[lang]
        acc = lang_ok[lang] / hit_lang[lang] if hit_lang[lang] else 0.0
        langs[lang] = {"n": per_lang[lang], "recall": rec, "language_accuracy": acc}
        print(f"{lang:<12} {per_lang[lang]:>4} {rec:>7.3f} {acc:>8.3f}")
    print("errors per kind: " + ", ".join(f"{k} {wrong_kind[k]}/{per_kind[k]}" for k in sorted(per_kind)))
    shown: Counter[str] = Counter()
    for what, s, blocks in errors:
        if shown[what] < args.errors:
            shown[what] += 1
            print(f"\n----- {what} {s['kind']} {s['language']} {s['source']}\n{s['text'][:1500]}\n  -> {blocks}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "eval_source_code.json").write_text(json.dumps({
        "samples": len(samples), "tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": p, "recall": r, "f1": f,
        "unfenced": {"precision": pu, "recall": ru, "f1": fu},
        "per_language": langs, "errors_per_kind": dict(wrong_kind),
    }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
