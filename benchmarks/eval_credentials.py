"""Precision / recall / F1 of the credentials rules on the labelled corpus, overall and per family.

A finding is a true positive when it overlaps a labelled span of the same prompt; a label is recalled when some
finding overlaps it. Prints a table and writes benchmarks/results/eval_credentials.json.
Run: .venv/bin/python benchmarks/eval_credentials.py [--corpus FILE] [--show-errors] [--throughput MB]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detectors.engine import Engine  # noqa: E402
from detectors.finding import Finding, mask  # noqa: E402
from detectors.normalize import normalize  # noqa: E402
from detectors.pipeline import EngineConfig, build_engine  # noqa: E402
from detectors.rule_pass import RulePass  # noqa: E402
from detectors.ruleset import load_rules, rule_files  # noqa: E402
from detectors.stage import Document  # noqa: E402

CORPUS = ROOT / "benchmarks" / "corpus" / "credentials" / "corpus.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "eval_credentials.json"


@dataclass
class Score:
    tp: int = 0  # findings overlapping a label
    fp: int = 0  # findings overlapping no label
    found: int = 0  # labels overlapped by a finding
    missed: int = 0  # labels no finding overlaps

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.found / (self.found + self.missed) if self.found + self.missed else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "labels": self.found + self.missed, "found": self.found,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Report:
    overall: Score = field(default_factory=Score)
    families: dict[str, Score] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    prompts: int = 0
    seconds: float = 0.0

    def fam(self, name: str) -> Score:
        return self.families.setdefault(name, Score())


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def credentials_engine() -> Engine:
    return build_engine(EngineConfig(categories=("credentials",), source_code=False, records=False))


def rule_family(f: Finding) -> str:
    parts = f.rule.split(".")
    return f"rule:{parts[1]}" if len(parts) > 2 else f"rule:{f.rule}"


def evaluate(engine: Engine, items: list[dict[str, Any]]) -> Report:
    rep = Report(prompts=len(items))
    t0 = time.perf_counter()
    for it in items:
        text: str = it["text"]
        labels: list[dict[str, Any]] = it["labels"]
        findings = [f for f in engine.findings(text) if f.category == "credentials"]
        for f in findings:
            hit = next((lab for lab in labels if f.start < lab["end"] and lab["start"] < f.end), None)
            if hit is not None:
                rep.overall.tp += 1
                rep.fam(hit["family"]).tp += 1
            else:
                rep.overall.fp += 1
                rep.fam(rule_family(f)).fp += 1
                rep.errors.append(f"FP {it['id']} {f.rule} {mask(text[f.start:f.end])!r} "
                                  f"…{text[max(0, f.start - 30):f.start]!r}")
        for lab in labels:
            if any(f.start < lab["end"] and lab["start"] < f.end for f in findings):
                rep.overall.found += 1
                rep.fam(lab["family"]).found += 1
            else:
                rep.overall.missed += 1
                rep.fam(lab["family"]).missed += 1
                rep.errors.append(f"FN {it['id']} {lab['family']} {mask(text[lab['start']:lab['end']])!r} "
                                  f"…{text[max(0, lab['start'] - 30):lab['start']]!r}")
    rep.seconds = time.perf_counter() - t0
    return rep


def print_report(rep: Report) -> None:
    print(f"{'family':<22}{'labels':>7}{'tp':>6}{'fp':>5}{'prec':>8}{'recall':>8}{'f1':>8}")
    for name in sorted(rep.families, key=lambda n: (n.startswith("rule:"), n)):
        s = rep.families[name]
        print(f"{name:<22}{s.found + s.missed:>7}{s.tp:>6}{s.fp:>5}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}")
    o = rep.overall
    print(f"{'OVERALL':<22}{o.found + o.missed:>7}{o.tp:>6}{o.fp:>5}{o.precision:>8.3f}{o.recall:>8.3f}{o.f1:>8.3f}")
    print(f"{rep.prompts} prompts in {rep.seconds:.2f} s")


_FR = ("le la les un une des client facture serveur base de données mot passe utilisateur connexion requête réponse "
       "erreur fichier configuration déploiement production équipe projet données est pour avec").split()
_EN = ("the a user token request response error server database password connection file config deploy production "
       "team project data function return value key secret api is for with").split()


def mixed_text(megabytes: float, seed: int = 7) -> str:
    """Benign prompts: French and English prose, Python using token/password variables, JSON chat payloads."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        k = rng.random()
        if k < 0.55:
            words = _FR if k < 0.3 else _EN
            p = " ".join(rng.choice(words) for _ in range(40)).capitalize() + ". "
        elif k < 0.8:
            p = ("def handle(request):\n    token = request.headers.get('Authorization')\n    user = db.get_user(token)\n"
                 "    if not user.check_password(request.form['password']):\n        raise AuthError('bad password')\n"
                 f"    return {{'id': {rng.randint(1, 99999)}, 'status': 'ok', 'max_tokens': 4096}}\n")
        else:
            p = json.dumps({"id": rng.randint(1, 10**9), "model": "gpt-4o", "max_tokens": 512,
                            "messages": [{"role": "user", "content": " ".join(rng.choice(_EN) for _ in range(20))}]}) + "\n"
        parts.append(p)
        size += len(p.encode())
    return "".join(parts)


def throughput(megabytes: float) -> dict[str, float]:
    """MB/s (CPU time, one core) of the rule pass over 4 kB prompts: first 50 credentials rules vs all of them."""
    text = mixed_text(megabytes)
    chunks = [Document(normalize(text[i:i + 4000])) for i in range(0, len(text), 4000)]
    rules = [r for r in load_rules(rule_files(ROOT / "rules" / "credentials")) if r.category == "credentials"]
    out: dict[str, float] = {}
    for label, subset in (("50_rules", rules[:50]), (f"{len(rules)}_rules", rules)):
        rp = RulePass(subset, None)
        best = 0.0
        for _ in range(3):
            t = time.process_time()
            for d in chunks:
                rp.scan(d)
            best = max(best, len(text.encode()) / 1e6 / max(time.process_time() - t, 1e-9))
        out[label] = round(best, 1)
        print(f"rule pass, {label}: {best:.0f} MB/s on {len(text.encode()) / 1e6:.1f} MB of mixed prompts")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--show-errors", action="store_true", help="list false positives and misses (values masked)")
    ap.add_argument("--throughput", type=float, metavar="MB", help="also time the rule pass on MB of mixed benign text")
    args = ap.parse_args(argv)
    items = load(args.corpus)
    rep = evaluate(credentials_engine(), items)
    print_report(rep)
    if args.show_errors:
        for e in rep.errors:
            print(e)
    speed = throughput(args.throughput) if args.throughput else None
    fams = Counter(lab["family"] for it in items for lab in it["labels"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "corpus": str(args.corpus.relative_to(ROOT)) if args.corpus.is_relative_to(ROOT) else str(args.corpus),
        "prompts": rep.prompts, "labels": sum(fams.values()), "families": len(fams),
        "overall": rep.overall.as_dict(),
        "per_family": {k: v.as_dict() for k, v in sorted(rep.families.items())},
        "seconds": round(rep.seconds, 3),
        "throughput_mb_s": speed,
    }, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
