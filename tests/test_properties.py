"""Property tests over parameters drawn inside their declared bounds (hypothesis picks the seeds).

Each example integrates a batch of 64 runs whose parameters are drawn inside
bounds; the properties must hold for every run.
"""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from restrans.model.parameters import ParameterIndex
from restrans.model.stocks import STOCK_NAMES
from tests.conftest import default_arrays
from tests.model_runs import auxiliaries_over_time, random_parameters, run_arrays, stock

N_RUNS = 64
SETTINGS = settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
"""The same 12 seeds on every run (derandomize): the suite must not pass or fail by chance. About 1 in 80 random
batches of 64 in-bounds parameter sets blows up before 2035 (e.g. seed 140949: public-service capital grows
without bound, 8e37 by 2033, then overflows), before and after the one-source change alike; that is a defect of
the model's structure for the model-structure issue, not something to hide by choosing seeds."""
PEOPLE_POOLS = ("mining_employment", "successor_employment", "service_employment",
                "laid_off_miners", "retrained_job_seekers", "other_unemployed")


def _random_batch(seed):
    rng = np.random.default_rng(seed)
    state, _, levers = default_arrays(N_RUNS)
    parameters = random_parameters(rng, N_RUNS)
    # the forest structure too: a third of the runs regrow (carrying capacity above the stock)
    renewable = rng.random(N_RUNS) < 0.3
    parameters[ParameterIndex.carrying_capacity, renewable] = np.maximum(
        parameters[ParameterIndex.carrying_capacity, renewable], state[STOCK_NAMES.index("proven_reserves"), 0])
    parameters[ParameterIndex.regrowth_rate, ~renewable] = 0.0
    return state, parameters, levers


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_finite_and_non_negative(seed):
    state, parameters, levers = _random_batch(seed)
    _, trajectory = run_arrays(state, parameters, levers)
    assert np.all(np.isfinite(trajectory))
    # every stock is non-negative by formulation (tolerance: 1e-9 of the stock's initial scale)
    scale = np.maximum(np.abs(state[:, :1]), 1.0)
    assert np.all(trajectory >= -1e-9 * scale[None, :, :])


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_reserve_mass_balance(seed):
    state, parameters, levers = _random_batch(seed)
    _, trajectory = run_arrays(state, parameters, levers)  # saveper == dt: every Euler step is saved
    flows = auxiliaries_over_time(trajectory[:-1], parameters, levers)
    net = flows["discovery"] + flows["regrowth"] - flows["depletion"] - flows["sterilisation"]
    reserves = stock(trajectory, "proven_reserves")
    expected = reserves[0] + (1.0 / 16.0) * net.sum(axis=0)
    # initial + discoveries (+ regrowth) - depletion - sterilisation = final, to 1e-9 relative
    np.testing.assert_allclose(reserves[-1], expected, rtol=1e-9, atol=1e-9 * reserves[0].max())


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_population_and_labour_accounting(seed):
    state, parameters, levers = _random_batch(seed)
    _, trajectory = run_arrays(state, parameters, levers)
    flows = auxiliaries_over_time(trajectory, parameters, levers)
    population = flows["population"]
    children, inactive, elderly = (stock(trajectory, name) for name in ("children", "inactive_working_age", "elderly"))
    change = flows["births"] - flows["deaths"] + flows["in_migration"] - flows["out_migration"]
    expected = population[0] + (1.0 / 16.0) * change[:-1].sum(axis=0)
    # population closes to 1e-9 of its initial value (flows are summed on that scale)
    np.testing.assert_allclose(population[-1], expected, rtol=1e-9, atol=1e-9 * population[0].max())
    pools = {name: stock(trajectory, name) for name in PEOPLE_POOLS}
    labour_force = sum(pools.values())
    np.testing.assert_allclose(flows["labour_force"], labour_force, rtol=1e-12)
    employed = pools["mining_employment"] + pools["successor_employment"] + pools["service_employment"]
    unemployed = pools["laid_off_miners"] + pools["retrained_job_seekers"] + pools["other_unemployed"]
    # laid-off + retrained + other unemployed = labour force - employed (1e-9 of the labour force)
    np.testing.assert_allclose(unemployed, labour_force - employed, rtol=0, atol=1e-9 * labour_force.max())
    np.testing.assert_allclose(flows["job_seekers"], unemployed, rtol=1e-12)
    # the age groups add up: children + (labour force + inactive 15-64) + elderly = population (1e-12 relative)
    np.testing.assert_allclose(flows["working_age_population"], labour_force + inactive, rtol=1e-12)
    np.testing.assert_allclose(children + flows["working_age_population"] + elderly, population, rtol=1e-12)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_local_budget_identity(seed):
    """Debt changes by spending minus revenue, every yuan of both booked: closes to 1e-9 of the money moved."""
    state, parameters, levers = _random_batch(seed)
    _, trajectory = run_arrays(state, parameters, levers)
    flows = auxiliaries_over_time(trajectory[:-1], parameters, levers)
    debt = stock(trajectory, "local_debt")
    revenue, spending = stock(trajectory, "cumulative_public_revenue"), stock(trajectory, "cumulative_public_spending")
    scale = np.maximum(spending[-1], 1.0)
    # debt(2035) - debt(2025) = cumulative spending - cumulative revenue (both accumulated by the same solver)
    np.testing.assert_allclose(debt[-1] - debt[0], spending[-1] - revenue[-1], rtol=0, atol=1e-9 * scale.max())
    # and the deficit is spending minus revenue at every step
    np.testing.assert_allclose(flows["deficit"], flows["public_spending"] - flows["public_revenue"], rtol=0,
                               atol=1e-9 * np.maximum(flows["public_spending"], 1.0).max())
