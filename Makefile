# The two commands: `make dev` and `make test`. Both set themselves up from nothing.
# `make build` runs `sam build` for the Lambda runtime (python3.13, arm64) into .aws-sam/build, for `sam deploy`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
# Trust the machine's certificate store (a proxy may re-sign PyPI's certificates).
export UV_SYSTEM_CERTS := 1
# The SAM CLI sends no usage data.
export SAM_CLI_TELEMETRY := 0
UV_VERSION := 0.13.9
PYTHON ?= python3
# uv from PATH when it is there, else a private copy in .tools/ installed with pip.
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
VENV := .venv
BIN := $(VENV)/bin
# The build needs CPython 3.13, the Lambda runtime's: python3.13 on PATH when it runs (a pyenv shim of a
# version that is not selected does not), else the newest 3.13 that pyenv installed.
PYTHON313 ?= $(or $(shell python3.13 -c 'import sys; print(sys.executable)' 2>/dev/null),$(lastword $(sort \
	$(wildcard $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions/3.13*/bin/python3.13))))
BUILD_DIR ?= .aws-sam/build

.PHONY: help setup tools chromium dev test lint typecheck build tools-lock bench openapi clean

help:
	@echo "make dev    - run the whole funnel locally on embedded AWS: API on http://127.0.0.1:3000 (PORT),"
	@echo "              demo landing page with the Pijntest form on http://127.0.0.1:8000 (PAGE_PORT)"
	@echo "make test   - lint, type-check and run every test"
	@echo "make build  - sam build for python3.13 on arm64 into $(BUILD_DIR) (then: sam deploy --guided)"
	@echo "make bench  - measure cold starts, AWS calls, timings, cost and a load run; print one table"
	@echo "make openapi - regenerate openapi.json from the handlers' routes"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --extra dev --python $(PYTHON)
	@touch $@

# Command-line tools whose pins clash with the project's (the SAM CLI, checkov) live in venvs of their own
# under .tools/, installed from the hashed locks in infra/tools/.
.tools/%/.synced: infra/tools/%.txt | $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) .tools/$*
	$(UV) pip sync --quiet --require-hashes --python .tools/$*/bin/python $<
	@touch $@

setup: $(VENV)/.synced

tools: .tools/sam-cli/.synced .tools/checkov/.synced

# Debian's Chromium for the browser tests (Playwright cannot download one here): installed when it is
# missing and this runs as root with apt-get, else make stops with the one command to run.
chromium:
	@$(PYTHON) -m infra.chromium

dev: setup
	$(BIN)/python -m infra.local

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy

test: lint typecheck tools chromium
	PYTHON313="$(PYTHON313)" $(BIN)/pytest

build: .tools/sam-cli/.synced
	@test -n "$(PYTHON313)" || { echo "make build needs CPython 3.13: put python3.13 on PATH or set PYTHON313" >&2; exit 1; }
	PATH="$(dir $(PYTHON313)):$$PATH" UV="$(abspath $(UV))" PYTHON313="$(PYTHON313)" \
	    .tools/sam-cli/bin/sam build --template-file template.yaml --build-dir "$(BUILD_DIR)" --parallel

# `make -s print-PYTHON313` prints a variable as this Makefile sees it (the build tests ask for the tools).
print-%:
	@echo "$($*)"

# Refreshes the tools' hashed locks after an edit of infra/tools/*.in.
tools-lock: | $(UV)
	for lock in infra/tools/*.in; do \
	    $(UV) pip compile --quiet --universal --python-version 3.11 --generate-hashes "$$lock" -o "$${lock%.in}.txt"; \
	done

bench: setup
	UV=$(UV) $(BIN)/python -m bench

openapi: setup
	$(BIN)/python -m infra.openapi

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .aws-sam
