# restrans — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test clean docs benchmark

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/restrans run scenarios/baseline.yaml

test: $(STAMP_TEST)
	$(BIN)/python -m pytest -n 2

docs: $(STAMP_RUN)
	$(BIN)/restrans describe levers --format markdown > docs/levers.md

benchmark: $(STAMP_TEST)
	$(BIN)/python benchmarks/bench_solvers.py

clean:
	rm -rf $(VENV) outputs/*/ .pytest_cache
