"""``restrans sweep --model``: a sweep of a foreign Vensim/XMILE model (tests/data/foreign/mining_town.*) by PySD."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from restrans.sim.cli.commands import app
from restrans.sim.scenario.errors import InputError
from restrans.sim.vensim.foreign import ForeignModel, run_foreign
from restrans.sim.vensim.foreign_sweep import load_foreign_sweep, outcome_columns, run_foreign_sweep, sample_of
from restrans.sim.ensembles.sweep_spec import design_values
from tests.conftest import DATA

FOREIGN = DATA / "foreign"
SWEEP = FOREIGN / "town_sweep.yaml"
MISSPELT = FOREIGN / "town_sweep_misspelt.yaml"
runner = CliRunner()


@pytest.fixture(scope="module", params=("mdl", "xmile"))
def town(request, pysd_cache):
    return ForeignModel(FOREIGN / f"mining_town.{request.param}")


def test_outcomes_equal_single_runs(town, tmp_path):
    sweep = load_foreign_sweep(SWEEP, town)
    assert sweep.n_runs == 4 and sweep.chunk == 3  # two chunks
    directory = run_foreign_sweep(sweep, tmp_path)
    experiments = pd.read_parquet(directory / "experiments.parquet")
    outcomes = pd.read_parquet(directory / "outcomes.parquet")
    assert list(experiments.columns) == ["run", "mine capacity", "productivity"]
    assert list(outcomes.columns) == ["run", "status", "failure_reason", "Reserves_0", "Reserves_20", "Reserves_40",
                                      "Workers_0", "Workers_20", "Workers_40"]
    assert (outcomes["status"] == "ok").all() and (outcomes["failure_reason"] == "").all()
    assert experiments["mine capacity"].between(40, 100).all() and experiments["mine capacity"].nunique() == 4
    for run, row in enumerate(design_values(sweep)):
        single = run_foreign(town, sweep.settings, sample_of(sweep, row)).set_index("time")
        assert single["mine capacity"].iloc[0] == row[0] and single["adjustment time"].iloc[0] == 1.0  # base scenario
        for column in outcome_columns(sweep):
            stock, moment = column.rsplit("_", 1)
            assert outcomes.loc[run, column] == pytest.approx(single[stock].loc[float(moment)], rel=1e-12, abs=1e-12)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 20250601 and manifest["sweep"]["n_runs"] == 4 and manifest["sweep"]["chunks"] == 2
    assert manifest["engine"] == "pysd" and manifest["sweep"]["failed_runs"] == 0


def test_design_is_reproducible_from_the_seed(town):
    first, second = design_values(load_foreign_sweep(SWEEP, town)), design_values(load_foreign_sweep(SWEEP, town))
    assert np.array_equal(first, second)


def test_misspelt_factor_is_one_line_with_a_suggestion(town):
    with pytest.raises(InputError) as caught:
        load_foreign_sweep(MISSPELT, town)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{MISSPELT}: factors.mine capacty:")
    assert message.endswith("did you mean 'mine capacity'?")


def test_cli_sweep_model_writes_and_refuses_a_misspelt_factor(tmp_path, pysd_cache):
    model = FOREIGN / "mining_town.mdl"
    result = runner.invoke(app, ["sweep", str(MISSPELT), "--model", str(model), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "did you mean 'mine capacity'?" in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
    result = runner.invoke(app, ["sweep", str(SWEEP), "--model", str(model), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "4 runs (0 failed)" in result.output
    assert len(pd.read_parquet(tmp_path / "out" / "town_sweep" / "outcomes.parquet")) == 4
