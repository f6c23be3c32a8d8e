"""Excerpts for the fingerprint evaluation: code fragments of 10+ lines, disguised (renamed, reformatted, reordered)."""

from __future__ import annotations

import builtins
import keyword
import random
import re
import sysconfig
from pathlib import Path

from detectors.fingerprint_tokens import code_tokens

_IDENT = re.compile(r"\b[A-Za-z_]\w*\b")
_BUILTINS = set(dir(builtins))


def stdlib_roots() -> list[Path]:
    """The base interpreter's standard library, without site-packages: present wherever the venv was built."""
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(p for p in root.iterdir() if p.name != "site-packages" and not p.name.startswith("."))


def fingerprint_roots() -> list[Path]:
    """What the evaluation indexes: the standard library and pip, 2,000+ files."""
    return [*stdlib_roots(), Path(sysconfig.get_paths()["purelib"]) / "pip"]


def is_copy(excerpt: str, source_text: str) -> bool:
    """Half the excerpt's lines appear verbatim in the reported file: a real copy, not a false positive."""
    lines = [x.strip() for x in excerpt.splitlines() if len(x.strip()) > 8]
    have = {x.strip() for x in source_text.splitlines()}
    return bool(lines) and sum(1 for x in lines if x in have) >= 0.5 * len(lines)


def other_code_roots() -> list[Path]:
    """Code bases that are not in the index: packages installed in the venv."""
    site = Path(sysconfig.get_paths()["purelib"])
    return [site / name for name in ("mitmproxy", "numpy", "spacy", "pydantic", "thinc") if (site / name).exists()]


def python_files(roots: list[Path]) -> list[Path]:
    out: list[Path] = []
    for r in roots:
        out.extend(sorted(r.rglob("*.py")) if r.is_dir() else ([r] if r.suffix == ".py" else []))
    return out


def excerpt(path: Path, rng: random.Random, lo: int = 10, hi: int = 20) -> str | None:
    """A fragment of lo..hi lines with at least 60 code tokens (not a docstring or a comment block)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for _ in range(10):
        n = rng.randint(lo, hi)
        if len(lines) < n + 5:
            return None
        start = rng.randint(0, len(lines) - n)
        chunk = "\n".join(lines[start:start + n])
        if sum(1 for line in lines[start:start + n] if line.strip()) >= lo and len(code_tokens(chunk)[1]) >= 60:
            return chunk
    return None


def rename(code: str, rng: random.Random) -> str:
    """Every identifier that is not a keyword or builtin gets a new, consistent name."""
    mapping: dict[str, str] = {}

    def sub(m: re.Match[str]) -> str:
        name = m.group()
        if keyword.iskeyword(name) or name in _BUILTINS or name in ("self", "cls"):
            return name
        if name not in mapping:
            mapping[name] = f"{rng.choice(['val', 'tmp', 'item', 'obj', 'x'])}_{len(mapping)}"
        return mapping[name]

    return _IDENT.sub(sub, code)


def reformat(code: str, rng: random.Random) -> str:
    """Two-space indentation, spaces changed around commas and operators, comments dropped or added."""
    out = []
    for line in code.splitlines():
        stripped = line.lstrip(" ")
        indent = (len(line) - len(stripped)) // 2
        body = re.sub(r"\s+#.*$", "", stripped) if "'" not in stripped and '"' not in stripped else stripped
        body = body.replace(", ", ",").replace(" = ", "=") if rng.random() < 0.5 else body.replace(",", ", ")
        if body.startswith("#"):
            continue
        out.append(" " * indent + body)
        if rng.random() < 0.1:
            out.append(" " * indent + "# reviewed")
    return "\n".join(out)


def reorder(code: str, rng: random.Random) -> str:
    """Swap two adjacent lines of the same indentation (a local reordering)."""
    lines = code.splitlines()
    pairs = [i for i in range(len(lines) - 1) if lines[i].strip() and lines[i + 1].strip()
             and len(lines[i]) - len(lines[i].lstrip()) == len(lines[i + 1]) - len(lines[i + 1].lstrip())]
    if pairs:
        i = rng.choice(pairs)
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
    return "\n".join(lines)


def disguise(code: str, rng: random.Random) -> str:
    return reorder(reformat(rename(code, rng), rng), rng)


def samples(files: list[Path], n: int, seed: int) -> list[tuple[Path, str]]:
    rng = random.Random(seed)
    out: list[tuple[Path, str]] = []
    tries = 0
    while len(out) < n and tries < n * 20:
        tries += 1
        p = rng.choice(files)
        ex = excerpt(p, rng)
        if ex is not None:
            out.append((p, ex))
    return out
