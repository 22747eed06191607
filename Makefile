# The two promises of the README:
#   make run    runs the four services as local processes (RabbitMQ and PostgreSQL on this host)
#   make test   runs the whole test suite against the real broker and database
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SERVICES := competition ordering delivery rating

.PHONY: install run test lint format demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt shared/pyproject.toml $(foreach s,$(SERVICES),services/$(s)/pyproject.toml) demo/pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e shared $(foreach s,$(SERVICES),-e services/$(s)) -e demo
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/python scripts/run_local.py $(SERVICES)

# One procurement through the 27 SOP steps against `make run`'s services (see README, "The demo").
demo: install
	$(BIN)/epurchasing-demo $(DEMO_ARGS)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy shared/src $(foreach s,$(SERVICES),services/$(s)/src/$(s)/domain)
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
