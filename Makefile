# Stemlink: every target says what it does (`make help`).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=
export STEMLINK_VAR_DIR ?= $(CURDIR)/var

.DEFAULT_GOAL := help

help: ## List the targets and what each does
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/stemlink: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(BIN)/stemlink

install: $(BIN)/stemlink ## Create .venv and install Stemlink with its development tools

browser: ## Make sure Debian's Chromium is installed for the browser tests (apt-get as root)
	@test -x /usr/bin/chromium || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core) \
		|| echo "Chromium is missing: install Debian's chromium package for the browser tests."; }

migrate: install ## Create or upgrade the database (DATABASE_URL, default var/stemlink.sqlite3)
	@mkdir -p $(STEMLINK_VAR_DIR)
	$(BIN)/stemlink migrate --no-input

demo: install ## Set everything up and run the whole system with demo data (Stemlink, worker, marketplace)
	@mkdir -p $(STEMLINK_VAR_DIR)
	$(BIN)/python scripts/demo.py

test: install browser ## Set up and run the whole test suite on SQLite
	$(BIN)/pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-marketplace

test-marketplace: install ## Run the marketplace's own test suite (its own settings and database)
	$(BIN)/pytest tests_marketplace --ds=marketplace.settings -p no:cacheprovider $(PYTEST_ARGS)

pg-up: ## Start the local PostgreSQL server if it is not running
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL did not start"; exit 1

test-pg: install browser pg-up ## Run the whole test suite on PostgreSQL (PG_URL, default the local server)
	DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS)
	MARKETPLACE_DATABASE_URL=$(PG_URL) $(MAKE) --no-print-directory test-marketplace

faults: install pg-up ## Fault tests: database cut, worker killed, partner down (real processes, PostgreSQL)
	@start=$$(date +%s); \
	$(BIN)/pytest tests_faults -p no:django -p no:cacheprovider -W ignore::pytest.PytestConfigWarning -q -rA $(PYTEST_ARGS) || exit 1; \
	echo "make faults took $$(( $$(date +%s) - start )) s"

soak: install pg-up ## Soak: checkouts, feed syncs, pages and webhooks at once on SQLite then PostgreSQL (SOAK_SECONDS each, default 300)
	$(BIN)/python scripts/soak.py sqlite
	$(BIN)/python scripts/soak.py postgresql

lint: install ## Check style and formatting with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## Reformat the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install ## Check types with mypy
	$(BIN)/mypy src
	$(BIN)/mypy --config-file src/marketplace/mypy.ini src/marketplace

imports: install ## Check the layers with import-linter
	$(BIN)/lint-imports

check: lint typecheck imports test ## Everything CI checks on SQLite: ruff, mypy, import-linter, tests

bench: install pg-up ## Run the benchmarks in bench/ (each prints a ratio against its own baseline)
	@for b in bench/[!_]*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean: ## Remove the virtualenv, the local database and caches
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .hypothesis

.PHONY: help install browser migrate demo test test-marketplace pg-up test-pg faults soak lint format typecheck imports check bench clean
