# restrans — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test clean docs benchmark twin

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(STAMP_RUN)

# The policy mixes of scenarios/ (issue 3); the first file of a compare is the baseline.
SPENDING_MIXES := resource_security innovation_successor coordination_cooperation green_restoration \
	opening_up livelihood_first integrated_plan
POLICY_MIXES := $(SPENDING_MIXES) no_support
EQUAL_BUDGET ?= 5

# The main job: every mix for every region preset in one batch, with the scorecard and the report
# (outputs/compare/report.html), then the spending mixes at an equal extra budget for coal_declining
# (outputs/compare_equal_budget/report.html).
run: $(STAMP_RUN)
	$(BIN)/restrans compare scenarios/baseline.yaml $(POLICY_MIXES:%=scenarios/%.yaml) --regions all
	$(BIN)/restrans compare scenarios/baseline.yaml $(SPENDING_MIXES:%=scenarios/%.yaml) --region coal_declining \
		--budget $(EQUAL_BUDGET) --name compare_equal_budget

test: $(STAMP_TEST)
	$(BIN)/python -m pytest -n 2

docs: $(STAMP_RUN)
	$(BIN)/restrans describe levers --format markdown > docs/levers.md

twin: $(STAMP_RUN)
	$(BIN)/python -m restrans.sim.vensim.twin

benchmark: $(STAMP_TEST)
	$(BIN)/python benchmarks/bench_solvers.py

clean:
	rm -rf $(VENV) outputs/*/ .pytest_cache
