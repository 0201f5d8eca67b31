# `make run` and `make test` work from a fresh clone: both create .venv when missing and
# install the pinned requirements whenever they change.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
STAGE ?= dev

.PHONY: run test lint typecheck unit bench clean

$(INSTALLED): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/python -m chalicelib.local.stack

test: $(INSTALLED) lint typecheck
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(INSTALLED)
	$(BIN)/mypy

bench: $(INSTALLED)
	$(BIN)/python manage.py bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build
