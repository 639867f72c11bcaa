# Two entry points: `make run` and `make test`. Each does its own set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test test-fast install lint format chromium node bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# The stamp tracks the lock file, so a changed lock reinstalls.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

# Test-only tools from npm (vnu-jar, axe-core), pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node: node_modules/.installed

chromium:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "Installing Chromium with apt-get..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "Chromium is missing at $(CHROMIUM) and cannot be installed here (needs root and apt-get)."; \
	  echo "Install the Debian package 'chromium', or set CHROMIUM=/path/to/chromium."; exit 1; \
	fi

run: install
	mkdir -p data
	$(BIN)/explorer migrate
	$(BIN)/explorer load
	HOST=$(HOST) PORT=$(PORT) $(BIN)/explorer serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install chromium node lint
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest

# Everything but the browser tests (no Chromium needed): for quick feedback while editing.
test-fast: install node lint
	$(BIN)/pytest -m "not browser"

bench: install
	$(BIN)/python -m tests.bench

clean:
	rm -rf $(VENV) node_modules data/*.db*
