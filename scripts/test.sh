#!/usr/bin/env bash
# The whole test command (make test, .ci/run): lint, types, rule examples, unit and end-to-end tests, short benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
scripts/ci-deps.sh  # system tools the end-to-end tests run for real (prometheus), and a C compiler
# The C module is built by the install; built again here if the compiler only came with ci-deps.
"$bin/python" -c "import detectors._codescan" 2>/dev/null \
  || "$bin/uv" pip install --quiet --python "$bin/python" --no-deps -e .
export GARDEFOU_CACHE_DIR="${GARDEFOU_CACHE_DIR:-$PWD/.cache/gardefou}"
echo "== ruff"; "$bin/ruff" check .
echo "== mypy"; "$bin/mypy"
echo "== rules check"; "$bin/gardefou" rules check
echo "== C module under AddressSanitizer and UBSan"; scripts/sanitize-codescan.sh
# Detector throughput and accuracy figures on every run (about a minute), before the tests so that the
# test summary is the last thing CI prints; `make bench` runs them all, longer.
if [ "$#" -eq 0 ]; then
  echo "== benchmarks (short)"
  "$bin/python" benchmarks/run_all.py --short --only bench_engine.py --only eval_credentials.py \
    --only eval_regulated.py --only eval_source_code.py
fi
echo "== pytest"; "$bin/python" -m pytest -q -p no:cacheprovider "$@"
