"""Economy and innovation sector (seed 三, 十一): successor industries and knowledge.

Money in bn CNY (2025 prices), flows in bn CNY/yr, labour in thousand persons.
"""
from __future__ import annotations

import numpy as np


def mining_output_value(extraction, price):
    """Gross mining output value (bn CNY/yr) = Mt/yr x CNY/t / 1000."""
    return extraction * price / 1000.0


def mining_local_purchases(mining_output_value, mining_value_added, mining_local_input_share):
    """Inputs (bn CNY/yr) mines buy from the local sector: a share of their intermediate consumption.

    Intermediate consumption is output value less value added; the local
    share covers services a mine cannot import (haulage to the railhead,
    repairs, catering, site building).
    """
    return mining_local_input_share * (mining_output_value - mining_value_added)


def knowledge_effect(knowledge, knowledge_reference, knowledge_elasticity):
    """Productivity multiplier (1) of the knowledge stock relative to its reference."""
    return (np.maximum(knowledge, 0.0) / knowledge_reference) ** knowledge_elasticity


def processing_input_use(extraction, deep_processing_share, processing_capital, processing_input_per_capital):
    """Share (0-1) of processing capacity that local raw material can feed (coupling to extraction).

    1 when the raw material offered to local processing covers the capacity's
    needs, the covered share when it does not.
    """
    supply_ratio = deep_processing_share * extraction / np.maximum(processing_capital * processing_input_per_capital, 1e-9)
    return np.minimum(supply_ratio, 1.0)


def processing_potential_output(processing_capital, processing_capital_productivity, input_use, knowledge_multiplier):
    """Value added (bn CNY/yr) processing capital could produce with a full workforce.

    Technical progress is labour-augmenting (it raises output per worker, not
    per unit of capital), the only kind compatible with a steady capital-output
    ratio on a growth path (Uzawa's theorem); knowledge raises both.
    """
    return processing_capital * processing_capital_productivity * input_use * knowledge_multiplier


def land_effect(construction_land, new_industry_capital, technology_index, land_per_capital):
    """Share (0-1) of new-industry capital that has construction land to work on (1 when land is adequate).

    Land is needed per unit of capital at 2025 technique: as output per worker
    rises with capital deepening, capital per km2 rises with it (national
    standards of investment intensity per hectare of industrial land, 工业项目
    建设用地控制指标, are raised over time), so the land a plant needs grows
    with its capital divided by the technology index.
    """
    land_ratio = construction_land * technology_index / np.maximum(new_industry_capital * land_per_capital, 1e-9)
    return np.minimum(land_ratio, 1.0)


def new_industry_potential_output(new_industry_capital, new_industry_capital_productivity, knowledge_multiplier,
                                  land_multiplier):
    """Value added (bn CNY/yr) new-industry capital could produce with a full workforce."""
    return new_industry_capital * new_industry_capital_productivity * knowledge_multiplier * land_multiplier


def successor_labour_demand(potential_output, successor_labour_productivity, knowledge_multiplier):
    """Jobs (thousand persons) needed to run successor industries at potential output."""
    return potential_output / (successor_labour_productivity * knowledge_multiplier)


def labour_fill(successor_employment, labour_demand):
    """Share (0-1) of successor jobs that are filled; output falls with missing workers."""
    return np.minimum(successor_employment / np.maximum(labour_demand, 1e-9), 1.0)


def investment_attraction(business_environment, business_environment_elasticity, infrastructure_capital,
                          infrastructure_reference, connectivity_elasticity, environment_quality,
                          national_environment_quality, environment_attraction_elasticity, opening_up,
                          opening_attraction_effect):
    """Multiplier (1) on new-industry investment from business environment, connectivity, environment, opening-up.

    Each factor is 1 in the reference state (2025 business environment and
    infrastructure, national environmental quality, no extra opening-up).
    """
    connectivity = np.maximum(infrastructure_capital, 0.0) / infrastructure_reference
    return (business_environment ** business_environment_elasticity
            * connectivity ** connectivity_elasticity
            * (environment_quality / national_environment_quality) ** environment_attraction_elasticity
            * (1.0 + opening_attraction_effect * opening_up))


def crowding_out(margin, reference_margin, crowding_out_strength, mining_share):
    """Multiplier (0-1] on new-industry investment: a mining boom draws capital and labour away.

    The pull scales with the boom (margin above the reference) and with
    mining's weight in the economy (its share of GDP): a boom in a city where
    mining is 1 % of GDP crowds out almost nothing.
    """
    return 1.0 / (1.0 + crowding_out_strength * mining_share * np.maximum(margin - reference_margin, 0.0))


def market_investment(capital, capital_depreciation_rate, market_growth_response, national_output_growth,
                      usable_share):
    """Investment (bn CNY/yr) the national market calls for in a successor sector: depreciation plus growth
    with national output, of the capital that can work.

    Successor industries sell to the national market, so investors (own
    earnings, banks, firms from outside the city) expand capacity with
    national output (the accelerator); ``market_growth_response`` scales the
    response. Only capital that has workers and land (``usable_share``, 0-1:
    labour fill x land multiplier) draws investment, so capital cannot run
    ahead of the workforce and the land that would use it. Private finance
    from outside does not pass the local budget.
    """
    return (capital_depreciation_rate + market_growth_response * national_output_growth) * capital * usable_share


def new_industry_investment(market, successor_support, subsidy_leverage, industrial_park_investment, park_leverage,
                            credit_support, credit_investment_share, cooperation_inflow, attraction, crowding):
    """Gross investment in new industries (bn CNY/yr): market-driven, leveraged support, credit, inflow.

    The investment climate (``attraction``) and a mining boom (``crowding``)
    scale all of it.
    """
    supported = (successor_support * subsidy_leverage + industrial_park_investment * park_leverage
                 + credit_support * credit_investment_share + cooperation_inflow)
    return (market + supported) * attraction * crowding


def processing_investment(market, input_use):
    """Gross investment in processing (bn CNY/yr): market-driven, only as far as local raw material feeds it."""
    return market * input_use


def household_service_share(household_service_propensity, income_per_capita, service_income_reference,
                            service_income_elasticity):
    """Share (1) of household income spent on local services: rising with income per resident (Engel's law).

    Food and manufactured goods, bought mostly from outside the city, take a
    falling share of a rising income; schooling, health care, eating out,
    recreation and household services, produced by the local sector, a rising
    one (China 2013-2019: services 39.7 % of consumption, 45.9 % six years
    later). With spending on services ``income ** elasticity``, the share is
    the stated propensity at the reference income and moves with income per
    resident to the power ``elasticity - 1``; an elasticity of 1 keeps it
    fixed. The form has no ceiling: at the upper ends of the plausible
    ranges (propensity 0.45, elasticity 1.6) the share reaches 1 at 3.8
    times the start-year income per resident (0.45 x 3.8 ** 0.6), at the
    defaults (0.35, 1.29) at 37 times; a run to 2060 raises income per
    resident about 2.5 times (0.78 at the upper ends).
    """
    return household_service_propensity * (income_per_capita / service_income_reference) ** (
        service_income_elasticity - 1.0)


def local_sector_demand(household_income, household_service_propensity, public_current_spending,
                        public_investment_spending, local_works_content, farm_output, mining_local_purchases,
                        traded_services):
    """Demand for the local sector's value added (bn CNY/yr).

    Households spend a share of their income on local services
    (``household_service_propensity``, :func:`household_service_share`); the local
    government's current spending pays teachers, doctors and administrators
    (all local value added); public investment employs local builders for the
    local share of its value (``local_works_content``) while it runs. The
    farms of the city's counties are worked by the local sector too: their
    output (``farm_output``) is set by land and yields and sold to the national
    market, so it employs local workers whatever the city's demand. As farm
    output grows slower than output per worker, farms release labour (the
    rural exodus). Mines buy part of their inputs locally (coal haulage,
    repairs, catering, building: ``mining_local_purchases``), so the local
    sector shrinks with mining. Some services are sold beyond the city
    (``traded_services``: transport hubs, trade, tourism, regional hospitals
    and colleges) and follow the national market.
    """
    return (household_service_propensity * household_income + public_current_spending
            + local_works_content * public_investment_spending + farm_output + mining_local_purchases
            + traded_services)


def knowledge_creation(rd_intensity, gdp, rd_efficiency, cooperation_inflow, cooperation_spillover):
    """Knowledge inflow (bn CNY/yr): own R&D plus spillovers from regional cooperation."""
    return rd_intensity * gdp * rd_efficiency + cooperation_inflow * cooperation_spillover
