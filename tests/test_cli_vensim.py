"""The command line for the Vensim twin: ``run --engine pysd`` and ``export --format mdl|cin``."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from restrans.sim.cli.commands import app
from restrans.sim.scenario.scenario import load_scenario
from restrans.sim.vensim.twin import read_cin, scenario_values, write_cin, write_mdl
from tests.conftest import DATA, SCENARIOS

runner = CliRunner()
SCHEDULES = DATA / "vensim" / "schedules.yaml"


def invoke(*arguments):
    return runner.invoke(app, [str(argument) for argument in arguments])


def test_run_with_pysd_engine_writes_the_native_outputs_with_the_same_values(tmp_path, pysd_cache):
    native, twin = tmp_path / "native", tmp_path / "pysd"
    assert invoke("run", SCHEDULES, "--region", "coal_growing", "--out", native).exit_code == 0
    result = invoke("run", SCHEDULES, "--region", "coal_growing", "--engine", "pysd", "--out", twin)
    assert result.exit_code == 0, result.output
    folder = "twin_schedules-coal_growing"  # the scenario's name and the --region
    names = {path.name for path in (native / folder).iterdir()}
    assert names == {path.name for path in (twin / folder).iterdir()}
    left = pd.read_csv(native / folder / "timeseries.csv")
    right = pd.read_csv(twin / folder / "timeseries.csv")
    assert list(left.columns) == list(right.columns)
    # the CSV holds 10 significant digits: values agree to that precision (relative 1e-9, absolute 1e-12)
    np.testing.assert_allclose(right.iloc[:, 1:].to_numpy(float), left.iloc[:, 1:].to_numpy(float),
                               rtol=1e-9, atol=1e-12)
    manifest = json.loads((twin / folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == "pysd"


@pytest.mark.parametrize("arguments, fragment", [
    (("--engine", "pysdd"), "--engine: engine: 'pysdd' — one of: native, pysd — did you mean 'pysd'?"),
    (("--engine", "pysd", "--method", "rk4"), "--method: solver.method: 'rk4' — euler: PySD integrates"),
])
def test_bad_engine_choices_exit_2_and_write_nothing(tmp_path, arguments, fragment):
    result = invoke("run", SCENARIOS / "baseline.yaml", *arguments, "--out", tmp_path)
    assert result.exit_code == 2 and fragment in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("output_format", ["mdl", "cin"])
def test_export_writes_the_scenario_file(tmp_path, output_format):
    target = tmp_path / f"scenario.{output_format}"
    result = invoke("export", SCHEDULES, "--format", output_format, "--region", "coal_mature", "--out", target)
    assert result.exit_code == 0, result.output
    values = scenario_values(load_scenario(SCHEDULES, region="coal_mature"))
    expected = write_mdl(values) if output_format == "mdl" else write_cin(values)
    assert target.read_text(encoding="utf-8") == expected
    assert [path.name for path in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_export_default_location_and_set(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("export", SCENARIOS / "baseline.yaml", "--format", "cin", "--set", "transfer_payment=0.45")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "outputs" / "baseline-set-transfer_payment-0.45"  # the folder run writes for these options
    constants, lookups = read_cin((folder / "baseline.cin").read_text(encoding="utf-8"))
    assert lookups["transfer_payment_schedule"] == ((2025.0, 0.45), (2035.0, 0.45))


def test_export_bad_scenario_exits_2_and_writes_nothing(tmp_path):
    result = invoke("export", DATA / "bad_scenarios" / "misspelt_lever.yaml", "--out", tmp_path / "x.mdl")
    assert result.exit_code == 2 and "did you mean" in result.output
    assert list(tmp_path.iterdir()) == []


def test_compare_with_pysd_engine_gives_the_native_comparison(pysd_cache):
    from restrans.sim.compare.comparison import run_comparison

    files = (SCENARIOS / "baseline.yaml", SCHEDULES)
    native, twin = (run_comparison(files, engine=engine) for engine in ("native", "pysd"))
    for name in ("indicators", "effectiveness", "scorecard"):
        left, right = getattr(native, name), getattr(twin, name)
        numeric = left.select_dtypes("number").columns
        pd.testing.assert_frame_equal(left.drop(columns=numeric), right.drop(columns=numeric))
        np.testing.assert_allclose(right[numeric].to_numpy(float), left[numeric].to_numpy(float),
                                   rtol=1e-9, atol=1e-12)  # rounding only: relative 1e-9 (absolute 1e-12 at zero)


def test_compare_rejects_a_method_pysd_cannot_use(tmp_path):
    result = invoke("compare", SCENARIOS / "baseline.yaml", "--engine", "pysd", "--method", "RK45", "--out", tmp_path)
    assert result.exit_code == 2 and "euler: PySD integrates with Euler only" in result.output
    assert list(tmp_path.iterdir()) == []
