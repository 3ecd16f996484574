# BookMe: `make run` serves the API with the demo bank; `make test` runs every test.
# Both set everything up on a fresh clone: .venv from requirements, npm ci for the emulators.

PYTHON_BOOT ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INFRA_VENV ?= .venv-infra
LOAD_SECONDS ?= 60
LOAD_USERS ?= 40
CHROMIUM ?= /usr/bin/chromium

.PHONY: setup run test token demo-day bench load lint openapi clean browser fuzz

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON_BOOT) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(INFRA_VENV)/.installed: requirements-infra.txt
	$(PYTHON_BOOT) -m venv $(INFRA_VENV)
	$(INFRA_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-infra.txt
	touch $@

setup: $(VENV)/.installed node_modules/.installed

# Debian's Chromium for the browser tests (docs page, booking page: tests/api/test_docs_page.py,
# tests/api/test_booking_page_browser.py); playwright
# drives it and never downloads a browser. Installed with apt-get when missing (as root, or
# with sudo); the test is skipped only when that fails.
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null \
	  || echo "make browser: chromium could not be installed; the browser tests will be skipped"; }

run: setup
	$(PY) -m tools.localstack run

test: setup lint browser
	$(PY) -m pytest

# Schemathesis against both served OpenAPI documents, with its default phases (examples,
# coverage, fuzzing, stateful) and a larger budget than `make test`: FUZZ_EXAMPLES generated
# requests per operation (make test uses 5); FUZZ_SEED=n makes generation random from seed n.
FUZZ_EXAMPLES ?= 100
FUZZ_SEED ?=
fuzz: setup
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_SEED=$(FUZZ_SEED) $(PY) -m pytest tests/api/test_conformance.py --timeout=3600

# A bearer token the local app accepts: every role, those of ROLES="BookMe.Config ..." when
# given, none with ROLES="".
token: $(VENV)/.installed
	@$(PY) -m tools.localstack token $(if $(filter undefined,$(origin ROLES)),,--roles "$(ROLES)")

# The README's sample day: the next Thursday on which the demo bank is open (YYYY-MM-DD).
demo-day: $(VENV)/.installed
	@$(PY) -m tools.localstack demo-day

bench: setup
	$(PY) -m bench.bench_availability
	$(PY) -m bench.bench_availability_http
	$(PY) -m bench.bench_booking
	$(PY) -m bench.bench_webhooks
	$(PY) -m bench.bench_json_input
	$(PY) -m bench.bench_outbox_sizes
	$(PY) -m bench.bench_outlook
	$(PY) -m bench.bench_booking_page
	$(PY) -m bench.bench_cold_start

# Many concurrent users against a fresh local stack (loopback only), then a consistency scan;
# not part of `make test`. See docs/operations.md for a recorded run.
load: setup
	LOAD_SECONDS=$(LOAD_SECONDS) LOAD_USERS=$(LOAD_USERS) $(PY) -m bench.load.run

# Static checks: ruff on the code; the Bicep parses and passes checkov (its own venv,
# since checkov pins packages of its own) and matches the code's containers and settings.
lint: setup $(INFRA_VENV)/.installed
	$(VENV)/bin/ruff check .
	$(INFRA_VENV)/bin/python tools/check_infra.py

openapi: setup
	$(PY) tools/export_openapi.py

clean:
	rm -rf .local .pytest_cache .hypothesis
