#!/usr/bin/env bash
# Installs the system tools the tests drive for real (Prometheus, Node.js for the PAC file) and the C compiler the
# source-code stage's C module needs; idempotent.
set -euo pipefail
missing=()
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ci-deps: apt-get unavailable, not installing ${missing[*]}: the tests that need them will be skipped" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "ci-deps: not root and no sudo, not installing ${missing[*]}: the tests that need them will be skipped" >&2
    exit 0
  fi
fi
echo "ci-deps: installing ${missing[*]} from Debian (the dashboard and PAC tests run them for real)"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
