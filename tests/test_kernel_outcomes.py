"""Outcomes accumulated inside the compiled kernel (outcomes-only sweeps) against outcomes from stored trajectories."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from restrans.model import compiled
from restrans.sim.ensembles.outcomes import outcome_columns, outcome_variables, whole_years
from restrans.sim.ensembles.sweep import load_targets_for
from restrans.sim.ensembles.sweep_runs import ChunkTask, RunPlan, run_chunk
from restrans.sim.ensembles.sweep_spec import design_values, load_sweep
from tests.conftest import DATA, SCENARIOS

pytestmark = pytest.mark.skipif(not compiled.AVAILABLE, reason="numba not installed (restrans[fast])")
SMALL = DATA / "sweeps" / "small_lhs.yaml"
IN_KERNEL_RELATIVE = 1e-12
"""In-kernel vs stored-trajectory outcomes, relative to the larger magnitude (the same kernels compute both)."""


def _spec(method: str):
    spec = load_sweep(SMALL)
    base = spec.base.model_copy(update={"solver": spec.base.solver.model_copy(update={"method": method})})
    return dataclasses.replace(spec, base=base)


def _values(spec, n_runs: int) -> np.ndarray:
    values = design_values(dataclasses.replace(spec, n=n_runs))[:n_runs].copy()
    keys = [factor.key for factor in spec.factors]
    values[5, keys.index("resource_price_growth")] = np.nan  # fails while integrating
    values[9, keys.index("retraining_capacity.ramp.start")] = 2033.0  # an invalid schedule: fails when built
    return values


def _both_ways(method: str, precision: str, n_runs: int = 37):
    spec = _spec(method)
    targets = load_targets_for(SCENARIOS / "targets.yaml")
    plan = RunPlan(spec.base, spec.factors, "compiled", targets, (), precision=precision)
    values = _values(spec, n_runs)
    in_kernel = run_chunk(ChunkTask(plan, 0, 0, values, threads=2))
    stored = run_chunk(ChunkTask(dataclasses.replace(plan, trajectories=("unemployment_rate",)), 0, 0, values,
                                 threads=2))
    return spec, targets, in_kernel, stored


@pytest.mark.parametrize("precision", ["exact", "fast"])
@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_outcomes_computed_in_the_kernel_equal_those_from_stored_trajectories(method, precision):
    spec, targets, in_kernel, stored = _both_ways(method, precision)
    assert not in_kernel.trajectories and stored.trajectories  # the two paths were taken
    years, _ = whole_years(spec.base.output_times())
    columns = outcome_columns(years, targets, spec.base.region)
    assert list(in_kernel.outcomes) == list(stored.outcomes) == columns
    assert sum(column.endswith("_first_year") for column in columns) >= 3
    for column in columns:
        actual, expected = in_kernel.outcomes[column], stored.outcomes[column]
        assert np.array_equal(np.isnan(actual), np.isnan(expected)), column
        finite = np.isfinite(expected)
        scale = np.maximum(np.abs(actual[finite]), np.abs(expected[finite]))
        assert np.all(np.abs(actual[finite] - expected[finite]) <= IN_KERNEL_RELATIVE * scale), column
    assert in_kernel.failure_reasons == stored.failure_reasons
    assert "non-finite" in in_kernel.failure_reasons[5] and "invalid schedule" in in_kernel.failure_reasons[9]


def test_years_and_first_years_met_vary_between_runs_and_match_exactly():
    _spec_, _targets, in_kernel, stored = _both_ways("euler", "fast", n_runs=40)
    varied = 0
    for column in in_kernel.outcomes:
        if column.endswith("_year"):  # peak years and first years met: whole years, equal exactly
            np.testing.assert_array_equal(in_kernel.outcomes[column], stored.outcomes[column])
            finite = in_kernel.outcomes[column][np.isfinite(in_kernel.outcomes[column])]
            varied += finite.size > 0 and np.ptp(finite) > 0
    assert varied >= 2
    assert np.isnan(in_kernel.outcomes["peak_unemployment_rate_year"][[5, 9]]).all()


def test_the_kernel_keeps_only_the_variables_the_outcomes_read():
    stocks, auxiliaries = outcome_variables()
    assert "unemployment_rate" in auxiliaries and "laid_off_miners" in stocks  # a peak of each kind
    assert "recovery_rate" in auxiliaries and "cumulative_reemployed_miners" in stocks  # read by indicators
    assert len(auxiliaries) < compiled.N_AUXILIARIES / 2


@pytest.mark.parametrize("precision", ["exact", "fast"])
def test_yearly_values_from_the_kernel_equal_the_stored_trajectories_at_the_whole_years(precision):
    from restrans.sim.ensembles.sweep_spec import KEY_TRAJECTORIES

    spec = _spec("euler")
    plan = RunPlan(spec.base, spec.factors, "compiled", (), (), precision=precision, yearly=KEY_TRAJECTORIES)
    values = _values(spec, 20)
    in_kernel = run_chunk(ChunkTask(plan, 0, 0, values))
    stored = run_chunk(ChunkTask(dataclasses.replace(plan, yearly=(), trajectories=KEY_TRAJECTORIES), 0, 0, values))
    years, indices = whole_years(stored.times)
    np.testing.assert_array_equal(in_kernel.times, years)
    for name in KEY_TRAJECTORIES:
        expected = stored.trajectories[name][:, indices]
        actual = in_kernel.trajectories[name]
        assert actual.shape == expected.shape == (20, len(years))
        finite = np.isfinite(expected)
        assert np.array_equal(finite, np.isfinite(actual)), name
        scale = np.maximum(np.abs(actual[finite]), np.abs(expected[finite]))
        assert np.all(np.abs(actual[finite] - expected[finite]) <= IN_KERNEL_RELATIVE * scale), name
