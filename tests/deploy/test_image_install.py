"""The Dockerfile's build stage, replayed without Docker: its COPY lines and its RUN line, on a fresh directory."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def build_stage() -> str:
    text = (ROOT / "Dockerfile").read_text()
    stages = re.split(r"^FROM ", text, flags=re.MULTILINE)
    return stages[1]  # [0] is the header comment


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def image_command() -> list[str]:
    """ENTRYPOINT + CMD of the runtime stage, as Docker would run them."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    entry = json.loads(re.findall(r"^ENTRYPOINT (.*)$", text, re.MULTILINE)[-1])
    cmd = json.loads(re.findall(r"^CMD (.*)$", text, re.MULTILINE)[-1])
    return [*entry, *cmd]


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
                    # No module built in this tree: the install must build its own.
                    shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.so"))
                else:
                    shutil.copy(src, target / src.name)
        elif kind == "RUN":
            runs.append(arg)
    # The system packages the stage installs first: a C compiler, which this machine has (ci-deps.sh sees to it).
    apt, run = runs
    assert apt.startswith("apt-get update") and "gcc" in apt.split()
    assert shutil.which("cc"), "no C compiler here: scripts/ci-deps.sh installs one"
    assert run.startswith("scripts/install.sh python3 /opt/gardefou --runtime-only")
    # The image's python3 is 3.12; here the interpreter running the tests is.
    command = (run.replace("/opt/gardefou", str(venv)).replace("/app/rules", str(context / "rules"))
               .replace("install.sh python3", f"install.sh {sys.executable}", 1))
    env = {**os.environ, "GARDEFOU_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("VIRTUAL_ENV", None)
    out = subprocess.run(["bash", "-c", command], cwd=context, env=env, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    python = venv / "bin" / "python"
    probe = ("import proxy.addons.metrics, proxy.addons.incidents, proxy.addons.admin, importlib.util as u; "
             "import detectors._codescan; print(u.find_spec('pytest') is None)")
    check = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, timeout=120,
                           cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == "True"  # runtime only: no test tools in the image
    assert (venv / "bin" / "gardefou").exists()

    # The image's command, with the image's paths mapped here: it must start and answer /healthz and /metrics.
    port, admin = free_port(), free_port()
    data = tmp_path / "var"
    command = [str(venv / "bin" / a) if i == 0 else a for i, a in enumerate(image_command())]
    command = [a.replace("/app/rules", str(context / "rules")).replace("/var/lib/gardefou", str(data))
               .replace("8080", str(port)).replace("8081", str(admin)).replace("0.0.0.0", "127.0.0.1")
               for a in command]
    log = (tmp_path / "run.log").open("wb")
    proc = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, (tmp_path / "run.log").read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{admin}/healthz", timeout=2) as r:
                    assert r.read() == b"ok\n"
                    break
            except OSError:
                assert time.monotonic() < deadline, "the image command did not become healthy"
                time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{admin}/metrics", timeout=10) as r:
            assert b"gardefou_policy_reloads_total" in r.read()
        assert (data / "ca" / "mitmproxy-ca-cert.pem").exists()
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()
