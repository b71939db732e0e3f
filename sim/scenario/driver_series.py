"""National drivers of the past as data: annual series a scenario can give a driver lever.

``model/data/drivers.csv`` holds published national numbers, one row each,
with the columns of the history data (``series, unit, year, value,
source_url, tag, note``). :data:`DRIVER_SERIES` turns some of them into the
value of a driver lever by year, e.g. the thermal-coal price relative to
2018 for ``resource_price_index``. A scenario writes
``national_income_growth: {series: national_income_growth}``; the lever then takes
the year's value from 1 January to 31 December (a step each year) and keeps
the last year's value afterwards, the first year's before. Rows tagged U
are not used.
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from restrans import model

DRIVERS_FILE: Path = Path(model.__file__).parent / "data" / "drivers.csv"
"""The shipped national series (package data)."""


@dataclass(frozen=True)
class DriverSeries:
    """How a published series becomes a driver lever's value.

    Attributes
    ----------
    name : str
        The name a scenario writes after ``series:``.
    lever : str
        The driver lever it is meant for (``restrans describe levers``).
    source_series : tuple of str
        Series of ``drivers.csv`` read in order of preference: a year takes the
        first of them that has it.
    transform : {"percent", "ratio", "chain"}
        ``percent``: value / 100 (a rate in %); ``ratio``: value / the value in
        ``base_year`` (an index); ``chain``: an index chained from yearly
        growth rates in %, 1 in ``base_year`` (years without an unbroken chain
        of rates to the base are left out).
    base_year : int
        The year the index equals 1 (``ratio`` and ``chain``).
    doc : str
    per_series : str
        ``ratio`` only: a series of ``drivers.csv`` that divides the value of
        the same year before the ratio is taken (births per resident / the
        working-age share = births per working-age resident). The divisor is
        interpolated linearly between its published years and held at its
        first and last value beyond them: a slowly moving share whose surveys
        are sparser than the numerator. Empty: no divisor.
    """

    name: str
    lever: str
    source_series: tuple[str, ...]
    transform: str
    base_year: int = 0
    doc: str = ""
    per_series: str = ""


DRIVER_SERIES: dict[str, DriverSeries] = {series.name: series for series in (
    DriverSeries("coal_price_index", "resource_price_index", ("coal_price_qinhuangdao",), "ratio", 2018,
                 "Qinhuangdao thermal-coal spot price (annual average, BP via OWID) relative to 2018: 2018's price "
                 "(US$99/t, about 660 CNY/t) is the series' closest to the 2025 level that the presets' trend "
                 "price stands for."),
    DriverSeries("coal_output_index", "resource_demand_index", ("national_coal_output_growth",), "chain", 2010,
                 "National raw-coal output relative to 2010, chained from the published yearly changes (NBS, CNCA): "
                 "the demand the mines of a coal city serve. For history runs, whose start state is calibrated at "
                 "the start-year value, so its changes matter, not its level; not a path relative to 2025."),
    DriverSeries("national_income_growth", "national_income_growth",
                 ("national_gdp_per_capita_growth", "national_real_gdp_growth"), "percent", 0,
                 "Real growth of national GDP per head (NBS), else of GDP. ASSUMPTION: a proxy for the real growth "
                 "of disposable income per head, of which the data hold no annual series."),
    DriverSeries("national_real_gdp_growth", "national_output_growth",
                 ("national_real_gdp_growth", "national_gdp_per_capita_growth"), "percent", 0,
                 "Real growth of national GDP (NBS), else of GDP per head: the growth of the national market, and "
                 "the national deflator of city presets."),
    DriverSeries("national_productivity_growth", "national_productivity_growth",
                 ("national_gdp_per_capita_growth", "national_real_gdp_growth"), "percent", 0,
                 "Real growth of national GDP per head (NBS), else of GDP. ASSUMPTION: a proxy for output per "
                 "worker, since national employment was nearly flat (about +0.2 %/yr 2013-2017, NBS)."),
    DriverSeries("fertility_index", "fertility_index", ("national_crude_birth_rate",), "ratio", 2023,
                 "National births per working-age resident relative to 2023: the crude birth rate (NBS) divided by "
                 "the share of residents aged 15-64 of the same year (NBS), over the same quotient in 2023 "
                 "(6.39 per mille). The national change in fertility that every region's birth rate follows.",
                 per_series="national_working_age_share"),
)}
"""The driver series a scenario may name, by name."""


@functools.cache
def _published(path: str) -> dict[str, dict[int, float]]:
    """Series name -> year -> value of the rows of ``path`` not tagged U (the first row of a year wins)."""
    result: dict[str, dict[int, float]] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["tag"].strip() == "U":
                continue
            result.setdefault(row["series"], {}).setdefault(int(row["year"]), float(row["value"]))
    return result


def published_values(series: str, path: Path = DRIVERS_FILE) -> dict[int, float]:
    """Year -> published value of ``series`` in ``drivers.csv`` (rows tagged U left out; empty if absent)."""
    return dict(_published(str(path)).get(series, {}))


def series_values(name: str, path: Path = DRIVERS_FILE) -> dict[int, float]:
    """Year -> driver value (the lever's unit) of the driver series ``name``.

    Raises
    ------
    KeyError
        ``name`` is not in :data:`DRIVER_SERIES`.
    ValueError
        The data file has no usable row for it (or not the base year of an index).
    """
    definition = DRIVER_SERIES[name]
    published = _published(str(path))
    years: dict[int, float] = {}
    for source in reversed(definition.source_series):
        years.update(published.get(source, {}))
    if not years:
        raise ValueError(f"{path}: no rows of {', '.join(definition.source_series)} for driver series {name!r}")
    if definition.transform == "percent":
        return {year: value / 100.0 for year, value in sorted(years.items())}
    if definition.transform == "chain":
        return _chained(years, definition.base_year, name, path)
    if definition.per_series:
        years = {year: value / divisor for (year, value), divisor
                 in zip(years.items(), _interpolated(published, definition.per_series, list(years), name, path))}
    if definition.base_year not in years:
        raise ValueError(f"{path}: driver series {name!r} needs a {definition.base_year} value of "
                         f"{definition.source_series[0]}")
    base = years[definition.base_year]
    return {year: value / base for year, value in sorted(years.items())}


def _interpolated(published: dict[str, dict[int, float]], series: str, years: list[int], name: str,
                  path: Path) -> list[float]:
    """Values of ``series`` in ``years``: linear between its published years, flat beyond them."""
    known = published.get(series, {})
    if not known:
        raise ValueError(f"{path}: no rows of {series} (the divisor of driver series {name!r})")
    points = sorted(known.items())
    return [float(value) for value in np.interp(years, [year for year, _ in points], [value for _, value in points])]


def _chained(rates: dict[int, float], base_year: int, name: str, path: Path) -> dict[int, float]:
    """Index (1 in ``base_year``) from yearly growth rates in %: forward by each year's rate, back by the base's."""
    if base_year + 1 not in rates:
        raise ValueError(f"{path}: driver series {name!r} needs the {base_year + 1} growth rate to chain from "
                         f"{base_year}")
    index = {base_year: 1.0}
    year = base_year
    while year + 1 in rates:
        index[year + 1] = index[year] * (1.0 + rates[year + 1] / 100.0)
        year += 1
    year = base_year
    while year in rates:
        index[year - 1] = index[year] / (1.0 + rates[year] / 100.0)
        year -= 1
    return dict(sorted(index.items()))


def series_points(name: str, path: Path = DRIVERS_FILE) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Times [year] and values of the step function of ``name``: each year's value over that year.

    Missing years between two given ones keep the earlier value.
    """
    values = series_values(name, path)
    times: list[float] = []
    levels: list[float] = []
    for year, value in values.items():
        times += [float(year), float(year)] if times else [float(year)]
        levels += [levels[-1], value] if levels else [value]
    return tuple(times), tuple(levels)


def value_in(name: str, year: int, path: Path = DRIVERS_FILE) -> float:
    """The value of driver series ``name`` over ``year`` by the step rule of :func:`series_points`."""
    values = series_values(name, path)
    earlier = [known for known in values if known <= year]
    return values[max(earlier)] if earlier else values[min(values)]
