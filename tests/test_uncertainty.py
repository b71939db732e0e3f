"""Monte Carlo uncertainty: bands, target probabilities, reproducibility from the seed, bad input."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from restrans.sim.cli.commands import app
from restrans.sim.scenario.errors import InputError
from restrans.sim.ensembles.uncertainty import run_uncertainty
from tests.conftest import DATA, SCENARIOS

SCENARIO_FILES = [DATA / "sweeps" / "uncertain_a.yaml", DATA / "sweeps" / "uncertain_b.yaml"]


@pytest.fixture(scope="module")
def ensemble(tmp_path_factory):
    out = tmp_path_factory.mktemp("uncertainty")
    directory, probabilities = run_uncertainty(SCENARIO_FILES, 120, 42, out, "mc", SCENARIOS / "targets.yaml")
    return directory, probabilities


def test_bands_are_ordered_quantiles_per_scenario(ensemble):
    directory, _ = ensemble
    bands = pd.read_csv(directory / "bands.csv")
    assert set(bands.scenario) == {"uncertain_a", "uncertain_b"}
    quantiles = bands[["p5", "p25", "p50", "p75", "p95"]].to_numpy()
    assert (np.diff(quantiles, axis=1) >= -1e-12).all()  # tolerance: rounding of interpolated quantiles
    assert (directory / "fan_charts.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_target_probabilities_are_shares_of_runs_meeting_each_2035_target(ensemble):
    directory, probabilities = ensemble
    assert set(probabilities.scenario) == {"uncertain_a", "uncertain_b"}
    valid = probabilities.probability.dropna()
    assert len(valid) and ((valid >= 0) & (valid <= 1)).all()
    outcomes = pd.read_parquet(directory / "outcomes.parquet")
    row = probabilities[(probabilities.scenario == "uncertain_a") & (probabilities.target == "unemployment_2035")]
    share = outcomes[outcomes.scenario == "uncertain_a"].target_unemployment_2035_met.mean()
    assert row.probability.iloc[0] == pytest.approx(share, abs=0)  # the same arithmetic mean


def test_same_seed_same_draws_and_the_draws_respect_bounds(ensemble, tmp_path):
    directory, _ = ensemble
    again, _ = run_uncertainty(SCENARIO_FILES[:1], 120, 42, tmp_path, "again", None)
    first = pd.read_parquet(directory / "outcomes.parquet")
    second = pd.read_parquet(again / "outcomes.parquet")
    columns = ["resource_price_growth", "mining_productivity_growth", "birth_rate", "gdp_2035"]
    pd.testing.assert_frame_equal(first[first.scenario == "uncertain_a"][columns].reset_index(drop=True),
                                  second[columns], check_exact=True)
    assert first.birth_rate.between(0.004, 0.009).all() and first.mining_productivity_growth.between(0, 0.08).all()


def test_a_scenario_without_uncertainty_samples_the_plausible_ranges(tmp_path):
    """No uncertainty: block is no longer bad input: the default samples every parameter's plausible range."""
    import json

    from restrans.model.parameters import PARAMETERS

    result = CliRunner().invoke(app, ["uncertainty", str(SCENARIOS / "baseline.yaml"), "--n", "10", "--seed", "1",
                                      "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "cli" / "uncertainty" / "manifest.json").read_text(encoding="utf-8"))
    recorded = json.dumps(manifest)
    assert all(f'"{p.name}"' in recorded for p in PARAMETERS if p.sampled)


def test_without_an_uncertainty_block_every_plausible_range_is_sampled_and_each_run_is_recalibrated():
    """The default: every sampled parameter over its plausible range (around the preset's own value), and the
    reference values recalibrated per run, so the 2025 state is a rest point of each run's own parameters."""
    import numpy as np

    from restrans.model.parameters import PARAMETERS
    from restrans.model.system import auxiliaries
    from restrans.sim.ensembles.sweep_runs import RunPlan, build_chunk
    from restrans.sim.ensembles.uncertainty import plausible_factors
    from restrans.sim.scenario.scenario import load_scenario
    from tests.conftest import ROOT

    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml", region="coal_growing")
    factors = plausible_factors(scenario)
    assert [factor.key for factor in factors] == [p.name for p in PARAMETERS if p.sampled]
    cost = next(factor for factor in factors if factor.key == "unit_extraction_cost")
    assert (cost.lower, cost.upper) == (240.0, 360.0)  # the preset's 300 CNY/t, +-20 % as the default's 400-600
    rng = np.random.default_rng(3)
    values = np.column_stack([factor.transform(rng.random(40)) for factor in factors])
    state, parameters, schedules, failures = build_chunk(RunPlan(scenario, factors, "numpy", calibrate=True), values)
    assert not failures
    flows = auxiliaries(state, parameters, schedules.evaluate(2025.0))
    # every run's local-sector and successor jobs needed in 2025 equal its 2025 employment (1e-6 relative)
    from restrans.model.stocks import StockIndex

    np.testing.assert_allclose(flows["desired_service_employment"], state[StockIndex.service_employment], rtol=1e-6)
    np.testing.assert_allclose(flows["desired_successor_employment"], state[StockIndex.successor_employment],
                               rtol=1e-6)
