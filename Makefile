# Coalition: the two commands that matter are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UV ?= $(shell command -v uv 2>/dev/null)
SERVICES := services/research services/scoring services/engagement services/agreement services/projections
PACKAGES := shared $(SERVICES)
PORT ?= 8000

.PHONY: help install run test test-fast lint typecheck check bench lock clean

help:  ## List the targets.
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/uv:
	@if [ -n "$(UV)" ]; then $(UV) venv -q --python $(PYTHON) $(VENV); ln -sf "$(UV)" $(BIN)/uv; \
	else $(PYTHON) -m venv $(VENV) && $(BIN)/pip install -q uv; fi

$(VENV)/.installed: requirements-dev.lock $(BIN)/uv $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
	$(BIN)/uv pip sync -q --python $(BIN)/python --require-hashes requirements-dev.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps --no-build-isolation $(foreach p,$(PACKAGES),-e $(p))
	@touch $@

install: $(VENV)/.installed  ## Create the virtual environment from the lock file.

run: install  ## Start all five services on http://127.0.0.1:$(PORT) (SQLite + embedded NATS).
	$(BIN)/coalition serve all --port $(PORT)

test: lint typecheck  ## Lint, type-check and run the whole suite against real PostgreSQL and NATS.
	$(BIN)/python -m pytest -p no:cacheprovider

lint: install  ## ruff.
	$(BIN)/ruff check shared services tests benchmarks
	$(BIN)/ruff format --check shared services tests benchmarks

typecheck: install  ## mypy --strict.
	$(BIN)/mypy

check: lint typecheck test  ## Everything CI checks.

bench: install  ## Benchmarks; writes benchmarks/results.md.
	$(BIN)/python -m benchmarks.run

LOCKED := shared/pyproject.toml deploy/service-requirements.in deploy/build-requirements.in

lock:  ## Re-resolve both lock files from the pyproject files (versions and hashes, no addresses).
	$(BIN)/python deploy/service_requirements.py $(foreach p,$(SERVICES),$(p)/pyproject.toml) \
		> deploy/service-requirements.in
	$(BIN)/uv pip compile $(LOCKED) --generate-hashes \
		--python-version 3.11 --no-header -q -o requirements.lock
	$(BIN)/uv pip compile $(LOCKED) pyproject.toml \
		--extra dev --generate-hashes --python-version 3.11 --no-header -q -o requirements-dev.lock

clean:  ## Remove the environment and local data.
	rm -rf $(VENV) .data
