# Maturity Portal. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs again only when a lock file changes.
$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $(VENV)/.base-installed $@

.PHONY: install
install: $(VENV)/.base-installed ## Install the locked run-time dependencies into .venv

.PHONY: install-dev
install-dev: $(VENV)/.dev-installed ## Install the locked run-time and test dependencies into .venv

.PHONY: lock
lock: | $(BIN)/python ## Re-pin dependencies from pyproject.toml into requirements/*.txt
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml -o requirements/base.txt --python-version 3.11 -q
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements/dev.txt --python-version 3.11 -q

.PHONY: migrate
migrate: install ## Apply database migrations
	$(MANAGE) migrate --no-input

.PHONY: data
data: migrate ## Load the shipped model, reference data and demo data (idempotent)
	$(MANAGE) load_initial_data

.PHONY: run
run: data ## The embedded default: SQLite, eager tasks, demo data, served on 127.0.0.1:$(PORT)
	$(MANAGE) runserver 127.0.0.1:$(PORT)

.PHONY: worker
worker: install ## Run a Celery worker (needs CELERY_BROKER_URL)
	$(BIN)/celery -A maturity_portal worker --loglevel=INFO --without-mingle --without-gossip

.PHONY: beat
beat: install ## Run Celery beat, the periodic task scheduler (needs CELERY_BROKER_URL)
	$(BIN)/celery -A maturity_portal beat --loglevel=INFO --schedule=var/celerybeat-schedule

.PHONY: test
test: install-dev ## Run the whole test suite (PostgreSQL and Redis when DATABASE_URL / CELERY_BROKER_URL are set)
	$(BIN)/pytest

.PHONY: lint
lint: install-dev ## Check code style (ruff lint and format check, templates with djLint)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint --quiet

.PHONY: fmt
fmt: install-dev ## Format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: frontend
frontend: ## Rebuild the vendored GOV.UK Frontend files from npm (not needed to run)
	cd frontend && npm install --no-audit --no-fund && npm run build

.PHONY: security
security: install-dev ## Static security checks: bandit (no high findings) and pip-audit
	BIN=$(BIN) tools/security-checks

.PHONY: vnu
vnu: ## Install the Nu HTML Checker (vnu-jar, from npm; runs on Java) used by the HTML validity tests
	npm ci --prefix tools/vnu --no-audit --no-fund --silent

.PHONY: bench
bench: install-dev ## Run every benchmark script and print one table of figures (under 10 minutes)
	$(BIN)/python benchmarks/run_all.py
