# The two commands of the README are `make book` and `make test`; each sets up .venv first if missing.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: book test serve refresh validate lint bench bench-fresh setup browser axe clean pdf

UV_VERSION := 0.13.9

# Set-up: a venv, uv bootstrapped into it with pip (one small wheel), then requirements.txt
# installed with uv (about 10x faster than pip). If uv cannot be installed or fails, pip installs
# the same pins. tests/house/test_house_rules.py checks the installed versions against requirements.txt.
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	if $(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)" \
	   && $(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.txt; then \
	  echo "set-up: installed requirements.txt with uv $(UV_VERSION)"; \
	else \
	  echo "set-up: uv unavailable, installing with pip"; \
	  $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt; \
	fi
	touch $(STAMP)

setup: $(STAMP)

## Build the book into _build/html (validate data, execute chapters with papermill, compile, publish).
book: $(STAMP)
	$(PY) -m report build $(ARGS)

## Print the built book to _build/pdf/report.pdf (Debian's chromium); builds the book first if needed.
pdf: $(STAMP) browser
	test -f _build/html/index.html || $(PY) -m report build $(ARGS)
	$(PY) -m report pdf

## Run every test: unit, data, parameters, pipeline, built HTML, browser, and nbval on the notebooks.
## One pytest run on 2 workers: the suites in tests/ and nbval (strict) on every notebook. Tests
## are handed out in the order of tests/conftest.py's run_order; a group (xdist_group: a costly
## fixture, or one notebook's cells and kernel) stays on one worker.
test: $(STAMP) browser axe
	$(PY) -m pytest -p no:cacheprovider -n 2 --dist loadgroup --no-loadscope-reorder \
	  --nbval --nbval-current-env --nbval-sanitize-with tests/nbval-sanitize.cfg \
	  tests chapters appendix

## Debian's chromium for the browser tests (Playwright drives it via executable_path).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

## axe-core for the accessibility check, pinned in tests/axe/package-lock.json.
AXE := tests/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): tests/axe/package.json tests/axe/package-lock.json
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq npm >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq npm >/dev/null; fi; }
	npm ci --prefix tests/axe --no-audit --no-fund --loglevel=error
	touch $(AXE)

serve:
	$(PY) -m http.server --directory _build/html 8000

refresh: $(STAMP)
	$(PY) -m report refresh

validate: $(STAMP)
	$(PY) -m report validate

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check report tests bench

bench: $(STAMP)
	$(PY) bench/bench.py $(ARGS)

clean:
	rm -rf _build

## Measure a fresh machine: clone, set up the venv, build (see bench/fresh.py).
bench-fresh:
	$(PYTHON) bench/fresh.py $(ARGS)
