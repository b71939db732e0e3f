"""Outcomes of a batch of runs, one number per run and column, from stock trajectories.

Columns: every indicator of :data:`restrans.model.indicators.INDICATORS` at 2025, 2030
and 2035 (``unemployment_rate_2035``), the peaks in :data:`PEAKS` with their
year (``peak_unemployment_rate``, ``peak_unemployment_rate_year``), and, when a
targets file is given, for each target that applies to the region the first
whole year it is met (``target_<id>_first_year``, NaN if never) and whether it
is met in its own year (``target_<id>_met``, 1 or 0). From stored
trajectories (:func:`compute_outcomes`), auxiliaries are re-evaluated from the
stocks at the whole years only, with the compiled equations when the backend
is ``compiled``; an outcomes-only sweep on the compiled engine instead gets
the variables of :func:`outcome_variables` at the whole years from the kernel
while it integrates, and :func:`outcomes_of_years` reduces them.
"""
from __future__ import annotations

import functools
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
                 backend: str, threads: int = 1, precision: str = "exact") -> dict[str, np.ndarray]:
    """Stocks and auxiliaries at some output times, each (n_selected_times, n_runs).

    Where a run has failed (every stock NaN) its auxiliaries are NaN too, even those that depend on
    parameters and levers only, as the compiled kernel reports them while it integrates.

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
    threads : int
        Threads of the compiled kernels.
    precision : str
        The compiled backend's blocked kernel, ``"fast"`` or ``"exact"`` (as the trajectories were integrated).
    """
    selected = state[times_index].transpose(1, 0, 2)
    levers = lever_values.transpose(1, 0, 2)
    with np.errstate(all="ignore"):  # failed runs are NaN; they are reported, not warned about
        if backend == "compiled":
            from restrans.sim.engine.blocked_solver import auxiliary_columns

            n_columns = selected.shape[1] * selected.shape[2]
            values = auxiliary_columns(np.ascontiguousarray(selected).reshape(selected.shape[0], n_columns),
                                       np.ascontiguousarray(parameters),
                                       np.ascontiguousarray(levers).reshape(levers.shape[0], n_columns), threads,
                                       precision == "fast")
            values = values.reshape((values.shape[0],) + selected.shape[1:])
            auxiliary = {name: values[index] for index, name in enumerate(AUXILIARIES)}
        else:
            from restrans.model.system import auxiliaries

            auxiliary = auxiliaries(selected, parameters[:, np.newaxis, :], levers)
    failed = np.isnan(selected).all(axis=0)  # a failed run's stocks are NaN from its failure on
    variables = {stock.name: selected[index] for index, stock in enumerate(STOCKS)}
    variables.update({name: np.where(failed, np.nan, values) for name, values in auxiliary.items()})
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
                     targets: Sequence = (), region: str = "", threads: int = 1,
                     precision: str = "exact") -> dict[str, np.ndarray]:
    """Every outcome column (:func:`outcome_columns`) as an array of shape (n_runs,), from stock trajectories.

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
    threads, precision
        As for :func:`variables_at`.
    """
    years, indices = whole_years(times)
    lever_values = np.stack([schedules.evaluate(float(time)) for time in np.asarray(times)[indices]])
    variables = variables_at(indices, state, parameters, lever_values, backend, threads, precision)
    return outcomes_of_years(years, variables, targets, region)


def with_indicators(years: np.ndarray, variables: dict) -> dict:
    """``variables`` (stocks and auxiliaries at the whole years, each (n_years, n_runs)) and every indicator."""
    variables = dict(variables)
    with np.errstate(all="ignore"):
        variables.update(compute_indicators(years, variables))
    return variables


def outcomes_of_years(years: np.ndarray, variables: dict, targets: Sequence = (), region: str = "") -> dict:
    """Every outcome column from the stocks and auxiliaries at the whole years, each (n_years, n_runs).

    ``variables`` needs at least :func:`outcome_variables`; the compiled engine accumulates exactly those while it
    integrates (:func:`restrans.sim.engine.fast_solver.integrate_years`), an outcomes-only sweep keeps no trajectory.
    """
    return outcomes_of_variables(years, with_indicators(years, variables), targets, region)


def outcomes_of_variables(years: np.ndarray, variables: dict, targets: Sequence = (), region: str = "") -> dict:
    """Every outcome column from :func:`with_indicators` at the whole years."""
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


class _RecordingReads(dict):
    """A mapping of every stock and auxiliary to a dummy array that records which names are read."""

    def __init__(self, names):
        super().__init__({name: np.ones((2, 1)) for name in names})
        self.read: set[str] = set()

    def __getitem__(self, name):
        self.read.add(name)
        return super().__getitem__(name)


@functools.lru_cache(maxsize=1)
def indicator_inputs() -> frozenset[str]:
    """The stocks and auxiliaries :func:`restrans.model.indicators.compute_indicators` reads.

    Found by running it once on a mapping that records its reads, so a new indicator needs no edit here.
    """
    reads = _RecordingReads([stock.name for stock in STOCKS] + list(AUXILIARIES))
    with np.errstate(all="ignore"):
        compute_indicators(np.array([0.0, 1.0]), reads)
    return frozenset(reads.read)


def outcome_variables(targets: Sequence = (), region: str = "", years: Sequence[float] = (),
                      yearly: Sequence[str] = ()) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(stocks, auxiliaries), in declaration order, that the outcome columns (and the stocks, auxiliaries or
    indicators ``yearly``) are computed from."""
    names = set(indicator_inputs()) | set(yearly)
    names |= {variable for variable, _kind, _prefix in PEAKS if variable not in INDICATORS}
    names |= {target.indicator for target in _applicable(targets, region, years) if target.indicator not in INDICATORS}
    return (tuple(stock.name for stock in STOCKS if stock.name in names),
            tuple(name for name in AUXILIARIES if name in names))


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
                      backend: str, threads: int = 1, precision: str = "exact") -> dict[str, np.ndarray]:
    """The named stocks, auxiliaries and indicators at every output time, each (n_runs, n_times)."""
    lever_values = np.stack([schedules.evaluate(float(time)) for time in times])
    variables = variables_at(np.arange(len(times)), state, parameters, lever_values, backend, threads, precision)
    if any(name in INDICATORS for name in names):
        with np.errstate(all="ignore"):
            variables.update(compute_indicators(np.asarray(times, dtype=float), variables))
    return {name: np.ascontiguousarray(variables[name].T) for name in names}
