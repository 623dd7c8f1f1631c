# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
# The second run of `make test` starts every unit, service and web test this many days from today.
CLOCK_SHIFT_DAYS ?= 400
CLOCK_SHIFTED_TESTS := tests/unit tests/services tests/web tests/workers tests/test_cli.py

.PHONY: run test install install-test translations update-translations migrate stack lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || (apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV))
	$(BIN)/pip install -q --upgrade pip

# The build compiles the translation catalogues (setup.py): an install from a fresh clone mails in French.
$(VENV)/.installed: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

# `translations` too: after a `git pull` that changed only a catalogue, pip does not run again.
install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test

## Compile the translation catalogues again after editing a .po (the install compiles them too).
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d marketplace/translations

## Extract new messages and merge them into the catalogues.
update-translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output -o marketplace/translations/messages.pot .
	$(BIN)/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations --no-fuzzy-matching

migrate: export MARKETPLACE_ENV ?= development
migrate: $(VENV)/.installed
	mkdir -p instance
	$(BIN)/flask db upgrade

## Run the marketplace: SQLite under instance/, tasks in-process, mail to instance/outbox/. The development
## environment is named explicitly: without it (or a SECRET_KEY), wsgi.py refuses the development secret.
run: export MARKETPLACE_ENV = development
run: translations migrate
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## Check the code: ruff (errors, import order, time read only through marketplace/clock.py), the
## import-linter contracts of pyproject.toml (the layers, blueprints independent, no worker import) and
## bandit (security; its few skips are commented where they are).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/bandit -q -c pyproject.toml -r marketplace workers config wsgi.py

## Run every test: the lint, then unit tests on SQLite, integration tests on real PostgreSQL, Redis, Celery,
## SMTP and browser tests; then the unit, service and web tests again with the clock CLOCK_SHIFT_DAYS ahead.
test: lint $(VENV)/.installed-test translations
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	$(BIN)/pytest $(PYTEST_ARGS)
	$(BIN)/pytest -q $(CLOCK_SHIFTED_TESTS) --clock-shift-days=$(CLOCK_SHIFT_DAYS) $(PYTEST_ARGS)

## Try the full stack (gunicorn, Celery worker and beat) against DATABASE_URL and REDIS_URL: migrate, then
## honcho runs the Procfile in the foreground (one process exiting stops them all; systemd runs production).
stack: translations
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/honcho start

clean:
	rm -rf $(VENV) instance .pytest_cache
