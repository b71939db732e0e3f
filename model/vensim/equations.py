"""Equation template of the Vensim twin: :mod:`restrans.model.system` written as Vensim equations.

Hand-maintained: every equation here mirrors one line of ``model/system.py``
or of a sector module, with the same names as :data:`restrans.model.variables.AUXILIARIES`
for every flow and auxiliary, and the same order of arithmetic (so PySD
reproduces the native Euler trajectories to rounding error). Intermediate
values that ``system.py`` keeps in local variables are *helper* auxiliaries
here, with their own unit and doc. Functions are Vensim's: ``MIN``, ``MAX``,
``EXP``, ``LN``, ``^`` and lookups; ``saturation(x) = 1 - EXP(-MIN(x, 40))``
and ``saturating_minimum(d, l) = d * saturation(l / MAX(d, 1e-12))`` are
written out where used. ``sim/vensim_twin.py`` adds the declarations
(parameters, initial values, levers as time lookups, lookups, units, docs)
and writes ``model/vensim/restrans.mdl``; ``tests/test_vensim_twin.py``
checks that every auxiliary is defined and the file is current.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Equation:
    """One Vensim auxiliary ``name = expression``.

    Attributes
    ----------
    name : str
        Variable name (underscores, as in ``model/variables.py``).
    expression : str
        Right-hand side in Vensim syntax.
    unit, doc : str
        Only for helpers; variables declared in :data:`restrans.model.variables.AUXILIARIES`
        take their unit and doc from there.
    """

    name: str
    expression: str
    unit: str = ""
    doc: str = ""


@dataclass(frozen=True)
class ModuleConstant:
    """A constant that ``model/system.py`` keeps as a module-level number, not a parameter.

    Attributes
    ----------
    name : str
        Vensim name.
    attribute : str
        Name of the constant in :mod:`restrans.model.system` (the writer reads its value there).
    unit, doc : str
    """

    name: str
    attribute: str
    unit: str
    doc: str


def _saturating_minimum(demand: str, limit: str) -> str:
    """Vensim text of ``saturating_minimum(demand, limit)`` (model/functions.py)."""
    return f"{demand} * (1 - EXP(-MIN({limit} / MAX({demand}, 1e-12), 40)))"


def _saturation(ratio: str) -> str:
    """Vensim text of ``saturation(ratio)`` (model/functions.py)."""
    return f"1 - EXP(-MIN({ratio}, 40))"


_PEOPLE_FLOW = "thousand persons/yr"

MODULE_CONSTANTS: tuple[ModuleConstant, ...] = (
    ModuleConstant("migration_attractiveness_limit", "_ATTRACTIVENESS_LIMIT", "1",
                   "Absolute attractiveness beyond which migration no longer responds (saturation)."),
    ModuleConstant("shared_cost_central_share", "_SHARED_COST_CENTRAL_SHARE", "1",
                   "Central share of the green-upgrade subsidy and phase-out compensation. "
                   "ASSUMPTION: split evenly."),
)

RESOURCES: tuple[Equation, ...] = (
    Equation("price", "resource_price * resource_price_index"),
    Equation("recovery_rate",
             "base_recovery_rate + recovery_improvement * MAX(maximum_recovery_rate - base_recovery_rate, 0)"),
    Equation("utilisation", "MIN(base_utilisation * (price / reference_price) ^ utilisation_price_elasticity, "
                            "maximum_utilisation)"),
    Equation("reserve_limited_extraction", "recovery_rate * proven_reserves / minimum_depletion_time",
             "Mt/yr", "Extraction the reserves allow: recoverable reserves / minimum depletion time."),
    Equation("extraction", "MIN(mining_capacity * utilisation, reserve_limited_extraction) * (1 - logging_ban)"),
    Equation("depletion", "extraction / recovery_rate"),
    Equation("mining_margin", "(price * (1 - resource_tax_rate) - unit_extraction_cost) / price"),
    Equation("capacity_reserve_life", "recovery_rate * proven_reserves / MAX(mining_capacity, 1e-9)",
             "yr", "Reserve life at full capacity: recoverable reserves / capacity."),
    Equation("non_green_capacity", "mining_capacity - green_capacity",
             "Mt/yr", "Capacity below the green-mine standard (backward capacity)."),
    Equation("discovery", "undiscovered_resource * maximum_discovery_fraction * ("
             + _saturation("exploration_spending / exploration_spending_scale") + ")"),
    Equation("effective_regrowth_rate", "regrowth_rate * (1 + cultivation_effect * forest_cultivation)",
             "1/yr", "Intrinsic regrowth rate raised by forest cultivation."),
    Equation("regrowth", "effective_regrowth_rate * proven_reserves * (1 - proven_reserves / carrying_capacity)"),
    Equation("sterilisation", "proven_reserves * red_line_sterilisation_rate"),
    Equation("profit_exponent", "MIN(MAX(-profit_sensitivity * (mining_margin - reference_margin), -50), 50)",
             "1", "Exponent of the logistic profit effect, kept within +-50 so EXP stays finite."),
    Equation("profit_effect", "2 / (1 + EXP(profit_exponent))",
             "1", "Multiplier on capacity investment from the margin: 1 at the reference margin, at most 2."),
    Equation("reserve_life_effect", "reserve_life_investment_effect(capacity_reserve_life / required_reserve_life)",
             "1", "Multiplier on capacity investment from the reserve life relative to the required life."),
    Equation("capacity_investment",
             "mining_capacity * capacity_investment_rate * profit_effect * reserve_life_effect"),
    Equation("capacity_retirement", "mining_capacity / capacity_lifetime"),
    Equation("green_retirement", "green_capacity / capacity_lifetime"),
    Equation("capacity_phase_out", "non_green_capacity * phase_out_rate"),
    Equation("green_upgrading", "non_green_capacity * green_upgrade_rate"),
    Equation("green_share", "green_capacity / MAX(mining_capacity, 1e-9)"),
    Equation("mining_output_value", "extraction * price / 1000"),
    Equation("desired_mining_employment", "extraction / mining_labour_productivity"),
)

ECOLOGY: tuple[Equation, ...] = (
    Equation("subsidence_governance_spending",
             "central_budget_investment * subsidence_investment_share * (1 + local_governance_match)"),
    Equation("subsidence_area_funded", "subsidence_governance_spending / subsidence_governance_cost "
                                       "+ hazard_relocation * relocation_governance_area",
             "km2/yr", "Subsidence area the governance money and hazard-zone relocation could treat."),
    Equation("restoration_fund_drawdown", "restoration_fund / restoration_fund_drawdown_time"),
    Equation("restoration_budget", "restoration_fund_drawdown + restoration_spending",
             "bn CNY/yr", "Money for restoring damaged land: fund drawdown plus budget spending."),
    Equation("land_restoration_funded", "restoration_budget / restoration_cost",
             "km2/yr", "Damaged land the restoration budget could restore."),
    Equation("subsidence_creation", "extraction * underground_share * subsidence_intensity"),
    Equation("land_disturbance",
             "extraction * disturbance_intensity * (1 - green_damage_reduction * green_share)"),
    Equation("subsidence_governance",
             _saturating_minimum("subsidence_area_funded", "subsidence_area / minimum_restoration_time")),
    Equation("land_restoration",
             _saturating_minimum("land_restoration_funded", "damaged_land / minimum_restoration_time")),
    Equation("land_conversion", "restored_land * land_reuse_rate"),
    Equation("pollution_decay", "pollution / pollution_lifetime"),
    Equation("damaged_area_share", "(subsidence_area + damaged_land) / region_area",
             "1", "Subsided and damaged land as a share of the region's area."),
    Equation("environment_quality",
             "1 / (1 + pollution / tolerable_pollution + land_damage_weight * damaged_area_share)"),
    Equation("restoration_levy_income", "extraction * restoration_levy / 1000"),
)

ECONOMY: tuple[Equation, ...] = (
    Equation("knowledge_effect", "(MAX(knowledge, 0) / knowledge_reference) ^ knowledge_elasticity",
             "1", "Productivity multiplier of the knowledge stock relative to its reference."),
    Equation("productivity_multiplier", "knowledge_effect * technology_index"),
    Equation("processing_supply_ratio", "deep_processing_share * extraction "
                                        "/ MAX(processing_capital * processing_input_per_capital, 1e-9)",
             "1", "Raw material offered to processing relative to what processing capital can use."),
    Equation("processing_input_use", _saturation("processing_supply_ratio")),
    Equation("processing_potential_output", "processing_capital * processing_capital_productivity "
                                            "* processing_input_use * productivity_multiplier",
             "bn CNY/yr", "Value added processing capital could produce with a full workforce."),
    Equation("land_ratio", "construction_land / MAX(new_industry_capital * land_per_capital, 1e-9)",
             "1", "Construction land relative to the land new-industry capital needs."),
    Equation("land_multiplier", _saturation("land_ratio")),
    Equation("opening_multiplier", "1 + opening_productivity_effect * opening_up",
             "1", "Productivity multiplier of new industries from opening-up."),
    Equation("new_industry_potential_output", "new_industry_capital * new_industry_capital_productivity "
                                              "* productivity_multiplier * land_multiplier * opening_multiplier",
             "bn CNY/yr", "Value added new-industry capital could produce with a full workforce."),
    Equation("desired_successor_employment", "(processing_potential_output + new_industry_potential_output) "
                                             "/ (successor_labour_productivity * productivity_multiplier)"),
    Equation("successor_labour_fill", "MIN(successor_employment / MAX(desired_successor_employment, 1e-9), 1)"),
    Equation("processing_output", "processing_potential_output * successor_labour_fill"),
    Equation("new_industry_output", "new_industry_potential_output * successor_labour_fill"),
    Equation("mining_value_added", "mining_output_value * mining_value_added_share"),
    Equation("service_value_added", "service_employment * service_productivity * technology_index"),
    Equation("gdp", "mining_value_added + processing_output + new_industry_output + service_value_added"),
    Equation("successor_share", "(processing_output + new_industry_output) / gdp"),
    Equation("connectivity", "MAX(infrastructure_capital, 0) / infrastructure_reference",
             "1", "Infrastructure capital relative to its reference."),
    Equation("investment_attraction", "business_environment ^ business_environment_elasticity "
                                      "* connectivity ^ connectivity_elasticity "
                                      "* (environment_quality / national_environment_quality) "
                                      "^ environment_attraction_elasticity"),
    Equation("crowding_out", "1 / (1 + crowding_out_strength * MAX(mining_margin - reference_margin, 0))"),
    Equation("reinvested_new_industry_earnings", "new_industry_reinvestment_rate * new_industry_output",
             "bn CNY/yr", "New-industry value added reinvested in new-industry capital."),
    Equation("supported_new_industry_investment",
             "successor_support * subsidy_leverage + industrial_park_investment * park_leverage "
             "+ credit_support * credit_investment_share + cooperation_inflow",
             "bn CNY/yr", "New-industry investment from leveraged subsidies, parks, credit and cooperation inflow."),
    Equation("new_industry_investment", "(reinvested_new_industry_earnings + supported_new_industry_investment) "
                                        "* investment_attraction * crowding_out"),
    Equation("processing_investment", "processing_reinvestment_rate * processing_output * processing_input_use"),
    Equation("knowledge_creation",
             "rd_intensity * gdp * rd_efficiency + cooperation_inflow * cooperation_spillover"),
    Equation("mining_emissions",
             "extraction * mining_emission_intensity * (1 - green_damage_reduction * green_share)",
             "kt/yr", "Emissions of mining before clean production."),
    Equation("industry_emissions", "processing_output * industry_emission_intensity",
             "kt/yr", "Emissions of processing before clean production."),
    Equation("emissions", "(mining_emissions + industry_emissions) * (1 - clean_production)"),
)

LABOUR: tuple[Equation, ...] = (
    Equation("labour_force", "mining_employment + successor_employment + service_employment "
                             "+ laid_off_miners + retrained_job_seekers + other_unemployed"),
    Equation("job_seekers", "laid_off_miners + retrained_job_seekers + other_unemployed"),
    Equation("unemployment_benefits", "job_seekers * social_security_coverage * unemployment_benefit / 1000"),
    Equation("income_per_capita",
             "1000 * (gdp * household_income_share + unemployment_benefits) / MAX(population, 1e-9)"),
    Equation("desired_service_employment", "service_jobs_per_capita * population "
                                           "* (income_per_capita / reference_income) ^ service_income_elasticity"),
    Equation("attrition_rate", "retirement_rate + out_migration_rate",
             "1/yr", "Share of each employment pool leaving per year (retirement and out-migration)."),
    Equation("mining_vacancies", "MAX(desired_mining_employment - mining_employment "
                                 "+ attrition_rate * mining_employment * hiring_time, 0) / hiring_time",
             _PEOPLE_FLOW, "Rate at which mines seek workers: replace attrition and close the job gap."),
    Equation("successor_vacancies", "MAX(desired_successor_employment - successor_employment "
                                    "+ attrition_rate * successor_employment * hiring_time, 0) / hiring_time",
             _PEOPLE_FLOW, "Rate at which successor industries seek workers: replace attrition and close the gap."),
    Equation("service_vacancies", "MAX(desired_service_employment - service_employment "
                                  "+ attrition_rate * service_employment * hiring_time, 0) / hiring_time",
             _PEOPLE_FLOW, "Rate at which services seek workers: replace attrition and close the job gap."),
    Equation("mining_hires_from_laid_off",
             _saturating_minimum("mining_vacancies", "laid_off_miners / job_search_time")),
    Equation("successor_hires_from_retrained",
             _saturating_minimum("successor_vacancies", "retrained_job_seekers / job_search_time")),
    Equation("successor_vacancies_after_retrained", "successor_vacancies - successor_hires_from_retrained",
             _PEOPLE_FLOW, "Successor vacancies left after hiring retrained miners."),
    Equation("successor_open_to_unemployed",
             _saturating_minimum("successor_vacancies_after_retrained",
                                 "other_unemployed * successor_skill_match / job_search_time"),
             _PEOPLE_FLOW, "Successor vacancies the other unemployed can fill: only a share have the skills."),
    Equation("vacancies_for_unemployed", "(mining_vacancies - mining_hires_from_laid_off) "
                                         "+ successor_open_to_unemployed + service_vacancies",
             _PEOPLE_FLOW, "Vacancies open to the other unemployed."),
    Equation("hires_from_unemployed",
             _saturating_minimum("vacancies_for_unemployed", "other_unemployed / job_search_time"),
             _PEOPLE_FLOW, "Hires from the other unemployed, all sectors."),
    Equation("unemployed_hire_share", "hires_from_unemployed / MAX(vacancies_for_unemployed, 1e-12)",
             "1", "Share of the vacancies open to the other unemployed that they fill."),
    Equation("mining_layoff_time", "layoff_time * (1 + soe_layoff_slowdown * soe_support)",
             "yr", "Time to shed surplus mining workers, lengthened by SOE support."),
    Equation("unemployment_rate", "job_seekers / MAX(labour_force, 1e-9)"),
    Equation("inactive_population", "population - labour_force"),
    Equation("mining_hires_from_unemployed", "(mining_vacancies - mining_hires_from_laid_off) "
                                             "* unemployed_hire_share"),
    Equation("successor_hires_from_unemployed", "successor_open_to_unemployed * unemployed_hire_share"),
    Equation("service_hires", "service_vacancies * unemployed_hire_share"),
    Equation("mining_layoffs", "MAX(mining_employment - desired_mining_employment, 0) / mining_layoff_time"),
    Equation("successor_separations",
             "MAX(successor_employment - desired_successor_employment, 0) / layoff_time"),
    Equation("service_separations", "MAX(service_employment - desired_service_employment, 0) / layoff_time"),
    Equation("retraining",
             _saturating_minimum("retraining_capacity", "laid_off_miners / retraining_enrolment_time")),
    Equation("direct_reemployment", "laid_off_miners * miner_direct_reemployment_rate"),
)

POPULATION: tuple[Equation, ...] = (
    Equation("public_service_index",
             "1000 * public_service_capital / MAX(population, 1e-9) / public_service_reference"),
    Equation("unsaturated_attractiveness",
             "migration_income_sensitivity * LN(income_per_capita / national_income_per_capita) "
             "+ migration_unemployment_sensitivity * (national_unemployment_rate - unemployment_rate) "
             "+ migration_environment_sensitivity * (environment_quality - national_environment_quality) "
             "+ migration_service_sensitivity * LN(MAX(public_service_index, 1e-9))",
             "1", "Attractiveness to migrants before saturation (0 = like the nation)."),
    Equation("migration_attractiveness", "MIN(MAX(unsaturated_attractiveness, -migration_attractiveness_limit), "
                                         "migration_attractiveness_limit)"),
    Equation("out_migration_rate", "base_out_migration_rate * EXP(-migration_attractiveness)"),
    Equation("out_migration", "out_migration_rate * population"),
    Equation("in_migration", "base_in_migration_rate * EXP(migration_attractiveness) * population"),
    Equation("births", "birth_rate * population"),
    Equation("deaths", "inactive_mortality_rate * inactive_population"),
    Equation("labour_force_entry", "labour_force_entry_rate * inactive_population"),
    Equation("retirements", "retirement_rate * labour_force"),
)

FISCAL: tuple[Equation, ...] = (
    Equation("own_revenue", "mining_output_value * resource_tax_rate * resource_tax_base_share "
                            "+ gdp * general_tax_rate"),
    Equation("fiscal_self_sufficiency",
             "own_revenue / MAX(own_revenue + transfer_payment + central_budget_investment, 1e-9)"),
    Equation("public_service_investment_total",
             "public_service_budget_share * (own_revenue + transfer_payment) + public_service_investment "
             "+ central_budget_investment * (1 - subsidence_investment_share)"),
    Equation("shared_programme_cost", "green_upgrading * green_upgrade_subsidy "
                                      "+ capacity_phase_out * phase_out_compensation",
             "bn CNY/yr", "Public cost of the green-upgrade subsidy and the phase-out compensation."),
    Equation("central_policy_cost", "central_lever_cost + shared_programme_cost * shared_cost_central_share "
                                    "+ unemployment_benefits * social_security_central_share"),
    Equation("local_policy_cost", "local_lever_cost + shared_programme_cost * (1 - shared_cost_central_share) "
                                  "+ unemployment_benefits * (1 - social_security_central_share) "
                                  "+ subsidence_governance_spending * local_governance_match "
                                  "/ (1 + local_governance_match) "
                                  "+ public_rd_share * rd_intensity * gdp"),
    Equation("policy_cost", "central_policy_cost + local_policy_cost"),
)

SECTIONS: tuple[tuple[str, str, tuple[Equation, ...]], ...] = (
    ("Resources", "Reserves, capacity, green capacity, extraction (seed 二, 四–六).", RESOURCES),
    ("Ecology", "Subsidence, damaged and restored land, pollution (seed 五 十四–十六).", ECOLOGY),
    ("Economy", "Successor industries, knowledge, investment (seed 三, 十一, 十七–十八).", ECONOMY),
    ("Labour", "Employment, job-seekers, hiring, layoffs, retraining (seed 七 十九–二十一, 十二).", LABOUR),
    ("Population", "Migration, births, deaths, public services (seed 十二, 十九).", POPULATION),
    ("Fiscal", "Revenue, public-service investment, policy cost (seed 七, 八 二十二–二十四).", FISCAL),
)
"""(group name, group doc, equations) in the order of ``restrans.model.system.auxiliaries``."""

_LABOUR_EXIT = "(retirement_rate + out_migration_rate) * "

STOCK_RATES: dict[str, str] = {
    "undiscovered_resource": "-discovery",
    "proven_reserves": "discovery + regrowth - depletion - sterilisation",
    "mining_capacity": "capacity_investment - capacity_retirement - capacity_phase_out",
    "green_capacity": "capacity_investment * new_mine_green_share + green_upgrading - green_retirement",
    "mining_labour_productivity": "mining_labour_productivity * (mining_productivity_growth + intelligent_mining)",
    "resource_price": "resource_price * resource_price_growth",
    "cumulative_extraction": "extraction",
    "processing_capital": "processing_investment - capital_depreciation_rate * processing_capital",
    "new_industry_capital": "new_industry_investment - capital_depreciation_rate * new_industry_capital",
    "knowledge": "knowledge_creation - knowledge / knowledge_lifetime",
    "technology_index": "technology_index * technology_growth",
    "business_environment": "(1 + business_environment_reform - business_environment) "
                            "/ business_environment_adjustment_time",
    "infrastructure_capital": "infrastructure_investment - infrastructure_capital / infrastructure_lifetime",
    "population": "births - deaths + in_migration - out_migration",
    "mining_employment": "mining_hires_from_laid_off + mining_hires_from_unemployed - mining_layoffs - "
                         + _LABOUR_EXIT + "mining_employment",
    "successor_employment": "successor_hires_from_retrained + successor_hires_from_unemployed "
                            "- successor_separations - " + _LABOUR_EXIT + "successor_employment",
    "service_employment": "service_hires + direct_reemployment - service_separations - "
                          + _LABOUR_EXIT + "service_employment",
    "laid_off_miners": "mining_layoffs - mining_hires_from_laid_off - retraining - direct_reemployment - "
                       + _LABOUR_EXIT + "laid_off_miners",
    "retrained_job_seekers": "retraining - successor_hires_from_retrained - "
                             + _LABOUR_EXIT + "retrained_job_seekers",
    "other_unemployed": "labour_force_entry + in_migrant_labour_share * in_migration + successor_separations "
                        "+ service_separations - mining_hires_from_unemployed - successor_hires_from_unemployed "
                        "- service_hires - " + _LABOUR_EXIT + "other_unemployed",
    "national_income_per_capita": "national_income_per_capita * national_income_growth",
    "subsidence_area": "subsidence_creation - subsidence_governance",
    "damaged_land": "land_disturbance - land_restoration",
    "restored_land": "subsidence_governance + land_restoration - land_conversion",
    "construction_land": "land_conversion",
    "pollution": "emissions - pollution_decay",
    "public_service_capital": "public_service_investment_total "
                              "- public_service_depreciation_rate * public_service_capital",
    "restoration_fund": "restoration_levy_income - restoration_fund_drawdown",
    "cumulative_central_cost": "central_policy_cost",
    "cumulative_local_cost": "local_policy_cost",
    "cumulative_layoffs": "mining_layoffs",
    "cumulative_reemployed_miners": "mining_hires_from_laid_off + successor_hires_from_retrained "
                                    "+ direct_reemployment",
    "cumulative_land_restored": "subsidence_governance + land_restoration",
}
"""Net rate of change of each stock (the INTEG argument), mirroring ``restrans.model.system._stock_rates``."""
