"""The equations of :mod:`restrans.model.system` for one run, compiled with numba (used through :mod:`restrans.model.compiled`).

Optional: needs ``numba`` (``pip install restrans[fast]``); :data:`AVAILABLE`
says whether it is importable. The sector functions are not rewritten: each is
the function of its sector module (``restrans.model.resources`` …), compiled as it is
by :mod:`restrans.model.compiled_sectors` and imported from there by name. Only the wiring of :mod:`restrans.model.system` is repeated here, expression for
expression in the same order, so the results equal the numpy path to rounding
(a test checks every auxiliary and derivative to 1e-12 relative over the
declared bounds). A change to :mod:`restrans.model.system` must be repeated here; that
test fails until it is.

Shapes as in :mod:`restrans.model.system`: state ``(n_stocks, n_runs)``, parameters
``(n_parameters, n_runs)``, levers ``(n_levers, n_runs)``, all float64.
"""
from __future__ import annotations

from enum import IntEnum

import numpy as np

from restrans.model.levers import LEVERS, LeverIndex
from restrans.model.parameters import ParameterIndex
from restrans.model.stocks import StockIndex
from restrans.model.variables import AUXILIARIES
from restrans.model.compiled_sectors import (  # the compiled sector functions the wiring below calls
    resources_effective_price, resources_recovery_rate, resources_capacity_utilisation, resources_extraction,
    resources_mining_margin, resources_capacity_reserve_life, resources_discovery, resources_regrowth,
    resources_capacity_investment, ecology_green_share, ecology_subsidence_creation, ecology_land_disturbance,
    ecology_treatment, ecology_land_conversion, ecology_environment_quality, ecology_emissions,
    economy_mining_output_value, economy_knowledge_effect, economy_processing_input_use,
    economy_processing_potential_output, economy_land_effect, economy_new_industry_potential_output,
    economy_successor_labour_demand, economy_labour_fill, economy_investment_attraction, economy_crowding_out,
    economy_new_industry_investment, economy_processing_investment, economy_knowledge_creation,
    labour_vacancy_rate, labour_separations, labour_mining_layoff_time, labour_retraining,
    labour_service_labour_demand, labour_migration_attractiveness, labour_income_per_capita,
    labour_hires_from_pool, fiscal_local_revenue, fiscal_public_service_index, fiscal_fiscal_self_sufficiency,
    fiscal_restoration_levy_income, fiscal_unemployment_benefits)
from restrans.model.compiled_sectors import AVAILABLE, _interpolate, numba  # noqa: F401 - re-exported for restrans.model.compiled

AuxiliaryIndex = IntEnum("AuxiliaryIndex", list(AUXILIARIES), start=0)
"""Row of each auxiliary in the array :func:`auxiliary_array` returns."""

N_AUXILIARIES: int = len(AUXILIARIES)
N_LEVERS: int = len(LEVERS)
_COST_PER_UNIT = np.array([lever.cost_per_unit for lever in LEVERS])
_CENTRAL_SHARE = np.array([lever.central_share for lever in LEVERS])
_CENTRAL_COST = _COST_PER_UNIT * _CENTRAL_SHARE  # bn CNY/yr per lever unit, as in restrans.model.system._fiscal
_LOCAL_COST = _COST_PER_UNIT * (1.0 - _CENTRAL_SHARE)
_ATTRACTIVENESS_LIMIT = 3.0  # as restrans.model.system
_SHARED_COST_CENTRAL_SHARE = 0.5  # as restrans.model.system


if AVAILABLE:
    _jit = numba.njit(nogil=True, inline="always", error_model="numpy")  # inlined: no call overhead per run
else:  # pragma: no cover - without numba the kernel functions below are plain (unused) Python
    def _jit(function):
        return function

S, P, V, A = StockIndex, ParameterIndex, LeverIndex, AuxiliaryIndex


# --- one run: the wiring of restrans.model.system, expression for expression ----------------------------------------------
# ``s``, ``p``, ``lv``: one run's stocks, parameters and levers (1-D); ``a``: its auxiliaries (written).


@_jit
def _resources(s, p, lv, a):
    price = resources_effective_price(s[S.resource_price], lv[V.resource_price_index])
    recovery = resources_recovery_rate(p[P.base_recovery_rate], p[P.maximum_recovery_rate],
                                       lv[V.recovery_improvement])
    utilisation = resources_capacity_utilisation(price, p[P.reference_price], p[P.base_utilisation],
                                                 p[P.utilisation_price_elasticity], p[P.maximum_utilisation])
    extraction = resources_extraction(s[S.mining_capacity], utilisation, s[S.proven_reserves], recovery,
                                      p[P.minimum_depletion_time], lv[V.logging_ban])
    margin = resources_mining_margin(price, lv[V.resource_tax_rate], p[P.unit_extraction_cost])
    reserve_life = resources_capacity_reserve_life(s[S.proven_reserves], recovery, s[S.mining_capacity])
    non_green = s[S.mining_capacity] - s[S.green_capacity]
    a[A.price], a[A.recovery_rate], a[A.utilisation], a[A.extraction] = price, recovery, utilisation, extraction
    a[A.depletion], a[A.mining_margin] = extraction / recovery, margin
    a[A.discovery] = resources_discovery(s[S.undiscovered_resource], lv[V.exploration_spending],
                                         p[P.maximum_discovery_fraction], p[P.exploration_spending_scale])
    a[A.regrowth] = resources_regrowth(s[S.proven_reserves], p[P.regrowth_rate], p[P.carrying_capacity],
                                       lv[V.forest_cultivation], p[P.cultivation_effect])
    a[A.sterilisation] = s[S.proven_reserves] * lv[V.red_line_sterilisation_rate]
    a[A.capacity_investment] = resources_capacity_investment(
        s[S.mining_capacity], p[P.capacity_investment_rate], margin, p[P.reference_margin], p[P.profit_sensitivity],
        reserve_life, p[P.required_reserve_life])
    a[A.capacity_retirement] = s[S.mining_capacity] / p[P.capacity_lifetime]
    a[A.green_retirement] = s[S.green_capacity] / p[P.capacity_lifetime]
    a[A.capacity_phase_out] = non_green * lv[V.phase_out_rate]
    a[A.green_upgrading] = non_green * lv[V.green_upgrade_rate]
    a[A.green_share] = ecology_green_share(s[S.green_capacity], s[S.mining_capacity])
    a[A.mining_output_value] = economy_mining_output_value(extraction, price)
    a[A.desired_mining_employment] = extraction / s[S.mining_labour_productivity]


@_jit
def _ecology(s, p, lv, a):
    extraction, green = a[A.extraction], a[A.green_share]
    subsidence_funding = lv[V.central_budget_investment] * p[P.subsidence_investment_share] * (
        1.0 + p[P.local_governance_match])
    area_funded = subsidence_funding / p[P.subsidence_governance_cost] + lv[V.hazard_relocation] * p[
        P.relocation_governance_area]
    fund_drawdown = s[S.restoration_fund] / p[P.restoration_fund_drawdown_time]
    restoration_budget = fund_drawdown + lv[V.restoration_spending]
    a[A.subsidence_creation] = ecology_subsidence_creation(extraction, p[P.underground_share],
                                                           p[P.subsidence_intensity])
    a[A.land_disturbance] = ecology_land_disturbance(extraction, p[P.disturbance_intensity], green,
                                                     p[P.green_damage_reduction])
    a[A.subsidence_governance] = ecology_treatment(area_funded, s[S.subsidence_area], p[P.minimum_restoration_time])
    a[A.land_restoration] = ecology_treatment(restoration_budget / p[P.restoration_cost], s[S.damaged_land],
                                              p[P.minimum_restoration_time])
    a[A.land_conversion] = ecology_land_conversion(s[S.restored_land], lv[V.land_reuse_rate])
    a[A.pollution_decay] = s[S.pollution] / p[P.pollution_lifetime]
    a[A.environment_quality] = ecology_environment_quality(s[S.pollution], p[P.tolerable_pollution],
                                                           s[S.subsidence_area], s[S.damaged_land],
                                                           p[P.region_area], p[P.land_damage_weight])
    a[A.restoration_levy_income] = fiscal_restoration_levy_income(extraction, lv[V.restoration_levy])
    a[A.restoration_fund_drawdown] = fund_drawdown
    a[A.subsidence_governance_spending] = subsidence_funding


@_jit
def _successor_output(s, p, lv, a):
    """Productivity, input use, potential outputs, labour fill: first half of restrans.model.system._economy."""
    productivity_multiplier = economy_knowledge_effect(s[S.knowledge], p[P.knowledge_reference],
                                                       p[P.knowledge_elasticity]) * s[S.technology_index]
    input_use = economy_processing_input_use(a[A.extraction], lv[V.deep_processing_share], s[S.processing_capital],
                                             p[P.processing_input_per_capital])
    processing_potential = economy_processing_potential_output(
        s[S.processing_capital], p[P.processing_capital_productivity], input_use, productivity_multiplier)
    land_multiplier = economy_land_effect(s[S.construction_land], s[S.new_industry_capital], p[P.land_per_capital])
    new_industry_potential = economy_new_industry_potential_output(
        s[S.new_industry_capital], p[P.new_industry_capital_productivity], productivity_multiplier, land_multiplier,
        lv[V.opening_up], p[P.opening_productivity_effect])
    successor_demand = economy_successor_labour_demand(processing_potential + new_industry_potential,
                                                       p[P.successor_labour_productivity], productivity_multiplier)
    fill = economy_labour_fill(s[S.successor_employment], successor_demand)
    a[A.productivity_multiplier], a[A.processing_input_use] = productivity_multiplier, input_use
    a[A.land_multiplier], a[A.desired_successor_employment] = land_multiplier, successor_demand
    a[A.successor_labour_fill] = fill
    a[A.processing_output], a[A.new_industry_output] = processing_potential * fill, new_industry_potential * fill


@_jit
def _economy(s, p, lv, a):
    _successor_output(s, p, lv, a)
    processing_output, new_industry_output = a[A.processing_output], a[A.new_industry_output]
    mining_value_added = a[A.mining_output_value] * p[P.mining_value_added_share]
    service_value_added = s[S.service_employment] * p[P.service_productivity] * s[S.technology_index]
    gdp = mining_value_added + processing_output + new_industry_output + service_value_added
    attraction = economy_investment_attraction(
        s[S.business_environment], p[P.business_environment_elasticity], s[S.infrastructure_capital],
        p[P.infrastructure_reference], p[P.connectivity_elasticity], a[A.environment_quality],
        p[P.national_environment_quality], p[P.environment_attraction_elasticity])
    crowding = economy_crowding_out(a[A.mining_margin], p[P.reference_margin], p[P.crowding_out_strength])
    a[A.mining_value_added], a[A.service_value_added], a[A.gdp] = mining_value_added, service_value_added, gdp
    a[A.successor_share] = (processing_output + new_industry_output) / gdp
    a[A.investment_attraction], a[A.crowding_out] = attraction, crowding
    a[A.new_industry_investment] = economy_new_industry_investment(
        new_industry_output, p[P.new_industry_reinvestment_rate], lv[V.successor_support], p[P.subsidy_leverage],
        lv[V.industrial_park_investment], p[P.park_leverage], lv[V.credit_support], p[P.credit_investment_share],
        lv[V.cooperation_inflow], attraction, crowding)
    a[A.processing_investment] = economy_processing_investment(processing_output, p[P.processing_reinvestment_rate],
                                                               a[A.processing_input_use])
    a[A.knowledge_creation] = economy_knowledge_creation(lv[V.rd_intensity], gdp, p[P.rd_efficiency],
                                                         lv[V.cooperation_inflow], p[P.cooperation_spillover])
    a[A.emissions] = ecology_emissions(a[A.extraction], a[A.green_share], p[P.green_damage_reduction],
                                       p[P.mining_emission_intensity], processing_output,
                                       p[P.industry_emission_intensity], lv[V.clean_production])


@_jit
def _households(s, p, lv, a):
    labour_force = (s[S.mining_employment] + s[S.successor_employment] + s[S.service_employment]
                    + s[S.laid_off_miners] + s[S.retrained_job_seekers] + s[S.other_unemployed])
    job_seekers = s[S.laid_off_miners] + s[S.retrained_job_seekers] + s[S.other_unemployed]
    benefits = fiscal_unemployment_benefits(job_seekers, lv[V.social_security_coverage], p[P.unemployment_benefit])
    a[A.labour_force], a[A.job_seekers], a[A.unemployment_benefits] = labour_force, job_seekers, benefits
    a[A.income_per_capita] = labour_income_per_capita(a[A.gdp], p[P.household_income_share], benefits,
                                                      s[S.population])
    a[A.unemployment_rate] = job_seekers / np.maximum(labour_force, 1e-9)
    a[A.inactive_population] = s[S.population] - labour_force


@_jit
def _labour_market(s, p, lv, a):
    desired_service = labour_service_labour_demand(s[S.population], p[P.service_jobs_per_capita],
                                                   a[A.income_per_capita], p[P.reference_income],
                                                   p[P.service_income_elasticity])
    attrition_rate = p[P.retirement_rate] + a[A.out_migration_rate]
    mining_vacancies = labour_vacancy_rate(a[A.desired_mining_employment], s[S.mining_employment], p[P.hiring_time],
                                           attrition_rate * s[S.mining_employment])
    successor_vacancies = labour_vacancy_rate(a[A.desired_successor_employment], s[S.successor_employment],
                                              p[P.hiring_time], attrition_rate * s[S.successor_employment])
    service_vacancies = labour_vacancy_rate(desired_service, s[S.service_employment], p[P.hiring_time],
                                            attrition_rate * s[S.service_employment])
    a[A.desired_service_employment] = desired_service
    _hiring(s, p, lv, a, mining_vacancies, successor_vacancies, service_vacancies)


@_jit
def _hiring(s, p, lv, a, mining_vacancies, successor_vacancies, service_vacancies):
    """Hires and separations: second half of restrans.model.system._labour_market."""
    mining_from_laid_off = labour_hires_from_pool(mining_vacancies, s[S.laid_off_miners], p[P.job_search_time])
    successor_from_retrained = labour_hires_from_pool(successor_vacancies, s[S.retrained_job_seekers],
                                                      p[P.job_search_time])
    successor_open_to_unemployed = labour_hires_from_pool(successor_vacancies - successor_from_retrained,
                                                          s[S.other_unemployed] * p[P.successor_skill_match],
                                                          p[P.job_search_time])
    vacancies_for_unemployed = (mining_vacancies - mining_from_laid_off) + successor_open_to_unemployed \
        + service_vacancies
    hires_from_unemployed = labour_hires_from_pool(vacancies_for_unemployed, s[S.other_unemployed],
                                                   p[P.job_search_time])
    unemployed_hire_share = hires_from_unemployed / np.maximum(vacancies_for_unemployed, 1e-12)
    layoff_time = labour_mining_layoff_time(p[P.layoff_time], lv[V.soe_support], p[P.soe_layoff_slowdown])
    a[A.mining_hires_from_laid_off] = mining_from_laid_off
    a[A.mining_hires_from_unemployed] = (mining_vacancies - mining_from_laid_off) * unemployed_hire_share
    a[A.successor_hires_from_retrained] = successor_from_retrained
    a[A.successor_hires_from_unemployed] = successor_open_to_unemployed * unemployed_hire_share
    a[A.service_hires] = service_vacancies * unemployed_hire_share
    a[A.mining_layoffs] = labour_separations(a[A.desired_mining_employment], s[S.mining_employment], layoff_time)
    a[A.successor_separations] = labour_separations(a[A.desired_successor_employment], s[S.successor_employment],
                                                    p[P.layoff_time])
    a[A.service_separations] = labour_separations(a[A.desired_service_employment], s[S.service_employment],
                                                  p[P.layoff_time])
    a[A.retraining] = labour_retraining(lv[V.retraining_capacity], s[S.laid_off_miners],
                                        p[P.retraining_enrolment_time])
    a[A.direct_reemployment] = s[S.laid_off_miners] * p[P.miner_direct_reemployment_rate]


@_jit
def _population(s, p, lv, a):
    public_service_index = fiscal_public_service_index(s[S.public_service_capital], s[S.population],
                                                       p[P.public_service_reference])
    attractiveness = labour_migration_attractiveness(
        a[A.income_per_capita], s[S.national_income_per_capita], p[P.migration_income_sensitivity],
        a[A.unemployment_rate], p[P.national_unemployment_rate], p[P.migration_unemployment_sensitivity],
        a[A.environment_quality], p[P.national_environment_quality], p[P.migration_environment_sensitivity],
        public_service_index, p[P.migration_service_sensitivity])
    attractiveness = np.minimum(np.maximum(attractiveness, -_ATTRACTIVENESS_LIMIT), _ATTRACTIVENESS_LIMIT)
    out_rate = p[P.base_out_migration_rate] * np.exp(-attractiveness)
    inactive = a[A.inactive_population]
    a[A.public_service_index], a[A.migration_attractiveness] = public_service_index, attractiveness
    a[A.out_migration_rate] = out_rate
    a[A.out_migration] = out_rate * s[S.population]
    a[A.in_migration] = p[P.base_in_migration_rate] * np.exp(attractiveness) * s[S.population]
    a[A.births] = p[P.birth_rate] * s[S.population]
    a[A.deaths] = p[P.inactive_mortality_rate] * inactive
    a[A.labour_force_entry] = p[P.labour_force_entry_rate] * inactive
    a[A.retirements] = p[P.retirement_rate] * a[A.labour_force]


@_jit
def _fiscal(s, p, lv, a):
    own_revenue = fiscal_local_revenue(a[A.mining_output_value], lv[V.resource_tax_rate], p[P.resource_tax_base_share],
                                       a[A.gdp], p[P.general_tax_rate])
    public_service_investment = (p[P.public_service_budget_share] * (own_revenue + lv[V.transfer_payment])
                                 + lv[V.public_service_investment]
                                 + lv[V.central_budget_investment] * (1.0 - p[P.subsidence_investment_share]))
    linear_central, linear_local = 0.0, 0.0
    # np.tensordot in restrans.model.system: the same sum, maybe in another order. The cost arrays are numba constants:
    # the loop unrolls and the levers without a cost drop out (adding 0 * value changes no bit of the sum).
    for lever in range(N_LEVERS):
        if _CENTRAL_COST[lever] != 0.0:
            linear_central += _CENTRAL_COST[lever] * lv[lever]
        if _LOCAL_COST[lever] != 0.0:
            linear_local += _LOCAL_COST[lever] * lv[lever]
    shared_costs = a[A.green_upgrading] * p[P.green_upgrade_subsidy] + a[A.capacity_phase_out] * p[
        P.phase_out_compensation]
    benefits = a[A.unemployment_benefits]
    central = (linear_central + shared_costs * _SHARED_COST_CENTRAL_SHARE
               + benefits * p[P.social_security_central_share])
    local = (linear_local + shared_costs * (1.0 - _SHARED_COST_CENTRAL_SHARE)
             + benefits * (1.0 - p[P.social_security_central_share])
             + a[A.subsidence_governance_spending] * p[P.local_governance_match] / (1.0 + p[P.local_governance_match])
             + p[P.public_rd_share] * lv[V.rd_intensity] * a[A.gdp])
    a[A.own_revenue] = own_revenue
    a[A.fiscal_self_sufficiency] = fiscal_fiscal_self_sufficiency(own_revenue, lv[V.transfer_payment],
                                                                  lv[V.central_budget_investment])
    a[A.public_service_investment_total] = public_service_investment
    a[A.central_policy_cost], a[A.local_policy_cost], a[A.policy_cost] = central, local, central + local


@_jit
def run_auxiliaries(s, p, lv, a):
    """Every auxiliary of one run into ``a`` (:class:`AuxiliaryIndex` order)."""
    _resources(s, p, lv, a)
    _ecology(s, p, lv, a)
    _economy(s, p, lv, a)
    _households(s, p, lv, a)
    _population(s, p, lv, a)
    _labour_market(s, p, lv, a)
    _fiscal(s, p, lv, a)


@_jit
def run_rates(s, p, lv, a, r):
    """Net rate of change of each stock of one run, written into ``r``: restrans.model.system._stock_rates."""
    out_rate, labour_entry_share = a[A.out_migration_rate], p[P.in_migrant_labour_share]
    r[S.undiscovered_resource] = -a[A.discovery]
    r[S.proven_reserves] = a[A.discovery] + a[A.regrowth] - a[A.depletion] - a[A.sterilisation]
    r[S.mining_capacity] = a[A.capacity_investment] - a[A.capacity_retirement] - a[A.capacity_phase_out]
    r[S.green_capacity] = a[A.capacity_investment] * p[P.new_mine_green_share] + a[A.green_upgrading] - a[
        A.green_retirement]
    r[S.mining_labour_productivity] = s[S.mining_labour_productivity] * (p[P.mining_productivity_growth]
                                                                         + lv[V.intelligent_mining])
    r[S.resource_price] = s[S.resource_price] * p[P.resource_price_growth]
    r[S.cumulative_extraction] = a[A.extraction]
    r[S.processing_capital] = a[A.processing_investment] - p[P.capital_depreciation_rate] * s[S.processing_capital]
    r[S.new_industry_capital] = a[A.new_industry_investment] - p[P.capital_depreciation_rate] * s[
        S.new_industry_capital]
    r[S.knowledge] = a[A.knowledge_creation] - s[S.knowledge] / p[P.knowledge_lifetime]
    r[S.technology_index] = s[S.technology_index] * p[P.technology_growth]
    r[S.business_environment] = (1.0 + lv[V.business_environment_reform] - s[S.business_environment]) / p[
        P.business_environment_adjustment_time]
    r[S.infrastructure_capital] = lv[V.infrastructure_investment] - s[S.infrastructure_capital] / p[
        P.infrastructure_lifetime]
    r[S.population] = a[A.births] - a[A.deaths] + a[A.in_migration] - a[A.out_migration]
    _labour_rates(s, p, a, r, out_rate, labour_entry_share)
    r[S.national_income_per_capita] = s[S.national_income_per_capita] * p[P.national_income_growth]
    r[S.subsidence_area] = a[A.subsidence_creation] - a[A.subsidence_governance]
    r[S.damaged_land] = a[A.land_disturbance] - a[A.land_restoration]
    r[S.restored_land] = a[A.subsidence_governance] + a[A.land_restoration] - a[A.land_conversion]
    r[S.construction_land] = a[A.land_conversion]
    r[S.pollution] = a[A.emissions] - a[A.pollution_decay]
    r[S.public_service_capital] = a[A.public_service_investment_total] - p[P.public_service_depreciation_rate] * s[
        S.public_service_capital]
    r[S.restoration_fund] = a[A.restoration_levy_income] - a[A.restoration_fund_drawdown]
    r[S.cumulative_central_cost] = a[A.central_policy_cost]
    r[S.cumulative_local_cost] = a[A.local_policy_cost]
    r[S.cumulative_layoffs] = a[A.mining_layoffs]
    r[S.cumulative_reemployed_miners] = a[A.mining_hires_from_laid_off] + a[A.successor_hires_from_retrained] + a[
        A.direct_reemployment]
    r[S.cumulative_land_restored] = a[A.subsidence_governance] + a[A.land_restoration]


@_jit
def _labour_rates(s, p, a, r, out_rate, labour_entry_share):
    """Rates of the employment and job-seeker stocks of one run."""
    r[S.mining_employment] = a[A.mining_hires_from_laid_off] + a[A.mining_hires_from_unemployed] - a[
        A.mining_layoffs] - (p[P.retirement_rate] + out_rate) * s[S.mining_employment]
    r[S.successor_employment] = a[A.successor_hires_from_retrained] + a[A.successor_hires_from_unemployed] - a[
        A.successor_separations] - (p[P.retirement_rate] + out_rate) * s[S.successor_employment]
    r[S.service_employment] = a[A.service_hires] + a[A.direct_reemployment] - a[A.service_separations] - (
        p[P.retirement_rate] + out_rate) * s[S.service_employment]
    r[S.laid_off_miners] = a[A.mining_layoffs] - a[A.mining_hires_from_laid_off] - a[A.retraining] - a[
        A.direct_reemployment] - (p[P.retirement_rate] + out_rate) * s[S.laid_off_miners]
    r[S.retrained_job_seekers] = a[A.retraining] - a[A.successor_hires_from_retrained] - (
        p[P.retirement_rate] + out_rate) * s[S.retrained_job_seekers]
    r[S.other_unemployed] = a[A.labour_force_entry] + labour_entry_share * a[A.in_migration] + a[
        A.successor_separations] + a[A.service_separations] - a[A.mining_hires_from_unemployed] - a[
        A.successor_hires_from_unemployed] - a[A.service_hires] - (p[P.retirement_rate] + out_rate) * s[
        S.other_unemployed]


def run_derivatives(s, p, lv, a, r):
    """Auxiliaries (into ``a``) and stock rates (into ``r``) of one run.

    Compiled once, not inlined: kernels call it (RK4 four times a step) and the
    model's code exists once in the machine code, which keeps compiling short.
    """
    run_auxiliaries(s, p, lv, a)
    run_rates(s, p, lv, a, r)


if AVAILABLE:
    run_derivatives = numba.njit(nogil=True, error_model="numpy")(run_derivatives)
