"""Scenarios for a foreign Vensim/XMILE model (tests/data/foreign/mining_town.*), run by PySD.

The mining town: Reserves (1000 Mt) are mined at min(mine capacity, Reserves /
minimum depletion time); Workers follow extraction / productivity. With the
default capacity of 50 Mt/yr and Euler steps of 0.25 yr, Reserves fall by
exactly 50 Mt a year while Reserves / 5 exceeds the capacity.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from restrans.sim.cli.commands import app
from restrans.sim.scenario.errors import InputError
from restrans.sim.vensim.foreign import (ForeignModel, load_foreign_scenario, output_times, run_foreign, run_foreign_batch,
                          run_settings)
from tests.conftest import DATA

FOREIGN = DATA / "foreign"
MODELS = (FOREIGN / "mining_town.mdl", FOREIGN / "mining_town.xmile")
runner = CliRunner()


@pytest.fixture(scope="module", params=MODELS, ids=lambda path: path.suffix[1:])
def town(request, pysd_cache):
    return ForeignModel(request.param)


def run(town, scenario, assignments=None):
    return run_foreign(town, run_settings(load_foreign_scenario(FOREIGN / scenario, town, assignments), town))


def test_model_constants_stocks_and_control_values_are_read(town):
    assert {element.name for element in town.constants.values()} == {
        "adjustment time", "initial reserves", "mine capacity", "minimum depletion time", "productivity", "wage"}
    assert {element.name for element in town.stocks.values()} == {"Reserves", "Workers"}
    assert (town.control["initial_time"], town.control["final_time"], town.control["time_step"]) == (0.0, 40.0, 0.25)


def test_misspelt_constant_gives_one_line_with_a_suggestion(town):
    with pytest.raises(InputError) as caught:
        load_foreign_scenario(FOREIGN / "misspelt_constant.yaml", town)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{FOREIGN / 'misspelt_constant.yaml'}: parameters.mine capacty: 'mine capacty'")
    assert "unknown constant of" in message and message.endswith("did you mean 'mine capacity'?")


def test_doubled_capacity_depletes_twice_as_fast(town):
    frame = run(town, "bigger_mines.yaml")  # mine capacity 100 (model name), adjustment_time 1 (Python name)
    reserves = frame.set_index("time")["Reserves"]
    # 1000 Mt at 100 Mt/yr until Reserves / 5 < 100 (below 500 Mt, at t = 5): exact under Euler, tolerance 1e-9
    assert reserves[1.0] == pytest.approx(900.0, rel=1e-12)
    assert reserves[5.0] == pytest.approx(500.0, rel=1e-12)
    assert reserves[6.0] == pytest.approx(500.0 * (1 - 0.25 / 5) ** 4, rel=1e-12)  # then exponential decay
    assert frame["mine capacity"].eq(100.0).all() and frame["adjustment time"].eq(1.0).all()


def test_default_scenario_matches_the_model_itself(town, tmp_path):
    (tmp_path / "empty.yaml").write_text("name: as_built\n", encoding="utf-8")
    frame = run(town, tmp_path / "empty.yaml")
    reserves = frame.set_index("time")["Reserves"]
    assert reserves[1.0] == pytest.approx(950.0, rel=1e-12) and reserves[10.0] == pytest.approx(500.0, rel=1e-12)


def test_lever_schedule_initial_value_and_time_settings(town):
    frame = run(town, "capacity_step.yaml").set_index("time")  # Reserves from 1200, capacity 50 -> 80 at t = 10
    assert frame.index[0] == 0.0 and frame.index[-1] == 30.0 and frame.index[1] == 0.5
    assert frame.loc[9.5, "mine capacity"] == 50.0 and frame.loc[10.0, "mine capacity"] == 80.0
    assert frame.loc[10.0, "Reserves"] == pytest.approx(1200.0 - 50.0 * 10, rel=1e-12)
    assert frame.loc[11.0, "Reserves"] == pytest.approx(700.0 - 80.0, rel=1e-12)


def test_set_overrides_constants_and_stocks(town):
    frame = run(town, "bigger_mines.yaml", ["wage=70", "initial.Workers=12"])
    assert frame["wage"].eq(70.0).all()
    assert frame["Workers"].iloc[0] == 12.0 and frame["town income"].iloc[0] == pytest.approx(12 * 70 / 1000)


@pytest.mark.parametrize("text, key, allowed", [
    ("name: x\ninitial: {Reservs: 5}\n", "initial.Reservs", "did you mean 'Reserves'?"),
    ("name: x\nparameters: {mine capacity: 900}\n", "parameters.mine capacity", "allowed [0, 500] Mt/Year"),
    ("name: x\nregion: coal_growing\n", "region", "no such key for a foreign model"),
    ("name: x\nsolver: {method: rk4}\n", "solver.method", "euler (PySD integrates with Euler only)"),
    ("name: x\nparameters: {wage: 1}\nlevers: {wage: 2}\n", "parameters.wage", "parameters or under levers"),
    ("name: x\nlevers: {wage: {ramp: {from: 1, to: 2000, start: 1, end: 2}}}\n", "levers.wage.ramp.to",
     "allowed [0, 1000]"),
])
def test_bad_foreign_scenarios(tmp_path, town, text, key, allowed):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_foreign_scenario(path, town)
    assert caught.value.key == key and allowed in str(caught.value)


def test_xmile_and_vensim_versions_agree(pysd_cache):
    frames = [run(ForeignModel(path), "capacity_step.yaml") for path in MODELS]
    columns = ["time", "Reserves", "Workers"]
    pd.testing.assert_frame_equal(frames[0][columns], frames[1][columns], rtol=1e-12)


def test_output_times_follow_saveper(town):
    settings = run_settings(load_foreign_scenario(FOREIGN / "capacity_step.yaml", town), town)
    np.testing.assert_array_equal(output_times(settings), np.arange(61) * 0.5)


def test_cli_run_with_model_writes_outputs(tmp_path, pysd_cache):
    result = runner.invoke(app, ["run", str(FOREIGN / "bigger_mines.yaml"), "--model", str(MODELS[0]),
                                 "--out", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    directory = tmp_path / "bigger_mines"
    assert {path.name for path in directory.iterdir()} == {"timeseries.csv", "variables.csv", "manifest.json"}
    series = pd.read_csv(directory / "timeseries.csv")
    assert series["Reserves"].iloc[1] == pytest.approx(900.0, rel=1e-9)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == "pysd" and manifest["model"]["file"] == str(MODELS[0])


def test_cli_misspelt_constant_exits_2_and_writes_nothing(tmp_path, pysd_cache):
    result = runner.invoke(app, ["run", str(FOREIGN / "misspelt_constant.yaml"), "--model", str(MODELS[0]),
                                 "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "did you mean 'mine capacity'?" in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_cli_model_that_is_not_a_model(tmp_path, pysd_cache):
    scenario = str(FOREIGN / "bigger_mines.yaml")
    result = runner.invoke(app, ["run", scenario, "--model", scenario, "--out", str(tmp_path)])
    assert result.exit_code == 2 and "a Vensim or XMILE model file" in result.output


def test_batch_of_runs_for_sweeps(town):
    settings = run_settings(load_foreign_scenario(FOREIGN / "faster_hiring.yaml", town), town)
    capacity = town.resolve("mine capacity", town.constants).python_name
    result = run_foreign_batch(town, settings, [{capacity: value} for value in (50.0, 100.0, 25.0)],
                               ["Reserves", "extraction"])
    one_year = int(np.flatnonzero(result["time"] == 1.0)[0])
    assert result["Reserves"].shape == (result["time"].size, 3)
    assert result["Reserves"][one_year].tolist() == pytest.approx([950.0, 900.0, 975.0], rel=1e-12)
    again = run_foreign(town, settings)  # a later single run is back to the model's own capacity
    assert again.set_index("time").loc[1.0, "Reserves"] == pytest.approx(950.0, rel=1e-12)
    with pytest.raises(ValueError):
        run_foreign_batch(town, settings, [{capacity: 1.0}, {}])


def test_constant_lookup_for_other_inputs(town):
    assert town.constant("Mine_Capacity", "sweep.yaml", "factors.x").python_name == "mine_capacity"
    with pytest.raises(InputError) as caught:
        town.constant("wge", "sweep.yaml", "factors.wge")
    message = str(caught.value)
    assert message.startswith("sweep.yaml: factors.wge: 'wge'") and message.endswith("did you mean 'wage'?")
