# Every target is self-contained on a fresh machine with only Python 3 and pip:
# it creates .venv, installs the app with its test extras, and runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test test-host demo sandbox bench bench-day soak probe adversarial lint format clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# The app in real benches that already exist (XERO_BENCHES; README: "Testing in a
# real bench"): bench tests, browser and over-HTTP tests on a fresh site of each.
test-host: $(STAMP)
	VENV=$(VENV) bash .ci/host

demo: $(STAMP)
	$(BIN)/python -m xero_connector.demo $(ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_push.py

# One working day of a company on a Starter app (1,000 calls a day): calls per activity
bench-day: $(STAMP)
	$(BIN)/python benchmarks/bench_day.py $(ARGS)

# the chaos soak, then the duplicate-hunting soak (several workers on the same invoices, the
# sandbox's number rule loosened): duplicates, lost and totals not exact must all be 0
soak: $(STAMP)
	$(BIN)/python benchmarks/soak.py
	$(BIN)/python benchmarks/soak_duplicates.py

probe: $(STAMP)
	$(BIN)/python benchmarks/probe.py

# hostile and malformed input across webhook, client, engine and CLI: make probe's cases, then
# benchmarks/adversarial.py's; each prints expected and observed, exit 1 on any failure
adversarial: $(STAMP)
	$(BIN)/python benchmarks/probe.py
	$(BIN)/python benchmarks/adversarial.py

sandbox: $(STAMP)
	$(BIN)/xero-sandbox --host 127.0.0.1 --port 8089

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
