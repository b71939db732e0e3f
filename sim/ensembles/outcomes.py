"""Outcomes of a batch of runs, one number per run and column, from stock trajectories.

Columns: every indicator of :data:`restrans.model.indicators.INDICATORS` at 2025, 2030
and 2035 (``unemployment_rate_2035``), the peaks in :data:`PEAKS` with their
year (``peak_unemployment_rate``, ``peak_unemployment_rate_year``), and, when a
targets file is given, for each target that applies to the region the first
whole year it is met (``target_<id>_first_year``, NaN if never) and whether it
is met in its own year (``target_<id>_met``, 1 or 0). Auxiliaries are
re-evaluated from the stocks at the whole years only, with the compiled
equations when the backend is ``compiled``.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from restrans.model.indicators import INDICATORS, compute_indicators
from restrans.model.stocks import STOCKS
from restrans.model.variables import AUXILIARIES
from restrans.sim.engine.results import MILESTONE_YEARS

PEAKS: tuple[tuple[str, str, str], ...] = (
    # (variable, "max" or "min", column prefix): over the whole years of the run
    ("unemployment_rate", "max", "peak"),
    ("laid_off_miners", "max", "peak"),
    ("job_seekers", "max", "peak"),
    ("untreated_subsidence", "max", "peak"),
    ("gdp", "min", "trough"),
    ("population", "min", "trough"),
)
"""Peaks and troughs reported per run, with the whole year in which they occur."""

_YEAR_TOLERANCE = 1e-6


def whole_years(times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(years, indices) of the output times that are whole years."""
    times = np.asarray(times, dtype=float)
    indices = np.flatnonzero(np.abs(times - np.round(times)) <= _YEAR_TOLERANCE)
    return np.round(times[indices]), indices


def variables_at(times_index: np.ndarray, state: np.ndarray, parameters: np.ndarray, lever_values: np.ndarray,
                 backend: str, threads: int = 1) -> dict[str, np.ndarray]:
    """Stocks and auxiliaries at some output times, each (n_selected_times, n_runs).

    Parameters
    ----------
    times_index : ndarray of int
        Indices into the time axis of ``state``.
    state : ndarray, shape (n_times, n_stocks, n_runs)
    parameters : ndarray, shape (n_parameters, n_runs)
    lever_values : ndarray, shape (n_selected_times, n_levers, n_runs)
        Levers at the selected times.
    backend : str
        ``"compiled"`` (numba) or ``"numpy"``.
    """
    selected = state[times_index].transpose(1, 0, 2)
    levers = lever_values.transpose(1, 0, 2)
    with np.errstate(all="ignore"):  # failed runs are NaN; they are reported, not warned about
        if backend == "compiled":
            from restrans.model import compiled

            values = compiled.auxiliary_array(selected, parameters[:, np.newaxis, :], levers, threads)
            auxiliary = {name: values[index] for index, name in enumerate(AUXILIARIES)}
        else:
            from restrans.model.system import auxiliaries

            auxiliary = auxiliaries(selected, parameters[:, np.newaxis, :], levers)
    variables = {stock.name: selected[index] for index, stock in enumerate(STOCKS)}
    variables.update(auxiliary)
    return variables


def outcome_columns(years: Sequence[float], targets: Sequence = (), region: str = "") -> list[str]:
    """Names of the outcome columns, in order, for runs covering ``years``."""
    milestones = [int(year) for year in MILESTONE_YEARS if year in set(years)]
    columns = [f"{name}_{year}" for name in INDICATORS for year in milestones]
    for variable, _kind, prefix in PEAKS:
        columns += [f"{prefix}_{variable}", f"{prefix}_{variable}_year"]
    for target in _applicable(targets, region, years):
        columns += [f"target_{target.identifier}_first_year", f"target_{target.identifier}_met"]
    return columns


def _applicable(targets: Sequence, region: str, years: Sequence[float]) -> list:
    year_set = {int(year) for year in years}
    return [target for target in targets if target.threshold_for(region) is not None and target.year in year_set]


def compute_outcomes(times: np.ndarray, state: np.ndarray, parameters: np.ndarray, schedules, backend: str,
                     targets: Sequence = (), region: str = "", threads: int = 1) -> dict[str, np.ndarray]:
    """Every outcome column (:func:`outcome_columns`) as an array of shape (n_runs,).

    Parameters
    ----------
    times : ndarray, shape (n_times,)
        Output times (yr), containing every whole year of the run.
    state : ndarray, shape (n_times, n_stocks, n_runs)
        Stock trajectories (NaN after a run failed).
    parameters : ndarray, shape (n_parameters, n_runs)
    schedules : restrans.sim.scenario.schedules.LeverSchedules
    backend : str
        ``"compiled"`` or ``"numpy"`` (how auxiliaries are re-evaluated).
    targets : sequence of restrans.sim.compare.targets.Target
    region : str
        Region preset of the runs (per-region thresholds).
    """
    years, indices = whole_years(times)
    lever_values = np.stack([schedules.evaluate(float(time)) for time in np.asarray(times)[indices]])
    variables = variables_at(indices, state, parameters, lever_values, backend, threads)
    with np.errstate(all="ignore"):
        variables.update(compute_indicators(years, variables))
    columns: dict[str, np.ndarray] = {}
    position = {int(year): index for index, year in enumerate(years)}
    for name in INDICATORS:
        for year in MILESTONE_YEARS:
            if int(year) in position:
                columns[f"{name}_{int(year)}"] = variables[name][position[int(year)]]
    for variable, kind, prefix in PEAKS:
        values = variables[variable]
        finite = np.isfinite(values).all(axis=0)
        where = np.argmax(values, axis=0) if kind == "max" else np.argmin(values, axis=0)
        columns[f"{prefix}_{variable}"] = np.where(finite, np.take_along_axis(values, where[None], 0)[0], np.nan)
        columns[f"{prefix}_{variable}_year"] = np.where(finite, years[where], np.nan)
    columns.update(_target_columns(years, variables, targets, region))
    return columns


def _target_columns(years: np.ndarray, variables: dict, targets: Sequence, region: str) -> dict[str, np.ndarray]:
    """First year met and met-in-its-year of each applicable target, judged as the scorecard judges."""
    from restrans.sim.compare.scorecard import met_by_year

    columns = {}
    for target in _applicable(targets, region, years):
        values = variables[target.indicator]
        finite = np.isfinite(values).all(axis=0)
        met = met_by_year(values, target.threshold_for(region), target.direction, target.indicator)
        first = np.where(met.any(axis=0), years[np.argmax(met, axis=0)], np.nan)
        in_year = met[int(np.flatnonzero(years == target.year)[0])].astype(float)
        columns[f"target_{target.identifier}_first_year"] = np.where(finite, first, np.nan)
        columns[f"target_{target.identifier}_met"] = np.where(finite, in_year, np.nan)
    return columns


def trajectory_values(times: np.ndarray, state: np.ndarray, parameters: np.ndarray, schedules, names: Sequence[str],
                      backend: str, threads: int = 1) -> dict[str, np.ndarray]:
    """The named stocks, auxiliaries and indicators at every output time, each (n_runs, n_times)."""
    lever_values = np.stack([schedules.evaluate(float(time)) for time in times])
    variables = variables_at(np.arange(len(times)), state, parameters, lever_values, backend, threads)
    if any(name in INDICATORS for name in names):
        with np.errstate(all="ignore"):
            variables.update(compute_indicators(np.asarray(times, dtype=float), variables))
    return {name: np.ascontiguousarray(variables[name].T) for name in names}
