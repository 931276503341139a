# riskkit: two commands do everything on a fresh clone.
#   make book   set up (.venv, pinned deps, npm assets, data), execute every chapter, build _build/html
#   make test   the same set-up, then lint, unit tests + doctests, strict nbval over every chapter
#               twice (this machine's numerical environment, then another BLAS kernel, no AVX-512,
#               one thread, another time zone and locale), a clean-cache book build with warnings
#               as errors, a headless-browser check of the book, and the chapters in JupyterLab
#   make lab    set up, then JupyterLab on the chapters
#   make pdf    the whole book as one PDF (_build/latex/riskkit.pdf) from the committed outputs;
#               needs TeX Live (see the README), not part of `make test` (it takes minutes)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)

# Data: the registry is fetched by sha256 into the cache ($RISKKIT_DATA_DIR, default ~/.cache/riskkit).
# When ../shared/data exists (the offline mirror) it seeds the cache, so no network is needed.
SHARED_MIRROR := $(abspath ../shared/data)
ifeq ($(origin RISKKIT_DATA_MIRROR),undefined)
  ifneq ($(wildcard $(SHARED_MIRROR)/SOURCES.md),)
    export RISKKIT_DATA_MIRROR := $(SHARED_MIRROR)
  endif
endif

CHAPTERS := $(sort $(wildcard chapters/*.ipynb))
TEST_BOOK := _build/test-book

.PHONY: help setup venv assets data book pdf execute lab lint unit nbval nbval-portable book-check \
  browser-check lab-check test clean lock

help:
	@echo "make book   build the HTML book into _build/html (sets everything up first)"
	@echo "make test   run the whole test suite (unit, doctests, nbval, book build, browser check)"
	@echo "make execute  re-execute every chapter in place (after changing riskkit/ or data/)"
	@echo "make lab    JupyterLab on the chapters (charts draw offline, no trust needed)"
	@echo "make pdf    the whole book as one PDF, _build/latex/riskkit.pdf (needs TeX Live)"

# ---- set-up ---------------------------------------------------------------------------------
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

venv: $(VENV)/.installed

_assets/vendor/.installed: package.json package-lock.json tools/copy_assets.py
	npm ci --no-audit --no-fund --loglevel=error
	$(PYTHON) tools/copy_assets.py
	touch $@

assets: _assets/vendor/.installed

data: venv
	$(BIN)/python -m riskkit.data fetch --all

setup: venv assets data

# ---- the book -------------------------------------------------------------------------------
book: setup
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "Book built: open $(abspath _build/html/index.html)"

# The PDF is typeset from the committed outputs (no re-execution): a copy of _config.yml with
# execution off (the local extension's path made absolute, as the copy lives in _build/).
# XeLaTeX, latexmk and xindy from Debian's TeX Live: see the README for the packages.
PDF_CONFIG := _build/pdf-config.yml

pdf: venv
	@command -v xelatex >/dev/null && command -v latexmk >/dev/null && command -v xindy >/dev/null \
	  || { echo "make pdf needs TeX Live: see README.md (Printing the book)"; exit 1; }
	mkdir -p _build
	sed -e 's/^\(  *execute_notebooks:\).*/\1 "off"/' \
	  -e 's#^\(  *riskkit_book:\) _ext/#\1 $(CURDIR)/_ext/#' _config.yml > $(PDF_CONFIG)
	grep -q 'execute_notebooks: "off"' $(PDF_CONFIG)
	$(BIN)/jupyter-book build . --builder pdflatex --config $(PDF_CONFIG) -n --keep-going
	@echo "PDF built: $(abspath _build/latex/riskkit.pdf)"

execute: setup
	$(BIN)/python tools/execute_notebooks.py $(CHAPTERS)

lab: setup
	$(BIN)/jupyter lab --notebook-dir=. --allow-root chapters/

# ---- tests ----------------------------------------------------------------------------------
lint: venv
	$(BIN)/ruff check riskkit tests benchmarks tools
	$(BIN)/ruff format --check riskkit tests benchmarks tools
	$(BIN)/mypy

unit: setup
	$(BIN)/python -m pytest -q

NBVAL := $(BIN)/python -m pytest -q -p no:cacheprovider --nbval --nbval-current-env \
  --nbval-cell-timeout=600 --nbval-sanitize-with tests/nbval_sanitize.cfg $(CHAPTERS)

nbval: setup
	$(NBVAL)

# The same committed outputs, reproduced in a second numerical environment (tools/numenv.py):
# another OpenBLAS kernel, numpy without AVX-512, one thread, TZ=Asia/Kolkata, a German locale
# where installed. The first command checks that the environment really took.
nbval-portable: setup
	env $$($(BIN)/python tools/numenv.py) $(BIN)/python tools/numenv.py --check
	env $$($(BIN)/python tools/numenv.py) $(NBVAL)

book-check: setup
	rm -rf $(TEST_BOOK)
	$(BIN)/jupyter-book build . --path-output $(TEST_BOOK) -W -n --keep-going

browser-check: book-check
	$(BIN)/python tools/browser_check.py $(TEST_BOOK)/_build/html

# Every chapter opened in JupyterLab (untrusted, offline): committed charts drawn, then again
# after re-executing it with nbclient.
lab-check: setup
	$(BIN)/python tools/lab_check.py $(CHAPTERS)

# The checks are independent: they run two at a time (the machines this is built for have two
# cores), each check's output printed whole when it ends. TEST_JOBS=1 runs them one by one.
TEST_JOBS ?= 2
TEST_CHECKS := lint unit nbval nbval-portable browser-check lab-check

test: setup
	$(MAKE) --no-print-directory -j$(TEST_JOBS) --output-sync=target $(TEST_CHECKS)
	@echo "All checks passed."

lock:
	rm -rf _build/lockvenv && $(PYTHON) -m venv _build/lockvenv
	_build/lockvenv/bin/pip install --quiet -e '.[test]'
	_build/lockvenv/bin/pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf _build
