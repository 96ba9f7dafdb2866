# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.12 >/dev/null 2>&1 && echo python3.12 || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1:8000
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k scoping"`.
PYTEST_ARGS ?=

.PHONY: install run test lint messages clean

$(VENV)/.installed: pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet --group dev
	npm ci --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed
	DJANGO_DEBUG=true $(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

run: install
	DJANGO_DEBUG=true $(MANAGE) migrate --no-input
	DJANGO_DEBUG=true $(MANAGE) load_network
	DJANGO_DEBUG=true $(MANAGE) load_demo
	# The web server, the background-task worker and the scheduler loop together;
	# Ctrl-C stops all three (scripts/run-dev.sh).
	PY=$(PY) HOST=$(HOST) scripts/run-dev.sh

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=true $(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

# Refresh the catalogues after changing visible strings; then fill in locale/en.
# Only -l en: locale/it is kept by hand (Django's own strings its catalogue lacks),
# and makemessages for it would drop them.
messages: install
	DJANGO_DEBUG=true $(MANAGE) makemessages -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete

clean:
	rm -rf $(VENV) node_modules staticfiles
