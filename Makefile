# Quick start: `make run` (set up everything, serve the demo) and `make test` (the checks —
# ruff, mypy, the layer check, missing migrations — then the whole test suite).
# Without DATABASE_URL / REDIS_URL both use embedded servers from pip wheels (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export MIDSUMMER_DEV ?= 1
# Links in mails sent without a request (Celery) point at the port `make run` serves on.
export SITE_LINK_PORT ?= $(PORT)

.PHONY: run test check quick lint setup migrate demo stop status clean-data bench lock

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

migrate: setup
	$(BIN)/python manage.py migrate_schemas --shared
	$(BIN)/python manage.py migrate_schemas --tenant

demo: migrate
	$(BIN)/python manage.py seed_demo --port $(PORT)

run: demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: check
	$(BIN)/pytest

# What `make test` checks before the tests (pre-commit runs the same).
check: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

# The quick loop: the checks, then every test but those starting processes or a browser.
quick: check
	$(BIN)/pytest -m "not slow"

lint: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks (see docs/BENCHMARKS.md): a dedicated database, gunicorn, wrk if installed.
$(BIN)/.bench-installed: $(BIN)/.installed
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

bench: $(BIN)/.bench-installed
	$(BIN)/python -m bench $(BENCH_ARGS)

# The embedded PostgreSQL and Redis keep running after `make run` / `make test` (the next command
# starts faster); these show and stop them. Their data stays in .data/.
status:
	$(PYTHON) midsummer/embedded.py status .data

stop:
	$(PYTHON) midsummer/embedded.py stop .data

# Deletes the embedded servers' data: refused while one of them runs (`make stop` first).
clean-data:
	$(PYTHON) midsummer/embedded.py check-stopped .data
	rm -rf .data

# requirements.lock, which the image installs from (hashes checked): pyproject's dependencies
# at the versions installed in .venv, the ones the tests ran with. Run after changing either.
lock: setup
	$(BIN)/pip install --quiet uv
	$(BIN)/pip freeze --exclude-editable | grep -v '^uv==' > $(VENV)/lock-constraints.txt
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
		--no-annotate --custom-compile-command "make lock" --constraint $(VENV)/lock-constraints.txt --quiet \
		--output-file requirements.lock
