"""The Python API (issue 12 item 17): restrans.load_scenario, run, compare, sweep; Results.to_pandas, to_xarray.

Structure and agreement with the command line's files are checked, no model number. Tolerances: the API's
values and those the command writes agree to 1e-9 relative (the CSV keeps 10 significant digits).
"""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import restrans
from restrans.model.stocks import STOCKS
from restrans.sim.scenario.errors import InputError
from tests.conftest import ROOT, SCENARIOS

BASELINE = SCENARIOS / "baseline.yaml"


def test_import_restrans_stays_light():
    completed = subprocess.run([sys.executable, "-c", "import sys, restrans; print(sorted(m for m in "
                                "('pandas', 'scipy', 'matplotlib', 'numba') if m in sys.modules))"],
                               capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]"


def test_run_to_pandas_and_xarray_agree_with_the_command_line(tmp_path):
    results = restrans.run(BASELINE, region="coal_growing")
    frame = results.to_pandas()
    assert frame.index.names == ["run", "time"] and {stock.name for stock in STOCKS} <= set(frame.columns)
    assert frame.attrs["units"]["elderly"] == next(s.unit for s in STOCKS if s.name == "elderly")
    assert frame.attrs["units"]["population"] == "thousand persons"  # an auxiliary: children + working age + elderly
    completed = subprocess.run([sys.executable, "-m", "restrans", "run", BASELINE, "--region", "coal_growing",
                                "--no-plot", "--out", tmp_path], capture_output=True, text=True, cwd=ROOT)
    assert completed.returncode == 0, completed.stderr
    written = pd.read_csv(tmp_path / "baseline-coal_growing" / "timeseries.csv")
    np.testing.assert_allclose(frame["population"].to_numpy(), written["population"].to_numpy(), rtol=1e-9)
    dataset = results.to_xarray()
    assert dataset["population"].dims == ("run", "time") and dataset["population"].attrs["units"]
    np.testing.assert_allclose(dataset["population"].values[0], written["population"].to_numpy(), rtol=1e-9)


def test_load_scenario_set_and_errors():
    scenario = restrans.load_scenario(SCENARIOS / "retraining_programme.yaml",
                                      set={"retraining_capacity.ramp.to": 10})
    assert scenario.levers["retraining_capacity"].ramp.end_value == 10.0
    with pytest.raises(InputError, match="did you mean 'retraining_capacity'"):
        restrans.load_scenario(BASELINE, set={"retrainng_capacity": 3})
    with pytest.raises(TypeError):
        restrans.run(scenario, region="coal_growing")


def test_compare_and_sweep(tmp_path):
    comparison = restrans.compare([BASELINE, SCENARIOS / "livelihood_first.yaml"], regions="coal_declining,coal_growing")
    assert set(comparison.ranking["region"]) == {"coal_declining", "coal_growing"}
    assert comparison.targets is not None and comparison.targets_reason
    folder = restrans.sweep(ROOT / "tests" / "data" / "sweeps" / "small_lhs.yaml", out=tmp_path)
    outcomes = pd.read_parquet(folder / "outcomes.parquet")
    experiments = pd.read_parquet(folder / "experiments.parquet")
    assert len(outcomes) == len(experiments) == 240 and list(outcomes["run"]) == list(experiments["run"])
