# The two commands of README.md: `make run` (main job) and `make test` (tests), on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INDEX_DIR ?= index_data
HOST ?= 127.0.0.1
PORT ?= 5000
# The shared corpus of real filings is indexed too when it sits beside the checkout
CORPUS := $(wildcard ../shared/corpus)

.PHONY: setup run build serve test lint bench bench-archives bench-checkpoints bench-fetch clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# edgar-tool (an EFTS client the tests run) comes without its dependencies: see pyproject.toml
setup: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,serve]'
	$(BIN)/python -m pip install -q --no-deps 'edgar-tool==2.1.2'

build: setup
	$(BIN)/indexer build examples $(CORPUS) --index-dir $(INDEX_DIR)

serve: setup
	EDGAR_INDEX_DIR=$(INDEX_DIR) $(BIN)/flask --app webapp run --host $(HOST) --port $(PORT)

run: build serve

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The browser tests drive Debian's chromium (Playwright's own browser downloads do not work here)
test: setup lint
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	$(BIN)/python -m pytest

# The README's screenshots (docs/screenshots/*.png), written by the browser tests of the search page
screenshots: setup
	SCREENSHOTS=1 $(BIN)/python -m pytest -q -p no:randomly tests/test_ui_browser_state.py

clean:
	rm -rf $(VENV) $(INDEX_DIR)/gen-* $(INDEX_DIR)/CURRENT $(INDEX_DIR)/build.lock

# Benchmarks: N filings made by ../shared/bench/make_corpus.py into a temp folder (outside the repo),
# indexed by BACKEND (whoosh | tantivy) beside the FTS5 and raw tantivy peers
N ?= 10000
BACKEND ?= whoosh
BENCH_ARGS ?=
bench: setup
	$(BIN)/python -m bench.run --n $(N) --backend $(BACKEND) $(BENCH_ARGS)

# A build from one .tar.gz of the bench corpus vs from its folder; N defaults to 100,000 here
ARCHIVE_N = $(if $(filter command line environment,$(origin N)),$(N),100000)
bench-archives: setup
	$(BIN)/python -m bench.archives --n $(ARCHIVE_N) --backend $(BACKEND) $(BENCH_ARGS)

# What checkpoints cost a build, and the work a kill at 50 % loses with --checkpoint 1
# (at small N a build ends before a minute: BENCH_ARGS="--minutes 0.1")
bench-checkpoints: setup
	$(BIN)/python -m bench.checkpoints --n $(N) --backend $(BACKEND) $(BENCH_ARGS)

# Fetch throughput against the EDGAR replay (../shared/edgar-replay) at the 10 requests/s cap
bench-fetch: setup
	$(BIN)/python -m bench.fetch
