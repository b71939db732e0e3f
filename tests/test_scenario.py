"""Scenario files, region presets and input errors (sim/scenario.py, sim/regions.py, sim/errors.py).

Every file in tests/data/bad_scenarios/ must fail with one InputError line. Its
first line is ``# expect: <fragment>``: the message must start with
``{error.file}: `` followed by the fragment, where `` ... `` in the fragment
skips any text. An optional ``# file: <name>`` line names the file the error
must blame (default: the bad file itself). A file that cannot hold a comment
(the empty file) has its expectation in NO_COMMENT_EXPECTATIONS.
"""
from __future__ import annotations

import json
import math
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restrans.model.levers import LEVERS
from restrans.model.parameters import PARAMETERS
from restrans.sim.scenario.errors import InputError, did_you_mean
from restrans.sim.scenario.regions import REGIONS_DIRECTORY, available_regions, load_region
from restrans.sim.scenario.scenario import Scenario, load_scenario, parse_assignment, scenario_hash

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good"
BAD = DATA / "bad_scenarios"
BAD_FILES = sorted(BAD.glob("*.yaml"))
NO_COMMENT_EXPECTATIONS = {
    "empty_file.yaml": "(top level): None — a mapping of scenario keys ... the file is empty",
}


def expectation(path: Path) -> tuple[str, str]:
    """(expected message fragment, name of the file the error must blame) for a bad scenario file."""
    if path.name in NO_COMMENT_EXPECTATIONS:
        return NO_COMMENT_EXPECTATIONS[path.name], path.name
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines and lines[0].startswith("# expect: "), f"{path.name} must start with '# expect: '"
    blamed = path.name
    if len(lines) > 1 and lines[1].startswith("# file: "):
        blamed = lines[1][len("# file: "):].strip()
    return lines[0][len("# expect: "):].strip(), blamed


def load_error(path: Path, **keywords) -> InputError:
    with pytest.raises(InputError) as caught:
        load_scenario(path, **keywords)
    return caught.value


# --- bad files ------------------------------------------------------------------------------


def test_there_is_one_bad_file_per_validation_error():
    assert len(BAD_FILES) >= 18


@pytest.mark.parametrize("path", BAD_FILES, ids=[path.stem for path in BAD_FILES])
def test_bad_scenario_gives_one_clear_line(path: Path):
    fragment, blamed = expectation(path)
    error = load_error(path)
    message = str(error)
    assert "\n" not in message
    assert Path(error.file).name == blamed
    assert message.startswith(f"{error.file}: {error.key}: ")
    first, *rest = fragment.split(" ... ")
    assert message.startswith(f"{error.file}: {first}"), message
    position = len(error.file) + 2 + len(first)
    for part in rest:
        found = message.find(part, position)
        assert found >= 0, f"{part!r} not found in order in {message!r}"
        position = found + len(part)


def test_misspelt_lever_names_key_path_value_and_suggestion():
    error = load_error(BAD / "misspelt_lever.yaml")
    assert error.key == "levers.retrainng_capacity"
    assert error.value == "retrainng_capacity"
    assert error.suggestion == "retraining_capacity"
    assert str(error).endswith(" — did you mean 'retraining_capacity'?")


def test_error_in_parent_file_names_the_parent():
    error = load_error(BAD / "extends_bad_parent.yaml")
    assert Path(error.file).name == "end_before_start.yaml"
    assert error.key == "time.end"


def test_cross_field_error_names_the_file_that_changed_it_last():
    error = load_error(BAD / "child_breaks_parent_time.yaml")
    assert Path(error.file).name == "child_breaks_parent_time.yaml"


def test_missing_scenario_file(tmp_path: Path):
    error = load_error(tmp_path / "nowhere.yaml")
    assert error.key == "(file)"
    assert "not found" in str(error)


# --- good files -------------------------------------------------------------------------------


def test_base_parses_every_schedule_kind():
    scenario = load_scenario(GOOD / "base.yaml")
    assert scenario.name == "base_case"
    assert scenario.region == "coal_declining"
    assert {name: spec.kind for name, spec in scenario.levers.items()} == {
        "retraining_capacity": "ramp", "transfer_payment": "step", "rd_intensity": "constant",
        "successor_support": "constant", "restoration_spending": "table", "hazard_relocation": "pulse"}
    assert scenario.levers["rd_intensity"].constant == 0.02  # a bare number is a constant
    assert scenario.solver.rtol == 1e-6  # written 1e-6 (YAML 1.2 form), read as a number
    assert scenario.budget == 10.0
    assert scenario.initial == {"elderly": 400.0}
    assert scenario.uncertainty["base_migration_rate"].kind == "uniform"
    assert scenario.source_files == [str((GOOD / "base.yaml").resolve())]


def test_lever_schedules_follow_the_file():
    scenario = load_scenario(GOOD / "base.yaml")
    tolerance = 1e-12
    assert abs(scenario.lever_schedule("retraining_capacity").value_at(2026.5) - 5.0) < tolerance
    assert abs(scenario.lever_schedule("transfer_payment").value_at(2025.5) - 0.3) < tolerance
    assert abs(scenario.lever_schedule("transfer_payment").value_at(2026.0) - 0.45) < tolerance
    assert abs(scenario.lever_schedule("restoration_spending").value_at(2027.5) - 0.3) < tolerance
    assert abs(scenario.lever_schedule("hazard_relocation").value_at(2027.5) - 6.0) < tolerance
    assert abs(scenario.lever_schedule("hazard_relocation").value_at(2028.5) - 1.0) < tolerance
    assert abs(scenario.lever_schedule("rd_intensity").value_at(2030.0) - 0.02) < tolerance
    assert abs(scenario.lever_schedule("soe_support", default=0.2).value_at(2030.0) - 0.2) < tolerance
    with pytest.raises(KeyError):
        scenario.lever_schedule("soe_support")


def test_extends_merges_sections_key_by_key():
    scenario = load_scenario(GOOD / "child.yaml")
    assert scenario.name == "child"  # not inherited: the file stem
    assert scenario.description.startswith("Child of base.yaml")
    assert scenario.region == "coal_declining"
    assert (scenario.time.start, scenario.time.end, scenario.time.saveper) == (2025.0, 2030.0, 0.25)
    assert scenario.parameters == {"mining_productivity_growth": 0.06, "birth_rate": 0.007}
    assert scenario.levers["transfer_payment"].kind == "constant"
    assert scenario.levers["transfer_payment"].constant == 0.5
    retraining = scenario.levers["retraining_capacity"]  # replaced whole, not merged with the ramp
    assert retraining.kind == "step" and retraining.ramp is None
    assert scenario.levers["rd_intensity"].constant == 0.02
    assert scenario.uncertainty["resource_price_growth"].kind == "triangular"
    assert scenario.uncertainty["base_migration_rate"].kind == "uniform"
    assert scenario.budget == 10.0
    assert scenario.source_files == [str((GOOD / name).resolve()) for name in ("child.yaml", "base.yaml")]


def test_extends_over_three_levels():
    scenario = load_scenario(GOOD / "grandchild.yaml")
    assert scenario.name == "grandchild"
    assert scenario.region == "coal_growing"
    assert (scenario.solver.method, scenario.solver.dt) == ("RK45", 0.0625)
    assert scenario.levers["rd_intensity"].constant == 0.03
    assert scenario.levers["transfer_payment"].constant == 0.5
    assert scenario.time.end == 2030.0
    assert len(scenario.source_files) == 3


def test_minimal_file_takes_defaults():
    scenario = load_scenario(GOOD / "minimal.yaml")
    assert scenario.name == "minimal"
    assert scenario.region == "coal_mature"
    assert (scenario.time.start, scenario.time.end, scenario.time.saveper) == (2025.0, 2035.0, 0.25)
    assert (scenario.solver.method, scenario.solver.dt) == ("euler", 0.0625)
    assert scenario.parameters == {} and scenario.uncertainty == {} and scenario.budget is None
    assert set(scenario.levers) == {"transfer_payment"}  # unnamed levers are not filled in


def test_overrides_set_parameters_levers_initial_values_and_region():
    scenario = load_scenario(GOOD / "base.yaml", region="forest_declining",
                             overrides={"birth_rate": 0.008, "transfer_payment": 1.5, "initial.elderly": 900})
    assert scenario.region == "forest_declining"
    assert scenario.parameters["birth_rate"] == 0.008
    assert scenario.parameters["mining_productivity_growth"] == 0.06
    assert scenario.levers["transfer_payment"].constant == 1.5
    assert scenario.initial["elderly"] == 900.0


@pytest.mark.parametrize("overrides, file, fragment", [
    ({"transfer_paymnt": 1.0}, "--set", "transfer_paymnt: 'transfer_paymnt' — a parameter, a lever or "
                                        "initial.<stock>, or a schedule field <lever>.<kind>.<field> (e.g. "
                                        "retraining_capacity.ramp.to) — did you mean 'transfer_payment'?"),
    ({"initial.elderyl": 1.0}, "--set", "did you mean 'initial.elderly'?"),
    ({"transfer_payment": 99.0}, "--set", "levers.transfer_payment.constant: 99.0 — allowed [0, 20] bn CNY/yr"),
    ({"birth_rate": True}, "--set", "parameters.birth_rate: True — a number (true/false is not a number)"),
])
def test_bad_overrides_blame_the_command_line(overrides, file, fragment):
    error = load_error(GOOD / "base.yaml", overrides=overrides)
    assert error.file == file
    assert fragment in str(error)


def test_unknown_region_argument_blames_the_command_line():
    error = load_error(GOOD / "base.yaml", region="coal_maturee")
    assert (error.file, error.key, error.suggestion) == ("--region", "region", "coal_mature")


def test_parse_assignment():
    assert parse_assignment("transfer_payment=0.45") == ("transfer_payment", 0.45)
    assert parse_assignment(" initial.elderly = 2.4e3 ") == ("initial.elderly", 2400.0)
    for text in ("transfer_payment", "=1", "transfer_payment=", "transfer_payment=high", "birth_rate=nan"):
        with pytest.raises(InputError) as caught:
            parse_assignment(text)
        assert caught.value.file == "--set" and "\n" not in str(caught.value)


# --- output times, hashing, solver override ---------------------------------------------------


def test_output_times_cover_saveper_and_whole_years_on_the_dt_grid():
    scenario = load_scenario(GOOD / "base.yaml")
    times = scenario.output_times()
    assert times[0] == 2025.0 and times[-1] == 2035.0
    assert len(times) == 41
    assert np.all(np.diff(times) > 0)
    assert set(range(2025, 2036)) <= set(times.tolist())
    steps = (times - 2025.0) / scenario.solver.dt
    assert np.array_equal(steps, np.round(steps))  # exact multiples of dt (0.0625 is a binary fraction)


def test_output_times_add_whole_years_and_end_for_adaptive_methods():
    scenario = Scenario.model_validate({"name": "adaptive", "time": {"start": 2025.5, "end": 2028.2, "saveper": 0.6},
                                        "solver": {"method": "RK45", "dt": 0.1}})
    expected = [2025.5, 2026.0, 2026.1, 2026.7, 2027.0, 2027.3, 2027.9, 2028.0, 2028.2]
    assert np.allclose(scenario.output_times(), expected, rtol=0, atol=1e-9)


def test_scenario_hash_is_content_only():
    one = load_scenario(GOOD / "base.yaml")
    assert len(scenario_hash(one)) == 64
    assert scenario_hash(one) == scenario_hash(load_scenario(GOOD / "base.yaml"))
    assert scenario_hash(Scenario.model_validate(
        {**one.resolved_dict(), "levers": {**one.resolved_dict()["levers"], "rd_intensity": {"constant": 0.02}}}
    )) == scenario_hash(one)
    changed = load_scenario(GOOD / "base.yaml", overrides={"rd_intensity": 0.021})
    assert scenario_hash(changed) != scenario_hash(one)


def test_scenario_hash_does_not_depend_on_where_the_file_is(tmp_path: Path):
    shutil.copy(GOOD / "base.yaml", tmp_path / "base.yaml")
    assert scenario_hash(load_scenario(tmp_path / "base.yaml")) == scenario_hash(load_scenario(GOOD / "base.yaml"))


def test_resolved_dict_is_json_and_round_trips():
    scenario = load_scenario(GOOD / "child.yaml")
    resolved = scenario.resolved_dict()
    assert json.loads(json.dumps(resolved, allow_nan=False)) == resolved
    assert resolved["levers"]["transfer_payment"] == {"constant": 0.5}
    assert resolved["levers"]["retraining_capacity"] == {"step": {"before": 2.0, "after": 4.0, "at": 2027.0}}
    assert "source_files" not in resolved
    again = Scenario.model_validate(resolved)
    assert scenario_hash(again) == scenario_hash(scenario)


def test_with_solver_revalidates():
    scenario = load_scenario(GOOD / "base.yaml")
    assert scenario.with_solver(method="rk4", dt=0.125).solver.dt == 0.125
    assert scenario.with_solver(method="LSODA").solver.method == "LSODA"
    with pytest.raises(InputError) as caught:
        scenario.with_solver(method="rk5")
    assert caught.value.file == "--method" and caught.value.suggestion == "rk4"
    with pytest.raises(InputError) as caught:
        scenario.with_solver(dt=0.5)
    assert caught.value.file == "--dt" and "time.saveper (0.25)" in str(caught.value)


@settings(max_examples=200, deadline=None)
@given(index=st.integers(0, len(PARAMETERS) - 1), fraction=st.floats(-0.5, 1.5))
def test_parameter_bounds_are_enforced_exactly(index: int, fraction: float):
    parameter = PARAMETERS[index]
    value = parameter.lower + fraction * (parameter.upper - parameter.lower)
    data = {"name": "bounds", "parameters": {parameter.name: value}}
    if parameter.lower <= value <= parameter.upper:
        assert Scenario.model_validate(data).parameters[parameter.name] == value
    else:
        with pytest.raises(Exception) as caught:
            Scenario.model_validate(data)
        assert f"allowed [{parameter.lower:g}, {parameter.upper:g}] {parameter.unit}" in str(caught.value)


@settings(max_examples=100, deadline=None)
@given(index=st.integers(0, len(LEVERS) - 1), start=st.floats(0, 1), end=st.floats(0, 1))
def test_ramps_within_lever_bounds_are_accepted(index: int, start: float, end: float):
    lever = LEVERS[index]
    low, high = (lever.lower + share * (lever.upper - lever.lower) for share in (start, end))
    low, high = min(max(low, lever.lower), lever.upper), min(max(high, lever.lower), lever.upper)
    scenario = Scenario.model_validate({"name": "ramp", "levers": {
        lever.name: {"ramp": {"from": low, "to": high, "start": 2026, "end": 2030}}}})
    schedule = scenario.lever_schedule(lever.name)
    assert math.isclose(schedule.value_at(2028.0), (low + high) / 2, rel_tol=1e-9, abs_tol=1e-12)


# --- errors ---------------------------------------------------------------------------------


def test_input_error_format_and_pickling():
    error = InputError("a.yaml", "levers.x", "x", "one of the levers\nin the model", "y")
    assert str(error) == "a.yaml: levers.x: 'x' — one of the levers in the model — did you mean 'y'?"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.file, copy.key, copy.value, copy.allowed, copy.suggestion) == ("a.yaml", "levers.x", "x",
                                                                                 error.allowed, "y")
    assert str(copy) == str(error)


def test_did_you_mean():
    assert did_you_mean("retrainng_capacity", [lever.name for lever in LEVERS]) == "retraining_capacity"
    assert did_you_mean("rk45", ["euler", "rk4", "RK45"]) == "RK45"
    assert did_you_mean("zzzz", ["euler", "rk4"]) is None


# --- region presets ---------------------------------------------------------------------------


def test_shipped_presets_are_valid():
    names = available_regions()
    assert names == tuple(sorted(path.stem for path in REGIONS_DIRECTORY.glob("*.yaml")))
    assert {"coal_declining", "coal_mature"} <= set(names)
    for name in names:
        preset = load_region(name)
        assert preset.name == name and preset.label
        entries = [f"{section}.{key}" for section in ("initial", "parameters", "levers")
                   for key in getattr(preset, section)]
        assert set(entries) <= set(preset.sources)
        assert all(preset.sources[entry] for entry in entries)


def test_unknown_region_suggests_a_close_name():
    with pytest.raises(InputError) as caught:
        load_region("coal_declinig")
    assert caught.value.suggestion == "coal_declining"


GOOD_PRESET = """name: test_city
label: Test city
description: A preset for tests.
initial:
  elderly: {value: 1200.0, source: "ASSUMPTION: test"}
parameters:
  unit_extraction_cost: {value: 620.0, source: "ASSUMPTION: test"}
levers:
  transfer_payment: {value: 0.3, source: "domain-facts: per recipient city 0.2-0.3 bn/yr"}
"""


@pytest.mark.parametrize("old, new, fragment", [
    ("unit_extraction_cost:", "unit_extraction_cots:", "parameters.unit_extraction_cots: 'unit_extraction_cots' — "
                                                       "unknown parameter"),
    ("value: 620.0", "value: -620.0", "parameters.unit_extraction_cost.value: -620.0 — allowed [1, 100000] CNY/t"),
    ('source: "ASSUMPTION: test"}\nparameters', 'source: ""}\nparameters',
     "initial.elderly.source: '' — a non-empty source"),
    ("value: 0.3", "value: '0.3'", "levers.transfer_payment.value: '0.3' — a number"),
    ("name: test_city", "name: other_city", "name: 'other_city' — the file name without .yaml: 'test_city'"),
    ("levers:", "lever:", "lever: 'lever' — unknown key; allowed: name, label"),
])
def test_bad_presets_name_the_preset_file(tmp_path: Path, old: str, new: str, fragment: str):
    assert old in GOOD_PRESET
    (tmp_path / "test_city.yaml").write_text(GOOD_PRESET.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_region("test_city", regions_directory=tmp_path)
    assert caught.value.file == str(tmp_path / "test_city.yaml")
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


def test_regions_directory_can_be_overridden(tmp_path: Path):
    (tmp_path / "test_city.yaml").write_text(GOOD_PRESET, encoding="utf-8")
    assert available_regions(tmp_path) == ("test_city",)
    preset = load_region("test_city", regions_directory=tmp_path)
    assert preset.initial == {"elderly": 1200.0}
    assert preset.levers == {"transfer_payment": 0.3}
    assert preset.sources["levers.transfer_payment"].startswith("domain-facts")
    scenario_file = tmp_path / "s.yaml"
    scenario_file.write_text("region: test_city\n", encoding="utf-8")
    assert load_scenario(scenario_file, regions_directory=tmp_path).region == "test_city"
    with pytest.raises(InputError):
        load_scenario(scenario_file)  # not a shipped preset
