# deftweb: `make run` serves the app with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DEFTWEB_ENVIRONMENT ?= development

.PHONY: run test lint test-fast venv test-deps clean bench

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(BIN)/activate

$(VENV)/.test-deps: requirements-test.txt requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

venv: $(BIN)/activate
test-deps: $(VENV)/.test-deps

## run: the app at http://127.0.0.1:5000 on instance/deftweb.sqlite, demo data, development login on
run: venv
	$(BIN)/flask --app deftweb init-db
	$(BIN)/flask --app deftweb demo-data --if-empty
	DEFTWEB_DEV_LOGIN=true $(BIN)/flask --app deftweb run --host 127.0.0.1 --port 5000

## test: lint, then the suite on SQLite, on PostgreSQL, and the browser journeys
test: test-deps
	scripts/test-all.sh

## test-fast: the suite on SQLite only (no PostgreSQL, no browser)
test-fast: test-deps
	$(BIN)/pytest -m "not browser"

lint: test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .ruff_cache .hypothesis

## bench: the list pages at 10^6 tasks and 10^5 requests, SQLite and PostgreSQL (bench/results/);
## smaller: make bench BENCH_ARGS="--tasks 100000 --requests 10000"
BENCH_ARGS ?=
bench: venv
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## bench-define-tasks: define a 2,000-slice x 5-step request (10,000 tasks), SQLite and PostgreSQL,
## target under 10 s each (issue 7); `make bench` runs it too
bench-define-tasks: venv
	$(BIN)/python -m bench.define_tasks
bench: bench-define-tasks
.PHONY: bench-define-tasks

## bench-save-request: file and save a 5,000-slice x 4-step request, SQLite and PostgreSQL (issue 5);
## `make bench` runs it too
bench-save-request: venv
	$(BIN)/python -m bench.save_request
bench: bench-save-request
.PHONY: bench-save-request
