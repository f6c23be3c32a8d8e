"""`gardefou scan` and `gardefou rules check`: the detectors from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import IO, Any

from detectors.engine import Engine
from detectors.errors import ConfigError, ConfigProblem
from detectors.finding import CATEGORIES, mask
from detectors.pipeline import EngineConfig, build_engine, default_cache_dir, load_config_rules
from detectors.rule import Rule
from detectors.rule_pass import prefilter_misses
from detectors.ruleset import RULES_DIR, load_rule_file, rule_files


def register(sub: Any) -> None:
    scan = sub.add_parser("scan", help="find sensitive data in a file, stdin, or JSON lines")
    scan.add_argument("file", nargs="?", default="-", help="file to scan, - for stdin (default)")
    scan.add_argument(
        "--jsonl",
        action="store_true",
        help='machine contract: read {"id","text"} lines on stdin, write {"id","findings"} lines',
    )
    _engine_options(scan)
    scan.set_defaults(func=cmd_scan)

    rules = sub.add_parser("rules", help="inspect and lint the rule set")
    rsub = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    check = rsub.add_parser("check", help="lint every rule and run its examples through the full pipeline")
    check.add_argument("--rules-dir", type=Path, default=RULES_DIR)
    check.add_argument("--no-cache", action="store_true", help="do not read or write the compiled database cache")
    check.set_defaults(func=cmd_rules_check)
    lst = rsub.add_parser("list", help="one line per rule: id, category, confidence, name")
    lst.add_argument("--rules-dir", type=Path, default=RULES_DIR)
    lst.set_defaults(func=cmd_rules_list)


def _engine_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules-dir", type=Path, default=RULES_DIR, help="rule directory (default: shipped rules)")
    p.add_argument("--category", action="append", choices=CATEGORIES, help="only these categories (repeatable)")
    p.add_argument("--names", action="store_true", help="also detect person names, places, organisations (NER)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the compiled database cache")
    p.add_argument("--edm-index", type=Path, help="exact-data-match index built by `gardefou index edm`")
    p.add_argument("--fingerprint-index", type=Path, help="fingerprint index built by `gardefou index fingerprints`")
    p.add_argument("--edm-min-columns", type=int, metavar="N",
                   help="columns of one record a prompt must hold (default: the policy's, else the index's)")


def engine_from_args(args: argparse.Namespace) -> Engine:
    config = EngineConfig(
        rules_dir=args.rules_dir,
        cache_dir=None if args.no_cache else default_cache_dir(),
        categories=tuple(args.category) if args.category else None,
        names=bool(getattr(args, "names", False)),
        edm_index=getattr(args, "edm_index", None),
        fingerprint_index=getattr(args, "fingerprint_index", None),
        edm_min_columns=getattr(args, "edm_min_columns", None),
    )
    return build_engine(config)


def _fail_config(e: ConfigError) -> int:
    print(f"gardefou: {e}", file=sys.stderr)
    return 2


def cmd_scan(args: argparse.Namespace) -> int:
    try:
        engine = engine_from_args(args)
    except ConfigError as e:
        return _fail_config(e)
    if args.jsonl:
        return scan_jsonl(engine, sys.stdin.buffer, sys.stdout)
    return scan_human(engine, args.file)


def _read_input(file: str) -> bytes:
    if file == "-":
        return sys.stdin.buffer.read()
    return Path(file).read_bytes()


def decode_lossless(data: bytes, where: str) -> str:
    """Decode UTF-8; invalid bytes become U+FFFD (so scanning goes on) and are reported with their offset."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        print(
            f"gardefou: {where}: invalid UTF-8 at byte {e.start} ({e.reason}); invalid bytes replaced by U+FFFD",
            file=sys.stderr,
        )
        return data.decode("utf-8", errors="replace")


def scan_human(engine: Engine, file: str) -> int:
    try:
        data = _read_input(file)
    except OSError as e:
        print(f"gardefou: {file}: {e.strerror}", file=sys.stderr)
        return 2
    text = decode_lossless(data, "stdin" if file == "-" else file)
    findings = engine.findings(text)
    for f in findings:
        # Line and column from C string searches, per finding: no pass over the whole text in Python.
        line = text.count("\n", 0, f.start) + 1
        col = f.start - (text.rfind("\n", 0, f.start) + 1) + 1
        print(f"{line}:{col}\t{f.category}\t{f.type}\t{f.confidence.label}\t{mask(text[f.start : f.end])}\t{f.rule}")
    print(f"{len(findings)} finding(s)", file=sys.stderr)
    return 1 if findings else 0


def scan_jsonl(engine: Engine, stdin: IO[bytes], stdout: IO[str]) -> int:
    """One output line per input line, in order; a bad line gets an `error` field instead of findings."""
    bad = 0
    for lineno, raw in enumerate(stdin, start=1):
        if not raw.strip():
            continue
        out: dict[str, Any]
        try:
            obj = json.loads(raw)
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise ValueError('expected an object with a string "text"')
        except (ValueError, UnicodeDecodeError) as e:
            bad += 1
            reason = "invalid UTF-8" if isinstance(e, UnicodeDecodeError) else str(e).split(":")[0]
            out = {"id": _safe_id(raw), "error": f"line {lineno}: {reason}"}
            stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
            continue
        findings = engine.findings(obj["text"])
        out = {"id": obj.get("id"), "findings": [f.to_json() for f in findings]}
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    if bad:
        print(f"gardefou: {bad} input line(s) could not be read; see their error field", file=sys.stderr)
    return 2 if bad else 0


def _safe_id(raw: bytes) -> Any:
    """The id of a malformed line when it can still be read, never any of its text."""
    try:
        obj = json.loads(raw)
        return obj.get("id") if isinstance(obj, dict) else None
    except (ValueError, UnicodeDecodeError):
        return None


def check_rules(rules_dir: Path, cache_dir: Path | None) -> tuple[list[Rule], list[ConfigProblem]]:
    """Every problem of a rule set: loading, compiling in both engines, examples through the full pipeline."""
    problems: list[ConfigProblem] = []
    rules: list[Rule] = []
    for path in rule_files(rules_dir):
        rules.extend(load_rule_file(path, problems))
    seen: dict[str, Rule] = {}
    for r in rules:
        if r.id in seen:
            file, _, line = r.source.rpartition(":")
            problems.append(ConfigProblem(file, int(line), f"duplicate id, first at {seen[r.id].source}", r.id, "id"))
        seen.setdefault(r.id, r)
    broken: set[str] = set()
    try:
        engine = build_engine(
            EngineConfig(rules_dir=rules_dir, cache_dir=cache_dir, names=True), rules=list(seen.values())
        )
    except ConfigError as e:
        problems.extend(e.problems)
        # Drop the rules that do not compile and check the others' examples anyway.
        broken = {p.rule for p in e.problems}
        try:
            engine = build_engine(
                EngineConfig(rules_dir=rules_dir, cache_dir=cache_dir, names=True),
                rules=[r for r in seen.values() if r.id not in broken],
            )
        except ConfigError as e2:
            problems.extend(e2.problems)
            return rules, problems
    for rule in seen.values():
        file, _, line = rule.source.rpartition(":")
        if rule.prefilter and rule.id not in broken:
            for text in (*rule.examples, *(n.text for n in rule.negative_examples)):
                for a, b in prefilter_misses(rule, text):
                    problems.append(ConfigProblem(
                        file, int(line), f"prefilter does not fire inside the match {text[a:b]!r}", rule.id,
                        "prefilter"))
        for ex in rule.examples:
            if not _reports(engine, rule, ex):
                problems.append(ConfigProblem(file, int(line), f"example not reported: {ex!r}", rule.id, "examples"))
        for neg in rule.negative_examples:
            if _reports(engine, rule, neg.text):
                problems.append(
                    ConfigProblem(
                        file,
                        int(line),
                        f"negative example reported ({neg.reason}): {neg.text!r}",
                        rule.id,
                        "negative_examples",
                    )
                )
    return rules, problems


def _reports(engine: Engine, rule: Rule, text: str) -> bool:
    doc = engine.scan(text, keep_document=True).document
    assert doc is not None
    if not rule.emit:
        return bool(doc.candidates.get(rule.id))
    return any(f.rule == rule.id for f in doc.findings)


def cmd_rules_check(args: argparse.Namespace) -> int:
    try:
        rules, problems = check_rules(args.rules_dir, None if args.no_cache else default_cache_dir())
    except ConfigError as e:
        return _fail_config(e)
    for p in problems:
        print(p, file=sys.stderr)
    examples = sum(len(r.examples) + len(r.negative_examples) for r in rules)
    status = "FAILED" if problems else "ok"
    print(f"rules check {status}: {len(rules)} rules, {examples} examples, {len(problems)} problem(s)")
    return 1 if problems else 0


def cmd_rules_list(args: argparse.Namespace) -> int:
    try:
        rules = load_config_rules(EngineConfig(rules_dir=args.rules_dir))
    except ConfigError as e:
        return _fail_config(e)
    for r in rules:
        print(f"{r.id}\t{r.category}\t{r.confidence.label}\t{r.name}")
    print(f"{len(rules)} rules", file=sys.stderr)
    return 0
