# Kontaktplan: `make run` sets everything up and serves the demo; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run setup install migrate demo serve test lint check worker beat clean backup restore

# `make run` and its steps are for a developer's machine: ask for DEBUG (settings fail closed).
run setup migrate demo serve lint worker beat: export DEBUG ?= 1

run: setup demo serve

setup: install migrate

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

serve:
	@echo "Kontaktplan kører på http://$(HOST)  (Ctrl-C stopper)"
	$(PY) manage.py runserver $(HOST)

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

worker: install
	$(VENV)/bin/celery -A jobcenter worker --loglevel=info

beat: install
	$(VENV)/bin/celery -A jobcenter beat --loglevel=info

backup:  # pg_dump (custom format) of DATABASE_URL into backups/
	scripts/backup.sh $(FILE)

restore:  # make restore FILE=backups/....dump: replaces DATABASE_URL's data, in one transaction
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/kontaktplan-....dump"; exit 2; }
	scripts/restore.sh "$(FILE)"

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles screenshots
