# The two promises of the README:
#   make run    runs the four services as local processes (RabbitMQ and PostgreSQL on this host)
#   make test   runs the whole test suite against the real broker and database
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SERVICES := competition ordering delivery rating

.PHONY: install run test lint format demo bench clean deploy-check compose-check hadolint k8s-check k8s-generate lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Our packages are byte-compiled at install, as the image's build does (deploy/Dockerfile): a
# start does not compile ~270 modules (0.2 CPU s per service) where PYTHONDONTWRITEBYTECODE
# keeps Python from caching them itself.
$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt contracts/pyproject.toml shared/pyproject.toml $(foreach s,$(SERVICES),services/$(s)/pyproject.toml) demo/pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e contracts -e shared $(foreach s,$(SERVICES),-e services/$(s)) -e demo
	$(BIN)/python -m compileall -q contracts/src shared/src $(foreach s,$(SERVICES),services/$(s)/src) demo/src
	touch $@

install: $(VENV)/.installed

# The four services, and the web console with the APIs on one origin: http://localhost:8080/
run: install
	$(BIN)/python scripts/run_local.py $(SERVICES) console

# One procurement through the 27 SOP steps against `make run`'s services (see README, "The demo").
demo: install
	$(BIN)/epurchasing-demo $(DEMO_ARGS)

# The whole system under load (see docs/performance.md): K procurements in flight through the
# 27 steps, with the machine's raw ceilings measured in the same run. BENCH_ARGS="--k 8,32,128".
bench: install
	$(BIN)/python benchmarks/bench_system.py $(BENCH_ARGS)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy contracts/src shared/src $(foreach s,$(SERVICES),services/$(s)/src/$(s)/domain)
	$(BIN)/lint-imports --no-cache
	$(MAKE) --no-print-directory deploy-check

# What ships for operators, checked offline: docker-compose.yml through the Compose binary,
# deploy/Dockerfile through hadolint, every deploy/k8s overlay against the Kubernetes and CRD
# schemas (docs/scale-out.md says what each verifies).
deploy-check: compose-check hadolint k8s-check

compose-check: install
	$(BIN)/python scripts/compose_check.py

hadolint: install
	$(BIN)/hadolint deploy/Dockerfile deploy/console.Dockerfile
	@echo "hadolint: deploy/Dockerfile and deploy/console.Dockerfile clean"

k8s-check: install
	$(BIN)/python scripts/k8s_validate.py

# Regenerate what is derived: the k8s services and RabbitMQ topology, the image's lock file.
k8s-generate: install
	$(BIN)/python scripts/k8s_generate.py

lock: install
	cd deploy && ../$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-trusted-host --no-emit-find-links --annotation-style=line \
		--output-file constraints.txt constraints.in

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
