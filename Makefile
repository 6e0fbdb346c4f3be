# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv (with the `chidao` command) on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck unit service browser chaos integration up down status contracts bench clean importer-score

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

# System packages for the printed-report tests (tests/unit/test_reporting_docx_pages.py):
# LibreOffice renders the DOCX to PDF, poppler's pdftoppm the pages to PNG, and Liberation
# Serif stands in for Times New Roman (same metrics). Debian's fonts-liberation (1.07) has
# no Vietnamese letters (LibreOffice would fall back to DejaVu for "ệ", "ố"...):
# fonts-liberation2 has them. The console's browser tests (tests/browser) drive Debian's
# chromium through Playwright (whose own browser download is not available here).
# apt-get runs only when something is missing.
SYSTEM_PACKAGES := libreoffice-writer poppler-utils fonts-liberation fonts-liberation2 chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: system-deps
system-deps:
	@if command -v soffice >/dev/null && command -v pdftoppm >/dev/null \
	    && command -v chromium >/dev/null \
	    && fc-list ':charset=1ec7' family 2>/dev/null | grep -q 'Liberation Serif'; then :; \
	elif command -v apt-get >/dev/null; then \
	    echo "Installing $(SYSTEM_PACKAGES) (apt-get)"; \
	    $(SUDO) apt-get update -qq \
	    && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	        --no-install-recommends $(SYSTEM_PACKAGES); \
	else \
	    echo "Install LibreOffice (soffice), poppler-utils (pdftoppm) and Liberation" \
	        "Serif 2 (fonts-liberation2) for the printed-report tests, and chromium" \
	        "for the console's browser tests" >&2; exit 1; \
	fi

demo: $(STAMP)
	$(BIN)/chidao demo

test: $(STAMP) system-deps lint typecheck
	$(BIN)/pytest -q tests

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) system-deps
	$(BIN)/pytest -q tests/unit

service: $(STAMP)
	$(BIN)/pytest -q tests/service

# The console in Debian's chromium against a stack of its own (free ports); screenshots
# and page timings in out/screenshots/.
browser: $(STAMP) system-deps
	$(BIN)/pytest -q tests/browser

# Fault injection on a stack of its own (.state/chaos): prints what went in and out.
chaos: $(STAMP)
	$(BIN)/pytest -q -s tests/chaos

integration: $(STAMP)
	$(BIN)/pytest -q tests/integration

up: $(STAMP)
	$(BIN)/chidao up

down: $(STAMP)
	$(BIN)/chidao down

status: $(STAMP)
	$(BIN)/chidao status

# Per-field precision/recall of the directive importer on the blind corpus
# (tests/fixtures/corpus, dev and held-out parts); see chidao/importer_score.py.
importer-score: $(STAMP)
	$(BIN)/python -m chidao.importer_score

bench: $(STAMP)
	$(BIN)/python -m bench

contracts: $(STAMP)
	$(BIN)/chidao contracts

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
