"""Labour and population sector (seed 七 十九–二十一, 十二).

People in thousand persons, flows in thousand persons/yr. The labour force is
the sum of the employment and job-seeker stocks; the inactive population
(children, retirees, others) is population minus labour force. Every outflow
is first order in the stock it leaves, so no pool can turn negative.
"""
from __future__ import annotations

import numpy as np

from restrans.model.functions import saturating_minimum


def hires_from_pool(vacancy_rate, pool, job_search_time):
    """Hires (thousand persons/yr) from a pool of job-seekers: the vacancy rate, capped smoothly at pool / search time."""
    return saturating_minimum(vacancy_rate, pool / job_search_time)


def vacancy_rate(desired_employment, employment, hiring_time, attrition):
    """Rate (thousand persons/yr) at which employers seek workers: replace expected attrition and close the gap.

    ``max(desired - employment + attrition * hiring_time, 0) / hiring_time``: at
    desired employment, hiring replaces retirements and departures (attrition,
    thousand persons/yr); a surplus larger than one hiring time of attrition
    stops hiring.
    """
    return np.maximum(desired_employment - employment + attrition * hiring_time, 0.0) / hiring_time


def separations(desired_employment, employment, adjustment_time):
    """Layoffs (thousand persons/yr) closing a surplus of workers over the adjustment time."""
    return np.maximum(employment - desired_employment, 0.0) / adjustment_time


def mining_layoff_time(layoff_time, soe_support, soe_layoff_slowdown):
    """Time (yr) to shed surplus mining workers, lengthened by SOE support."""
    return layoff_time * (1.0 + soe_layoff_slowdown * soe_support)


def retraining(retraining_capacity, laid_off_miners, retraining_enrolment_time):
    """Laid-off miners completing retraining (thousand/yr), limited by places and by the pool."""
    return saturating_minimum(retraining_capacity, laid_off_miners / retraining_enrolment_time)


def service_labour_demand(population, service_jobs_per_capita, income_per_capita, reference_income,
                          service_income_elasticity):
    """Service jobs demanded (thousand persons): local demand of residents, rising with income."""
    return service_jobs_per_capita * population * (income_per_capita / reference_income) ** service_income_elasticity


def migration_attractiveness(income_per_capita, national_income_per_capita, migration_income_sensitivity,
                             unemployment_rate, national_unemployment_rate, migration_unemployment_sensitivity,
                             environment_quality, national_environment_quality, migration_environment_sensitivity,
                             public_service_index, migration_service_sensitivity):
    """Attractiveness (1, 0 = like the nation) of the region to migrants."""
    return (migration_income_sensitivity * np.log(income_per_capita / national_income_per_capita)
            + migration_unemployment_sensitivity * (national_unemployment_rate - unemployment_rate)
            + migration_environment_sensitivity * (environment_quality - national_environment_quality)
            + migration_service_sensitivity * np.log(np.maximum(public_service_index, 1e-9)))


def income_per_capita(gdp, household_income_share, benefits, population):
    """Disposable income per resident (thousand CNY/person/yr): household share of GDP plus benefits."""
    return 1000.0 * (gdp * household_income_share + benefits) / np.maximum(population, 1e-9)
