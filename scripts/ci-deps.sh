#!/usr/bin/env bash
# Installs the system tools the tests drive for real (Debian's prometheus); idempotent, quiet when already there.
set -euo pipefail
if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ci-deps: apt-get unavailable, prometheus not installed: the Prometheus end-to-end test will be skipped" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "ci-deps: not root and no sudo, prometheus not installed: the Prometheus end-to-end test will be skipped" >&2
    exit 0
  fi
fi
echo "ci-deps: installing Debian's prometheus (the dashboard query test runs a real server)"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends prometheus >/dev/null
