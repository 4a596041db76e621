PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test check lint bench install examples

$(BIN)/chargescope: pyproject.toml setup.py src/chargescope/readers/_envelope.c
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

install: $(BIN)/chargescope

demo: install
	$(BIN)/chargescope analyze examples/

test: install
	$(BIN)/ruff check src tests benchmarks setup.py
	$(BIN)/mypy src
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests benchmarks setup.py
	$(BIN)/ruff format --check src tests benchmarks setup.py
	$(BIN)/mypy src

bench: install
	$(BIN)/python benchmarks/bench_ingest.py

examples: install
	$(BIN)/python scripts/make_examples.py
