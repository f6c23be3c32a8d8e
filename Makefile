# Garde-fou: `make run` starts the proxy on the shipped policy, `make test` runs every check.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml setup.py detectors/_codescan.c | sha256sum | cut -c1-16)

.PHONY: install run test lint typecheck rules-check sanitize bench bench-short clean lock

# Python 3.12 is required (mitmproxy 12). Found on PATH, through pyenv, or named with PYTHON=.
PYTHON ?= $(shell scripts/find-python.sh)

$(STAMP):
	@test -n "$(PYTHON)" || { echo "Python 3.12 not found: install it (pyenv install 3.12, apt install python3.12) or run make PYTHON=/path/to/python3.12" >&2; exit 1; }
	scripts/install.sh "$(PYTHON)" "$(VENV)"
	@touch $@

install: $(STAMP)

run: install
	$(VENV)/bin/gardefou run

test: install
	scripts/test.sh

lint: install
	$(VENV)/bin/ruff check .

typecheck: install
	$(VENV)/bin/mypy

rules-check: install
	$(VENV)/bin/gardefou rules check

sanitize: install
	scripts/sanitize-codescan.sh

bench: install
	$(PY) benchmarks/run_all.py

bench-short: install
	$(PY) benchmarks/run_all.py --short

lock:
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --python-version 3.12 -o requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
