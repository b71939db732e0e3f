"""The whole model: auxiliaries and derivatives of the state, batched over runs.

``auxiliaries(state, parameters, levers)`` returns every flow and auxiliary as
a named array; ``derivatives(time, state, parameters, levers)`` the rate of
change of every stock in :data:`restrans.model.stocks.STOCKS` order. Shapes: state
``(n_stocks, n_runs)``, parameters ``(n_parameters, n_runs)``, levers
``(n_levers, n_runs)`` (already evaluated at ``time``); any trailing shape that
broadcasts works, so the same code re-evaluates auxiliaries over time x runs.
The equations do not depend on time except through the levers and drivers.

These are the only hand-written equations of the model. The numba kernel and
the Vensim twin are generated from a trace of this code
(:mod:`restrans.model.graph`), so the wiring must stay branch-free numpy: no
Python ``if``, ``max()`` or ``math.*`` on a value, no in-place or masked
writes (tracing refuses them, naming the line). Every local variable of a
wiring function below is an intermediate the twin shows by name: it is an
auxiliary of :data:`restrans.model.variables.AUXILIARIES` or a helper of
:data:`restrans.model.variables.HELPERS` (declared with unit and doc).
"""
from __future__ import annotations

import numpy as np

from restrans.model import ecology, economy, fiscal, resources
from restrans.model.constants import CONSTANT_VALUES, ConstantIndex
from restrans.model.levers import LeverIndex
from restrans.model.parameters import ParameterIndex
from restrans.model.stocks import STOCKS, StockIndex
from restrans.model.wiring_budget import Funded, budget
from restrans.model.wiring_people import households, labour_demand, labour_market, people_rates, population_sector


class _Named:
    """Read access to rows of an array by name: ``named.proven_reserves``."""

    __slots__ = ("_array", "_index")

    def __init__(self, array, index):
        self._array = array
        self._index = index

    def __getattr__(self, name):
        return self._array[self._index[name]]


def _resources(s, p, lv, k, out):
    """Resources (seed 二, 四–六): price, margin, utilisation, extraction, capacity and mine closure."""
    price = s.resource_price * lv.resource_price_index
    recovery = resources.recovery_rate(p.base_recovery_rate, p.maximum_recovery_rate, lv.recovery_improvement)
    margin = resources.profit_margin(price, lv.resource_tax_rate, p.unit_extraction_cost, lv.restoration_levy)
    operating_margin = resources.operating_margin(margin, p.cash_cost_share, p.unit_extraction_cost, price)
    reference_operating_margin = resources.operating_margin(p.reference_margin, p.cash_cost_share,
                                                            p.unit_extraction_cost, p.reference_price)
    operating_relative = (resources.operating_share(operating_margin, p.mine_margin_spread)
                          / resources.operating_share(reference_operating_margin, p.mine_margin_spread))
    utilisation = resources.capacity_utilisation(p.base_utilisation, p.maximum_utilisation, lv.resource_demand_index,
                                                 operating_relative)
    planned = resources.planned_extraction(s.mining_capacity, utilisation, s.proven_reserves, recovery,
                                           p.minimum_depletion_time, lv.logging_ban, p.logging_ban_coverage)
    extraction = resources.extraction(planned, s.mining_employment, s.mining_labour_productivity)
    capacity_reserve_life = resources.capacity_reserve_life(s.proven_reserves, recovery, s.mining_capacity)
    profit_effect = resources.profit_investment_effect(margin, p.reference_margin, p.profit_sensitivity,
                                                       p.maximum_profit_investment_effect)
    out.update(
        price=price, recovery_rate=recovery, mining_margin=margin, operating_margin=operating_margin,
        operating_capacity_share=operating_relative,
        utilisation=utilisation, planned_extraction=planned, extraction=extraction, depletion=extraction / recovery,
        sterilisation=s.proven_reserves * lv.red_line_sterilisation_rate,
        capacity_investment=resources.capacity_investment(s.mining_capacity, p.capacity_investment_rate, profit_effect,
                                                          capacity_reserve_life, p.required_reserve_life),
        capacity_retirement=s.mining_capacity / p.capacity_lifetime,
        capacity_closure=resources.capacity_closure(s.mining_capacity, operating_relative, p.loss_closure_time),
        green_retirement=s.green_capacity / p.capacity_lifetime,
        green_share=ecology.green_share(s.green_capacity, s.mining_capacity),
        non_green_capacity=s.mining_capacity - s.green_capacity,
        mining_output_value=economy.mining_output_value(extraction, price),
        desired_mining_employment=planned / s.mining_labour_productivity,
    )


def _economy(s, p, lv, k, out):
    """Economy (seed 三, 十一): successor industries, the local sector and GDP (investment comes later)."""
    productivity_multiplier = economy.knowledge_effect(s.knowledge, p.knowledge_reference, p.knowledge_elasticity)
    labour_productivity_multiplier = productivity_multiplier * s.technology_index
    input_use = economy.processing_input_use(out["extraction"], lv.deep_processing_share, s.processing_capital,
                                             p.processing_input_per_capital)
    processing_potential_output = economy.processing_potential_output(
        s.processing_capital, p.processing_capital_productivity, input_use, productivity_multiplier)
    land_multiplier = economy.land_effect(s.construction_land, s.new_industry_capital, s.technology_index,
                                          p.land_per_capital)
    new_industry_potential_output = economy.new_industry_potential_output(
        s.new_industry_capital, p.new_industry_capital_productivity, productivity_multiplier, land_multiplier)
    successor_demand = economy.successor_labour_demand(processing_potential_output + new_industry_potential_output,
                                                       p.successor_labour_productivity,
                                                       labour_productivity_multiplier)
    fill = economy.labour_fill(s.successor_employment, successor_demand)
    processing_output = processing_potential_output * fill
    new_industry_output = new_industry_potential_output * fill
    mining_value_added = out["mining_output_value"] * p.mining_value_added_share
    mining_local_purchases = economy.mining_local_purchases(out["mining_output_value"], mining_value_added,
                                                            p.mining_local_input_share)
    local_productivity = p.service_productivity * s.technology_index
    service_value_added = s.service_employment * local_productivity
    gdp = mining_value_added + processing_output + new_industry_output + service_value_added
    out.update(
        productivity_multiplier=productivity_multiplier, labour_productivity_multiplier=labour_productivity_multiplier,
        processing_input_use=input_use, land_multiplier=land_multiplier,
        desired_successor_employment=successor_demand, successor_labour_fill=fill,
        processing_output=processing_output, new_industry_output=new_industry_output,
        mining_value_added=mining_value_added, mining_local_purchases=mining_local_purchases,
        local_productivity=local_productivity,
        service_value_added=service_value_added, gdp=gdp,
        successor_share=(processing_output + new_industry_output) / gdp, mining_share=mining_value_added / gdp,
    )


def _ecology(s, p, lv, k, out):
    """Ecology (seed 十四–十五): subsidence governance, restoration, land reuse, pollution, the restoration fund."""
    f = Funded(lv, k, out["funded_share"])
    extraction, green = out["extraction"], out["green_share"]
    subsidence_funding = lv.central_budget_investment * p.subsidence_investment_share * (
        1.0 + p.local_governance_match * out["funded_share"])
    subsidence_area_funded = (subsidence_funding / p.subsidence_governance_cost
                              + f.hazard_relocation * p.relocation_governance_area)
    fund_drawdown = s.restoration_fund / p.restoration_fund_drawdown_time
    restoration_budget = fund_drawdown + f.restoration_spending
    restoration_area_funded = restoration_budget / p.restoration_cost
    out.update(
        subsidence_creation=ecology.subsidence_creation(extraction, p.underground_share, p.subsidence_intensity),
        land_disturbance=ecology.land_disturbance(extraction, p.disturbance_intensity, green, p.green_damage_reduction),
        subsidence_governance=ecology.treatment(subsidence_area_funded, s.subsidence_area, p.minimum_restoration_time),
        land_restoration=ecology.treatment(restoration_area_funded, s.damaged_land, p.minimum_restoration_time),
        land_conversion=ecology.land_conversion(s.restored_land, lv.land_reuse_rate),
        pollution_decay=s.pollution / p.pollution_lifetime,
        emissions=ecology.emissions(extraction, green, p.green_damage_reduction, p.mining_emission_intensity,
                                    out["processing_output"], p.industry_emission_intensity, f.clean_production),
        environment_quality=ecology.environment_quality(s.pollution, p.tolerable_pollution, s.subsidence_area,
                                                        s.damaged_land, p.region_area, p.land_damage_weight),
        restoration_levy_income=fiscal.restoration_levy_income(extraction, lv.restoration_levy),
        restoration_fund_drawdown=fund_drawdown,
        subsidence_governance_spending=subsidence_funding,
    )


def _investment(s, p, lv, k, out):
    """Investment (seed 六, 八–十三, 十九): exploration, capacity upgrading, new industries, knowledge, public services."""
    share = out["funded_share"]
    f = Funded(lv, k, share)
    upgrade_funding = k.shared_cost_central_share + (1.0 - k.shared_cost_central_share) * share
    attraction = economy.investment_attraction(
        s.business_environment, p.business_environment_elasticity, s.infrastructure_capital,
        p.infrastructure_reference, p.connectivity_elasticity, out["environment_quality"],
        p.national_environment_quality, p.environment_attraction_elasticity, f.opening_up,
        p.opening_attraction_effect)
    crowding = economy.crowding_out(out["mining_margin"], p.reference_margin, p.crowding_out_strength,
                                    out["mining_share"])
    exploration_ratio = f.exploration_spending / p.reference_exploration_spending
    funded_rd_intensity = lv.rd_intensity * (1.0 - p.public_rd_share * (1.0 - share))
    new_industry_market_investment = economy.market_investment(
        s.new_industry_capital, p.capital_depreciation_rate, p.market_growth_response, lv.national_output_growth,
        out["successor_labour_fill"] * out["land_multiplier"])
    processing_market_investment = economy.market_investment(
        s.processing_capital, p.capital_depreciation_rate, p.market_growth_response, lv.national_output_growth,
        out["successor_labour_fill"])
    public_service_investment = (p.public_service_capital_share * out["services_funded"] + out["surplus_investment"]
                                 + f.public_service_investment
                                 + lv.central_budget_investment * (1.0 - p.subsidence_investment_share)
                                 + (1.0 - p.transfer_household_share) * lv.transfer_payment)
    out.update(
        discovery=resources.discovery(s.undiscovered_resource, exploration_ratio, p.reference_discovery_fraction),
        regrowth=resources.regrowth(s.proven_reserves, p.regrowth_rate, p.carrying_capacity,
                                    f.forest_cultivation, p.cultivation_effect),
        capacity_phase_out=out["non_green_capacity"] * lv.phase_out_rate * upgrade_funding,
        green_upgrading=out["non_green_capacity"] * lv.green_upgrade_rate * upgrade_funding,
        investment_attraction=attraction, crowding_out=crowding,
        new_industry_market_investment=new_industry_market_investment,
        processing_market_investment=processing_market_investment,
        new_industry_investment=economy.new_industry_investment(
            new_industry_market_investment, f.successor_support, p.subsidy_leverage, f.industrial_park_investment,
            p.park_leverage, f.credit_support, p.credit_investment_share, f.cooperation_inflow, attraction, crowding),
        processing_investment=economy.processing_investment(processing_market_investment, out["processing_input_use"]),
        knowledge_creation=economy.knowledge_creation(funded_rd_intensity, out["gdp"], p.rd_efficiency,
                                                      f.cooperation_inflow, p.cooperation_spillover),
        public_service_investment_total=public_service_investment,
        public_works_spending=(public_service_investment + f.restoration_spending + out["subsidence_governance_spending"]
                               + f.infrastructure_investment + f.industrial_park_investment),
        funded_infrastructure_investment=f.infrastructure_investment,
        funded_intelligent_mining=f.intelligent_mining,
        funded_business_environment_reform=f.business_environment_reform,
    )


SECTORS = (_resources, _economy, households, budget, _ecology, _investment, population_sector, labour_demand,
           labour_market)
"""The wiring functions in the order :func:`auxiliaries` calls them (each reads what earlier ones wrote)."""


def auxiliaries(state, parameters, levers, constants=CONSTANT_VALUES):
    """Every flow and auxiliary variable of the model.

    Parameters
    ----------
    state : ndarray, shape (n_stocks, ...)
        Stocks in :data:`restrans.model.stocks.STOCKS` order and units.
    parameters : ndarray, shape (n_parameters, ...)
        Parameters in :data:`restrans.model.parameters.PARAMETERS` order and units.
    levers : ndarray, shape (n_levers, ...)
        Lever values at the time of ``state``, in :data:`restrans.model.levers.LEVERS` order.
    constants : ndarray, shape (n_constants,)
        Named constants in :data:`restrans.model.constants.CONSTANTS` order (tracing passes symbols).

    Returns
    -------
    dict of str to ndarray
        Each flow (per year) and auxiliary, shaped like one row of ``state``;
        units in :data:`restrans.model.variables.VARIABLES`.
    """
    s = _Named(state, StockIndex.__members__)
    p = _Named(parameters, ParameterIndex.__members__)
    lv = _Named(levers, LeverIndex.__members__)
    k = _Named(constants, ConstantIndex.__members__)
    out: dict[str, np.ndarray] = {}
    for sector in SECTORS:
        sector(s, p, lv, k, out)
    return out


def stock_rates(state, parameters, levers, a):
    """Net rate of change of each stock (unit of the stock per year), by name.

    ``a`` holds the auxiliaries of :func:`auxiliaries` for the same arguments.
    """
    s = _Named(state, StockIndex.__members__)
    p = _Named(parameters, ParameterIndex.__members__)
    lv = _Named(levers, LeverIndex.__members__)
    rates = dict(
        undiscovered_resource=-a["discovery"],
        proven_reserves=a["discovery"] + a["regrowth"] - a["depletion"] - a["sterilisation"],
        mining_capacity=a["capacity_investment"] - a["capacity_retirement"] - a["capacity_closure"]
        - a["capacity_phase_out"],
        green_capacity=a["capacity_investment"] * p.new_mine_green_share + a["green_upgrading"] - a["green_retirement"]
        - a["capacity_closure"] * a["green_share"],
        mining_labour_productivity=s.mining_labour_productivity * (p.mining_productivity_growth
                                                                   + a["funded_intelligent_mining"]),
        resource_price=s.resource_price * p.resource_price_growth,
        cumulative_extraction=a["extraction"],
        processing_capital=a["processing_investment"] - p.capital_depreciation_rate * s.processing_capital,
        new_industry_capital=a["new_industry_investment"] - p.capital_depreciation_rate * s.new_industry_capital,
        farm_output=s.farm_output * p.farm_output_growth,
        traded_services=s.traded_services * lv.national_output_growth,
        knowledge=a["knowledge_creation"] - s.knowledge / p.knowledge_lifetime,
        technology_index=s.technology_index * p.productivity_diffusion * lv.national_productivity_growth,
        business_environment=(1.0 + a["funded_business_environment_reform"] - s.business_environment)
        / p.business_environment_adjustment_time,
        infrastructure_capital=a["funded_infrastructure_investment"]
        - s.infrastructure_capital / p.infrastructure_lifetime,
        national_income_per_capita=s.national_income_per_capita * lv.national_income_growth,
        subsidence_area=a["subsidence_creation"] - a["subsidence_governance"],
        damaged_land=a["land_disturbance"] - a["land_restoration"],
        restored_land=a["subsidence_governance"] + a["land_restoration"] - a["land_conversion"],
        construction_land=a["land_conversion"],
        pollution=a["emissions"] - a["pollution_decay"],
        public_service_capital=a["public_service_investment_total"]
        - p.public_service_depreciation_rate * s.public_service_capital,
        local_debt=a["deficit"],
        restoration_fund=a["restoration_levy_income"] - a["restoration_fund_drawdown"],
        cumulative_public_revenue=a["public_revenue"],
        cumulative_public_spending=a["public_spending"],
        cumulative_planned_cost=a["planned_policy_cost"],
        cumulative_spending_cut=a["spending_cut"],
        cumulative_central_cost=a["central_policy_cost"],
        cumulative_local_cost=a["local_policy_cost"],
        cumulative_layoffs=a["mining_layoffs"],
        cumulative_out_migration=a["out_migration"],
        cumulative_in_migration=a["in_migration"],
        cumulative_reemployed_miners=a["mining_hires_from_laid_off"] + a["service_hires_from_laid_off"]
        + a["successor_hires_from_retrained"] + a["service_hires_from_retrained"],
        cumulative_land_restored=a["subsidence_governance"] + a["land_restoration"],
    )
    rates.update(people_rates(s, a))
    return rates


def derivatives(time, state, parameters, levers):
    """Rate of change of every stock.

    Parameters
    ----------
    time : float
        Model time in years (unused by the equations; levers carry all time dependence).
    state, parameters, levers : ndarray
        As for :func:`auxiliaries`.

    Returns
    -------
    ndarray, shape like ``state``
        d(stock)/dt in the stock's unit per year, in :data:`restrans.model.stocks.STOCKS` order.
    """
    rates = stock_rates(state, parameters, levers, auxiliaries(state, parameters, levers))
    return np.stack([rates[stock.name] for stock in STOCKS])
