# Chanjiao — `make run` serves the demo site; `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test e2e lint format setup system-deps i18n migrate seed bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) i18n

i18n: $(STAMP)
	$(PY) -m app i18n-compile

migrate: setup
	$(PY) -m app migrate

seed: migrate
	$(PY) -m app seed --demo

# `seed --demo` has just printed the demo logins: they are not repeated here.
run: seed
	@echo ""
	@echo "  Chanjiao on http://$(HOST):$(PORT)"
	@echo ""
	$(PY) -m app serve --host $(HOST) --port $(PORT)

system-deps:
	@bash scripts/system-deps.sh

test: setup system-deps
	$(PY) -m pytest -n auto --dist loadscope -m "not alone"
	$(PY) -m pytest -m alone

e2e: setup system-deps
	$(PY) -m pytest -q tests/e2e

lint: $(STAMP)
	$(VENV)/bin/ruff check app tests benchmarks seeds migrations
	$(VENV)/bin/ruff format --check app tests benchmarks seeds

format: $(STAMP)
	$(VENV)/bin/ruff check --fix app tests benchmarks seeds migrations
	$(VENV)/bin/ruff format app tests benchmarks seeds

bench: setup system-deps
	$(PY) benchmarks/pages.py

clean:
	rm -rf $(VENV) var app/i18n/compiled .pytest_cache
