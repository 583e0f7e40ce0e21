# Quickstart on a fresh machine: `make run` (demo server on http://127.0.0.1:5000, with its worker) and `make test`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STAMP := instance/.demo-loaded
HOST ?= 127.0.0.1
PORT ?= 5000
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k login -x"`.
PYTEST_ARGS ?=
# pytest-xdist processes, one per core of a 2-core machine; `make test PYTEST_WORKERS=0` runs in one process
# (for -s, --pdb).
PYTEST_WORKERS ?= 2

# The staff UI's catalogues: sources in helpdesk/translations/<lang>/LC_MESSAGES/messages.po (committed), compiled
# to .mo files by `make run` and `make test` (not committed: they are build output). `make messages` extracts the
# marked strings into messages.pot and merges them into the .po files for translation.
TRANSLATIONS := helpdesk/translations
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))

.PHONY: venv run test lint messages translations

venv: $(STAMP)

translations: $(CATALOGUES)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy --statistics -i $< -o $@ 2>&1 | grep -v "^compiling" || true

messages: venv
	$(BIN)/pybabel extract -F $(TRANSLATIONS)/babel.cfg -k _l -k lazy_gettext --no-location --no-wrap --sort-output \
		--project helpdesk -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --ignore-obsolete --no-wrap --no-fuzzy-matching

# Re-installs only when requirements.txt is newer than the stamp.
$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

run: export HELPDESK_ENV := development
run: venv translations
	@# A deleted SQLite database means the demo data is gone too.
	@if [ -z "$$DATABASE_URL" ] && [ ! -f instance/helpdesk.db ]; then rm -f $(DEMO_STAMP); fi
	$(BIN)/flask --app wsgi db upgrade
	@# The shipped call scripts: a changed file becomes a new version, unchanged ones change nothing.
	$(BIN)/flask --app wsgi scripts sync
	@# The first run loads the demo data, which prints the sign-ins; later runs repeat the main ones.
	@if [ ! -f $(DEMO_STAMP) ]; then \
		$(BIN)/flask --app wsgi demo-data && mkdir -p instance && touch $(DEMO_STAMP); \
	else \
		echo "Demo data loaded earlier (delete $(DEMO_STAMP) and instance/helpdesk.db to start over)."; \
		echo "Demo sign-ins (password: demo-password): admin@demo.test, manager@demo.test, agent@demo.test"; \
	fi
	@# The web app and the worker together (Procfile); one Ctrl-C stops both.
	HELPDESK_HOST=$(HOST) HELPDESK_PORT=$(PORT) $(BIN)/honcho start -f Procfile

lint: venv
	$(BIN)/ruff check .

# TEST_DATABASE_URL from the environment selects PostgreSQL; without it the tests use SQLite files.
test: venv lint translations
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
