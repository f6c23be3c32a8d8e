"""YAML loading that keeps the line of every mapping and value, for errors that point at the source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from detectors.errors import ConfigProblem


class LineDict(dict[str, Any]):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence that remembers its line and the line of each item."""

    line: int = 0
    item_lines: list[int]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path) -> tuple[Any, list[ConfigProblem]]:
    """Parse a YAML file; syntax errors come back as problems with their line, never as a traceback."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        return None, [ConfigProblem(str(path), 0, f"not valid UTF-8 ({e.reason} at byte {e.start})")]
    except OSError as e:
        return None, [ConfigProblem(str(path), 0, f"cannot read: {e.strerror}")]
    try:
        return yaml.load(text, Loader=_Loader), []  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        return None, [ConfigProblem(str(path), line, f"YAML syntax error: {e.problem or e}")]
    except yaml.YAMLError as e:
        return None, [ConfigProblem(str(path), 0, f"YAML error: {e}")]


def line_of(node: Any, default: int = 0) -> int:
    return int(getattr(node, "line", default) or default)
