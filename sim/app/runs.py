"""The app's runs: one scenario at a time on the compiled engine (numba) when it is installed, else numpy.

A run of the app is a batch of one (:func:`restrans.sim.engine.simulate.build_batch`), integrated by
:func:`restrans.sim.engine.fast_solver.integrate` for the fixed-step methods when numba is there (about
0.1 ms for 2025-2035), otherwise by :func:`restrans.sim.engine.simulate.integrate`; the backend is chosen
as ``restrans sweep`` chooses it (:func:`restrans.sim.ensembles.sweep_runs.resolve_backend`). What the
page shows of a run is a :class:`RunSummary`: the key trajectories, the scorecard and the policy cost.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from restrans.sim.compare.scorecard import scorecard_frame
from restrans.sim.engine.results import Results, variable_units
from restrans.sim.engine.simulate import Batch, build_batch
from restrans.sim.ensembles.sweep_runs import resolve_backend
from restrans.sim.report.compare_plots import PERCENT, display

KEY_TRAJECTORIES: tuple[str, ...] = (
    "unemployment_rate", "population", "gdp", "successor_share", "damaged_land", "untreated_subsidence",
    "public_service_index", "local_debt",
)
"""Variables the app plots, in order; one the model does not have (yet) is left out."""

COST_VARIABLES: tuple[str, str, str] = ("cumulative_policy_cost", "cumulative_central_cost", "cumulative_local_cost")
"""Cumulative policy cost: total, central share, local share (bn CNY)."""

def integrate_batch(batch: Batch, backend: str) -> np.ndarray:
    """Stock trajectories (n_times, n_stocks, n_runs) of ``batch`` on ``backend`` (``compiled`` or ``numpy``)."""
    if backend == "compiled":
        from restrans.sim.engine import fast_solver

        return fast_solver.integrate(batch.initial_state, batch.parameters, batch.schedules, batch.output_times,
                                     batch.method, batch.dt)
    from restrans.sim.engine.simulate import integrate

    return integrate(batch)


def simulate_one(scenario, backend: str = "auto") -> Results:
    """Results of one validated scenario; ``backend`` ``auto`` takes the compiled engine where it can.

    Raises
    ------
    restrans.sim.engine.solver.SolverError
        The numpy solver failed; a compiled run that becomes non-finite returns NaN from then on.
    """
    resolved = resolve_backend(backend, scenario.solver.method)
    batch = build_batch([scenario])
    with np.errstate(all="ignore"):
        state = integrate_batch(batch, resolved)
    levers = np.stack([batch.schedules.evaluate(float(time)) for time in batch.output_times])
    return Results.from_state(batch.output_times, state, batch.parameters, levers, batch.run_names)


def display_scale(name: str) -> float:
    """Factor from a variable's model unit to the unit shown (100 for shares shown in percent, as in the report)."""
    return 100.0 if name in PERCENT else 1.0


def display_unit(name: str) -> str:
    """The unit a variable is shown in: ``%`` or ``%/yr`` for shares and rates, else its declared unit."""
    return display(name)[1] if name in PERCENT else variable_units().get(name, "")


@dataclass(frozen=True)
class RunSummary:
    """What the page shows of one run.

    Attributes
    ----------
    label : str
        Name of the run on the page (``current``, ``baseline``, ``pin 1`` ...).
    years : ndarray, shape (n_times,)
        Output times (yr).
    trajectories : dict of str to ndarray (n_times,)
        Key trajectories in model units, only those the model has.
    scorecard : list of dict
        One entry per target applicable to the region: ``target``, ``indicator``, ``year``, ``direction``,
        ``threshold``, ``value``, ``met``, ``first_year_met`` (indicator units).
    costs : dict of str to float
        Cumulative policy cost at the end of the run: ``total``, ``central``, ``local`` (bn CNY).
    levers : dict of str to float
        Every lever's value at the end of the run (lever units).
    """

    label: str
    years: np.ndarray
    trajectories: dict
    scorecard: list
    costs: dict
    levers: dict


def summarise(results: Results, label: str, region: str, targets, extra: tuple[str, ...] = ()) -> RunSummary:
    """The :class:`RunSummary` of the first run of ``results`` in ``region`` against ``targets``.

    ``extra`` names variables kept besides :data:`KEY_TRAJECTORIES` (those lessons ask to watch).
    """
    from restrans.model.levers import LEVERS

    trajectories = {name: np.array(results.variables[name][:, 0]) for name in dict.fromkeys(KEY_TRAJECTORIES + extra)
                    if name in results.variables}
    frame = scorecard_frame(results, [(region, label)], targets)
    judged = frame[frame["status"].isin(["met", "missed"])]
    scorecard = [{"target": row.target, "indicator": row.indicator, "year": int(row.year),
                  "direction": row.direction, "threshold": float(row.threshold), "value": float(row.value),
                  "met": bool(row.met),
                  "first_year_met": None if row.first_year_met is None or row.first_year_met is np.nan
                  or str(row.first_year_met) == "<NA>" else int(row.first_year_met)}
                 for row in judged.itertuples(index=False)]
    total, central, local = (float(results.variables[name][-1, 0]) if name in results.variables else float("nan")
                             for name in COST_VARIABLES)
    levers = {lever.name: float(results.levers[-1, index, 0]) for index, lever in enumerate(LEVERS)}
    return RunSummary(label, np.array(results.times), trajectories, scorecard,
                      {"total": total, "central": central, "local": local}, levers)
