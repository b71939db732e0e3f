"""Regional fertility: a city's birth rate from its own or its province's births per resident over the nation's.

Births in the model are the region's rate per working-age resident times the national fertility index
(``model.population.births``); the index carries the national trend (``fertility_index`` in
``model/data/drivers.csv``), the rate the region's level. That level is the mean, over the years with both
numbers, of the crude birth rate of the city's residents (rows ``crude_birth_rate`` of
``model/data/history.csv``), or of its province's where the city has none, divided by the national crude
birth rate of the same year (``national_crude_birth_rate`` of ``drivers.csv``). The table is a history file
as :func:`~restrans.sim.history.observations.load_observations` reads it, so rows tagged U are left out
unless asked for, as for every other number of a start state. Rates of the registered (hukou) population
(``crude_birth_rate_registered``: Jixi 2021, Yichun 2018), whose denominator counts the emigrants, are not
used (an indicator the reader reports and drops). The national rate of 2023
per working-age resident (the declared default of ``birth_rate``) times that level is the city's
``birth_rate``. The five type presets keep the national rate of 2023: with its cities' median level
(Heilongjiang's 0.51) the forest type's budget starts cutting spending about 2033, an onset whose Euler
error at the default step (2 % of the test's floor) exceeds the step-halving bound of
``tests/test_simulation.py``; typing the levels waits for that to be resolved.

ASSUMPTION: the ratio of crude rates stands for the ratio of births per working-age resident, which is lower
where the working-age share is higher (the north-east's by a few per cent); and the level is held over
time, though the north-east's fell relative to the nation's from 2010 to 2022, while a city's own rates are
those of a few years (Datong 2017 and 2022, its 2013 rate having no national rate beside it; Jiaozuo
2021-2022; Xuzhou 2022).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from restrans.model.parameters import PARAMETERS, ParameterIndex
from restrans.sim.scenario.driver_series import published_values

BIRTH_INDICATOR = "crude_birth_rate"
"""Indicator of the regional crude birth rate (per mille of residents) in the history table."""
NATIONAL_BIRTH_SERIES = "national_crude_birth_rate"
"""Series of the national crude birth rate (per mille) in ``drivers.csv``."""

CITY_PROVINCES: dict[str, str] = {
    "Fuxin": "Liaoning", "Huaibei": "Anhui", "Jiaozuo": "Henan", "Jixi": "Heilongjiang",
    "Hegang": "Heilongjiang", "Datong": "Shanxi", "Yangquan": "Shanxi", "Ordos": "Inner Mongolia",
    "Xuzhou": "Jiangsu", "Yichun": "Heilongjiang",
}
"""The province of each city of the data (administrative geography)."""


def _rates(table: pd.DataFrame, region: str) -> dict[int, float]:
    """Year -> mean crude birth rate (per mille) of ``region`` in the table."""
    rows = table[(table["city"] == region) & (table["indicator"] == BIRTH_INDICATOR)]
    return {int(year): float(values.mean()) for year, values in rows.groupby("year")["value"]}


def fertility_level(table: pd.DataFrame, city: str) -> tuple[float, str] | None:
    """The city's births per resident over the nation's (1), and the text of its source; None without data.

    The city's own crude birth rates are used if the table holds any in a year of the national series, else
    its province's (:data:`CITY_PROVINCES`).
    """
    national = published_values(NATIONAL_BIRTH_SERIES)
    for region in (city, CITY_PROVINCES.get(city)):
        rates = {year: rate for year, rate in _rates(table, region).items() if year in national} if region else {}
        if rates:
            ratios = [rate / national[year] for year, rate in sorted(rates.items())]
            years = ", ".join(f"{year} {rate:g}" for year, rate in sorted(rates.items()))
            kind = "the city's" if region == city else f"its province {region}'s"
            return float(np.mean(ratios)), (f"{kind} crude birth rate over the national one, mean of "
                                            f"{len(ratios)} year(s) (per mille: {years}; model/data/history.csv, "
                                            "model/data/drivers.csv)")
    return None


def national_birth_rate() -> float:
    """The national births per working-age resident of 2023 (1/yr): the declared default of ``birth_rate``."""
    return PARAMETERS[ParameterIndex.birth_rate].default


def set_birth_rate(table: pd.DataFrame, city: str, parameters: np.ndarray, sources: dict) -> None:
    """The city's birth rate: the national rate of 2023 x its fertility level, if the data give one."""
    level = fertility_level(table, city)
    if level is not None:
        parameters[ParameterIndex.birth_rate] = national_birth_rate() * level[0]
        sources["parameters.birth_rate"] = (f"national births per working-age resident of 2023 "
                                            f"({national_birth_rate():g}) x {level[0]:.3f}, {level[1]}")
