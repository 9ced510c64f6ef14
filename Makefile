# The two commands a newcomer needs:
#   make demo   set up, run the monitor on the bundled sample feeds, serve the dashboard
#   make test   set up (Chromium, Neo4j included) and run the whole test suite
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO_HOME ?= $(CURDIR)/.scamtrace/demo

.PHONY: setup demo test test-fast lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(BIN)/scamtrace --home $(DEMO_HOME) run
	$(BIN)/scamtrace --home $(DEMO_HOME) status
	$(BIN)/scamtrace --home $(DEMO_HOME) dashboard

test: setup
	scripts/test

test-fast: setup
	$(BIN)/pytest -m "not browser and not neo4j" -q

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python benchmarks/extraction.py

clean:
	rm -rf $(VENV) .scamtrace .pytest_cache
