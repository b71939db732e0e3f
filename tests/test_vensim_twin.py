"""The Vensim twin file, its generator, scenario exports (.mdl and .cin) and their round trips through PySD."""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from restrans.model.levers import LEVER_NAMES, LEVERS
from restrans.model.lookups import LOOKUPS
from restrans.model.parameters import PARAMETERS
from restrans.model.stocks import STOCKS
from restrans.model.variables import AUXILIARIES
from restrans.model.constants import CONSTANTS
from restrans.model.variables import HELPERS
from restrans.sim.engine import pysd_engine
from restrans.sim.scenario import schedules
from restrans.sim.scenario.scenario import load_scenario
from restrans.sim.engine.simulate import simulate
from restrans.sim.vensim.twin import (TWIN_PATH, costed_levers, default_values, equations, lookup_points, number, read_cin,
                             scenario_values, vensim_unit, write_cin, write_mdl)
from tests.conftest import DATA, SCENARIOS
from tests.test_pysd_parity import RELATIVE_TOLERANCE, relative_deviation

SCHEDULES = DATA / "vensim" / "schedules.yaml"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FUNCTIONS = {"MIN", "MAX", "EXP", "LN", "INTEG", "Time", "IF", "THEN", "ELSE"}


def test_committed_twin_is_the_generator_output():
    assert TWIN_PATH.read_text(encoding="utf-8") == write_mdl(), (
        "model/vensim/restrans.mdl is stale: run `make twin` (python -m restrans.sim.vensim.twin) and commit it")


def _equations():
    return [equation for section in equations().sections for equation in section.equations]


def test_every_auxiliary_and_helper_has_exactly_one_equation_and_every_stock_a_rate():
    names = [equation.name for equation in _equations()]
    assert len(names) == len(set(names))
    assert set(names) == set(AUXILIARIES) | set(HELPERS)
    assert set(equations().stock_rates) == {stock.name for stock in STOCKS}
    for equation in _equations():
        assert equation.unit and equation.doc, f"{equation.name} needs a unit and a doc"


def test_every_name_in_an_equation_is_defined():
    defined = {equation.name for equation in _equations()}
    defined |= {p.name for p in PARAMETERS} | {s.name for s in STOCKS} | {lever.name for lever in LEVERS}
    defined |= {table.name for table in LOOKUPS} | {item.name for item in CONSTANTS}
    expressions = [equation.expression for equation in _equations()]
    for expression in expressions + list(equations().stock_rates.values()):
        used = set(_IDENTIFIER.findall(re.sub(r"\d+(\.\d*)?(e-?\d+)?", " ", expression))) - _FUNCTIONS
        assert used <= defined, f"undefined in {expression!r}: {used - defined}"


def test_no_bare_module_number_in_the_twin_equations():
    """Numbers in equations are literals of the code (1, 1000, 1e-9 ...), never a computed one like 1 - 0.7."""
    numbers = set()
    for expression in [equation.expression for equation in _equations()] + list(equations().stock_rates.values()):
        numbers |= {float(text) for text in re.findall(r"(?<![A-Za-z_])\d+(?:\.\d+)?(?:e-?\d+)?", expression)}
    assert numbers <= {0.0, 1.0, 2.0, 40.0, 50.0, 1000.0, 1e-9, 1e-12}, sorted(numbers)


def test_twin_declares_unit_and_doc_of_every_variable():
    text = TWIN_PATH.read_text(encoding="utf-8")
    equations = [block for block in text.split("\t|\n") if " = " in block or "(\n" in block]
    for block in equations:
        if "********" in block or "\\\\\\---///" in block:
            continue
        _, unit, doc = (part.strip() for part in block.split("\t~\t"))
        assert unit and doc, block
    for parameter in PARAMETERS:
        assert f"\n{parameter.name} = " in text
    for lever in LEVERS:
        assert f"\n{lever.name} = {lever.name}_schedule(Time)" in text
    for stock in STOCKS:
        assert f"\n{stock.name} = INTEG(" in text and f"\ninitial_{stock.name} = " in text
    assert "\nTIME STEP  = 0.0625" in text and "\nINITIAL TIME  = 2025" in text


def test_lever_costs_are_the_declared_costs():
    text = write_mdl()
    for lever in costed_levers():
        assert f"\n{lever.name}_unit_cost = {number(lever.cost_per_unit)}\n" in text
        assert f"\n{lever.name}_central_share = {number(lever.central_share)}\n" in text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_read_back_exactly(value):
    assert float(number(value)) == value


def test_units_in_vensim_syntax():
    assert vensim_unit("1") == "Dmnl"
    assert vensim_unit("index (2025 = 1)") == "Dmnl"
    assert vensim_unit("bn CNY per Mt/yr") == "bn CNY/(Mt/yr)"
    assert vensim_unit("km2 per thousand persons") == "km2/thousand persons"
    assert vensim_unit("Mt/yr") == "Mt/yr"


def _grid_values(points, grid):
    return np.interp(grid, [x for x, _ in points], [y for _, y in points])


GRID = 2025.0 + np.arange(161) * 0.0625
_time = st.floats(2025.0, 2034.9).map(lambda t: round(t, 4))


@settings(max_examples=150, deadline=None)
@given(before=st.floats(0, 10), after=st.floats(0, 10), at=_time, duration=st.floats(0.001, 3.0),
       kind=st.sampled_from(["step", "pulse", "ramp"]))
def test_lookup_points_match_the_schedule_at_every_grid_time(before, after, at, duration, kind):
    schedule = {"step": lambda: schedules.step(before, after, at),
                "pulse": lambda: schedules.pulse(before, after, at, duration),
                "ramp": lambda: schedules.ramp(before, after, at, at + duration)}[kind]()
    points = lookup_points(schedule, 2025.0, 2035.0, 0.0625)
    assert all(later[0] > earlier[0] for earlier, later in zip(points, points[1:]))
    expected = np.array([schedule.value_at(float(t)) for t in GRID])
    np.testing.assert_allclose(_grid_values(points, GRID), expected, rtol=1e-12, atol=1e-12)


def test_lookup_points_of_constant_and_jump_at_start():
    assert lookup_points(schedules.constant(3.0), 2025.0, 2035.0, 0.0625) == ((2025.0, 3.0), (2035.0, 3.0))
    points = lookup_points(schedules.step(1.0, 2.0, 2025.0), 2025.0, 2035.0, 0.0625)
    assert points == ((2024.96875, 1.0), (2025.0, 2.0))


def test_cin_sets_every_constant_and_schedule_of_the_scenario():
    values = scenario_values(load_scenario(SCHEDULES, region="forest_declining"))
    constants, lookups = read_cin(write_cin(values))
    assert constants["TIME STEP"] == 0.0625 and constants["FINAL TIME"] == 2035.0
    assert {name: constants[name] for name in values.parameters} == values.parameters
    assert {stock: constants[f"initial_{stock}"] for stock in values.initial} == values.initial
    for lever in LEVERS:
        assert lookups[f"{lever.name}_schedule"] == lookup_points(values.levers[lever.name], 2025.0, 2035.0, 0.0625)


def test_cin_changes_applied_to_the_twin_give_the_native_results(pysd_cache):
    scenario = load_scenario(SCHEDULES, region="coal_regenerating")
    constants, lookups = read_cin(write_cin(scenario_values(scenario)))
    grid = pysd_engine.grid_times(2025.0, 2035.0, constants.pop("TIME STEP"))
    for name in ("FINAL TIME", "INITIAL TIME", "SAVEPER"):
        constants.pop(name)
    for lever in LEVERS:  # each lever follows its .cin lookup, sampled on the Euler grid
        points = lookups[f"{lever.name}_schedule"]
        constants[lever.name] = pd.Series(_grid_values(points, grid), index=grid)
    native = simulate([scenario])
    frame = pysd_engine.run(pysd_engine.load(TWIN_PATH), constants, {}, 2025.0, 2035.0, 0.0625, 0.25,
                            native.times, [stock.name for stock in STOCKS])
    state = frame[[stock.name for stock in STOCKS]].to_numpy()[:, :, np.newaxis]
    assert relative_deviation(native.state, state).max() <= RELATIVE_TOLERANCE


def test_exported_mdl_round_trips_through_pysd(tmp_path, pysd_cache):
    """The exported file alone (values, lookups, control) reproduces the native run, to 2029 (PySD lookups are slow)."""
    scenario = load_scenario(SCHEDULES, region="coal_declining")
    exported = tmp_path / "twin_schedules.mdl"
    exported.write_text(write_mdl(scenario_values(scenario)), encoding="utf-8")
    native = simulate([scenario])
    times = native.times[native.times <= 2029.0]
    frame = pysd_engine.run(pysd_engine.load(exported), {}, {}, 2025.0, 2029.0, 0.0625, 0.25, times,
                            [stock.name for stock in STOCKS] + ["transfer_payment", "hazard_relocation"])
    state = frame[[stock.name for stock in STOCKS]].to_numpy()[:, :, np.newaxis]
    assert relative_deviation(native.state[: times.size], state).max() <= RELATIVE_TOLERANCE
    for lever in ("transfer_payment", "hazard_relocation"):  # steps and pulses seen as natively at every grid time
        np.testing.assert_array_equal(frame[lever].to_numpy(), native.levers[: times.size, LEVER_NAMES.index(lever), 0])


def test_default_values_are_the_declared_defaults():
    values = default_values()
    assert values.parameters == {p.name: p.default for p in PARAMETERS}
    assert values.initial == {s.name: s.initial for s in STOCKS}
    assert all(values.levers[lever.name].values == (lever.baseline,) for lever in LEVERS)
    assert math.isclose(values.dt, 0.0625)


def test_baseline_export_has_region_values():
    values = scenario_values(load_scenario(SCENARIOS / "baseline.yaml", region="coal_growing"))
    text = write_mdl(values)
    assert "region coal_growing" in text
    for name, value in values.parameters.items():
        assert f"\n{name} = {number(value)}\n" in text
