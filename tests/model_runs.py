"""Helpers for tests: integrate raw arrays with constant levers (no scenario files)."""
from __future__ import annotations

import numpy as np

from restrans.model.parameters import PARAMETERS
from restrans.model.stocks import STOCK_NAMES
from restrans.model.system import auxiliaries, derivatives
from restrans.sim.engine.solver import solve


def run_arrays(state, parameters, levers, years=10.0, dt=1.0 / 16.0, method="euler", saveper=None):
    """Integrate with constant levers; returns (times, trajectories (n_times, n_stocks, n_runs))."""
    saveper = dt if saveper is None else saveper
    times = 2025.0 + np.arange(0, round(years / saveper) + 1) * saveper
    trajectory = solve(lambda t, y: derivatives(t, y, parameters, levers), state, 2025.0, 2025.0 + years,
                       times, method=method, dt=dt, rtol=1e-10, atol=1e-10)
    return times, trajectory


def auxiliaries_over_time(trajectory, parameters, levers):
    """Auxiliaries at every saved time: dict name -> (n_times, n_runs)."""
    n_times, n_stocks, n_runs = trajectory.shape
    flat = trajectory.transpose(1, 0, 2).reshape(n_stocks, -1)
    values = auxiliaries(flat, np.tile(parameters, (1, n_times)), np.tile(levers, (1, n_times)))
    return {name: value.reshape(n_times, n_runs) for name, value in values.items()}


def stock(trajectory, name):
    """Trajectory of one stock, (n_times, n_runs)."""
    return trajectory[:, STOCK_NAMES.index(name), :]


def random_parameters(rng, n_runs):
    """Parameters drawn uniformly inside their declared bounds (log-uniform for wide positive ranges)."""
    columns = []
    for parameter in PARAMETERS:
        low, high = parameter.lower, parameter.upper
        if low > 0 and high / low > 100:
            columns.append(np.exp(rng.uniform(np.log(low), np.log(high), n_runs)))
        else:
            columns.append(rng.uniform(low, high, n_runs))
    return np.array(columns)
