"""Turn validated scenarios into arrays, integrate them as one batch, return Results.

Data flows one way: Scenario -> (initial state, parameters, lever schedules)
-> solver -> stock trajectories -> Results (auxiliaries and indicators).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from restrans.model.levers import LEVERS, LeverIndex
from restrans.model.parameters import PARAMETERS, ParameterIndex
from restrans.model.stocks import STOCKS, StockIndex
from restrans.model.system import derivatives
from restrans.sim.scenario.regions import load_region
from restrans.sim.engine.results import Results
from restrans.sim.scenario.schedules import LeverSchedules, PiecewiseLinear
from restrans.sim.engine.solver import solve


@dataclass(frozen=True)
class Batch:
    """Inputs of a batch of runs, ready for the solver.

    Attributes
    ----------
    initial_state : ndarray, shape (n_stocks, n_runs)
    parameters : ndarray, shape (n_parameters, n_runs)
    schedules : LeverSchedules
        Lever values over time, (n_levers, n_runs).
    run_names : list of str
    start, end : float
        Time horizon (yr), shared by all runs.
    output_times : ndarray
    method : str
    dt : float
    rtol, atol : float
    """

    initial_state: np.ndarray
    parameters: np.ndarray
    schedules: LeverSchedules
    run_names: list[str]
    start: float
    end: float
    output_times: np.ndarray
    method: str
    dt: float
    rtol: float
    atol: float


def region_arrays(region) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Initial state, parameters and 2025 lever values of a region preset (model defaults <- preset)."""
    state = np.array([stock.initial for stock in STOCKS], dtype=float)
    parameters = np.array([parameter.default for parameter in PARAMETERS], dtype=float)
    lever_values = np.array([lever.baseline for lever in LEVERS], dtype=float)
    for name, value in region.initial.items():
        state[StockIndex[name]] = value
    for name, value in region.parameters.items():
        parameters[ParameterIndex[name]] = value
    for name, value in region.levers.items():
        lever_values[LeverIndex[name]] = value
    return state, parameters, lever_values


def run_inputs(scenario) -> tuple[np.ndarray, np.ndarray, list[PiecewiseLinear]]:
    """Initial state, parameters and lever schedules of one scenario (defaults <- region <- scenario)."""
    state, parameters, lever_values = region_arrays(load_region(scenario.region))
    for name, value in scenario.initial.items():
        state[StockIndex[name]] = value
    for name, value in scenario.parameters.items():
        parameters[ParameterIndex[name]] = value
    schedules = [scenario.lever_schedule(lever.name, float(lever_values[index])) for index, lever in enumerate(LEVERS)]
    return state, parameters, schedules


def build_batch(scenarios: Sequence, run_names: Sequence[str] | None = None,
                method: str | None = None, dt: float | None = None) -> Batch:
    """Stack scenarios into one batch; all must share the time horizon and solver settings."""
    first = scenarios[0]
    for scenario in scenarios[1:]:
        if (scenario.time != first.time) or (scenario.solver != first.solver):
            raise ValueError(f"scenario '{scenario.name}' has other time or solver settings than '{first.name}'; "
                             "runs of one batch must share them")
    inputs = [run_inputs(scenario) for scenario in scenarios]
    schedules = LeverSchedules([[item[2][lever] for item in inputs] for lever in range(len(LEVERS))])
    return Batch(
        initial_state=np.stack([item[0] for item in inputs], axis=1),
        parameters=np.stack([item[1] for item in inputs], axis=1),
        schedules=schedules,
        run_names=list(run_names) if run_names is not None else [scenario.name for scenario in scenarios],
        start=float(first.time.start), end=float(first.time.end), output_times=first.output_times(),
        method=method or first.solver.method, dt=float(dt or first.solver.dt),
        rtol=float(first.solver.rtol), atol=float(first.solver.atol),
    )


def integrate(batch: Batch) -> np.ndarray:
    """Stock trajectories, shape (n_times, n_stocks, n_runs)."""
    parameters, schedules = batch.parameters, batch.schedules

    def right_hand_side(time, state):
        return derivatives(time, state, parameters, schedules.evaluate(time))

    return solve(right_hand_side, batch.initial_state, batch.start, batch.end, batch.output_times,
                 method=batch.method, dt=batch.dt, breakpoints=tuple(schedules.breakpoints(batch.start, batch.end)),
                 rtol=batch.rtol, atol=batch.atol)


def simulate_batch(batch: Batch) -> Results:
    """Integrate a batch and re-evaluate auxiliaries and indicators."""
    state = integrate(batch)
    levers = np.stack([batch.schedules.evaluate(time) for time in batch.output_times])
    return Results.from_state(batch.output_times, state, batch.parameters, levers, batch.run_names)


def simulate(scenarios: Sequence, run_names: Sequence[str] | None = None,
             method: str | None = None, dt: float | None = None) -> Results:
    """Run scenarios as one batch. See :func:`build_batch`."""
    return simulate_batch(build_batch(scenarios, run_names, method, dt))
