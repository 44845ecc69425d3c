# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup db browser tools bench clean-db

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing pinned dependencies into $(VENV) ..."
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

setup: $(STAMP)

db: setup
	@$(PY) manage.py migrate --no-input
	@$(PY) manage.py createcachetable
	@$(PY) manage.py loaddemo

## make run: set up, migrate, load the demo data once, serve on http://127.0.0.1:8000 with the background worker
run: db
	@bash scripts/serve.sh $(PY) $(HOST):$(PORT)

browser:
	@bash scripts/ensure-chromium.sh

# Test-only tools from the npm registry, at the versions package-lock.json pins.
node_modules/.installed: package.json package-lock.json
	@echo "Installing the test tools (Redocly CLI, axe-core) into node_modules ..."
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

tools: node_modules/.installed

## make test: set up, then the whole suite against real PostgreSQL
test: setup browser tools
	@$(VENV)/bin/ruff check --no-cache .
	@$(PY) -m pytest

## make bench N=100000: fill a separate database and report latency, throughput and the Datasette comparison
N ?= 10000
bench: setup
	@$(PY) bench/run.py --incidents $(N)

clean-db:
	@echo "Stopping and removing the embedded database in .pgdata/"
	@-$(VENV)/bin/python -c "import pgserver,pathlib; p=pathlib.Path('.pgdata/data'); p.exists() and pgserver.get_server(str(p), cleanup_mode='delete')"
	@rm -rf .pgdata
