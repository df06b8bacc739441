# Two commands on a fresh machine with python3 and make: `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# The fast tests: no Textual app, no terminal or browser, no server, nothing that takes seconds.
FAST ?= not slow and not tui and not e2e and not postgres

.PHONY: demo test check lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || { $(PY) -m pip install --user -q virtualenv && $(PY) -m virtualenv -q $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-runtime: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

# irrCAC (the agreement tests' reference) pins old numpy, pandas and scipy it does not need:
# it goes in without its own requirements, which the test extra covers.
$(VENV)/.installed-test: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m pip install -q --no-deps 'irrCAC==0.4.4'
	touch $@ $(VENV)/.installed-runtime

## make demo: build projects/demo.db from seeds/ and codebooks/, then open the coding TUI.
demo: $(VENV)/.installed-runtime
	$(BIN)/coder demo

## make test: the whole suite (lint, types, layering, unit, TUI, end-to-end), one worker per core.
## pytest's exit status 5 (no tests collected) is not a failure of the build.
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest: no tests were collected"; exit 0; fi; exit $$rc

## make check: the inner loop: lint, format, types, layers, then the fast tests in parallel.
check: lint
	$(BIN)/python -m pytest -q -n auto -m "$(FAST)" $(PYTEST_ARGS)

## make lint: the static checks alone (also run by tests/test_quality.py).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check coder tests benchmarks
	$(BIN)/ruff format --check coder tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

# The benchmarks of benchmarks/RESULTS.md that run in minutes; scale_bench.py (hours at full
# size), concurrency_bench.py, documents_bench.py and tui_bench.py are run one at a time.
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/import_bench.py
	$(BIN)/python benchmarks/agreement_bench.py
	$(BIN)/python benchmarks/gamma_bench.py
	$(BIN)/python benchmarks/startup_bench.py
	$(BIN)/python benchmarks/bulk_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
