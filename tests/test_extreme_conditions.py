"""Extreme-condition tests (Sterman, Business Dynamics ch. 21)."""
from __future__ import annotations

import numpy as np

from restrans.model.levers import LeverIndex
from restrans.model.parameters import ParameterIndex
from restrans.model.stocks import StockIndex
from tests.conftest import default_arrays
from tests.model_runs import auxiliaries_over_time, run_arrays, stock


def test_zero_reserves_zero_extraction_and_mining_jobs_decay():
    state, parameters, levers = default_arrays()
    state[StockIndex.proven_reserves] = 0.0
    levers[LeverIndex.exploration_spending] = 0.0
    _, trajectory = run_arrays(state, parameters, levers, years=15.0)
    flows = auxiliaries_over_time(trajectory, parameters, levers)
    assert np.all(flows["extraction"] == 0.0)  # exact: min(capacity, 0) = 0
    mining = stock(trajectory, "mining_employment")[:, 0]
    assert np.all(np.diff(mining) <= 1e-12)  # never rises (tolerance 1e-12)
    assert mining[-1] < 0.02 * mining[0]  # decays toward zero: below 2 % of the start after 15 years


def test_no_extraction_and_no_legacy_means_no_new_damage():
    state, parameters, levers = default_arrays()
    levers[LeverIndex.resource_demand_index] = 0.0  # no demand for the resource stops all extraction
    for name in ("subsidence_area", "damaged_land"):
        state[StockIndex[name]] = 0.0
    _, trajectory = run_arrays(state, parameters, levers)
    flows = auxiliaries_over_time(trajectory, parameters, levers)
    assert np.all(flows["subsidence_creation"] == 0.0) and np.all(flows["land_disturbance"] == 0.0)
    assert np.all(stock(trajectory, "subsidence_area") == 0.0)
    assert np.all(stock(trajectory, "damaged_land") == 0.0)


def test_unlimited_restoration_drives_damaged_land_to_zero_but_never_below():
    state, parameters, levers = default_arrays()
    # far beyond any cost (bn CNY): a restoration fund outside the budget (lever spending would be cut by the
    # borrowing limit, see test_policy_signs.py)
    state[StockIndex.restoration_fund] = 1e9
    levers[LeverIndex.resource_demand_index] = 0.0  # no extraction
    _, trajectory = run_arrays(state, parameters, levers, years=10.0)
    damaged = stock(trajectory, "damaged_land")[:, 0]
    assert np.all(damaged >= 0.0)
    # limited only by minimum_restoration_time (2 yr): e^-5 after 10 yr, i.e. < 1 % left
    assert damaged[-1] < 0.01 * damaged[0]


def test_recovery_rate_one_means_depletion_equals_extraction():
    state, parameters, levers = default_arrays()
    parameters[ParameterIndex.base_recovery_rate] = 1.0
    parameters[ParameterIndex.maximum_recovery_rate] = 1.0
    _, trajectory = run_arrays(state, parameters, levers)
    flows = auxiliaries_over_time(trajectory, parameters, levers)
    np.testing.assert_allclose(flows["depletion"], flows["extraction"], rtol=1e-15)


def test_zero_retraining_means_no_flow_into_retrained_job_seekers():
    state, parameters, levers = default_arrays()
    levers[LeverIndex.retraining_capacity] = 0.0
    _, trajectory = run_arrays(state, parameters, levers)
    flows = auxiliaries_over_time(trajectory, parameters, levers)
    assert np.all(flows["retraining"] == 0.0)
    retrained = stock(trajectory, "retrained_job_seekers")[:, 0]
    assert np.all(np.diff(retrained) <= 0.0)  # only outflows remain


def test_minerals_do_not_regrow_forests_do():
    state, parameters, levers = default_arrays()
    levers[LeverIndex.resource_demand_index] = 0.0  # no extraction
    levers[LeverIndex.exploration_spending] = 0.0
    levers[LeverIndex.red_line_sterilisation_rate] = 0.0
    _, mineral = run_arrays(state, parameters, levers)
    np.testing.assert_allclose(stock(mineral, "proven_reserves")[-1], state[StockIndex.proven_reserves], rtol=1e-12)
    parameters[ParameterIndex.regrowth_rate] = 0.04
    parameters[ParameterIndex.carrying_capacity] = 2.0 * state[StockIndex.proven_reserves, 0]
    _, forest = run_arrays(state, parameters, levers)
    grown = stock(forest, "proven_reserves")[-1, 0] / state[StockIndex.proven_reserves, 0] - 1.0
    assert 0.1 < grown < 1.0  # logistic regrowth at 4 %/yr: +10 % to +100 % of the stock in 10 yr
