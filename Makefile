# akhbar: `make run` sets everything up and ingests seeds/; `make test` runs the whole suite.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
WAREHOUSE ?= data/warehouse.duckdb
N       ?= 2000

export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1

.PHONY: install run test bench bench-extraction bench-fetch lock clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

run: install
	$(BIN)/akhbar ingest --from sources.toml --warehouse $(WAREHOUSE)

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/ingest_throughput.py --n $(N)

bench-extraction: install
	$(BIN)/python bench/extraction_quality.py

bench-fetch: install
	$(BIN)/python bench/fetch_throughput.py --n 1000

# Regenerate the lock file after editing dependencies in pyproject.toml (needs network to PyPI).
lock:
	$(PY) -m venv /tmp/akhbar-uv && /tmp/akhbar-uv/bin/pip install --quiet uv==0.13.8
	/tmp/akhbar-uv/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) data .pytest_cache *.egg-info
