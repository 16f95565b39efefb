# One command each: `make install`, `make check` (lint, types, import contracts, tests).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install check lint types contracts test bench-extraction

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

bench-extraction:
	$(BIN)/python -m benchmarks.extraction --data ../shared/extraction
