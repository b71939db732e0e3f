"""The compiled engine (numba kernel generated from the trace) against the numpy equations and solvers."""
from __future__ import annotations

import numpy as np
import pytest

from restrans.model import compiled, system
from restrans.model.lookups import RESERVE_LIFE_INVESTMENT_EFFECT
from restrans.model.stocks import STOCKS
from restrans.sim.scenario.scenario import load_scenario
from restrans.sim.engine.simulate import build_batch, integrate
from tests.conftest import SCENARIOS, default_arrays
from tests.model_runs import random_parameters

pytestmark = pytest.mark.skipif(not compiled.AVAILABLE, reason="numba not installed (restrans[fast])")

RELATIVE = 1e-12
"""Compiled vs numpy, relative to the larger magnitude: the same operations in the same order, but numpy's
SIMD ``exp``/``log`` loops and numba's libm calls may differ in the last bit, so bit identity is not promised."""


def _close(actual, expected, relative=RELATIVE):
    """Equal to ``relative`` of the larger magnitude, NaN where NaN."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert np.array_equal(np.isnan(actual), np.isnan(expected))
    finite = np.isfinite(expected)
    scale = np.maximum(np.abs(expected[finite]), np.abs(actual[finite]))
    assert np.all(np.abs(actual[finite] - expected[finite]) <= relative * scale + 1e-300)


def _close_rates(actual, expected, state, relative=RELATIVE):
    """Rates equal to ``relative`` of the larger of their magnitude and their stock's per year, NaN where NaN.

    A net rate can be a small difference of gross flows (births, ageing, in- and out-migration of children):
    there one ulp of ``exp`` in the gross flows is a large part of the net. Measured against the stock, an error
    of 1e-12 of it per year moves a ten-year run by 1e-11 of the stock.
    """
    actual, expected, state = np.asarray(actual), np.asarray(expected), np.asarray(state)
    assert np.array_equal(np.isnan(actual), np.isnan(expected))
    finite = np.isfinite(expected)
    scale = np.maximum(np.maximum(np.abs(expected), np.abs(actual)), np.abs(state))[finite]
    assert np.all(np.abs(actual[finite] - expected[finite]) <= relative * scale + 1e-300)


def _random_inputs(seed: int, n_runs: int = 400):
    rng = np.random.default_rng(seed)
    state, _parameters, levers = default_arrays(n_runs)
    state = state * rng.uniform(0.5, 1.5, state.shape)
    return state, random_parameters(rng, n_runs), levers * rng.uniform(0.0, 2.0, levers.shape)


@pytest.mark.parametrize("seed", [1, 2])
def test_every_auxiliary_and_derivative_equals_the_numpy_model_over_the_bounds(seed):
    state, parameters, levers = _random_inputs(seed)
    with np.errstate(all="ignore"):
        expected = system.auxiliaries(state, parameters, levers)
        actual = compiled.auxiliaries(state, parameters, levers)
        assert set(actual) == set(expected)  # a new auxiliary in model/system.py must be added to model/compiled.py
        for name in expected:
            _close(actual[name], expected[name])
        _close(compiled.derivatives(0.0, state, parameters, levers, threads=2),
               system.derivatives(0.0, state, parameters, levers))


def test_most_values_are_bit_identical_and_the_rest_within_a_few_ulps():
    """Where no exp/log is involved the kernel gives numpy's bits; the median run differs nowhere."""
    state, parameters, levers = _random_inputs(3)
    with np.errstate(all="ignore"):
        expected = system.derivatives(0.0, state, parameters, levers)
        actual = compiled.derivatives(0.0, state, parameters, levers)
    identical = np.mean(actual == expected)
    assert identical >= 0.5, f"only {identical:.0%} of the rates are bit-identical"
    _close(actual, expected)


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_compiled_solver_equals_the_numpy_solver_with_schedules(method):
    from restrans.sim.engine import fast_solver

    scenarios = [load_scenario(SCENARIOS / "retraining_programme.yaml"), load_scenario(SCENARIOS / "baseline.yaml"),
                 load_scenario(SCENARIOS / "livelihood_first.yaml")]
    batch = build_batch(scenarios, method=method)
    expected = integrate(batch)
    actual = fast_solver.integrate(batch.initial_state, batch.parameters, batch.schedules, batch.output_times,
                                   method, batch.dt, threads=2)
    _close(actual, expected)


def test_a_non_finite_run_is_nan_from_its_failure_on_and_the_others_complete():
    from restrans.sim.engine import fast_solver

    batch = build_batch([load_scenario(SCENARIOS / "baseline.yaml")] * 3)
    parameters = batch.parameters.copy()
    parameters[0, 1] = np.nan  # run 1 only
    with np.errstate(all="ignore"):
        trajectories = fast_solver.integrate(batch.initial_state, parameters, batch.schedules, batch.output_times,
                                             "euler", batch.dt)
    assert np.isfinite(trajectories[:, :, [0, 2]]).all()
    assert np.isnan(trajectories[1:, :, 1]).all() and np.isfinite(trajectories[0, :, 1]).all()
