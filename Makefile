# awsstate: `make demo` and `make test` work on a fresh machine with Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST := $(PY) -m pytest -p no:cacheprovider

.PHONY: install demo test test-unit test-integration test-acceptance accept-s3 sweep faults-moto lint bench bench-faults exports clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)  ## create the virtualenv and install awsstate with its dev extras

demo: $(STAMP)  ## plan -> apply -> no-op -> drift -> converge on a local moto server (no AWS account)
	$(PY) examples/demo.py

test: $(STAMP)  ## all three levels: unit, integration (moto in-process), acceptance (moto server over HTTP)
	$(PYTEST) tests

test-unit: $(STAMP)
	$(PYTEST) tests/unit

test-integration: $(STAMP)
	$(PYTEST) tests/integration

test-acceptance: $(STAMP)  ## real AWS too when AWSSTATE_TEST_REGION and credentials are set
	$(PYTEST) tests/acceptance

accept-s3: $(STAMP)  ## the S3 bucket acceptance scenarios only
	$(PYTEST) tests/acceptance -k s3_bucket

sweep: $(STAMP)  ## the proof-harness sweeps in full (CI runs a fixed sample of them)
	AWSSTATE_FULL_SWEEP=1 $(PYTEST) tests/stacks tests/integration/test_export_property_aws.py

faults-moto: $(STAMP)  ## the whole fault sweep on moto in-process (every call of every case; `make test` runs a sample)
	AWSSTATE_FAULT_SWEEP=full $(PYTEST) tests/integration/test_faults_aws.py

bench-faults: $(STAMP)  ## every kind converges within five applies while half the requests fail (table printed)
	$(PY) benchmarks/faults.py $(BENCH_ARGS)

bench: $(STAMP)  ## benchmarks: tables printed, figures in benchmarks/results/ (BENCH_ARGS=--quick for a short run)
	$(PY) benchmarks/run.py $(BENCH_ARGS)
	$(PY) benchmarks/stacks.py $(BENCH_ARGS)
	$(PY) benchmarks/sync.py $(BENCH_ARGS)

exports: $(STAMP)  ## regenerate the TYPE_CHECKING imports of awsstate/__init__.py from awsstate/kinds.py
	$(PY) tools/gen_exports.py
	$(PY) -m ruff check --fix --select I --quiet awsstate/__init__.py

lint: $(STAMP)  ## ruff and mypy --strict
	$(PY) -m ruff check awsstate tests examples benchmarks tools
	$(PY) -m mypy awsstate

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
