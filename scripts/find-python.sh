#!/usr/bin/env bash
# Prints the path of a Python 3.12 interpreter: on PATH, in pyenv, or nothing.
set -u
for cand in python3.12 "$HOME/.pyenv/versions/"3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do
  p=$(command -v "$cand" 2>/dev/null) || continue
  if "$p" -c 'import sys; raise SystemExit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then
    echo "$p"; exit 0
  fi
done
if command -v pyenv >/dev/null 2>&1; then
  v=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.12(\.|$)' | sort -V | tail -1)
  if [ -n "$v" ]; then echo "$(pyenv root)/versions/$v/bin/python3.12"; exit 0; fi
fi
exit 0
