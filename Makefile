# Rehabdesk. `make run` serves the demo clinic; `make test` runs every test.
# Needs only Python 3.11+, make and git; everything else is installed into .venv/.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint bench fmt clean lock audit

# What is installed comes from the locks, every file checked against its hash: `make run`
# installs requirements.lock, the tests and lint requirements-dev.lock, then the project
# itself without dependencies, built by the locked setuptools. `make lock` writes both
# locks from pyproject.toml's pins (scripts/lock.py); a warning says when they disagree.
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check

define install_lock
	@$(PYTHON) -c 'import sys; sys.exit("Rehabdesk needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	@$(PYTHON) scripts/lock.py --check >/dev/null || echo "warning: pyproject.toml and the locks disagree (make lock); installing the locks as they are"
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --require-hashes -r $(1)
	$(PIP_INSTALL) --no-deps --no-build-isolation -e .
	touch $@
endef

$(VENV)/.runtime: pyproject.toml requirements.lock
	$(call install_lock,requirements.lock)

$(VENV)/.dev: pyproject.toml requirements-dev.lock
	$(call install_lock,requirements-dev.lock)

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
	$(VENV)/bin/bandit -c pyproject.toml -r rehabdesk bench scripts -q --severity-level medium
	$(PY) scripts/lock.py --check
	DEBUG=1 $(PY) manage.py check
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# The locks again from pyproject.toml (after changing a pin); UPGRADE=1 also moves every
# package the pins do not fix to its newest release. Needs PyPI.
lock: $(VENV)/.dev
	$(PY) scripts/lock.py $(if $(UPGRADE),--upgrade)

# The locked packages against the published vulnerabilities (pip-audit; ignore list in
# audit-ignore.toml). Needs the vulnerability database, so it is not part of CI: when the
# database cannot be reached it says so in one line and exits with 3. SERVICE=osv asks
# OSV instead of PyPI.
audit: $(VENV)/.dev
	$(PY) scripts/audit.py $(if $(SERVICE),--service $(SERVICE))

bench: $(VENV)/.dev
	$(PY) -m bench

fmt: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var test-artifacts .mypy_cache .ruff_cache .pytest_cache
