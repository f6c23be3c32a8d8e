#!/usr/bin/env bash
# Runs the C module's tests against a build with AddressSanitizer and UBSan: detectors/_codescan.c reads untrusted
# prompts, so an out-of-bounds read or undefined behaviour must fail CI rather than wait for a crash in production.
set -euo pipefail
cd "$(dirname "$0")/.."
py="$PWD/.venv/bin/python"
cc=${CC:-gcc}
asan=$("$cc" -print-file-name=libasan.so 2>/dev/null || true)
ubsan=$("$cc" -print-file-name=libubsan.so 2>/dev/null || true)
if [ ! -e "$asan" ] || [ ! -e "$ubsan" ]; then
  echo "sanitize-codescan: $cc has no libasan/libubsan here, skipped" >&2
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A copy of the tree holding the sanitized module; the module still matches its source's hash (code_line_scores).
cp -r detectors tests pyproject.toml "$tmp/"
mkdir -p "$tmp/benchmarks/corpus" && cp -r benchmarks/corpus/source_code "$tmp/benchmarks/corpus/"
rm -f "$tmp"/detectors/*.so
include=$("$py" -c "import sysconfig; print(sysconfig.get_paths()['include'])")
suffix=$("$py" -c "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))")
digest=$("$py" -c "from detectors.code_line_scores import source_digest; print(source_digest())")
"$cc" -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -fPIC -shared \
  -I"$include" -DCODESCAN_SOURCE="\"$digest\"" detectors/_codescan.c -o "$tmp/detectors/_codescan$suffix"
cd "$tmp"
# --capture=sys below: a sanitizer report goes to file descriptor 2, which must reach the log.
export LD_PRELOAD="$asan $ubsan" ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1
"$py" -c "import detectors.code_line_scores as s, sys; sys.exit(s.native is None or not s.native.__file__.startswith('$tmp'))" \
  || { echo "sanitize-codescan: the sanitized module is not the one loaded" >&2; exit 1; }
"$py" -m pytest -q -p no:cacheprovider --capture=sys -W ignore::DeprecationWarning \
  tests/detectors/code/test_codescan.py tests/detectors/code/test_code_line_scores.py
