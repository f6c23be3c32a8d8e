"""Loading and checking rule files (`rules/**/*.yaml`): every problem listed with file, line, rule and field."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import regex

from detectors import validators
from detectors.errors import ConfigError, ConfigProblem
from detectors.filters import DEFAULT_CREDENTIAL_FILTERS, FILTERS
from detectors.finding import CATEGORIES, Confidence
from detectors.rule import NegativeExample, Rule
from detectors.yamlsource import LineDict, load_yaml

# The shipped rules, policy and catalogue: beside the packages in a checkout, elsewhere in an image.
RULES_DIR = Path(os.environ.get("GARDEFOU_RULES_DIR") or Path(__file__).resolve().parent.parent / "rules")

_ID = regex.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9][a-z0-9_]*){1,4}$")
_TYPE = regex.compile(r"^[a-z][a-z0-9_]*$")
_KNOWN = {
    "id",
    "name",
    "category",
    "type",
    "pattern",
    "prefilter",
    "confidence",
    "examples",
    "negative_examples",
    "references",
    "keywords",
    "keywords_required",
    "keyword_window",
    "min_entropy",
    "validator",
    "filters",
    "case_insensitive",
    "emit",
    "tags",
    "description",
}

# Directories under rules/ that hold something other than detection rules.
NON_RULE_DIRS = {"services", "policies"}
NON_RULE_FILES = {"policy.yaml"}


def rule_files(root: Path = RULES_DIR) -> list[Path]:
    """Every rule file under root, in a stable order; a missing directory is a configuration error."""
    if not root.is_dir():
        raise ConfigError([ConfigProblem(str(root), 0, "rules directory not found (set GARDEFOU_RULES_DIR?)")])
    out = []
    for p in sorted(root.rglob("*.yaml")):
        rel = p.relative_to(root)
        if rel.parts[0] in NON_RULE_DIRS or p.name in NON_RULE_FILES:
            continue
        out.append(p)
    return out


def _str_list(raw: Any) -> list[str] | None:
    if raw is None:
        return []
    if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        return list(raw)
    return None


def parse_rule(raw: LineDict, file: str, problems: list[ConfigProblem]) -> Rule | None:
    """Build one Rule from its YAML mapping, appending every problem found instead of stopping."""
    raw_id = raw.get("id")
    rid: str = raw_id if isinstance(raw_id, str) else ""
    start = len(problems)

    def bad(field: str, message: str) -> None:
        problems.append(ConfigProblem(file, raw.line_of(field), message, rid, field))

    for key in raw:
        if key not in _KNOWN:
            bad(key, f"unknown field (known: {', '.join(sorted(_KNOWN))})")
    if not rid or not _ID.match(rid):
        bad("id", "must be a dotted lowercase id such as credentials.aws.access_key")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        bad("name", "required, a short human-readable name")
    category = raw.get("category")
    if category not in CATEGORIES:
        bad("category", f"must be one of {', '.join(CATEGORIES)}")
    elif rid and not rid.startswith(f"{category}.") and not rid.startswith("candidates."):
        bad("id", f"must start with its category {category!r}")
    rtype = raw.get("type")
    if rtype is None and rid:
        rtype = "_".join(rid.split(".")[1:]) if rid.count(".") >= 1 else rid
    if rtype is None or (raw.get("type") is None and not _ID.match(rid)):
        pass  # the id problem is already reported; a type derived from it would only repeat it
    elif not isinstance(rtype, str) or not _TYPE.match(rtype):
        bad("type", "must be lowercase snake_case")
    pattern = raw.get("pattern")
    ci = raw.get("case_insensitive", False)
    if not isinstance(ci, bool):
        bad("case_insensitive", "must be true or false")
    if not isinstance(pattern, str) or not pattern:
        bad("pattern", "required, a regular expression with one capture group")
    else:
        try:
            compiled = regex.compile(pattern, regex.IGNORECASE if ci is True else 0)
            if compiled.groups != 1:
                bad("pattern", f"must have exactly one capture group (the sensitive value), has {compiled.groups}")
        except regex.error as e:
            bad("pattern", f"does not compile in regex: {e}")
    prefilter = raw.get("prefilter")
    if prefilter is not None and (not isinstance(prefilter, str) or not prefilter):
        bad("prefilter", "must be a Hyperscan pattern that matches inside every match of `pattern`")
    try:
        confidence = Confidence.parse(str(raw.get("confidence", "medium")))
    except ValueError as e:
        bad("confidence", str(e))
        confidence = Confidence.MEDIUM
    examples = _str_list(raw.get("examples"))
    if not examples:
        bad("examples", "at least one example text the rule must report")
    negatives: list[NegativeExample] = []
    raw_neg = raw.get("negative_examples")
    if not isinstance(raw_neg, list) or not raw_neg:
        bad("negative_examples", "at least one negative example, each with a reason")
    else:
        for item in raw_neg:
            if isinstance(item, dict) and isinstance(item.get("text"), str) and isinstance(item.get("reason"), str):
                negatives.append(NegativeExample(item["text"], item["reason"]))
            else:
                bad("negative_examples", "each item must be a mapping with `text` and `reason` strings")
    references = _str_list(raw.get("references"))
    if references is None:
        bad("references", "must be a list of strings")
    keywords = _str_list(raw.get("keywords"))
    if keywords is None:
        bad("keywords", "must be a list of strings")
    kreq = raw.get("keywords_required", False)
    if not isinstance(kreq, bool):
        bad("keywords_required", "must be true or false")
    elif kreq and not keywords:
        bad("keywords_required", "true needs a `keywords` list")
    window = raw.get("keyword_window", 80)
    if not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= 2000:
        bad("keyword_window", "must be an integer between 1 and 2000 (characters)")
    min_entropy = raw.get("min_entropy")
    if min_entropy is not None and (not isinstance(min_entropy, int | float) or not 0 <= min_entropy <= 8):
        bad("min_entropy", "must be a number of bits per character between 0 and 8")
    vname = raw.get("validator")
    if vname is not None:
        if not isinstance(vname, str):
            bad("validator", "must be the name of a validator")
        else:
            try:
                validators.get(vname)
            except KeyError as e:
                bad("validator", str(e.args[0]))
    default_filters = DEFAULT_CREDENTIAL_FILTERS if category == "credentials" else ()
    flt = _str_list(raw.get("filters", list(default_filters)))
    if flt is None:
        bad("filters", "must be a list of filter names")
    else:
        for f in flt:
            if f not in FILTERS:
                bad("filters", f"unknown filter {f!r}; known: {', '.join(sorted(FILTERS))}")
    emit = raw.get("emit", True)
    if not isinstance(emit, bool):
        bad("emit", "must be true or false")
    tags = _str_list(raw.get("tags"))
    if tags is None:
        bad("tags", "must be a list of strings")
    if len(problems) > start:
        return None
    assert isinstance(pattern, str) and isinstance(rtype, str) and isinstance(name, str)
    assert isinstance(category, str) and examples is not None and flt is not None
    return Rule(
        id=rid,
        name=name.strip(),
        category=category,
        type=rtype,
        pattern=pattern,
        confidence=confidence,
        examples=tuple(examples),
        negative_examples=tuple(negatives),
        references=tuple(references or ()),
        keywords=tuple(k.lower() for k in keywords or ()),
        keywords_required=bool(kreq),
        keyword_window=int(window),
        min_entropy=float(min_entropy) if min_entropy is not None else None,
        validator=vname,
        filters=tuple(flt),
        case_insensitive=bool(ci),
        emit=bool(emit),
        prefilter=prefilter if isinstance(prefilter, str) else None,
        source=f"{file}:{raw.line}",
        tags=tuple(tags or ()),
    )


def load_rule_file(path: Path, problems: list[ConfigProblem]) -> list[Rule]:
    data, errs = load_yaml(path)
    problems.extend(errs)
    if errs:
        return []
    file = str(path)
    if not isinstance(data, LineDict) or not isinstance(data.get("rules"), list):
        problems.append(
            ConfigProblem(
                file, getattr(data, "line", 1), "a rule file is a mapping with a `rules:` list", field="rules"
            )
        )
        return []
    out = []
    for item in data["rules"]:
        if not isinstance(item, LineDict):
            problems.append(ConfigProblem(file, data.line_of("rules"), "each rule must be a mapping", field="rules"))
            continue
        rule = parse_rule(item, file, problems)
        if rule is not None:
            out.append(rule)
    return out


def load_rules(paths: Iterable[Path] | None = None) -> list[Rule]:
    """Load every rule; raise one ConfigError listing all problems (duplicate ids included)."""
    problems: list[ConfigProblem] = []
    rules: list[Rule] = []
    for path in rule_files() if paths is None else paths:
        rules.extend(load_rule_file(path, problems))
    seen: dict[str, Rule] = {}
    for r in rules:
        if r.id in seen:
            file, _, line = r.source.rpartition(":")
            problems.append(
                ConfigProblem(file, int(line), f"duplicate id, first defined at {seen[r.id].source}", r.id, "id")
            )
        else:
            seen[r.id] = r
    if problems:
        raise ConfigError(problems)
    return rules


def rules_digest(rules: Iterable[Rule]) -> str:
    """A short, stable version of a rule set: changes whenever any rule's matching behaviour changes."""
    h = hashlib.sha256()
    for r in rules:
        h.update(
            repr(
                (
                    r.id,
                    r.pattern,
                    r.prefilter,
                    r.case_insensitive,
                    r.validator,
                    r.filters,
                    r.keywords,
                    r.keywords_required,
                    r.keyword_window,
                    r.min_entropy,
                    r.confidence,
                    r.emit,
                )
            ).encode()
        )
    return h.hexdigest()[:16]
