"""The growth structure that lets a city follow the national economy (issue 10's structural findings).

Labour-augmenting technical progress read from the national productivity driver, successor investment that
follows national output (the accelerator), land needed per unit of capital at 2025 technique, mines that run on
their cash cost, the registered (hukou) population, and real GDP at constant resource prices. Each test names the
mechanism and the tolerance of its numeric check.
"""
from __future__ import annotations

import numpy as np

from restrans.model.levers import LeverIndex
from restrans.model.parameters import ParameterIndex
from restrans.model.stocks import StockIndex
from restrans.model.system import auxiliaries, stock_rates
from restrans.sim.engine.simulate import region_arrays
from restrans.sim.history.observables import real_gdp
from restrans.sim.scenario.regions import load_region
from tests.model_runs import auxiliaries_over_time, run_arrays, stock


def _preset(region="coal_mature"):
    state, parameters, levers = region_arrays(load_region(region))
    return state[:, None].copy(), parameters[:, None].copy(), levers[:, None].copy()


def test_technology_raises_output_per_worker_not_per_unit_of_capital():
    """Doubling the technology index halves the successor jobs the same capital needs (1e-12) and leaves the
    output of fully manned capital unchanged (1e-12): progress is labour-augmenting."""
    state, parameters, levers = _preset()
    before = auxiliaries(state, parameters, levers)
    state[StockIndex.technology_index] *= 2.0
    after = auxiliaries(state, parameters, levers)
    np.testing.assert_allclose(after["desired_successor_employment"], before["desired_successor_employment"] / 2.0,
                               rtol=1e-12)
    assert before["successor_labour_fill"][0] == 1.0
    np.testing.assert_allclose(after["processing_output"], before["processing_output"], rtol=1e-12)
    np.testing.assert_allclose(after["new_industry_output"], before["new_industry_output"], rtol=1e-12)


def test_technology_grows_at_the_adopted_share_of_national_productivity_growth():
    """d(technology)/dt = technology x productivity_diffusion x national_productivity_growth (1e-12)."""
    state, parameters, levers = _preset()
    parameters[ParameterIndex.productivity_diffusion] = 0.8
    levers[LeverIndex.national_productivity_growth] = 0.07
    rates = stock_rates(state, parameters, levers, auxiliaries(state, parameters, levers))
    np.testing.assert_allclose(rates["technology_index"], state[StockIndex.technology_index] * 0.8 * 0.07,
                               rtol=1e-12)


def test_births_follow_the_regions_rate_times_the_national_fertility_index():
    """births = birth_rate x fertility_index x working-age residents (1e-12): halving the national fertility
    halves births and leaves deaths and migration unchanged (1e-12)."""
    state, parameters, levers = _preset()
    base = auxiliaries(state, parameters, levers)
    np.testing.assert_allclose(base["births"], parameters[ParameterIndex.birth_rate]
                               * base["working_age_population"], rtol=1e-12)
    levers[LeverIndex.fertility_index] = 0.5
    lower = auxiliaries(state, parameters, levers)
    np.testing.assert_allclose(lower["births"], 0.5 * base["births"], rtol=1e-12)
    for name in ("deaths", "in_migration", "out_migration"):
        np.testing.assert_allclose(lower[name], base[name], rtol=1e-12)


def test_successor_investment_follows_national_output_growth():
    """One more point of national output growth adds market_growth_response x 1 % of each successor capital
    stock to its market investment (1e-12), scaled by the climate and crowding for new industries."""
    state, parameters, levers = _preset()
    base = auxiliaries(state, parameters, levers)
    levers[LeverIndex.national_output_growth] += 0.01
    faster = auxiliaries(state, parameters, levers)
    response = parameters[ParameterIndex.market_growth_response]
    fill = base["successor_labour_fill"]
    for capital, market in (("new_industry_capital", "new_industry_market_investment"),
                            ("processing_capital", "processing_market_investment")):
        np.testing.assert_allclose(faster[market] - base[market], response * 0.01 * state[StockIndex[capital]] * fill,
                                   rtol=1e-12)
    np.testing.assert_allclose(
        faster["new_industry_investment"] - base["new_industry_investment"],
        (faster["new_industry_market_investment"] - base["new_industry_market_investment"])
        * base["investment_attraction"] * base["crowding_out"], rtol=1e-12)


def test_in_a_neutral_climate_successor_capital_grows_with_national_output():
    """No support programmes, reference climate (attraction 1), no crowding, manned capital with land: both
    successor capital stocks grow at market_growth_response x national output growth (1e-12), so on a path where
    productivity grows as fast the jobs they need stay put."""
    state, parameters, levers = _preset("coal_growing")
    for lever in ("successor_support", "industrial_park_investment", "credit_support", "cooperation_inflow",
                  "opening_up"):
        levers[LeverIndex[lever]] = 0.0
    parameters[ParameterIndex.crowding_out_strength] = 0.0
    parameters[ParameterIndex.national_environment_quality] = auxiliaries(state, parameters, levers)[
        "environment_quality"]
    parameters[ParameterIndex.market_growth_response] = 1.2
    levers[LeverIndex.national_output_growth] = 0.06
    flows = auxiliaries(state, parameters, levers)
    np.testing.assert_allclose(flows["investment_attraction"] * flows["crowding_out"], 1.0, rtol=1e-12)
    for usable in ("successor_labour_fill", "land_multiplier", "processing_input_use"):
        assert flows[usable][0] == 1.0, usable
    rates = stock_rates(state, parameters, levers, flows)
    for capital in ("new_industry_capital", "processing_capital"):
        np.testing.assert_allclose(rates[capital] / state[StockIndex[capital]], 1.2 * 0.06, rtol=1e-12)


def test_land_is_needed_per_unit_of_capital_at_2025_technique():
    """Doubling capital and technology together leaves the land multiplier unchanged (1e-12)."""
    state, parameters, levers = _preset()
    state[StockIndex.construction_land] = (0.5 * state[StockIndex.new_industry_capital]
                                           * parameters[ParameterIndex.land_per_capital])
    before = auxiliaries(state, parameters, levers)["land_multiplier"]
    state[StockIndex.new_industry_capital] *= 2.0
    state[StockIndex.technology_index] *= 2.0
    after = auxiliaries(state, parameters, levers)["land_multiplier"]
    np.testing.assert_allclose(before, 0.5, rtol=1e-12)
    np.testing.assert_allclose(after, before, rtol=1e-12)


def test_mines_below_full_cost_but_above_cash_cost_keep_running():
    """A price at which the mines lose money on full cost (profit margin < 0) but cover their cash cost keeps
    more than 80 % of the reference operating share and closes less than 5 % of capacity a year, while
    capacity investment falls below its base rate: the 2015 slump (>80 % of firms loss-making, output -4 %)."""
    state, parameters, levers = _preset()
    cost = parameters[ParameterIndex.unit_extraction_cost]
    tax = levers[LeverIndex.resource_tax_rate]
    full_cost_price = cost / (1.0 - tax)
    levers[LeverIndex.resource_price_index] = 0.95 * full_cost_price / state[StockIndex.resource_price]
    flows = auxiliaries(state, parameters, levers)
    assert flows["mining_margin"][0] < 0.0 < flows["operating_margin"][0]
    assert flows["operating_capacity_share"][0] > 0.8
    assert flows["capacity_closure"][0] < 0.05 * state[StockIndex.mining_capacity, 0]
    reference = auxiliaries(*_preset())
    assert flows["capacity_investment"][0] < reference["capacity_investment"][0]


def test_registered_population_keeps_the_migrants_who_keep_their_hukou():
    """registered = residents + hukou_retention x (out - in migration since the start) (1e-9 relative), and the
    accounting stocks integrate the migration flows (their rates equal the flows to 1e-12)."""
    state, parameters, levers = _preset("coal_declining")
    rates = stock_rates(state, parameters, levers, flows := auxiliaries(state, parameters, levers))
    for direction in ("out", "in"):
        np.testing.assert_allclose(rates[f"cumulative_{direction}_migration"], flows[f"{direction}_migration"],
                                   rtol=1e-12)
    _, trajectory = run_arrays(state, parameters, levers, years=10.0)
    over_time = auxiliaries_over_time(trajectory, parameters, levers)
    expected = over_time["population"] + parameters[ParameterIndex.hukou_retention, 0] * (
        stock(trajectory, "cumulative_out_migration") - stock(trajectory, "cumulative_in_migration"))
    np.testing.assert_allclose(over_time["registered_population"], expected, rtol=1e-9)
    assert over_time["registered_population"][-1, 0] > over_time["population"][-1, 0]  # a shrinking city


def test_real_gdp_values_mining_at_the_start_price():
    """Real GDP moves with mining volume, not with the resource price (1e-12)."""
    flows = {"gdp": np.array([100.0, 120.0]), "mining_value_added": np.array([30.0, 50.0]),
             "price": np.array([500.0, 1000.0])}
    np.testing.assert_allclose(real_gdp(flows), [100.0, 120.0 - 50.0 + 25.0], rtol=1e-12)
