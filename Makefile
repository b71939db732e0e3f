# restrans — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test
STAMP_APP := $(VENV)/.installed-app
STAMP_FAST := $(VENV)/.installed-fast

.PHONY: run test clean docs benchmark twin app system-packages app-benchmark validate cities types presets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(STAMP_RUN) $(STAMP_APP) $(STAMP_FAST)

$(STAMP_APP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[app,fast]"
	touch $@ $(STAMP_RUN) $(STAMP_FAST)

$(STAMP_FAST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[fast]"
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

# Debian's Chromium (browser tests) and a CJK font (Chinese figures): installed when missing, as root.
system-packages:
	bash .ci/install-system-packages

test: $(STAMP_TEST) system-packages
	$(BIN)/python -m pytest -n 2

# The classroom simulator at http://127.0.0.1:8050/ (APP_ARGS='--lang zh --port 8060').
app: $(STAMP_APP)
	$(BIN)/restrans app $(APP_ARGS)

# Every city of the shipped history fitted 2010-2017 and held out 2018-2021: outputs/validation/index.html.
validate: $(STAMP_FAST)
	$(BIN)/restrans calibrate --data model/data/history.csv --all --out outputs/validation

# Rebuild the city presets model/regions/cities/*.yaml from model/data/history.csv.
cities: $(STAMP_RUN)
	$(BIN)/python -m restrans.sim.history.cities

# The farm share, wage level and traded services of the five type presets, from their cities.
types: $(STAMP_RUN)
	$(BIN)/python -m restrans.sim.history.type_profiles

# After a change of the model's structure, every generated preset in dependency order: the five types'
# 2025 references, their farm, wage and traded-service profiles, the joint fits of the archetypes (which
# also rebuild the city presets), then the Vensim twin and docs/levers.md. About 11 min on 2 cores.
TYPES := coal_growing coal_mature coal_declining coal_regenerating forest_declining
presets: $(STAMP_FAST)
	for type in $(TYPES); do $(BIN)/restrans calibrate $$type --write > /dev/null || exit 1; done
	$(BIN)/python -m restrans.sim.history.type_profiles
	$(BIN)/python -m restrans.sim.history.archetypes
	$(MAKE) twin docs

docs: $(STAMP_RUN)
	$(BIN)/restrans describe levers --format markdown > docs/levers.md

twin: $(STAMP_RUN)
	$(BIN)/python -m restrans.sim.vensim.twin

benchmark: $(STAMP_TEST)
	$(BIN)/python benchmarks/bench_solvers.py

app-benchmark: $(STAMP_TEST) system-packages
	$(BIN)/python benchmarks/bench_app_latency.py

clean:
	rm -rf $(VENV) outputs/*/ .pytest_cache
