# Rehabdesk. `make run` serves the demo clinic; `make test` runs every test.
# Needs only Python 3.11+, make and git; everything else is installed into .venv/.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint bench fmt clean

$(VENV)/.runtime: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Rehabdesk needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# Links in the demo's e-mails (manage my booking, set a password) point at this server.
RUN_ENV = DEBUG=1 SITE_URL=http://127.0.0.1:$(PORT)

run: $(VENV)/.runtime
	@mkdir -p var/static
	$(RUN_ENV) $(PY) manage.py migrate --noinput --verbosity 0
	$(RUN_ENV) $(PY) manage.py load_demo
	@$(RUN_ENV) $(PY) manage.py demo_welcome --port $(PORT)
# The outbox worker (e-mail lands in var/mail/) and the scheduler (expired holds, the
# waitlist) run beside the web server and stop with it.
	$(RUN_ENV) $(PY) manage.py run_worker & worker=$$!; \
	$(RUN_ENV) $(PY) manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler' EXIT; \
	trap 'exit 130' INT TERM; \
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.dev
	$(PY) scripts/run_tests.py

lint: $(VENV)/.dev
	@mkdir -p var
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy rehabdesk bench scripts
	$(VENV)/bin/lint-imports
	DEBUG=1 $(PY) manage.py check
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

bench: $(VENV)/.dev
	$(PY) -m bench

fmt: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var test-artifacts .mypy_cache .ruff_cache .pytest_cache
