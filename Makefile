# Two commands matter: `make demo` and `make test`. Both build .venv/ first when it is missing.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := .demo
N ?= 200000
TRAVELERS ?= 300

.PHONY: setup browser demo test lint format bench bench-ingest bench-match eval-rules conformance clean

$(STAMP): setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[all]"
	$(BIN)/python -m jobs.jars > /dev/null   # resolve Delta + hadoop-aws jars from Maven Central once
	touch $(STAMP)

setup: $(STAMP)

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

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: bench-ingest

bench-ingest: $(STAMP)
	$(BIN)/python -m benchmarks.ingest --travelers $(N) $(if $(WORKDIR),--workdir $(WORKDIR))

# Rule-step precision/recall of upt resolve on generated data (EVAL_N travellers, default 10,000).
eval-rules: $(STAMP)
	$(BIN)/python -m benchmarks.eval_rules --travellers $(or $(EVAL_N),10000)

# Splink on Spark vs Splink on DuckDB: wall time of `upt match --full` on N profiles and compared pairs.
bench-match: $(STAMP)
	$(BIN)/python -m benchmarks.match --profiles $(N)

# Field-by-field check against upstream UPT samples (needs ../shared, which a user's clone lacks).
conformance: $(STAMP)
	$(BIN)/python ../shared/tools/upt_conformance.py --cases ../shared/upt/samples --project .

clean:
	rm -rf $(DEMO) warehouse landing dist build *.egg-info spark-warehouse
