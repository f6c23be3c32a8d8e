"""Rule files: every problem is reported with file, line, rule id and field, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from detectors.errors import ConfigError
from detectors.ruleset import load_rules, rule_files

GOOD = """\
rules:
  - id: credentials.demo.token
    name: Demo token
    category: credentials
    pattern: '\\b(dmo_[a-z0-9]{10})\\b'
    examples: ['dmo_q8w7e6r5t4']
    negative_examples:
      - text: 'dmo_short'
        reason: too short
"""


def write(tmp_path: Path, text: str, name: str = "demo.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as e:
        load_rules([write(tmp_path, text)])
    return [str(p) for p in e.value.problems]


def test_good_file_loads(tmp_path: Path) -> None:
    [rule] = load_rules([write(tmp_path, GOOD)])
    assert rule.id == "credentials.demo.token"
    assert rule.type == "demo_token"
    assert rule.source.endswith("demo.yaml:2")
    assert "placeholder" in rule.filters  # credential rules get the default filters


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("category: credentials", "category: secrets", ":4: rule credentials.demo.token: field 'category'"),
        (
            "'\\b(dmo_[a-z0-9]{10})\\b'",
            "'dmo_[a-z0-9]{10}'",
            ":5: rule credentials.demo.token: field 'pattern': must have exactly one",
        ),
        (
            "'\\b(dmo_[a-z0-9]{10})\\b'",
            "'(dmo_[a-z'",
            ":5: rule credentials.demo.token: field 'pattern': does not compile",
        ),
        ("id: credentials.demo.token", "id: Credentials-Demo", ":2: rule Credentials-Demo: field 'id'"),
        ("    examples: ['dmo_q8w7e6r5t4']\n", "", ":2: rule credentials.demo.token: field 'examples'"),
        ("        reason: too short\n", "", "field 'negative_examples': each item"),
        (
            "name: Demo token",
            "name: Demo token\n    validator: nope",
            ":4: rule credentials.demo.token: field 'validator': unknown validator 'nope'",
        ),
        (
            "name: Demo token",
            "name: Demo token\n    colour: blue",
            ":4: rule credentials.demo.token: field 'colour': unknown field",
        ),
        ("name: Demo token", "name: Demo token\n    filters: [nope]", "unknown filter 'nope'"),
        ("name: Demo token", "name: Demo token\n    min_entropy: 12", "field 'min_entropy'"),
    ],
)
def test_each_problem_names_file_line_rule_field(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in GOOD
    found = problems(tmp_path, GOOD.replace(old, new))
    assert any(expected in p for p in found), found
    assert all("demo.yaml" in p for p in found)


def test_all_problems_listed_before_failing(tmp_path: Path) -> None:
    text = GOOD.replace("category: credentials", "category: nope").replace(
        "examples: ['dmo_q8w7e6r5t4']", "examples: []"
    )
    found = problems(tmp_path, text)
    assert len(found) >= 2


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    found = problems(tmp_path, GOOD + "  - id: [unclosed\n")
    assert any("demo.yaml:11" in p or "demo.yaml:12" in p for p in found), found
    assert any("YAML syntax error" in p for p in found)


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    a = write(tmp_path, GOOD, "a.yaml")
    b = write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(ConfigError) as e:
        load_rules([a, b])
    assert "duplicate id" in str(e.value) and "a.yaml:2" in str(e.value)


def test_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_bytes(b"rules: [\xff]")
    with pytest.raises(ConfigError, match="not valid UTF-8"):
        load_rules([p])


def test_shipped_rules_load() -> None:
    rules = load_rules()
    assert rules, "no shipped rules"
    assert len({r.id for r in rules}) == len(rules)
    assert rule_files()
