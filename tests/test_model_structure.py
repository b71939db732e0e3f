"""Extreme conditions, long horizon and the plausibility envelope of the rebuilt model (money, labour, mining).

Sterman (Business Dynamics, ch. 21) extreme-condition tests of the new structure, a run of every preset to
2060, and 2,000 runs per preset with parameters drawn from their plausible ranges.
"""
from __future__ import annotations

import numpy as np
import pytest

from restrans.model.levers import LEVERS, LeverIndex
from restrans.model.parameters import PARAMETERS, ParameterIndex
from restrans.model.stocks import STOCKS, StockIndex
from restrans.model.system import auxiliaries, derivatives
from restrans.sim.engine.calibration import calibrated_batch
from restrans.sim.engine.engines import simulate
from restrans.sim.engine.simulate import region_arrays
from restrans.sim.scenario.regions import load_region
from restrans.sim.scenario.scenario import load_scenario
from tests.conftest import ROOT, default_arrays
from tests.model_runs import auxiliaries_over_time, run_arrays, stock

PRESETS = ("coal_growing", "coal_mature", "coal_declining", "coal_regenerating", "forest_declining")
PEOPLE = ("children", "inactive_working_age", "elderly", "mining_employment", "successor_employment",
          "service_employment", "laid_off_miners", "retrained_job_seekers", "other_unemployed")


def _preset(region, n_runs=1):
    state, parameters, levers = region_arrays(load_region(region))
    return (np.repeat(state[:, None], n_runs, 1), np.repeat(parameters[:, None], n_runs, 1),
            np.repeat(levers[:, None], n_runs, 1))


def test_zero_miners_extract_nothing():
    state, parameters, levers = _preset("coal_mature")
    state[StockIndex.mining_employment] = 0.0
    assert auxiliaries(state, parameters, levers)["extraction"][0] == 0.0


def test_a_tiny_region_cannot_extract_more_than_its_miners_can_dig():
    """A region of 1 thousand people with the capacity of a mature coal city: extraction <= miners x productivity."""
    state, parameters, levers = _preset("coal_mature")
    people = [StockIndex[name] for name in PEOPLE]
    state[people] *= 1.0 / state[people].sum()  # 1 thousand residents in all
    _, trajectory = run_arrays(state, parameters, levers, years=3.0)
    flows = auxiliaries_over_time(trajectory, parameters, levers)
    limit = stock(trajectory, "mining_employment") * stock(trajectory, "mining_labour_productivity")
    assert np.all(flows["extraction"] <= limit * (1.0 + 1e-12))
    assert flows["extraction"][0, 0] < 1e-3 * 60.0  # against 60 Mt/yr in the full-size city


def test_a_price_collapse_shuts_the_mines_within_a_year():
    """Price x 0.1: the cash margin is deeply negative; extraction falls to zero within a year (1e-9 of 2025)."""
    state, parameters, levers = _preset("coal_mature")
    levers[LeverIndex.resource_price_index] = 0.1
    times, trajectory = run_arrays(state, parameters, levers, years=3.0)
    flows = auxiliaries_over_time(trajectory, parameters, levers)
    normal = auxiliaries(*_preset("coal_mature"))["extraction"][0]
    assert flows["mining_margin"][0, 0] < 0.0
    assert flows["extraction"][np.searchsorted(times, 2026.0), 0] < 1e-9 * normal
    assert stock(trajectory, "mining_capacity")[-1, 0] < 0.5 * state[StockIndex.mining_capacity, 0]  # mines close


def test_utilisation_follows_national_output_and_the_price_only_through_the_mines_that_cover_cash_cost():
    """utilisation = base x national output index x operating share relative to the reference (1e-12), so
    a price moves it only as far as it moves the operating share: national output already holds the
    industry's supply response (2011-2016: coal price -44 %, national output -10 %)."""
    price_index = np.array([0.56, 0.8, 1.0, 1.5, 0.56, 1.0])
    demand_index = np.array([0.9, 1.0, 1.0, 1.0, 1.0, 0.9])
    state, parameters, levers = _preset("coal_mature", len(price_index))
    levers[LeverIndex.resource_price_index] = price_index
    levers[LeverIndex.resource_demand_index] = demand_index
    flows = auxiliaries(state, parameters, levers)
    base = parameters[ParameterIndex.base_utilisation]
    expected = np.minimum(base * demand_index * flows["operating_capacity_share"],
                          parameters[ParameterIndex.maximum_utilisation])
    np.testing.assert_allclose(flows["utilisation"], expected, rtol=1e-12)
    # at the reference price a 10 % fall of national output is a 10 % fall of utilisation (1e-12)
    np.testing.assert_allclose(flows["utilisation"][5] / flows["utilisation"][2], 0.9, rtol=1e-12)
    # a price 44 % below the trend (below the full cost) at unchanged national output idles the mines that no
    # longer cover their cash cost, and only those: the utilisation falls by the operating share's fall
    # (18 %; an elasticity of 0.5 on the price took 0.56 ** 0.5 = 0.75 of what was left, 38 % in all)
    fall = 1.0 - flows["utilisation"][4] / flows["utilisation"][2]
    assert fall == pytest.approx(1.0 - flows["operating_capacity_share"][4] / flows["operating_capacity_share"][2],
                                 rel=1e-12)
    assert fall > 0.05


def test_the_logging_ban_stops_timber_only():
    coal = _preset("coal_mature")
    coal[2][LeverIndex.logging_ban] = 1.0
    assert auxiliaries(*coal)["extraction"][0] == auxiliaries(*_preset("coal_mature"))["extraction"][0]
    forest = _preset("forest_declining")
    forest[2][LeverIndex.logging_ban] = 0.0
    assert auxiliaries(*forest)["extraction"][0] > 0.0


def _without_programmes(region):
    state, parameters, levers = _preset(region)
    for lever in LEVERS:
        if lever.cost_per_unit:
            levers[LeverIndex[lever.name]] = 0.0
    for name in ("rd_intensity", "green_upgrade_rate", "phase_out_rate"):  # public R&D, subsidies, compensation
        levers[LeverIndex[name]] = 0.0
    return state, parameters, levers


def test_no_spending_and_no_transfers_leave_only_the_baseline_budget():
    """Zero lever spending and zero transfers: debt moves only by standard services, social security and interest."""
    state, parameters, levers = _without_programmes("coal_declining")
    _, trajectory = run_arrays(state, parameters, levers)
    flows = auxiliaries_over_time(trajectory[:-1], parameters, levers)
    assert np.all(flows["local_programmes_planned"] == 0.0)
    baseline = (flows["services_funded"] + flows["local_social_security"] + flows["interest"]
                + flows["surplus_investment"] - flows["own_revenue"] - flows["general_transfers"]
                + flows["local_programmes_funded"])
    np.testing.assert_allclose(flows["deficit"], baseline, rtol=0, atol=1e-12 * flows["public_spending"].max())
    debt = stock(trajectory, "local_debt")[:, 0]
    np.testing.assert_allclose(debt[-1] - debt[0], flows["deficit"][:, 0].sum() / 16.0, rtol=1e-9)


def test_a_borrowing_limit_of_zero_keeps_debt_at_zero_and_reports_the_cut():
    state, parameters, levers = _preset("coal_declining")
    state[StockIndex.local_debt] = 0.0
    parameters[ParameterIndex.debt_limit_ratio] = 0.0
    _, trajectory = run_arrays(state, parameters, levers)
    debt = stock(trajectory, "local_debt")
    assert np.all(np.abs(debt) <= 1e-9)  # bn CNY
    assert stock(trajectory, "cumulative_spending_cut")[-1, 0] > 1.0  # bn CNY of planned spending not made


def test_every_person_flow_leaves_one_stock_and_enters_another():
    """At any state: the net change of all people stocks = births - deaths + in-migration - out-migration (1e-9)."""
    rng = np.random.default_rng(5)
    state, parameters, levers = default_arrays(64)
    state = state * rng.uniform(0.5, 2.0, state.shape)
    rates = derivatives(0.0, state, parameters, levers)
    flows = auxiliaries(state, parameters, levers)
    net = sum(rates[StockIndex[name]] for name in PEOPLE)
    expected = flows["births"] - flows["deaths"] + flows["in_migration"] - flows["out_migration"]
    np.testing.assert_allclose(net, expected, rtol=0, atol=1e-9 * flows["population"].max())


@pytest.fixture(scope="module")
def to_2060():
    scenarios = []
    for name in ("baseline", "no_support"):
        for region in PRESETS:
            scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml", region=region)
            scenarios.append(scenario.model_copy(update={"time": scenario.time.model_copy(update={"end": 2060.0})}))
    return simulate(scenarios)


def test_every_preset_runs_to_2060_without_exploding(to_2060):
    assert np.all(np.isfinite(to_2060.state))
    scale = np.maximum(np.abs(to_2060.state[:1]), 1.0)
    assert np.all(to_2060.state >= -1e-9 * scale)
    gdp = to_2060.variables["gdp"]
    assert np.all(gdp[-1] < 10.0 * gdp[0]) and np.all(gdp[-1] > 0.1 * gdp[0])  # no runaway, no collapse to 0
    unemployment = to_2060.variables["unemployment_rate"]
    assert np.all((unemployment >= 0.01) & (unemployment <= 0.3))


def test_a_declining_city_without_support_does_not_end_better_off_than_the_nation(to_2060):
    national = LEVERS[LeverIndex.national_unemployment_rate].baseline
    for run in (PRESETS.index("coal_declining") + len(PRESETS), PRESETS.index("forest_declining") + len(PRESETS)):
        below = to_2060.variables["unemployment_rate"][-1, run] < national
        growing = to_2060.variables["population_change"][-1, run] > 0.0
        assert not (below and growing)


ENVELOPE_RUNS = 2000


@pytest.mark.parametrize("region", PRESETS)
def test_plausible_parameters_keep_the_region_plausible(region):
    """2,000 runs with parameters uniform in their plausible ranges: >= 95 % keep 2035 unemployment in [1 %, 20 %]
    and population change in [-40 %, +30 %]; none is non-finite or has a negative stock (1e-9 of its scale).

    A parameter the preset sets (Ordos-like mines cost 300 CNY/t, not the default 500) keeps its plausible range
    relative to its default, around the preset's value (clipped to the validity bounds). The reference values are
    then calibrated to each run's 2025 state, as for the preset itself."""
    rng = np.random.default_rng(2035)
    state, parameters, levers = _preset(region, ENVELOPE_RUNS)
    for index, parameter in enumerate(PARAMETERS):
        if parameter.sampled:
            low, high = parameter.plausible_range_at(float(parameters[index, 0]))
            parameters[index] = rng.uniform(low, high, ENVELOPE_RUNS)
    parameters = calibrated_batch(state, parameters, levers)  # each run starts from its own consistent 2025 state
    times, trajectory = run_arrays(state, parameters, levers, saveper=1.0)
    assert np.all(np.isfinite(trajectory))
    assert np.all(trajectory >= -1e-9 * np.maximum(np.abs(state), 1.0)[None])
    flows = auxiliaries_over_time(trajectory[-1:], parameters, levers)
    unemployment = flows["unemployment_rate"][0]
    population = flows["population"][0] / auxiliaries(state, parameters, levers)["population"]
    plausible = (unemployment >= 0.01) & (unemployment <= 0.2) & (population >= 0.6) & (population <= 1.3)
    assert plausible.mean() >= 0.95, f"{plausible.mean():.3f}"
