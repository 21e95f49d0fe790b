# Qualipref — two commands on a fresh Debian 12 machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# WeasyPrint's libraries, Chromium and its headless build (the browser tests run on the latter), poppler to
# read PDFs, gettext for translations.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium chromium-headless-shell poppler-utils gettext

.PHONY: run test test-dates audit install sysdeps migrate demo demo-reset serve assets lint worker beat clean

# The web server, a Celery worker and its scheduler (beat) together, on an embedded broker (files under
# var/broker/, no Redis) unless CELERY_BROKER_URL is set; Ctrl-C stops all three (scripts/run.sh).
run: install migrate demo
	@echo "Qualipref : http://$(HOST):$(PORT)/  (comptes ci-dessus, mot de passe qualipref2015)"
	@VENV=$(VENV) bash scripts/run.sh $(HOST) $(PORT)

# The suite across the cores (one database per worker, a module's tests on one worker), the 25 slowest
# steps in the log. QUALIPREF_TEST_TODAY=2027-01-05 (or 2027-03-28T02:30, Paris time) moves its clock.
# The dependency audit runs beside the tests (it mostly waits on the network) and its verdict is printed
# after them; either failing fails `make test`.
# Python keeps the byte-code of the project's modules (PYTHONDONTWRITEBYTECODE emptied for the run): the
# test processes and the commands they start do not each compile them again.
# `--no-loadscope-reorder`: the modules go to the workers in collection order (tests/ first, whose long
# browser and migration modules then start early, the apps' short ones filling the end), not by number of
# tests (which sent the one-test browser modules last: one worker ran alone for 9 s at the end).
TEST_WORKERS ?= auto
test: install
	@audit_log=$$(mktemp); $(PY) scripts/audit.py >"$$audit_log" 2>&1 & audit=$$!; \
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=25 $(PYTEST_ARGS); tests=$$?; \
	if [ $$tests -eq 5 ]; then echo "pytest n'a collecté aucun test (code 5) : la suite est cassée." >&2; fi; \
	wait $$audit; audited=$$?; \
	echo "== Audit des dépendances (pip-audit) =="; cat "$$audit_log"; rm -f "$$audit_log"; \
	if [ $$tests -ne 0 ]; then exit $$tests; fi; exit $$audited

# The suite at each moment where dates go wrong (month starts, leap day, new year in Paris and in UTC,
# daylight-saving changes, public holidays, a weekend, ten years on): for a release, not every CI run.
test-dates: install
	bash scripts/test_dates.sh

# Dependency audit (pip-audit) of the virtualenv, its result printed in the log. Known vulnerabilities
# fail the build; an audit that cannot be done (vulnerability service unreachable) is reported as such
# and does not, unless AUDIT_STRICT=1. See scripts/audit.py.
audit: install
	@echo "== Audit des dépendances (pip-audit) =="
	$(PY) scripts/audit.py

install: sysdeps $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	touch $@

# Installs only what is missing (idempotent); needs root or sudo the first time.
sysdeps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installation des paquets système manquants : $$missing"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

migrate: install
	$(PY) manage.py migrate --noinput
	@if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then $(PY) manage.py compilemessages -v0; fi

demo: install
	$(PY) manage.py load_demo

# The demo rebuilt at today's date on an emptied database (everything in it goes, the demo's and yours).
demo-reset: install migrate
	$(PY) manage.py load_demo --reset

worker: install
	$(VENV)/bin/celery -A qualipref worker -l info

beat: install
	$(VENV)/bin/celery -A qualipref beat -l info

# Refresh static/vendor/ from the versions pinned in package.json (needs npm).
assets:
	bash scripts/vendor_assets.sh

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) staticfiles
