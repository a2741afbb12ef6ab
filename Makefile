# Two commands set everything up: `make run` (demo server) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000
FLASK := $(BIN)/flask --app contest

.PHONY: run worker test serve migrate lint format bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

migrate: $(STAMP)
	$(FLASK) db upgrade

# DEMO=0 starts from an empty platform: create the first organizer with `flask users create`.
DEMO ?= 1

run: migrate
ifeq ($(DEMO),1)
	$(FLASK) demo load
	@echo
	@echo "Thi Trực Tuyến: http://127.0.0.1:$(PORT)/"
	@echo "Demo accounts (log in with the email or the phone):"
	@$(FLASK) demo accounts
else
	@echo
	@echo "Thi Trực Tuyến: http://127.0.0.1:$(PORT)/ (no demo contest)"
	@echo "First organizer: $(FLASK) users create --role organizer --name NAME --phone PHONE"
endif
	@echo
	@# One background-jobs worker beside the server (large exports; Huey on SQLite in instance/,
	@# nothing else to install), stopped with the server.
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) jobs worker & worker=$$!; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# A background-jobs worker alone (production: one or more per host, see docs/deployment.md).
worker: migrate
	$(FLASK) jobs worker

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

serve: migrate
	$(BIN)/gunicorn --config gunicorn.conf.py 'contest:create_app()'

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache
