"""Population by age (seed 十二): births, ageing, deaths and migration of three age groups.

People in thousand persons, flows in thousand persons/yr. Children (0-14),
working-age residents (15-64, split in the labour pools and the inactive) and
the elderly (65+) age from one group to the next; migration rates are equal in
both directions when the region is as attractive as the nation, and fall
mostly on working-age residents.
"""
from __future__ import annotations

import numpy as np


def migration_attractiveness(income_per_capita, national_income_per_capita, migration_income_sensitivity,
                             unemployment_rate, national_unemployment_rate, migration_unemployment_sensitivity,
                             environment_quality, national_environment_quality, migration_environment_sensitivity,
                             public_service_index, migration_service_sensitivity):
    """Attractiveness (1) of the region to migrants: 0 when income, jobs, environment and services equal the nation's."""
    return (migration_income_sensitivity * np.log(income_per_capita / national_income_per_capita)
            + migration_unemployment_sensitivity * (national_unemployment_rate - unemployment_rate)
            + migration_environment_sensitivity * (environment_quality - national_environment_quality)
            + migration_service_sensitivity * np.log(np.maximum(public_service_index, 1e-9)))


def saturated_attractiveness(attractiveness, limit):
    """``limit x tanh(attractiveness / limit)`` (1): linear near 0, never beyond +-limit.

    tanh is written ``1 - 2 / (exp(2 x) + 1)`` with the exponent capped at 50
    (where tanh is already 1 in double precision).
    """
    exponent = np.minimum(2.0 * attractiveness / limit, 50.0)
    return limit * (1.0 - 2.0 / (np.exp(exponent) + 1.0))


def migration_rate(base_migration_rate, attractiveness, direction):
    """Gross migration per working-age resident (1/yr); other age groups move at a declared relative rate.

    ``base x exp(direction x attractiveness)``, direction +1 for in-migration
    and -1 for out-migration, so both are equal (net migration zero) when
    attractiveness is 0.
    """
    return base_migration_rate * np.exp(direction * attractiveness)


def births(birth_rate, fertility_index, working_age_population):
    """Births (thousand persons/yr): the region's rate per working-age resident x the national fertility trend.

    ``birth_rate`` (1/yr) is the region's level at the fertility of 2023 (a
    city's own or its province's births per resident relative to the
    nation's, ``sim/history/fertility.py``); the driver
    ``fertility_index`` (1) carries the national change over time (11.9 per
    mille of residents in 2010, 6.4 in 2023), the same for every region.
    Births are counted on the working-age group, where the mothers are.
    """
    return birth_rate * fertility_index * working_age_population
