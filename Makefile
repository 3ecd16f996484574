# BookMe: `make run` serves the API with the demo bank; `make test` runs every test.
# Both set everything up on a fresh clone: .venv from requirements, npm ci for the emulators.

PYTHON_BOOT ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
ROLES ?= BookMe.Config BookMe.Admin

.PHONY: setup run test token bench lint openapi clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON_BOOT) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

run: setup
	$(PY) -m tools.localstack run

test: setup
	$(PY) -m pytest

token: $(VENV)/.installed
	@$(PY) -m tools.localstack token --roles "$(ROLES)"

bench: setup
	$(PY) -m bench.bench_availability

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf .local .pytest_cache .hypothesis
