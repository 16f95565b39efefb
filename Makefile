# One command each: `make install`, `make check` (lint, types, import contracts, tests).
# Another Python: `make install check PY=python3.13 VENV=.venv-3.13` (3.11 to 3.13 supported).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install check lint types contracts test lock bench-extraction

install:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"

check: lint types contracts test

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types:
	$(BIN)/mypy

contracts:
	$(BIN)/lint-imports

test:
	$(BIN)/pytest -q

# Re-resolve the newest versions pyproject.toml allows into constraints.txt (the lock).
lock:
	rm -rf .venv-lock
	$(PY) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --upgrade "pip>=24"
	.venv-lock/bin/pip install --quiet ".[dev]"
	{ sed -n '/^#/p' constraints.txt; \
	  .venv-lock/bin/pip freeze --all --exclude-editable | grep -v -e '^pip==' -e '^newsbot' \
	  | sort -f; } > constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf .venv-lock

bench-extraction:
	$(BIN)/python -m benchmarks.extraction --data ../shared/extraction
