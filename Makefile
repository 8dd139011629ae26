# Two commands matter: `make demo` and `make test`. Both build .venv/ first when it is missing.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := .demo
N ?= 200000
TRAVELERS ?= 300

AIRFLOW_VENV := .venv-airflow
AIRFLOW_STAMP := $(AIRFLOW_VENV)/.installed
TRINO_PORT ?= 8080
WAREHOUSE ?= $(DEMO)/warehouse

.PHONY: setup browser demo test test-fast lint format bench bench-ingest bench-ingest-upt bench-plans bench-write-floor bench-match bench-quality eval-rules conformance clean \
	airflow trino trino-server trino-stop

$(STAMP): setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[all]"
	$(BIN)/python -m runtime.jars > /dev/null   # resolve Delta + hadoop-aws jars from Maven Central once
	touch $(STAMP)

setup: $(STAMP)

# Apache Airflow (dags/requirements.txt) in a venv of its own: the jobs' venv stays free of its pins.
$(AIRFLOW_STAMP): dags/requirements.txt
	test -x $(AIRFLOW_VENV)/bin/python || $(PYTHON) -m venv $(AIRFLOW_VENV)
	$(AIRFLOW_VENV)/bin/pip install --quiet --upgrade pip
	$(AIRFLOW_VENV)/bin/pip install --quiet -r dags/requirements.txt
	touch $(AIRFLOW_STAMP)

airflow: $(AIRFLOW_STAMP)

# Trino server 476 from Maven Central, once, into ~/.cache/upt-lakehouse/trino (delta-lake plugin only).
trino-server:
	bash scripts/trino.sh install

# A Trino on 127.0.0.1:$(TRINO_PORT) for querying by hand: `upt publish --catalog trino` registers the
# tables; Ctrl-C (or `make trino-stop` from another shell) stops it.
trino: trino-server
	bash scripts/trino.sh serve .trino $(TRINO_PORT)

trino-stop:
	bash scripts/trino.sh stop .trino

# Headless Chromium for the HTML report test (Debian packages; playwright drives /usr/bin/chromium).
browser:
	test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver)

demo: $(STAMP)
	rm -rf $(DEMO)
	$(BIN)/upt generate --domain demo --travelers $(TRAVELERS) --seed 7 --out $(DEMO)/landing
	$(BIN)/upt ingest --domain demo --landing $(DEMO)/landing --warehouse $(DEMO)/warehouse
	$(BIN)/upt resolve --domain demo --warehouse $(DEMO)/warehouse
	$(BIN)/upt match --domain demo --warehouse $(DEMO)/warehouse
	$(BIN)/upt evaluate --domain demo --warehouse $(DEMO)/warehouse --truth $(DEMO)/landing/_truth/demo/truth.csv
	$(BIN)/upt publish --domain demo --warehouse $(DEMO)/warehouse --catalog none > $(DEMO)/publish-ddl.txt
	$(BIN)/upt summary --domain demo --warehouse $(DEMO)/warehouse
	$(BIN)/upt search --domain demo --warehouse $(DEMO)/warehouse --last-name Hall --limit 5
	$(BIN)/upt matches --domain demo --warehouse $(DEMO)/warehouse --limit 5
	$(BIN)/upt status --domain demo --warehouse $(DEMO)/warehouse
	$(BIN)/upt report --domain demo --warehouse $(DEMO)/warehouse --out $(DEMO)/report.html

# One process by default: on this 2-core box two pytest-xdist workers (two Spark sessions plus the
# child JVMs) were slower than one (docs/performance.md, "Test-suite time"). On a bigger machine
# TEST_WORKERS=N runs N workers, one test file at a time each, end-to-end files first.
TEST_WORKERS ?= 0
XDIST = $(if $(filter 0,$(TEST_WORKERS)),-p no:xdist,-n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder)

test: $(STAMP) $(AIRFLOW_STAMP) trino-server browser
	$(BIN)/pytest $(XDIST)

# Unit tests only: the transforms, matching and quality functions on inline rows (no whole-CLI runs).
test-fast: $(STAMP) browser
	$(BIN)/pytest $(XDIST) -m "not e2e"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: bench-ingest

bench-ingest: $(STAMP)
	$(BIN)/python -m benchmarks.ingest --travelers $(N) $(if $(WORKDIR),--workdir $(WORKDIR))

# `upt ingest` against a native read.text + from_json -> Parquet baseline on RECORDS records built from
# UPT's own samples (../shared when present, else the generator); each side in its own process.
bench-ingest-upt: $(STAMP)
	$(BIN)/python -m benchmarks.upt_corpus --records $(or $(RECORDS),50000) $(if $(WORKDIR),--workdir $(WORKDIR))

# The 14 ACCP tables written from already-built records (MERGE and plain append), each in a fresh
# process: the least any one-MERGE-per-table ingest can spend on its writes. WAREHOUSE= an ingest's.
bench-write-floor: $(STAMP)
	$(BIN)/python -m benchmarks.write_floor --warehouse $(WAREHOUSE) $(if $(WORKDIR),--workdir $(WORKDIR))

# Driver time to build every object's ingest plans, Py4J's own lookups against runtime/py4j_lookups.py.
bench-plans: $(STAMP)
	$(BIN)/python -m benchmarks.plan_building

# Rule-step precision/recall of upt resolve on generated data (EVAL_N travellers, default 10,000).
eval-rules: $(STAMP)
	$(BIN)/python -m benchmarks.eval_rules --travellers $(or $(EVAL_N),10000)

# Splink on Spark vs Splink on DuckDB: wall time of `upt match --full` on N profiles and compared pairs.
bench-match: $(STAMP)
	$(BIN)/python -m benchmarks.match --profiles $(N)

# Pairwise P/R/F1 at 0.5/0.9/0.99 and blocking recall on FEBRL1-3 and the generator's worlds (seed 11 at 10k, seed 23 at 5k).
bench-quality: $(STAMP)
	$(BIN)/python -m benchmarks.quality $(if $(SETS),--sets $(SETS))

# Field-by-field check against upstream UPT samples (needs ../shared, which a user's clone lacks).
conformance: $(STAMP)
	$(BIN)/python ../shared/tools/upt_conformance.py --cases ../shared/upt/samples --project .

clean:
	rm -rf $(DEMO) warehouse landing dist build *.egg-info spark-warehouse .trino
