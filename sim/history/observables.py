"""What the model says about each observed series: the mapping from trajectories to the data's indicators.

Four series are fitted and validated (:data:`FITTED_INDICATORS`):

* ``population`` — registered (hukou) population, compared as a shape: the
  observed 2010 value x the model's registered population relative to 2010
  (residents plus the net out-migrants who keep their hukou; hukou counts run
  10-30 % above residents in shrinking cities, so levels differ by
  definition); plus the census resident population (``pop_resident_census``)
  as a level, 10k persons = model thousand / 10.
* ``real_gdp_index`` — GDP at constant prices relative to the start year,
  observed as the product of the published real growth rates (a chain that
  stops at the first missing year), so GDP level breaks do not enter; the
  model's counterpart values mining at the start year's price
  (:func:`real_gdp`).
* ``secondary_share`` — the observed share at the start of its unbroken span
  plus the model's change since then of the share of mining, processing and
  new industry in GDP (points). A span starts at the start year, and again at
  the first year after a documented break of the accounts
  (:data:`~restrans.sim.history.observations.STATISTICAL_BREAKS`): a revision
  of GDP moves the share too (Hegang 2013→2014: secondary value added −43 %,
  the rest of GDP +0.8 %), so levels on either side are not comparable.
  Construction and farming are in the model's local sector, so its
  level of the share is not the statistical one (see
  :mod:`restrans.sim.history.cities`). The statistical share is of GDP at
  current prices, the model's successor output is at constant prices, so the
  model's processing and new-industry output is valued at the national price
  of industrial products relative to consumer prices since the start
  (:func:`relative_industry_price`; mining is valued at the year's coal price
  already).
* ``coal_output`` — the city's raw coal output after the start year
  (``coal_output_raw``, 10k t) against the mines' extraction, as a level
  (10k t = model Mt x 100): it informs the mines' investment
  (``capacity_investment_rate``); a start-year output sizes the mines instead
  (:mod:`restrans.sim.history.secondary_sector`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from restrans.sim.scenario.driver_series import DRIVERS_FILE, published_values

FITTED_INDICATORS: dict[str, str] = {
    "population": "registered population (shape from 2010) and census residents, 10k persons",
    "real_gdp_index": "real GDP, index (start year = 1) chained from published real growth",
    "secondary_share": "secondary-industry share of GDP, %",
    "coal_output": "raw coal output, 10k t (the mines' extraction)",
}
"""The compared series and what each means."""
MT_IN_10K_T = 100.0
"""10k t (万吨, the unit of the output rows) in one Mt."""


def industry_share(auxiliaries: dict, relative_price=1.0) -> np.ndarray:
    """The model's share (1) of mining, processing and new industry in GDP, from :func:`~restrans.model.system.auxiliaries`.

    The counterpart of the statistical secondary share without construction (in the local sector).
    ``relative_price`` (1, broadcast against the auxiliaries) values processing and new-industry output at
    current relative prices (:func:`relative_industry_price`); 1 keeps the model's constant prices.
    """
    a = auxiliaries
    successor = (a["processing_output"] + a["new_industry_output"]) * relative_price
    other = a["gdp"] - a["processing_output"] - a["new_industry_output"]
    return (a["mining_value_added"] + successor) / (other + successor)


def relative_industry_price(times, start: int, path=None) -> np.ndarray:
    """Price of industrial products relative to consumer prices (1 in ``start``) at each of ``times``.

    The product over the years after ``start`` of (1 + national PPI change) / (1 + national CPI change),
    both from ``drivers.csv`` (``national_ppi_change``, ``national_cpi_change``, NBS full-year figures
    2011-2021): industrial prices fell for 54 months from March 2012, so the nominal secondary share fell
    while volumes held. Years past the data keep the last value (``times`` before ``start`` are 1).
    """
    file = DRIVERS_FILE if path is None else path
    producer, consumer = published_values("national_ppi_change", file), published_values("national_cpi_change", file)
    level, levels = 1.0, {start: 1.0}
    for year in range(start + 1, int(np.max(times)) + 1):
        if year in producer and year in consumer:
            level *= (1.0 + producer[year] / 100.0) / (1.0 + consumer[year] / 100.0)
        levels[year] = level
    return np.array([levels.get(int(np.floor(time)), 1.0) for time in times])


def real_gdp(auxiliaries: dict) -> np.ndarray:
    """GDP (bn CNY/yr) with mining valued at the resource price of the first time, from a trajectory of auxiliaries.

    The model's GDP values mining at the year's resource price; statistical real
    GDP values output at constant prices (a volume), so the real-growth index
    must not move with the coal price. Other sectors are already in constant
    2025 prices. ``auxiliaries`` are shaped (n_times, ...), the first time the base.
    """
    a = auxiliaries
    return a["gdp"] - a["mining_value_added"] * (1.0 - a["price"][:1] / a["price"])


def observed_value(rows: pd.DataFrame, city: str, indicator: str, year: int) -> float | None:
    """Mean of the rows of ``city``'s ``indicator`` in ``year`` of a history table, None if there is none."""
    selected = rows[(rows["city"] == city) & (rows["indicator"] == indicator) & (rows["year"] == year)]
    return float(selected["value"].mean()) if len(selected) else None


def observed_series(rows: pd.DataFrame, start: int, end: int, breaks: dict[str, set[int]] | None = None
                    ) -> pd.DataFrame:
    """The observations of one city that the fit compares, one row each.

    Parameters
    ----------
    rows : DataFrame
        The city's rows of a history file (columns ``indicator, year, value``).
    start, end : int
        Start year of the run and last year compared.
    breaks : dict of str to set of int, optional
        Years across a documented statistical break, per data indicator: they are left out, and the share
        starts a new span at the first year after them.

    Returns
    -------
    DataFrame
        ``indicator, source, year, observed, anchor_year, anchor``: a series compared as a change (the hukou
        shape, the real-GDP index, the share) is anchored at the observed ``anchor`` of ``anchor_year``, which
        is not itself compared; the census is a level (``anchor`` NaN).
    """
    breaks = breaks or {}

    def values(indicator):
        selected = rows[rows["indicator"] == indicator].groupby("year")["value"].mean()
        kept = (selected.index >= start) & (selected.index <= end) & ~selected.index.isin(breaks.get(indicator, ()))
        return selected[kept]

    records = []
    hukou = values("pop_registered")
    if start in hukou.index:
        records += [("population", "pop_registered", year, value, start, hukou[start])
                    for year, value in hukou.items() if year > start]
    records += [("population", "pop_resident_census", year, value, start, np.nan)
                for year, value in values("pop_resident_census").items() if year > start]
    growth = values("gdp_growth")
    index = 1.0
    for year in range(start + 1, end + 1):
        if year not in growth.index:
            break
        index *= 1.0 + growth[year] / 100.0
        records.append(("real_gdp_index", "gdp_growth", year, index, start, 1.0))
    records += _share_records(values("secondary_share_gdp"), start, breaks.get("secondary_share_gdp", set()))
    records += [("coal_output", "coal_output_raw", year, value, start, np.nan)
                for year, value in values("coal_output_raw").items() if year > start]
    return pd.DataFrame(records, columns=["indicator", "source", "year", "observed", "anchor_year", "anchor"])


def _share_records(share: pd.Series, start: int, broken: set[int]) -> list[tuple]:
    """Share observations in unbroken spans, each anchored at its first year (the start year, or the first
    year after the years of a break); a first span without its start-year value is not compared."""
    records, anchor_year, anchor, previous = [], None, np.nan, start
    if start in share.index:
        anchor_year, anchor = start, share[start]
    for year, value in share.items():
        if year <= start:
            continue
        if any(previous < broken_year < year for broken_year in broken):
            anchor_year = None
        if anchor_year is None:
            anchor_year, anchor = year, value
        else:
            records.append(("secondary_share", "secondary_share_gdp", year, value, anchor_year, anchor))
        previous = year
    return records


def simulated_values(observations: pd.DataFrame, times: np.ndarray, variables: dict) -> np.ndarray:
    """The model's value for each row of ``observations``, for a batch of runs.

    Parameters
    ----------
    observations : DataFrame
        From :func:`observed_series`.
    times : ndarray, shape (n_times,)
        Output years of the runs (whole years included).
    variables : dict of str to ndarray (n_times, n_runs)
        ``population`` and ``registered_population`` (thousand), ``gdp`` (bn CNY/yr), ``industry_share`` (1)
        and, for coal-output rows, ``extraction`` (Mt/yr; without it they are NaN).

    Returns
    -------
    ndarray, shape (n_observations, n_runs)
    """
    rows = np.searchsorted(times, observations["year"].to_numpy(dtype=float) - 1e-9)
    anchor_rows = np.searchsorted(times, observations["anchor_year"].to_numpy(dtype=float) - 1e-9)
    anchor = observations["anchor"].to_numpy(dtype=float)[:, None]
    source = observations["source"].to_numpy()[:, None]
    registered, gdp, share = variables["registered_population"], variables["gdp"], variables["industry_share"]
    extraction = variables.get("extraction", np.full_like(gdp, np.nan))
    with np.errstate(all="ignore"):
        return np.select(
            [source == "pop_registered", source == "pop_resident_census", source == "gdp_growth",
             source == "coal_output_raw"],
            [anchor * registered[rows] / registered[anchor_rows], variables["population"][rows] / 10.0,
             anchor * gdp[rows] / gdp[anchor_rows], MT_IN_10K_T * extraction[rows]],
            anchor + 100.0 * (share[rows] - share[anchor_rows]))
