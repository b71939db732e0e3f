"""The scorecard: which targets a run meets, by how much, and the first year each is met.

The logic works on plain yearly trajectories (:func:`judge`), so it can be
tested on hand-made numbers; :func:`scorecard_frame` applies it to every run of
a batch. Margins are in the indicator's unit and positive when the target is
met (value above an ``at_least`` threshold, below an ``at_most`` one).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from restrans.model.indicators import CHANGE_INDICATORS
from restrans.sim.compare.targets import Target

_YEAR_TOLERANCE = 1e-6  # yr: an output time this close to a whole year counts as that year


@dataclass(frozen=True)
class Judgement:
    """Outcome of one target for one run.

    Attributes
    ----------
    value : float
        Indicator value at the target year (indicator unit).
    met : bool
        Whether the target is met in the target year.
    margin : float
        value - threshold (``at_least``) or threshold - value (``at_most``), indicator unit; >= 0 when met.
    first_year_met : int or None
        First whole year of the run in which the target is met, None if never.
    """

    value: float
    met: bool
    margin: float
    first_year_met: int | None


def margins(values: np.ndarray, threshold: float, direction: str) -> np.ndarray:
    """Signed distance to the threshold, positive when the target is met (indicator unit)."""
    values = np.asarray(values, dtype=float)
    if direction == "at_least":
        return values - threshold
    if direction == "at_most":
        return threshold - values
    raise ValueError(f"direction must be at_least or at_most, got {direction!r}")


def met_by_year(values, threshold: float, direction: str, indicator: str) -> np.ndarray:
    """Whether the target is met at each time (axis 0); a change-since-start indicator is never met at the start.

    Its start value is 0 (or a ratio of nothing) by definition, so meeting a target then would be by construction.
    """
    met = margins(values, threshold, direction) >= 0.0
    if indicator in CHANGE_INDICATORS:
        met[:1] = False
    return met


def judge(years: Sequence[int], values: Sequence[float], threshold: float, direction: str,
          target_year: int, indicator: str = "") -> Judgement:
    """Judge one target on a yearly trajectory.

    Parameters
    ----------
    years : sequence of int
        Whole years of the trajectory, increasing; must contain ``target_year``.
    values : sequence of float
        Indicator value in each year (indicator unit).
    threshold : float
        Threshold (indicator unit).
    direction : str
        ``"at_least"`` or ``"at_most"``.
    target_year : int
        Year at which the target is judged.
    indicator : str
        The indicator's name: a change-since-start indicator is never met in the first year.
    """
    years = [int(year) for year in years]
    distance = margins(values, threshold, direction)
    met_each_year = met_by_year(values, threshold, direction, indicator)
    index = years.index(int(target_year))
    first = next((year for year, met in zip(years, met_each_year) if met), None)
    return Judgement(value=float(np.asarray(values, dtype=float)[index]), met=bool(met_each_year[index]),
                     margin=float(distance[index]), first_year_met=first)


def yearly_indices(times: np.ndarray) -> tuple[list[int], np.ndarray]:
    """Whole years among the output times and their indices."""
    times = np.asarray(times, dtype=float)
    whole = np.abs(times - np.round(times)) <= _YEAR_TOLERANCE
    return [int(round(time)) for time in times[whole]], np.flatnonzero(whole)


SCORECARD_COLUMNS: tuple[str, ...] = (
    "region", "scenario", "target", "indicator", "unit", "year", "direction", "threshold", "status", "value",
    "met", "margin", "first_year_met")


def scorecard_frame(results, labels: Sequence[tuple[str, str]], targets: Sequence[Target]) -> pd.DataFrame:
    """Judge every target for every run.

    Parameters
    ----------
    results : restrans.sim.engine.results.Results
        Trajectories of the batch.
    labels : sequence of (region, scenario)
        One label per run, in run order.
    targets : sequence of Target

    Returns
    -------
    DataFrame
        One row per run and target (:data:`SCORECARD_COLUMNS`); ``status`` is ``met``, ``missed``,
        ``not applicable`` (no threshold for the region) or ``outside run`` (target year not simulated).
    """
    years, indices = yearly_indices(results.times)
    rows = []
    for run, (region, scenario) in enumerate(labels):
        for target in targets:
            threshold = target.threshold_for(region)
            row = {"region": region, "scenario": scenario, "target": target.identifier,
                   "indicator": target.indicator, "unit": target.unit, "year": target.year,
                   "direction": target.direction, "threshold": threshold, "status": "not applicable", "value": np.nan,
                   "met": None, "margin": np.nan, "first_year_met": None}
            if threshold is not None and target.year not in years:
                row["status"] = "outside run"
            elif threshold is not None:
                values = results.variables[target.indicator][indices, run]
                outcome = judge(years, values, threshold, target.direction, target.year, target.indicator)
                row.update(status="met" if outcome.met else "missed", value=outcome.value, met=outcome.met,
                           margin=outcome.margin, first_year_met=outcome.first_year_met)
            rows.append(row)
    frame = pd.DataFrame(rows, columns=list(SCORECARD_COLUMNS))
    frame["first_year_met"] = frame["first_year_met"].astype("Int64")
    return frame


def shortfall(margin: float, threshold: float) -> float:
    """Relative shortfall of a missed target: -margin / |threshold| (0 when met; 1 when threshold is 0)."""
    if margin >= 0:
        return 0.0
    return float(-margin / abs(threshold)) if threshold != 0 else 1.0


def ranking_frame(scorecard: pd.DataFrame, year: int = 2035) -> pd.DataFrame:
    """Per region and scenario: targets of ``year`` met, applicable, and the mean relative shortfall.

    The rank within a region orders scenarios by targets met (more first), then by
    mean relative shortfall over all applicable targets of ``year`` (smaller first).
    """
    judged = scorecard[(scorecard["year"] == year) & scorecard["status"].isin(["met", "missed"])].copy()
    judged["shortfall"] = [shortfall(m, t) for m, t in zip(judged["margin"], judged["threshold"])]
    judged["met_flag"] = judged["status"] == "met"
    order = list(dict.fromkeys(zip(scorecard["region"], scorecard["scenario"])))
    grouped = judged.groupby(["region", "scenario"], sort=False).agg(
        targets_met=("met_flag", "sum"), targets_judged=("met_flag", "size"), mean_shortfall=("shortfall", "mean"))
    grouped = grouped.reindex(pd.MultiIndex.from_tuples(order, names=["region", "scenario"]))
    grouped = grouped.fillna({"targets_met": 0, "targets_judged": 0}).reset_index()
    grouped[["targets_met", "targets_judged"]] = grouped[["targets_met", "targets_judged"]].astype(int)
    grouped["rank"] = 0
    for region, block in grouped.groupby("region", sort=False):
        ordered = block.sort_values(["targets_met", "mean_shortfall"], ascending=[False, True], kind="stable")
        grouped.loc[ordered.index, "rank"] = np.arange(1, len(ordered) + 1)
    return grouped
