"""Household income from jobs, farms and traded services in the local sector, and their start values from data."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from restrans.model.levers import LeverIndex
from restrans.model.parameters import ParameterIndex
from restrans.model.stocks import StockIndex
from restrans.model.system import auxiliaries, stock_rates
from restrans.sim.engine.simulate import region_arrays
from restrans.sim.history.cities import CITY_TYPES, city_state, target_gdp_of
from restrans.sim.history.observables import observed_value
from restrans.sim.history.observations import HISTORY_FILE
from restrans.sim.history.type_profiles import (primary_share, traded_share, type_profile,
                                                wage_level)
from restrans.sim.scenario.regions import load_region
from tests.conftest import REGIONS

HISTORY = HISTORY_FILE


@pytest.fixture(scope="module")
def table():
    return pd.read_csv(HISTORY)


def _preset(region):
    state, parameters, levers = region_arrays(load_region(region))
    return state[:, None], parameters[:, None], levers[:, None]


@pytest.mark.parametrize("region", REGIONS)
def test_earned_income_is_industry_jobs_at_national_pay_plus_the_local_sectors_labour_share(region):
    state, parameters, levers = _preset(region)
    a = auxiliaries(state, parameters, levers)
    s, p = (lambda name: state[StockIndex[name]]), (lambda name: parameters[ParameterIndex[name]])
    industry = ((s("mining_employment") * p("mining_wage") + s("successor_employment") * p("successor_wage"))
                * p("wage_level") * a["standards_index"] / 1000.0)
    expected = (industry + p("local_sector_labour_share") * a["service_value_added"]) * p("net_wage_share")
    np.testing.assert_allclose(a["earned_income"], expected, rtol=1e-12)


def test_a_coal_price_boom_raises_gdp_but_not_the_earnings_of_todays_jobs():
    """Mining rent goes to the mines' owners and upper budgets: at the same jobs, earnings do not move."""
    state, parameters, levers = _preset("coal_growing")
    boom = levers.copy()
    boom[LeverIndex.resource_price_index] *= 1.5
    before, after = auxiliaries(state, parameters, levers), auxiliaries(state, parameters, boom)
    assert after["gdp"][0] > 1.1 * before["gdp"][0]  # mining is a third of coal_growing's GDP
    assert after["earned_income"][0] == pytest.approx(before["earned_income"][0], rel=1e-12)
    assert after["mining_local_purchases"][0] == pytest.approx(1.5 * before["mining_local_purchases"][0], rel=1e-12)


@pytest.mark.parametrize("stock, driver", [("farm_output", "farm_output_growth"),
                                           ("traded_services", "national_output_growth")])
def test_farm_output_and_traded_services_grow_at_their_drivers_rates(stock, driver):
    state, parameters, levers = _preset("coal_declining")
    rates = stock_rates(state, parameters, levers, auxiliaries(state, parameters, levers))
    rate = parameters[ParameterIndex[driver]] if driver in ParameterIndex.__members__ else levers[LeverIndex[driver]]
    np.testing.assert_allclose(rates[stock], state[StockIndex[stock]] * rate, rtol=1e-12)


@pytest.mark.parametrize("stock", ["farm_output", "traded_services"])
def test_farm_output_and_traded_services_are_demand_for_the_local_sector_one_for_one(stock):
    state, parameters, levers = _preset("forest_declining")
    more = state.copy()
    more[StockIndex[stock]] += 1.0
    change = auxiliaries(more, parameters, levers)["local_sector_demand"] - auxiliaries(state, parameters,
                                                                                        levers)["local_sector_demand"]
    np.testing.assert_allclose(change, 1.0, rtol=1e-12)


@pytest.mark.parametrize("archetype", sorted({kind for kind, _ in CITY_TYPES.values()}))
def test_a_types_farm_share_and_wage_level_are_the_medians_of_its_cities(table, archetype):
    cities = [city for city, (kind, _) in CITY_TYPES.items() if kind == archetype]
    profile = type_profile(table, cities)
    state, parameters, levers = _preset(archetype)
    assert parameters[ParameterIndex.wage_level, 0] == pytest.approx(
        np.median([wage_level(table, city) for city in cities if wage_level(table, city) is not None]), rel=1e-12)
    gdp = auxiliaries(state, parameters, levers)["gdp"][0]
    shares = [primary_share(table, city)[0] for city in cities if primary_share(table, city)]
    assert state[StockIndex.farm_output, 0] / gdp == pytest.approx(np.median(shares), rel=1e-9)
    assert profile["farm_share"][0] == pytest.approx(np.median(shares), rel=1e-12)


def test_the_forest_types_traded_share_is_yichuns_in_2010(table):
    state, parameters, levers, _ = city_state(table, "Yichun", "forest_declining")
    expected = traded_share(state, parameters, levers)
    preset = _preset("forest_declining")
    share = preset[0][StockIndex.traded_services, 0] / auxiliaries(*preset)["gdp"][0]
    assert share == pytest.approx(expected, rel=1e-6)  # the rounds of type_profiles stop at 1e-9 absolute


@pytest.mark.parametrize("city", ["Datong", "Fuxin", "Xuzhou"])
def test_a_city_starts_at_its_observed_gdp_with_its_observed_farm_share(table, city):
    state, parameters, levers, sources = city_state(table, city, CITY_TYPES[city][0])
    target = target_gdp_of(observed_value(table, city, "gdp_current", 2010), 2010)
    gdp = auxiliaries(state[:, None], parameters[:, None], levers[:, None])["gdp"][0]
    assert state[StockIndex.traded_services] > 0.0
    assert gdp == pytest.approx(target, rel=1e-9)
    share, year = primary_share(table, city, 2010)
    assert state[StockIndex.farm_output] == pytest.approx(share * target, rel=1e-12)
    assert str(year) in sources["initial.farm_output"]


@pytest.mark.parametrize("city", ["Hegang", "Huaibei", "Ordos"])
def test_a_city_above_its_observed_gdp_sells_no_traded_services(table, city):
    """These cities' model GDP exceeds the statistical without them (Huaibei +3.7 %, Ordos +0.19 %, Hegang
    +0.04 % since their mines are staffed for their capacity); the stock is zero, not negative."""
    state, parameters, levers, _ = city_state(table, city, CITY_TYPES[city][0])
    target = target_gdp_of(observed_value(table, city, "gdp_current", 2010), 2010)
    assert state[StockIndex.traded_services] == 0.0
    assert auxiliaries(state[:, None], parameters[:, None], levers[:, None])["gdp"][0] > target


@pytest.mark.parametrize("region", REGIONS)
def test_households_spend_the_stated_share_on_services_at_the_start(region):
    """The reference income is the start's income per resident, so the share is the stated propensity (1e-12)."""
    state, parameters, levers = _preset(region)
    a = auxiliaries(state, parameters, levers)
    np.testing.assert_allclose(parameters[ParameterIndex.service_income_reference], a["income_per_capita"], rtol=1e-12)
    np.testing.assert_allclose(a["household_service_share"], parameters[ParameterIndex.household_service_propensity],
                               rtol=1e-12)


def test_service_spending_rises_with_income_at_its_elasticity():
    """Engel's law: at twice the reference income the share is the propensity x 2 ** (elasticity - 1) (1e-12), so
    spending on services rises 2 ** elasticity times; an elasticity of 1 keeps the share fixed."""
    state, parameters, levers = _preset("coal_mature")
    richer = parameters.copy()
    richer[ParameterIndex.service_income_reference] /= 2.0
    elasticity = float(parameters[ParameterIndex.service_income_elasticity, 0])
    share = auxiliaries(state, richer, levers)["household_service_share"]
    propensity = parameters[ParameterIndex.household_service_propensity]
    np.testing.assert_allclose(share, propensity * 2.0 ** (elasticity - 1.0), rtol=1e-12)
    assert share[0] > 1.2 * propensity[0]
    fixed = richer.copy()
    fixed[ParameterIndex.service_income_elasticity] = 1.0
    np.testing.assert_allclose(auxiliaries(state, fixed, levers)["household_service_share"], propensity, rtol=1e-12)


def test_the_service_income_elasticity_follows_from_its_cited_numbers():
    """1 + ln(share of income on services 2019 / 2013) / ln(real income 2019 / 2013) from the figures its source
    cites and the CPI of drivers.csv: 1.29 to 0.005."""
    from restrans.model.parameters import PARAMETERS
    from restrans.sim.scenario.driver_series import published_values

    cpi = published_values("national_cpi_change")
    prices = float(np.prod([1.0 + cpi[year] / 100.0 for year in range(2014, 2020)]))
    share_change = (9886.0 / 30733.0) / (5246.0 / 18311.0)
    real_income_change = 30733.0 / 18311.0 / prices
    declared = PARAMETERS[ParameterIndex.service_income_elasticity]
    assert 1.0 + np.log(share_change) / np.log(real_income_change) == pytest.approx(declared.default, abs=0.005)
    assert all(number in declared.source for number in ("5,246", "9,886", "18,311", "30,733"))
