"""Builds the mixed benchmark corpus: French and English prose, source code, JSON bodies, a few planted secrets."""

from __future__ import annotations

import gettext
import json
import random
import string
import sys
from collections.abc import Iterator
from pathlib import Path

CHUNK = 4096


def _mo_texts(lang: str) -> Iterator[tuple[str, str]]:
    """(English msgid, translated msgstr) pairs from the translation catalogues installed on the machine."""
    for mo in sorted(Path(f"/usr/share/locale/{lang}/LC_MESSAGES").glob("*.mo")):
        try:
            with mo.open("rb") as fh:
                cat = gettext.GNUTranslations(fh)
        except (OSError, gettext.Error, UnicodeDecodeError):
            continue
        for k, v in cat._catalog.items():  # type: ignore[attr-defined]
            if isinstance(k, str) and k and isinstance(v, str) and len(v) > 20:
                yield k, v


def prose(rng: random.Random) -> tuple[list[str], list[str]]:
    """Real sentences in French and English; a built-in fallback where no catalogue is installed."""
    fr, en = [], []
    for k, v in _mo_texts("fr"):
        fr.append(v)
        en.append(k)
    for lic in ("GPL-3", "Apache-2.0", "GFDL-1.3"):
        p = Path("/usr/share/common-licenses") / lic
        if p.exists():
            en.extend(x for x in p.read_text(errors="replace").split("\n\n") if len(x) > 40)
    if len(fr) < 200:
        fr += ["Le contrat de prestation prévoit une revue trimestrielle des indicateurs de service."] * 200
    if len(en) < 200:
        en += ["The quarterly review covers service indicators, incidents and the roadmap for next year."] * 200
    rng.shuffle(fr)
    rng.shuffle(en)
    return fr, en


def code_files() -> list[Path]:
    """Source files of installed packages: Python, C headers, JavaScript."""
    roots = [Path(p) for p in sys.path if p.endswith("site-packages")]
    out: list[Path] = []
    for root in roots:
        for ext in ("*.py", "*.h", "*.js", "*.pyi"):
            out.extend(sorted(root.glob(f"*/**/{ext}"))[:3000])
    return [p for p in out if 2000 < p.stat().st_size < 200_000]


def _rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def planted_secret(rng: random.Random) -> str:
    """A fabricated credential of a common shape, generated at run time (never a real one)."""
    al = string.ascii_letters + string.digits
    kind = rng.randrange(6)
    if kind == 0:
        return "aws_access_key_id = AKIA" + _rand(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    if kind == 1:
        return "ghp_" + _rand(rng, al, 36)
    if kind == 2:
        return "OPENAI_API_KEY=sk-proj-" + _rand(rng, al, 40) + "T3BlbkFJ" + _rand(rng, al, 40)
    if kind == 3:
        return "xoxb-" + _rand(rng, string.digits, 12) + "-" + _rand(rng, string.digits, 13) + "-" + _rand(rng, al, 24)
    if kind == 4:
        return "postgres://app:" + _rand(rng, al, 14) + "@db.internal:5432/prod"
    return "sk_live_" + _rand(rng, al, 24)


def build(size: int, seed: int = 7) -> list[str]:
    """Documents of about 4 KB each, mixed kinds, `size` bytes in all; about 2% carry a planted secret."""
    rng = random.Random(seed)
    fr, en = prose(rng)
    files = code_files()
    docs: list[str] = []
    total = 0
    fi = ei = ci = 0
    while total < size:
        kind = rng.randrange(4)
        if kind == 0:
            parts = []
            while sum(map(len, parts)) < CHUNK:
                parts.append(fr[fi % len(fr)])
                fi += 1
            text = " ".join(parts)[:CHUNK]
        elif kind == 1:
            parts = []
            while sum(map(len, parts)) < CHUNK:
                parts.append(en[ei % len(en)])
                ei += 1
            text = " ".join(parts)[:CHUNK]
        elif kind == 2 and files:
            src = files[ci % len(files)].read_text(errors="replace")
            ci += 1
            off = rng.randrange(max(1, len(src) - CHUNK))
            text = src[off : off + CHUNK]
        else:
            msg = " ".join(fr[(fi + i) % len(fr)] for i in range(8))[: CHUNK - 300]
            fi += 8
            body = {
                "model": "gpt-4o",
                "messages": [
                    {"role": "system", "content": "Tu es un assistant utile."},
                    {"role": "user", "content": msg},
                ],
                "temperature": 0.2,
                "stream": True,
            }
            text = json.dumps(body, ensure_ascii=False)
        if rng.random() < 0.02:
            pos = rng.randrange(len(text) + 1)
            text = text[:pos] + " " + planted_secret(rng) + " " + text[pos:]
        docs.append(text)
        total += len(text.encode("utf-8"))
    return docs
