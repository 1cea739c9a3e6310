# The template's own commands. `make test` is the one CI runs (.ci/run calls it).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.DEFAULT_GOAL := help
.PHONY: help install test test-fast lint bake lock contract docs

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: $(VENV)/.installed  ## the tools that bake and check the template

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[test]"
	touch $@

# The suite on TEST_WORKERS pytest-xdist workers; one combination's tests stay on one worker
# (tests/conftest.py groups them), so that its bake and clone are installed once.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest --numprocesses $(TEST_WORKERS) --dist loadgroup

test: install  ## bake every answer combination, lint it, and run each baked project's own make test
	$(PYTEST)

test-fast: install  ## the fast tier, on every change: hooks, answers, no-trace, docs, lint and check --deploy of each bake
	$(PYTEST) -m fast

lint: install  ## ruff on the hooks and the template's tests
	$(BIN)/ruff check hooks tests scripts
	$(BIN)/ruff format --check hooks tests scripts

bake: install  ## bake into ./build/ with the default answers (pass ARGS="tenancy_strategy=rls ...")
	$(BIN)/cookiecutter . --no-input --overwrite-if-exists -o build $(ARGS)

lock: install  ## regenerate every dependency variant's uv.lock (bakes each one and runs uv lock in it)
	$(BIN)/python scripts/lock.py

contract: install  ## refresh the committed OpenAPI schema (and front-end types) of each routing from fresh bakes
	$(BIN)/python scripts/refresh_contract.py

docs: install  ## build the docs site into build/site with --strict (browse it live: .venv/bin/mkdocs serve)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
