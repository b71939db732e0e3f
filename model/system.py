"""The whole model: auxiliaries and derivatives of the state, batched over runs.

``auxiliaries(state, parameters, levers)`` returns every flow and auxiliary as
a named array; ``derivatives(time, state, parameters, levers)`` the rate of
change of every stock in :data:`restrans.model.stocks.STOCKS` order. Shapes: state
``(n_stocks, n_runs)``, parameters ``(n_parameters, n_runs)``, levers
``(n_levers, n_runs)`` (already evaluated at ``time``); any trailing shape that
broadcasts works, so the same code re-evaluates auxiliaries over time x runs.
The equations do not depend on time except through the levers.

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

from restrans.model import ecology, economy, fiscal, labour, resources
from restrans.model.constants import CONSTANT_VALUES, COSTED_LEVERS, ConstantIndex
from restrans.model.levers import LeverIndex
from restrans.model.parameters import ParameterIndex
from restrans.model.stocks import STOCKS, StockIndex


class _Named:
    """Read access to rows of an array by name: ``named.proven_reserves``."""

    __slots__ = ("_array", "_index")

    def __init__(self, array, index):
        self._array = array
        self._index = index

    def __getattr__(self, name):
        return self._array[self._index[name]]


def _resources(s, p, lv, k, out):
    """Resources (seed 二, 四–六): price, recovery, extraction, reserves and mining capacity."""
    price = resources.effective_price(s.resource_price, lv.resource_price_index)
    recovery = resources.recovery_rate(p.base_recovery_rate, p.maximum_recovery_rate, lv.recovery_improvement)
    utilisation = resources.capacity_utilisation(price, p.reference_price, p.base_utilisation,
                                                 p.utilisation_price_elasticity, p.maximum_utilisation)
    extraction = resources.extraction(s.mining_capacity, utilisation, s.proven_reserves, recovery,
                                      p.minimum_depletion_time, lv.logging_ban)
    margin = resources.mining_margin(price, lv.resource_tax_rate, p.unit_extraction_cost)
    capacity_reserve_life = resources.capacity_reserve_life(s.proven_reserves, recovery, s.mining_capacity)
    non_green_capacity = s.mining_capacity - s.green_capacity
    out.update(
        price=price, recovery_rate=recovery, utilisation=utilisation, extraction=extraction,
        depletion=extraction / recovery, mining_margin=margin,
        discovery=resources.discovery(s.undiscovered_resource, lv.exploration_spending,
                                      p.maximum_discovery_fraction, p.exploration_spending_scale),
        regrowth=resources.regrowth(s.proven_reserves, p.regrowth_rate, p.carrying_capacity,
                                    lv.forest_cultivation, p.cultivation_effect),
        sterilisation=s.proven_reserves * lv.red_line_sterilisation_rate,
        capacity_investment=resources.capacity_investment(
            s.mining_capacity, p.capacity_investment_rate, margin, p.reference_margin, p.profit_sensitivity,
            capacity_reserve_life, p.required_reserve_life),
        capacity_retirement=s.mining_capacity / p.capacity_lifetime,
        green_retirement=s.green_capacity / p.capacity_lifetime,
        capacity_phase_out=non_green_capacity * lv.phase_out_rate,
        green_upgrading=non_green_capacity * lv.green_upgrade_rate,
        green_share=ecology.green_share(s.green_capacity, s.mining_capacity),
        mining_output_value=economy.mining_output_value(extraction, price),
        desired_mining_employment=extraction / s.mining_labour_productivity,
    )


def _ecology(s, p, lv, k, out):
    """Ecology (seed 十四–十五): subsidence, damaged and restored land, pollution, the restoration fund."""
    extraction, green = out["extraction"], out["green_share"]
    subsidence_funding = lv.central_budget_investment * p.subsidence_investment_share * (1.0 + p.local_governance_match)
    subsidence_area_funded = (subsidence_funding / p.subsidence_governance_cost
                              + lv.hazard_relocation * p.relocation_governance_area)
    fund_drawdown = s.restoration_fund / p.restoration_fund_drawdown_time
    restoration_budget = fund_drawdown + lv.restoration_spending
    restoration_area_funded = restoration_budget / p.restoration_cost
    out.update(
        subsidence_creation=ecology.subsidence_creation(extraction, p.underground_share, p.subsidence_intensity),
        land_disturbance=ecology.land_disturbance(extraction, p.disturbance_intensity, green, p.green_damage_reduction),
        subsidence_governance=ecology.treatment(subsidence_area_funded, s.subsidence_area, p.minimum_restoration_time),
        land_restoration=ecology.treatment(restoration_area_funded, s.damaged_land,
                                           p.minimum_restoration_time),
        land_conversion=ecology.land_conversion(s.restored_land, lv.land_reuse_rate),
        pollution_decay=s.pollution / p.pollution_lifetime,
        environment_quality=ecology.environment_quality(s.pollution, p.tolerable_pollution, s.subsidence_area,
                                                        s.damaged_land, p.region_area, p.land_damage_weight),
        restoration_levy_income=fiscal.restoration_levy_income(extraction, lv.restoration_levy),
        restoration_fund_drawdown=fund_drawdown,
        subsidence_governance_spending=subsidence_funding,
    )


def _economy(s, p, lv, k, out):
    """Economy (seed 三, 十一): successor industries, services, GDP and new-industry investment."""
    productivity_multiplier = economy.knowledge_effect(s.knowledge, p.knowledge_reference,
                                                    p.knowledge_elasticity) * s.technology_index
    input_use = economy.processing_input_use(out["extraction"], lv.deep_processing_share, s.processing_capital,
                                             p.processing_input_per_capital)
    processing_potential_output = economy.processing_potential_output(
        s.processing_capital, p.processing_capital_productivity, input_use, productivity_multiplier)
    land_multiplier = economy.land_effect(s.construction_land, s.new_industry_capital, p.land_per_capital)
    new_industry_potential_output = economy.new_industry_potential_output(
        s.new_industry_capital, p.new_industry_capital_productivity, productivity_multiplier, land_multiplier,
        lv.opening_up, p.opening_productivity_effect)
    successor_demand = economy.successor_labour_demand(processing_potential_output + new_industry_potential_output,
                                                       p.successor_labour_productivity, productivity_multiplier)
    fill = economy.labour_fill(s.successor_employment, successor_demand)
    processing_output = processing_potential_output * fill
    new_industry_output = new_industry_potential_output * fill
    mining_value_added = out["mining_output_value"] * p.mining_value_added_share
    service_value_added = s.service_employment * p.service_productivity * s.technology_index
    gdp = mining_value_added + processing_output + new_industry_output + service_value_added
    attraction = economy.investment_attraction(
        s.business_environment, p.business_environment_elasticity, s.infrastructure_capital,
        p.infrastructure_reference, p.connectivity_elasticity, out["environment_quality"],
        p.national_environment_quality, p.environment_attraction_elasticity)
    crowding = economy.crowding_out(out["mining_margin"], p.reference_margin, p.crowding_out_strength)
    out.update(
        productivity_multiplier=productivity_multiplier, processing_input_use=input_use, land_multiplier=land_multiplier,
        desired_successor_employment=successor_demand, successor_labour_fill=fill,
        processing_output=processing_output, new_industry_output=new_industry_output,
        mining_value_added=mining_value_added, service_value_added=service_value_added, gdp=gdp,
        successor_share=(processing_output + new_industry_output) / gdp,
        investment_attraction=attraction, crowding_out=crowding,
        new_industry_investment=economy.new_industry_investment(
            new_industry_output, p.new_industry_reinvestment_rate, lv.successor_support, p.subsidy_leverage,
            lv.industrial_park_investment, p.park_leverage, lv.credit_support, p.credit_investment_share,
            lv.cooperation_inflow, attraction, crowding),
        processing_investment=economy.processing_investment(processing_output, p.processing_reinvestment_rate,
                                                            input_use),
        knowledge_creation=economy.knowledge_creation(lv.rd_intensity, gdp, p.rd_efficiency, lv.cooperation_inflow,
                                                      p.cooperation_spillover),
        emissions=ecology.emissions(out["extraction"], out["green_share"], p.green_damage_reduction,
                                    p.mining_emission_intensity, processing_output, p.industry_emission_intensity,
                                    lv.clean_production),
    )


def _households(s, p, lv, k, out):
    """Households: labour force, job-seekers, benefits and income per resident."""
    labour_force = (s.mining_employment + s.successor_employment + s.service_employment
                    + s.laid_off_miners + s.retrained_job_seekers + s.other_unemployed)
    job_seekers = s.laid_off_miners + s.retrained_job_seekers + s.other_unemployed
    benefits = fiscal.unemployment_benefits(job_seekers, lv.social_security_coverage, p.unemployment_benefit)
    out.update(
        labour_force=labour_force, job_seekers=job_seekers, unemployment_benefits=benefits,
        income_per_capita=labour.income_per_capita(out["gdp"], p.household_income_share, benefits, s.population),
        unemployment_rate=job_seekers / np.maximum(labour_force, 1e-9),
        inactive_population=s.population - labour_force,
    )


def _labour_market(s, p, lv, k, out):
    """Labour market (seed 七, 十九–二十一): vacancies, hires from each pool, layoffs, retraining."""
    desired_service = labour.service_labour_demand(s.population, p.service_jobs_per_capita, out["income_per_capita"],
                                                   p.reference_income, p.service_income_elasticity)
    attrition_rate = p.retirement_rate + out["out_migration_rate"]
    mining_vacancies = labour.vacancy_rate(out["desired_mining_employment"], s.mining_employment, p.hiring_time,
                                           attrition_rate * s.mining_employment)
    successor_vacancies = labour.vacancy_rate(out["desired_successor_employment"], s.successor_employment,
                                              p.hiring_time, attrition_rate * s.successor_employment)
    service_vacancies = labour.vacancy_rate(desired_service, s.service_employment, p.hiring_time,
                                            attrition_rate * s.service_employment)
    mining_from_laid_off = labour.hires_from_pool(mining_vacancies, s.laid_off_miners, p.job_search_time)
    successor_from_retrained = labour.hires_from_pool(successor_vacancies, s.retrained_job_seekers,
                                                      p.job_search_time)
    # successor jobs need skills: only a share of the other unemployed qualify (skills shortage, seed 七)
    successor_vacancies_after_retrained = successor_vacancies - successor_from_retrained
    successor_open_to_unemployed = labour.hires_from_pool(successor_vacancies_after_retrained,
                                                          s.other_unemployed * p.successor_skill_match,
                                                          p.job_search_time)
    vacancies_for_unemployed = (mining_vacancies - mining_from_laid_off) + successor_open_to_unemployed \
        + service_vacancies
    hires_from_unemployed = labour.hires_from_pool(vacancies_for_unemployed, s.other_unemployed, p.job_search_time)
    unemployed_hire_share = hires_from_unemployed / np.maximum(vacancies_for_unemployed, 1e-12)
    mining_layoff_time = labour.mining_layoff_time(p.layoff_time, lv.soe_support, p.soe_layoff_slowdown)
    out.update(
        desired_service_employment=desired_service,
        mining_hires_from_laid_off=mining_from_laid_off,
        mining_hires_from_unemployed=(mining_vacancies - mining_from_laid_off) * unemployed_hire_share,
        successor_hires_from_retrained=successor_from_retrained,
        successor_hires_from_unemployed=successor_open_to_unemployed * unemployed_hire_share,
        service_hires=service_vacancies * unemployed_hire_share,
        mining_layoffs=labour.separations(out["desired_mining_employment"], s.mining_employment, mining_layoff_time),
        successor_separations=labour.separations(out["desired_successor_employment"], s.successor_employment,
                                                 p.layoff_time),
        service_separations=labour.separations(desired_service, s.service_employment, p.layoff_time),
        retraining=labour.retraining(lv.retraining_capacity, s.laid_off_miners, p.retraining_enrolment_time),
        direct_reemployment=s.laid_off_miners * p.miner_direct_reemployment_rate,
    )


def _population(s, p, lv, k, out):
    """Population (seed 十二): migration attractiveness, migration, births, deaths, retirement."""
    public_service_index = fiscal.public_service_index(s.public_service_capital, s.population,
                                                       p.public_service_reference)
    attractiveness = labour.migration_attractiveness(
        out["income_per_capita"], s.national_income_per_capita, p.migration_income_sensitivity,
        out["unemployment_rate"], p.national_unemployment_rate, p.migration_unemployment_sensitivity,
        out["environment_quality"], p.national_environment_quality, p.migration_environment_sensitivity,
        public_service_index, p.migration_service_sensitivity)
    attractiveness = np.clip(attractiveness, -k.migration_attractiveness_limit, k.migration_attractiveness_limit)
    out_rate = p.base_out_migration_rate * np.exp(-attractiveness)
    in_migration = p.base_in_migration_rate * np.exp(attractiveness) * s.population
    inactive = out["inactive_population"]
    out.update(
        public_service_index=public_service_index, migration_attractiveness=attractiveness,
        out_migration_rate=out_rate,
        out_migration=out_rate * s.population,
        in_migration=in_migration,
        births=p.birth_rate * s.population,
        deaths=p.inactive_mortality_rate * inactive,
        labour_force_entry=p.labour_force_entry_rate * inactive,
        retirements=p.retirement_rate * out["labour_force"],
    )


def _lever_costs(lv, k):
    """Central and local spending on the levers with a cost per unit (bn CNY/yr): unit cost x share x value."""
    terms = []
    for lever in COSTED_LEVERS:
        value = getattr(lv, lever.name)
        unit_cost, central_share = getattr(k, f"{lever.name}_unit_cost"), getattr(k, f"{lever.name}_central_share")
        terms.append((unit_cost * central_share * value, unit_cost * (1.0 - central_share) * value))
    central, local = terms[0]
    for central_term, local_term in terms[1:]:
        central, local = central + central_term, local + local_term
    return central, local


def _fiscal(s, p, lv, k, out):
    """Public finance (seed 二十二–二十四): own revenue, public-service investment, policy costs."""
    own_revenue = fiscal.local_revenue(out["mining_output_value"], lv.resource_tax_rate, p.resource_tax_base_share,
                                       out["gdp"], p.general_tax_rate)
    public_service_investment = (p.public_service_budget_share * (own_revenue + lv.transfer_payment)
                                 + lv.public_service_investment
                                 + lv.central_budget_investment * (1.0 - p.subsidence_investment_share))
    central_lever_cost, local_lever_cost = _lever_costs(lv, k)
    shared_costs = out["green_upgrading"] * p.green_upgrade_subsidy + out["capacity_phase_out"] * p.phase_out_compensation
    benefits = out["unemployment_benefits"]
    central = (central_lever_cost + shared_costs * k.shared_cost_central_share
               + benefits * p.social_security_central_share)
    local = (local_lever_cost + shared_costs * (1.0 - k.shared_cost_central_share)
             + benefits * (1.0 - p.social_security_central_share)
             + out["subsidence_governance_spending"] * p.local_governance_match / (1.0 + p.local_governance_match)
             + p.public_rd_share * lv.rd_intensity * out["gdp"])
    out.update(
        own_revenue=own_revenue,
        fiscal_self_sufficiency=fiscal.fiscal_self_sufficiency(own_revenue, lv.transfer_payment,
                                                               lv.central_budget_investment),
        public_service_investment_total=public_service_investment,
        central_policy_cost=central, local_policy_cost=local, policy_cost=central + local,
    )


SECTORS = (_resources, _ecology, _economy, _households, _population, _labour_market, _fiscal)
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
    out_rate, labour_entry_share = a["out_migration_rate"], p.in_migrant_labour_share
    return dict(
        undiscovered_resource=-a["discovery"],
        proven_reserves=a["discovery"] + a["regrowth"] - a["depletion"] - a["sterilisation"],
        mining_capacity=a["capacity_investment"] - a["capacity_retirement"] - a["capacity_phase_out"],
        green_capacity=a["capacity_investment"] * p.new_mine_green_share + a["green_upgrading"] - a["green_retirement"],
        mining_labour_productivity=s.mining_labour_productivity * (p.mining_productivity_growth + lv.intelligent_mining),
        resource_price=s.resource_price * p.resource_price_growth,
        cumulative_extraction=a["extraction"],
        processing_capital=a["processing_investment"] - p.capital_depreciation_rate * s.processing_capital,
        new_industry_capital=a["new_industry_investment"] - p.capital_depreciation_rate * s.new_industry_capital,
        knowledge=a["knowledge_creation"] - s.knowledge / p.knowledge_lifetime,
        technology_index=s.technology_index * p.technology_growth,
        business_environment=(1.0 + lv.business_environment_reform - s.business_environment)
        / p.business_environment_adjustment_time,
        infrastructure_capital=lv.infrastructure_investment - s.infrastructure_capital / p.infrastructure_lifetime,
        population=a["births"] - a["deaths"] + a["in_migration"] - a["out_migration"],
        mining_employment=a["mining_hires_from_laid_off"] + a["mining_hires_from_unemployed"] - a["mining_layoffs"]
        - (p.retirement_rate + out_rate) * s.mining_employment,
        successor_employment=a["successor_hires_from_retrained"] + a["successor_hires_from_unemployed"]
        - a["successor_separations"] - (p.retirement_rate + out_rate) * s.successor_employment,
        service_employment=a["service_hires"] + a["direct_reemployment"] - a["service_separations"]
        - (p.retirement_rate + out_rate) * s.service_employment,
        laid_off_miners=a["mining_layoffs"] - a["mining_hires_from_laid_off"] - a["retraining"]
        - a["direct_reemployment"] - (p.retirement_rate + out_rate) * s.laid_off_miners,
        retrained_job_seekers=a["retraining"] - a["successor_hires_from_retrained"]
        - (p.retirement_rate + out_rate) * s.retrained_job_seekers,
        other_unemployed=a["labour_force_entry"] + labour_entry_share * a["in_migration"]
        + a["successor_separations"] + a["service_separations"] - a["mining_hires_from_unemployed"]
        - a["successor_hires_from_unemployed"] - a["service_hires"]
        - (p.retirement_rate + out_rate) * s.other_unemployed,
        national_income_per_capita=s.national_income_per_capita * p.national_income_growth,
        subsidence_area=a["subsidence_creation"] - a["subsidence_governance"],
        damaged_land=a["land_disturbance"] - a["land_restoration"],
        restored_land=a["subsidence_governance"] + a["land_restoration"] - a["land_conversion"],
        construction_land=a["land_conversion"],
        pollution=a["emissions"] - a["pollution_decay"],
        public_service_capital=a["public_service_investment_total"]
        - p.public_service_depreciation_rate * s.public_service_capital,
        restoration_fund=a["restoration_levy_income"] - a["restoration_fund_drawdown"],
        cumulative_central_cost=a["central_policy_cost"],
        cumulative_local_cost=a["local_policy_cost"],
        cumulative_layoffs=a["mining_layoffs"],
        cumulative_reemployed_miners=a["mining_hires_from_laid_off"] + a["successor_hires_from_retrained"]
        + a["direct_reemployment"],
        cumulative_land_restored=a["subsidence_governance"] + a["land_restoration"],
    )


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
