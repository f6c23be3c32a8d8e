"""The Dockerfile's build stage, replayed without Docker: its COPY lines and its RUN line, on a fresh directory."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def build_stage() -> str:
    text = (ROOT / "Dockerfile").read_text()
    stages = re.split(r"^FROM ", text, flags=re.MULTILINE)
    return stages[1]  # [0] is the header comment


def instructions(stage: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n\s*", " ", stage)  # continuation lines
    return re.findall(r"^(COPY|RUN|WORKDIR)\s+(.*)$", joined, re.MULTILINE)


@pytest.mark.slow
def test_build_stage_installs_a_working_runtime(tmp_path: Path) -> None:
    context = tmp_path / "src"
    context.mkdir()
    venv = tmp_path / "venv"
    runs = []
    for kind, arg in instructions(build_stage()):
        if kind == "COPY":
            *sources, dest = arg.split()
            for source in sources:
                src = ROOT / source.rstrip("/")
                if not src.exists() and source == "README.md":
                    continue  # the lead's file; the wheel builds without it, the image needs it
                target = context / dest  # "./" for files, "name/" for directories, as in the Dockerfile
                if src.is_dir():
                    shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
                else:
                    shutil.copy(src, target / src.name)
        elif kind == "RUN":
            runs.append(arg)
    [run] = runs
    assert run.startswith("scripts/install.sh python3 /opt/gardefou --runtime-only")
    # The image's python3 is 3.12; here the interpreter running the tests is.
    command = run.replace("/opt/gardefou", str(venv)).replace("install.sh python3", f"install.sh {sys.executable}", 1)
    env = {**os.environ, "GARDEFOU_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("VIRTUAL_ENV", None)
    out = subprocess.run(["bash", "-c", command], cwd=context, env=env, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    python = venv / "bin" / "python"
    probe = ("import proxy.addons.metrics, proxy.addons.incidents, proxy.addons.admin, importlib.util as u; "
             "print(u.find_spec('pytest') is None)")
    check = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, timeout=120,
                           cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == "True"  # runtime only: no test tools in the image
    assert (venv / "bin" / "gardefou").exists()
