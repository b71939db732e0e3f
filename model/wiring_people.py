"""Wiring of households, population and the labour market (part of :mod:`restrans.model.system`).

The same rules as in :mod:`restrans.model.system`: branch-free numpy, every
local variable declared in :data:`restrans.model.variables.HELPERS` or an
auxiliary. Each function reads what earlier sectors wrote into ``out``.
"""
from __future__ import annotations

import numpy as np

from restrans.model import economy, fiscal, labour, population
from restrans.model.wiring_budget import Funded


def households(s, p, lv, k, out):
    """Households: age groups, labour force, job-seekers, benefits, pensions and income per resident.

    Benefits and pensions per person, like the standard of public spending per
    resident, are set nationally and rise with national income per head
    (``standards_index``, 1 at the start): China's basic pensions were raised
    every year from 2005, and equalisation standards follow national means.
    Wages follow national pay the same way (:func:`restrans.model.labour.earned_income`).
    """
    labour_force = (s.mining_employment + s.successor_employment + s.service_employment
                    + s.laid_off_miners + s.retrained_job_seekers + s.other_unemployed)
    job_seekers = s.laid_off_miners + s.retrained_job_seekers + s.other_unemployed
    working_age = labour_force + s.inactive_working_age
    population = s.children + working_age + s.elderly
    standards_index = s.national_income_per_capita / p.national_income_reference
    benefits = labour.unemployment_benefits(job_seekers, lv.social_security_coverage,
                                            p.unemployment_benefit * standards_index)
    pensions = s.elderly * p.pension_per_elderly * standards_index / 1000.0
    earned = labour.earned_income(s.mining_employment, s.successor_employment, p.mining_wage, p.successor_wage,
                                  p.wage_level, standards_index, out["service_value_added"], p.local_sector_labour_share,
                                  p.net_wage_share)
    household_income = earned + benefits + pensions + p.transfer_household_share * lv.transfer_payment
    out.update(
        labour_force=labour_force, job_seekers=job_seekers, working_age_population=working_age, population=population,
        registered_population=population + p.hukou_retention * (s.cumulative_out_migration
                                                                - s.cumulative_in_migration),
        unemployment_rate=job_seekers / np.maximum(labour_force, 1e-9),
        dependency_ratio=(s.children + s.elderly) / np.maximum(working_age, 1e-9),
        standards_index=standards_index, unemployment_benefits=benefits, pensions=pensions,
        earned_income=earned, household_income=household_income,
        income_per_capita=1000.0 * household_income / np.maximum(population, 1e-9),
    )


def population_sector(s, p, lv, k, out):
    """Population (seed 十二): attractiveness, migration by age, births, deaths and ageing."""
    public_service_index = fiscal.public_service_index(s.public_service_capital, out["population"],
                                                       p.public_service_reference)
    raw_attractiveness = population.migration_attractiveness(
        out["income_per_capita"], s.national_income_per_capita, p.migration_income_sensitivity,
        out["unemployment_rate"], lv.national_unemployment_rate, p.migration_unemployment_sensitivity,
        out["environment_quality"], p.national_environment_quality, p.migration_environment_sensitivity,
        public_service_index, p.migration_service_sensitivity)
    attractiveness = population.saturated_attractiveness(raw_attractiveness, p.migration_attractiveness_limit)
    working_out_rate = population.migration_rate(p.base_migration_rate, attractiveness, -1.0)
    working_in_rate = population.migration_rate(p.base_migration_rate, attractiveness, 1.0)
    children_rate = p.child_migration_relative
    elderly_rate = p.elderly_migration_relative
    working_age = out["working_age_population"]
    working_age_in_migration = working_in_rate * working_age
    out.update(
        public_service_index=public_service_index, migration_attractiveness=attractiveness,
        working_age_out_migration_rate=working_out_rate, working_age_in_migration=working_age_in_migration,
        out_migration=working_out_rate * (working_age + children_rate * s.children + elderly_rate * s.elderly),
        in_migration=working_in_rate * (working_age + children_rate * s.children + elderly_rate * s.elderly),
        children_net_migration=(working_in_rate - working_out_rate) * children_rate * s.children,
        elderly_net_migration=(working_in_rate - working_out_rate) * elderly_rate * s.elderly,
        births=population.births(p.birth_rate, lv.fertility_index, working_age),
        deaths_children=p.child_mortality * s.children, deaths_elderly=p.elderly_mortality * s.elderly,
        deaths=p.child_mortality * s.children + p.working_age_mortality * working_age + p.elderly_mortality * s.elderly,
        child_ageing=s.children / p.childhood_years, elderly_ageing=working_age / p.working_years,
        working_age_exit_rate=1.0 / p.working_years + p.working_age_mortality + working_out_rate,
    )


def labour_demand(s, p, lv, k, out):
    """Labour demand (seed 七, 十九): local-sector demand and jobs, and the open positions of every sector."""
    service_share = economy.household_service_share(p.household_service_propensity, out["income_per_capita"],
                                                    p.service_income_reference, p.service_income_elasticity)
    local_demand = economy.local_sector_demand(out["household_income"], service_share,
                                               out["services_funded"] * (1.0 - p.public_service_capital_share),
                                               out["public_works_spending"], p.local_works_content, s.farm_output,
                                               out["mining_local_purchases"], s.traded_services)
    desired_local = local_demand / out["local_productivity"]
    reference_finding = labour.reference_job_finding_rate(p.frictional_unemployment_rate, p.job_separation_rate)
    turnover = p.job_separation_rate + out["working_age_exit_rate"]
    mining_vacancies = labour.vacancies(out["desired_mining_employment"], s.mining_employment, turnover,
                                        reference_finding)
    successor_vacancies = labour.vacancies(out["desired_successor_employment"], s.successor_employment, turnover,
                                           reference_finding)
    local_vacancies = labour.vacancies(desired_local, s.service_employment, turnover, reference_finding)
    out.update(household_service_share=service_share, local_sector_demand=local_demand,
               desired_service_employment=desired_local,
               reference_job_finding_rate=reference_finding, mining_vacancies=mining_vacancies,
               successor_vacancies=successor_vacancies, local_vacancies=local_vacancies)


def labour_market(s, p, lv, k, out):
    """Labour market (seed 七, 二十–二十一): directed search, matching, layoffs, retraining, arrivals.

    Successor industries also hire local-sector workers (services, building, the farms of the counties) who move
    up the wage ladder; with only skill-matched unemployed and retrained miners to hire, their jobs went unfilled.
    """
    f = Funded(lv, k, out["funded_share"])
    reference_finding = out["reference_job_finding_rate"]
    mining_vacancies, successor_vacancies = out["mining_vacancies"], out["successor_vacancies"]
    local_vacancies, desired_local = out["local_vacancies"], out["desired_service_employment"]
    all_vacancies = np.maximum(mining_vacancies + successor_vacancies + local_vacancies, 1e-12)
    unemployed_mining = mining_vacancies / all_vacancies
    unemployed_successor = p.successor_skill_match * successor_vacancies / all_vacancies
    unemployed_local = local_vacancies / all_vacancies
    laid_off_mining = mining_vacancies / all_vacancies
    laid_off_local = p.laid_off_service_match * local_vacancies / all_vacancies
    retrained_successor = successor_vacancies / all_vacancies
    retrained_local = p.laid_off_service_match * local_vacancies / all_vacancies
    u, l, r = s.other_unemployed, s.laid_off_miners, s.retrained_job_seekers
    mining_tightness = mining_vacancies / np.maximum(unemployed_mining * u + laid_off_mining * l, 1e-12)
    local_seekers = p.local_job_search * s.service_employment
    successor_tightness = successor_vacancies / np.maximum(unemployed_successor * u + retrained_successor * r
                                                           + local_seekers, 1e-12)
    local_tightness = local_vacancies / np.maximum(unemployed_local * u + laid_off_local * l
                                                   + retrained_local * r, 1e-12)
    mining_finding = labour.job_finding_rate(mining_tightness, reference_finding, p.tightness_half_saturation)
    successor_finding = labour.job_finding_rate(successor_tightness, reference_finding, p.tightness_half_saturation)
    local_finding = labour.job_finding_rate(local_tightness, reference_finding, p.tightness_half_saturation)
    arrivals_employed_share = all_vacancies / np.maximum(all_vacancies + out["job_seekers"], 1e-12)
    labour_arrivals = out["working_age_in_migration"] * p.in_migrant_participation
    arrivals_per_vacancy = labour_arrivals * arrivals_employed_share / np.maximum(all_vacancies, 1e-12)
    out.update(
        mining_hires_from_unemployed=unemployed_mining * u * mining_finding,
        successor_hires_from_unemployed=unemployed_successor * u * successor_finding,
        service_hires_from_unemployed=unemployed_local * u * local_finding,
        mining_hires_from_laid_off=laid_off_mining * l * mining_finding,
        service_hires_from_laid_off=laid_off_local * l * local_finding,
        successor_hires_from_retrained=retrained_successor * r * successor_finding,
        successor_hires_from_local=local_seekers * successor_finding,
        service_hires_from_retrained=retrained_local * r * local_finding,
        mining_arrivals=arrivals_per_vacancy * mining_vacancies,
        successor_arrivals=arrivals_per_vacancy * successor_vacancies,
        service_arrivals=arrivals_per_vacancy * local_vacancies,
        seeking_arrivals=labour_arrivals * (1.0 - arrivals_employed_share),
        inactive_arrivals=out["working_age_in_migration"] * (1.0 - p.in_migrant_participation),
        mining_layoffs=labour.separations(out["desired_mining_employment"], s.mining_employment,
                                          labour.mining_layoff_time(p.layoff_time, f.soe_support,
                                                                    p.soe_layoff_slowdown)),
        successor_separations=labour.separations(out["desired_successor_employment"], s.successor_employment,
                                                 p.layoff_time),
        service_separations=labour.separations(desired_local, s.service_employment, p.layoff_time),
        mining_quits=p.job_separation_rate * s.mining_employment,
        successor_quits=p.job_separation_rate * s.successor_employment,
        service_quits=p.job_separation_rate * s.service_employment,
        job_quits=p.job_separation_rate * (s.mining_employment + s.successor_employment + s.service_employment),
        retraining=labour.retraining(f.retraining_capacity, s.laid_off_miners, p.retraining_enrolment_time),
        labour_force_entry=p.labour_force_entry_rate * s.inactive_working_age,
        discouraged_exits=p.discouraged_exit_rate * s.other_unemployed,
    )


def people_rates(s, a):
    """Net rates of the age groups and labour pools (thousand persons/yr): every person flow leaves one stock and enters another."""
    exit_rate = a["working_age_exit_rate"]
    return dict(
        children=a["births"] + a["children_net_migration"] - a["child_ageing"] - a["deaths_children"],
        inactive_working_age=a["child_ageing"] + a["inactive_arrivals"] + a["discouraged_exits"]
        - a["labour_force_entry"] - exit_rate * s.inactive_working_age,
        elderly=a["elderly_ageing"] + a["elderly_net_migration"] - a["deaths_elderly"],
        mining_employment=a["mining_hires_from_unemployed"] + a["mining_hires_from_laid_off"]
        + a["mining_arrivals"] - a["mining_layoffs"] - a["mining_quits"]
        - exit_rate * s.mining_employment,
        successor_employment=a["successor_hires_from_unemployed"] + a["successor_hires_from_retrained"]
        + a["successor_hires_from_local"] + a["successor_arrivals"] - a["successor_separations"] - a["successor_quits"]
        - exit_rate * s.successor_employment,
        service_employment=a["service_hires_from_unemployed"] + a["service_hires_from_laid_off"]
        + a["service_hires_from_retrained"] + a["service_arrivals"] - a["service_separations"] - a["service_quits"]
        - a["successor_hires_from_local"]
        - exit_rate * s.service_employment,
        laid_off_miners=a["mining_layoffs"] - a["mining_hires_from_laid_off"] - a["service_hires_from_laid_off"]
        - a["retraining"] - exit_rate * s.laid_off_miners,
        retrained_job_seekers=a["retraining"] - a["successor_hires_from_retrained"]
        - a["service_hires_from_retrained"] - exit_rate * s.retrained_job_seekers,
        other_unemployed=a["labour_force_entry"] + a["seeking_arrivals"] + a["job_quits"] + a["successor_separations"]
        + a["service_separations"] - a["mining_hires_from_unemployed"] - a["successor_hires_from_unemployed"]
        - a["service_hires_from_unemployed"] - a["discouraged_exits"] - exit_rate * s.other_unemployed,
    )
