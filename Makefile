# Two entry points: `make run` and `make test`. Each does its own set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test check test-fast test-sqlite test-postgresql install lint format fonts chromium node postgresql nginx bench loadtest clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# The stamp tracks the lock file, so a changed lock reinstalls.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed fonts

# Test-only tools from npm (vnu-jar, axe-core), pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node: node_modules/.installed

# $(call apt_install,WHAT,PACKAGE,HINT): install a Debian package when root, else say how.
define apt_install
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "Installing $(1) with apt-get..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	else \
	  echo "$(1) is missing and cannot be installed here (needs root and apt-get)."; \
	  echo "Install the Debian package '$(2)' or $(3)."; exit 1; \
	fi
endef

# DejaVu Sans draws the text of PNG charts and preview images: every letter and arrow of the
# dataset ("Türkiye", "→"). app/charts/png.py looks for it where Linux distributions put it.
fonts:
	@if [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ]; then :; \
	else $(call apt_install,DejaVu Sans,fonts-dejavu-core,install the DejaVu Sans fonts); fi

chromium:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	else $(call apt_install,Chromium,chromium,set CHROMIUM=/path/to/chromium); fi

# PostgreSQL for the second run of the suite (tests/pgcluster.py starts a throwaway cluster
# as a non-root user and removes it afterwards). Debian installs it under /usr/lib/postgresql.
postgresql:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null \
	  || [ -x "$$PG_BINDIR/initdb" ]; then :; \
	else $(call apt_install,PostgreSQL,postgresql,set PG_BINDIR=/path/to/postgresql/bin); fi

# nginx runs deploy/nginx.conf in tests/test_deploy.py.
nginx:
	@if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then :; \
	else $(call apt_install,nginx,nginx-light,put nginx on the PATH); fi

run: install
	mkdir -p data
	$(BIN)/explorer migrate
	$(BIN)/explorer load --unless-newer
	HOST=$(HOST) PORT=$(PORT) $(BIN)/explorer serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The whole suite on SQLite, then everything but the browser tests on PostgreSQL.
test: install chromium node postgresql nginx lint test-sqlite test-postgresql

test-sqlite: install nginx
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest

# The one-minute loop while editing: lint, types and every test that starts no server, child
# process or browser and spends no more than seconds (markers `slow` and `browser`), on both cores.
check: install lint
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -m "not slow and not browser" -n 2

# Everything but the browser tests (no Chromium needed).
test-fast: install node lint
	$(BIN)/pytest -m "not browser"
test-postgresql: install postgresql nginx
	APP_TEST_DATABASE=postgresql $(BIN)/pytest --ignore=tests/browser

bench: install
	$(BIN)/python -m tests.bench

# A mixed load (90 % reads, 10 % POST /c, 16 connections, 60 s, a dataset load half way) on
# SQLite; LOADTEST_DB=postgresql runs it on a throwaway PostgreSQL cluster instead.
LOADTEST_DB ?= sqlite
loadtest: install
	APP_TEST_DATABASE=$(LOADTEST_DB) $(BIN)/python -m tests.loadtest

clean:
	rm -rf $(VENV) node_modules data/*.db*
