"""Deterministic generator of the labelled source-code corpus: real code excerpts against prose, lists, logs, commands.

Run once on a machine that has the sources (see SOURCES); writes samples.jsonl beside this file, which is committed.
    .venv/bin/python benchmarks/corpus/source_code/generate.py
"""

from __future__ import annotations

import glob
import json
import os
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261122
PER_LANGUAGE = 60
HANDWRITTEN = HERE / "handwritten"

# language -> glob patterns of real files installed on the development machine.
SOURCES: dict[str, list[str]] = {
    "python": ["/root/.pyenv/versions/3.12*/lib/python3.12/[a-z]*.py", "/root/.pyenv/versions/3.12*/lib/python3.12/*/*.py"],
    "java": ["zip:/usr/lib/jvm/temurin-25-jdk-amd64/lib/src.zip"],
    "javascript": ["/usr/lib/node_modules/npm/node_modules/*/lib/*.js", "/usr/lib/node_modules/npm/lib/**/*.js"],
    "typescript": ["/tmp/tsrc/node_modules/rxjs/src/internal/**/*.ts"],
    "c": ["/usr/share/go-1.19/src/runtime/cgo/*.c", "/work/main/.venv/lib/python3.12/site-packages/mypyc/lib-rt/*.c"],
    "cpp": ["/usr/include/c++/12/ext/pb_ds/detail/*/*.hpp", "/usr/include/c++/12/bits/*.tcc"],
    "go": ["/usr/share/go-1.19/src/net/http/*.go", "/usr/share/go-1.19/src/strings/*.go", "/usr/share/go-1.19/src/os/*.go"],
    "rust": ["/usr/share/cargo/registry/*/src/**/*.rs"],
    "php": ["/usr/lib/google-cloud-sdk/platform/google_appengine/php/sdk/google/appengine/**/*.php"],
    "sql": ["/usr/share/postgresql/15/extension/*.sql"],
    "shell": ["/usr/share/**/*.sh", "/usr/bin/*"],
    "powershell": ["/usr/lib/node_modules/**/*.ps1", "/work/main/.venv/bin/Activate.ps1", "hand:*.ps1"],
    "csharp": ["hand:*.cs"],
    "kotlin": ["hand:*.kt"],
    "cobol": ["hand:*.cbl"],
    "abap": ["hand:*.abap"],
}
FENCE = {"csharp": "csharp", "cpp": "cpp", "shell": "bash"}

FR_ASK = [
    "Peux-tu m'expliquer ce que fait ce code ?", "Bonjour, j'ai un bug dans cette fonction, tu vois pourquoi ?",
    "Optimise ce code s'il te plaît :", "Voici un extrait de notre dépôt, peux-tu ajouter des tests ?",
    "Traduis ce code en Python :", "Relis ce code et dis-moi s'il y a une faille de sécurité.",
]
EN_ASK = [
    "Can you explain what this code does?", "This throws an error sometimes, any idea why?",
    "Please refactor the following:", "Write unit tests for this:", "Convert this to TypeScript please.",
    "Review this snippet for performance problems.",
]
FR_AFTER = ["Merci d'avance !", "Merci.", "Je suis pressé, réponds vite.", "", "Garde le même style."]
EN_AFTER = ["Thanks!", "Thank you.", "", "Keep the same style please.", "Be concise."]
# Manual pages quote shell examples inside their paragraphs: those are not prose.
CODEISH = re.compile(r"\$\(|; then|\bfi\b|<<|2>|\|\s*\w+ -|&&|\[ \$")
COMMENT = re.compile(r"\s*(#|//|/\*|\*|--|;|'|REM\b|\")")


def read_text(path: str) -> str | None:
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    if b"\0" in data[:4096]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def files_for(lang: str, rng: random.Random) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for pat in SOURCES[lang]:
        if pat.startswith("zip:"):
            zpath = pat[4:]
            if not os.path.exists(zpath):
                continue
            with zipfile.ZipFile(zpath) as z:
                names = sorted(n for n in z.namelist() if n.startswith("java.base/java/util/") and n.endswith(".java"))
                for n in rng.sample(names, min(120, len(names))):
                    out.append((f"{zpath}!{n}", z.read(n).decode("utf-8", "replace")))
            continue
        if pat.startswith("hand:"):
            paths = sorted(glob.glob(str(HANDWRITTEN / pat[5:])))
        else:
            paths = sorted(glob.glob(pat, recursive=True))
        if lang == "shell":
            paths = [p for p in paths if os.path.isfile(p) and _is_shell(p)]
        rng.shuffle(paths)
        for p in paths[:150]:
            text = read_text(p)
            if text and text.count("\n") >= 8:
                out.append((p, text))
    return out


def _is_shell(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(64)
    except OSError:
        return False
    return head.startswith((b"#!/bin/sh", b"#!/bin/bash", b"#! /bin/sh", b"#!/usr/bin/env bash")) or path.endswith(".sh")


def string_or_comment_mask(lines: list[str]) -> list[bool]:
    """Lines inside docstrings or block comments, or that are line comments: not what a code excerpt is made of."""
    mask = []
    in_doc = False
    in_block = False
    for line in lines:
        s = line.strip()
        inside = in_doc or in_block or bool(COMMENT.match(line))
        for q in ('"""', "'''"):
            if s.count(q) % 2 == 1:
                in_doc = not in_doc
                inside = True
        if "/*" in s and "*/" not in s:
            in_block = True
        elif "*/" in s:
            in_block = False
            inside = True
        mask.append(inside)
    return mask


def excerpt(text: str, rng: random.Random, lo: int, hi: int) -> str | None:
    lines = text.splitlines()
    header = 20 if len(lines) > 60 else 0
    for _ in range(30):
        n = rng.randint(lo, hi)
        if len(lines) - header < n:
            return None
        start = rng.randint(header, len(lines) - n)
        chunk = lines[start:start + n]
        nonblank = [i for i, line in enumerate(chunk) if line.strip()]
        if len(nonblank) < lo:
            continue
        mask = string_or_comment_mask(lines[: start + n])[start:]
        commentish = sum(1 for i in nonblank if mask[i])
        if commentish > 0.4 * len(nonblank):
            continue
        if max(len(line) for line in chunk) > 300:
            continue
        return "\n".join(chunk).strip("\n")
    return None


def code_samples(rng: random.Random) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for lang in SOURCES:
        files = files_for(lang, rng)
        if not files:
            print(f"warning: no source files for {lang}", file=sys.stderr)
            continue
        made = 0
        tries = 0
        while made < PER_LANGUAGE and tries < PER_LANGUAGE * 20:
            tries += 1
            path, text = rng.choice(files)
            form = rng.choice(["bare", "bare", "ask", "fenced"])
            lo, hi = (3, 18) if form == "fenced" else (6, 30)
            code = excerpt(text, rng, lo, hi)
            if code is None:
                continue
            fr = rng.random() < 0.5
            ask = rng.choice(FR_ASK if fr else EN_ASK)
            after = rng.choice(FR_AFTER if fr else EN_AFTER)
            if form == "bare":
                sample = code
            elif form == "ask":
                sample = f"{ask}\n\n{code}\n\n{after}".strip()
            else:
                tag = FENCE.get(lang, lang) if rng.random() < 0.7 else ""
                sample = f"{ask}\n\n```{tag}\n{code}\n```\n{after}".strip()
            out.append({"label": "code", "language": lang, "kind": form, "source": path, "text": sample})
            made += 1
    return out


def man_paragraphs(pattern: str) -> list[str]:
    """Prose paragraphs of rendered manual pages."""
    paras: list[str] = []
    for path in sorted(glob.glob(pattern))[:250]:
        try:
            raw = subprocess.run(["man", "-Tutf8", "-l", path], capture_output=True, timeout=20,
                                 env={**os.environ, "MANWIDTH": "2000"}).stdout
        except (OSError, subprocess.TimeoutExpired):
            continue
        text = re.sub(r".\x08", "", raw.decode("utf-8", "replace"))
        for block in re.split(r"\n\s*\n", text):
            lines = [line.strip() for line in block.splitlines()]
            if len(lines) == 1 and len(lines[0].split()) >= 12 and not lines[0].startswith("-") and not CODEISH.search(lines[0]):
                paras.append(re.sub(r"\s+", " ", lines[0]))
    return paras


def readme_parts(rng: random.Random) -> tuple[list[str], list[str]]:
    """(prose paragraphs, list runs) of Markdown READMEs, fenced and indented code removed."""
    prose: list[str] = []
    lists: list[str] = []
    paths = sorted(glob.glob("/usr/lib/node_modules/**/README.md", recursive=True))
    for path in paths:
        text = read_text(path) or ""
        text = re.sub(r"```.*?```", "", text, flags=re.S)
        text = re.sub(r"(?m)^(?: {4}|\t).*\n?", "", text)
        for block in re.split(r"\n\s*\n", text):
            lines = [line for line in block.splitlines() if line.strip()]
            if len(lines) >= 3 and all(re.match(r"\s*(?:[-*+]|\d+\.)\s+\S", line) for line in lines):
                lists.append("\n".join(lines))
            elif lines and all(re.match(r"[A-Za-z]", line) for line in lines) and len(" ".join(lines).split()) >= 15:
                prose.append("\n".join(lines))
    return prose, lists


FR_ITEMS = [
    "relire le contrat avec le service juridique", "préparer la réunion de lundi avec l'équipe commerciale",
    "mettre à jour le tableau de bord des ventes", "envoyer le compte rendu au client", "valider le budget 2025",
    "organiser la formation RGPD", "vérifier les congés de l'équipe", "planifier la migration du serveur de fichiers",
    "répondre à l'appel d'offres de la mairie", "corriger la présentation pour le comité de direction",
    "contacter le fournisseur pour la livraison", "rédiger la fiche de poste du stagiaire",
]
EN_ITEMS = [
    "review the quarterly numbers with finance", "book the venue for the offsite", "update the onboarding guide",
    "send the proposal to the client", "schedule interviews for the data engineer role", "renew the SSL certificates",
    "clean up the shared drive", "prepare slides for the board meeting", "follow up on the late invoices",
    "draft the press release", "test the new VPN client on laptops", "collect feedback from the pilot users",
]
SERVICES = ["nginx", "api-gateway", "billing", "auth", "worker", "postgres", "scheduler"]
LEVELS = ["INFO", "WARN", "ERROR", "DEBUG"]
MESSAGES = [
    "request completed in {n} ms", "connection refused to {h}:5432", "user {u} logged in", "cache miss for key orders:{n}",
    "retrying job {n} (attempt 2/5)", "disk usage at {n}% on /var", "certificate expires in {n} days",
    "payload too large: {n} bytes", "timeout after {n}s waiting for upstream", "scheduled backup finished",
]
ERRORS = [
    "Error: ENOENT: no such file or directory, open '/home/marie/projet/config.json'",
    "ModuleNotFoundError: No module named 'pandas'",
    "ERROR: Could not find a version that satisfies the requirement torch==2.9.9",
    "fatal: not a git repository (or any of the parent directories): .git",
    "psql: error: connection to server at \"localhost\" (127.0.0.1), port 5432 failed: Connection refused",
    "npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree",
    "java.lang.OutOfMemoryError: Java heap space",
    "Permission denied (publickey).",
    "Erreur 500 : le serveur a rencontré une erreur interne, merci de réessayer plus tard.",
    "docker: Error response from daemon: port is already allocated.",
]


def synthetic_log(rng: random.Random) -> str:
    lines = []
    for i in range(rng.randint(4, 25)):
        fmt = rng.choice(["iso", "syslog", "bracket", "access"])
        msg = rng.choice(MESSAGES).format(n=rng.randint(1, 9999), h=f"10.0.{rng.randint(0, 9)}.{rng.randint(1, 250)}",
                                          u=rng.choice(["marie", "jdupont", "admin", "svc-backup"]))
        svc = rng.choice(SERVICES)
        lvl = rng.choice(LEVELS)
        if fmt == "iso":
            lines.append(f"2025-03-{rng.randint(10, 28)} 14:{rng.randint(10, 59)}:{rng.randint(10, 59)},{i:03d} {lvl} {svc}: {msg}")
        elif fmt == "syslog":
            lines.append(f"Mar {rng.randint(1, 28)} 09:{rng.randint(10, 59)}:{rng.randint(10, 59)} host01 {svc}[{rng.randint(100, 9999)}]: {msg}")
        elif fmt == "bracket":
            lines.append(f"[{lvl}] [{svc}] {msg}")
        else:
            lines.append(f'10.1.{rng.randint(0, 9)}.{rng.randint(1, 250)} - - [12/Mar/2025:10:{rng.randint(10, 59)}:01 +0100] '
                         f'"GET /api/v1/orders/{rng.randint(1, 999)} HTTP/1.1" {rng.choice([200, 404, 500])} {rng.randint(100, 9000)}')
    return "\n".join(lines)


def shell_commands() -> list[str]:
    cmds: list[str] = []
    for path in sorted(glob.glob("/usr/share/**/*.sh", recursive=True))[:200]:
        for line in (read_text(path) or "").splitlines():
            s = line.strip()
            if 15 <= len(s) <= 120 and re.match(r"[a-z][\w.-]+ ", s) and not s.endswith(("{", "(", "\\", ";", "then", "do")):
                cmds.append(s)
    return cmds


def prose_samples(rng: random.Random, n: int) -> list[dict[str, object]]:
    fr = man_paragraphs("/usr/share/man/fr/man*/*.gz")
    for path in ("/usr/share/gnupg/help.fr.txt",
                 "/usr/lib/google-cloud-sdk/platform/gsutil/third_party/charset_normalizer/data/sample-french.txt",
                 "/usr/lib/google-cloud-sdk/platform/gsutil/third_party/charset_normalizer/data/sample-french-1.txt"):
        for block in re.split(r"\n\s*\n", read_text(path) or ""):
            if len(block.split()) >= 12 and not block.lstrip().startswith("."):
                fr.append(block.strip())
    en = man_paragraphs("/usr/share/man/man1/[a-c]*.gz")
    for lic in ("Apache-2.0", "GPL-3", "MPL-2.0"):
        en.extend(b.strip() for b in re.split(r"\n\s*\n", read_text(f"/usr/share/common-licenses/{lic}") or "")
                  if len(b.split()) >= 15)
    readme_prose, readme_lists = readme_parts(rng)
    en.extend(readme_prose)
    cmds = shell_commands()
    print(f"sources: {len(fr)} French paragraphs, {len(en)} English, {len(readme_lists)} lists, {len(cmds)} commands",
          file=sys.stderr)
    logs: list[str] = []
    for path in ("/var/log/dpkg.log", "/var/log/alternatives.log", "/var/log/apt/history.log"):
        text = read_text(path) or ""
        lines = text.splitlines()
        for _ in range(15):
            if len(lines) > 30:
                a = rng.randint(0, len(lines) - 30)
                logs.append("\n".join(lines[a:a + rng.randint(5, 30)]))
    out: list[dict[str, object]] = []
    kinds = ["prose_fr", "prose_fr", "prose_en", "prose_en", "list", "log", "error", "command"]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        if kind == "prose_fr":
            text, src = "\n\n".join(rng.sample(fr, rng.randint(1, 4))), "man-fr+fr-texts"
        elif kind == "prose_en":
            text, src = "\n\n".join(rng.sample(en, rng.randint(1, 4))), "man-en+licenses+readmes"
        elif kind == "list":
            if readme_lists and rng.random() < 0.5:
                text, src = rng.choice(readme_lists), "readme-lists"
            else:
                items = rng.sample(FR_ITEMS if rng.random() < 0.5 else EN_ITEMS, rng.randint(4, 9))
                style = rng.choice(["- ", "* ", "num"])
                lines = [(f"{k + 1}. " if style == "num" else style) + it for k, it in enumerate(items)]
                head = rng.choice(["À faire cette semaine :", "TODO:", "Ordre du jour", "Next steps:"])
                text, src = head + "\n" + "\n".join(lines), "synthetic-list"
        elif kind == "log":
            if logs and rng.random() < 0.4:
                text, src = rng.choice(logs), "var-log"
            else:
                text, src = synthetic_log(rng), "synthetic-log"
            if rng.random() < 0.5:
                text = rng.choice(["J'ai ces logs, tu comprends le problème ?\n", "What do these logs mean?\n"]) + text
        elif kind == "error":
            text = rng.choice(ERRORS)
            text = rng.choice(["J'ai cette erreur : ", "Getting this error:\n", "", "Pourquoi ? "]) + text
            if rng.random() < 0.5:
                text += "\n" + rng.choice(fr + en)
            src = "synthetic-error"
        else:
            cmd = rng.choice(cmds) if cmds else "docker compose up -d --build"
            text = rng.choice([
                f"Quand je lance `{cmd}` ça plante, une idée ?", f"How do I make this faster?\n{cmd}",
                f"{cmd}", f"Explique-moi cette commande :\n\n{cmd}\n\nMerci",
            ])
            if rng.random() < 0.5:
                text = rng.choice(fr + en) + "\n\n" + text
            src = "shell-scripts"
        out.append({"label": "other", "language": "", "kind": kind, "source": src, "text": text})
    return out


def main() -> int:
    rng = random.Random(SEED)
    code = code_samples(rng)
    other = prose_samples(rng, len(code))
    samples = code + other
    rng.shuffle(samples)
    with open(HERE / "samples.jsonl", "w", encoding="utf-8") as f:
        for i, s in enumerate(samples):
            f.write(json.dumps({"id": i, **s}, ensure_ascii=False) + "\n")
    print(f"wrote {len(samples)} samples ({len(code)} code, {len(other)} other) to {HERE / 'samples.jsonl'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
