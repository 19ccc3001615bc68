# The two commands: `make dev` and `make test`. Both set themselves up from nothing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
# Trust the machine's certificate store (a proxy may re-sign PyPI's certificates).
export UV_SYSTEM_CERTS := 1
UV_VERSION := 0.13.9
PYTHON ?= python3
# uv from PATH when it is there, else a private copy in .tools/ installed with pip.
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: help setup dev test lint typecheck bench openapi clean

help:
	@echo "make dev    - run the whole funnel locally on embedded AWS: API on http://127.0.0.1:3000 (PORT),"
	@echo "              demo landing page with the Pijntest form on http://127.0.0.1:8000 (PAGE_PORT)"
	@echo "make test   - lint, type-check and run every test"
	@echo "make bench  - measure cold starts, AWS calls, timings, cost and a load run; print one table"
	@echo "make openapi - regenerate openapi.json from the handlers' routes"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --extra dev --python $(PYTHON)
	@touch $@

setup: $(VENV)/.synced

dev: setup
	$(BIN)/python -m infra.local

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

bench: setup
	UV=$(UV) $(BIN)/python -m bench

openapi: setup
	$(BIN)/python -m infra.openapi

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
