# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv (with the `chidao` command) on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck unit integration up down status contracts bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/chidao demo

test: $(STAMP) lint typecheck
	$(BIN)/pytest -q tests

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

integration: $(STAMP)
	$(BIN)/pytest -q tests/integration

up: $(STAMP)
	$(BIN)/chidao up

down: $(STAMP)
	$(BIN)/chidao down

status: $(STAMP)
	$(BIN)/chidao status

bench: $(STAMP)
	$(BIN)/python bench/consumer_throughput.py

contracts: $(STAMP)
	$(BIN)/chidao contracts

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
