"""Engine selection: the native numpy equations, or the Vensim twin run by PySD.

``simulate(scenarios, engine="pysd")`` and ``simulate_batch(batch, engine="pysd")``
return the same :class:`~restrans.sim.engine.results.Results` as :mod:`restrans.sim.engine.simulate`, so every
writer, report, comparison and sweep works on either engine. The PySD engine
runs the twin ``model/vensim/restrans.mdl`` once per run (a Python loop: PySD
has no batch axis), with every parameter, initial value and lever of the run
set from outside; a lever that varies in time is given as its values on the
Euler grid, so PySD sees exactly what the native Euler solver sees.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from restrans.model.indicators import compute_indicators
from restrans.model.levers import LEVERS
from restrans.model.parameters import PARAMETERS
from restrans.model.stocks import STOCKS
from restrans.model.system import auxiliaries as native_auxiliaries
from restrans.model.variables import AUXILIARIES
from restrans.sim.engine import pysd_engine
from restrans.sim.scenario.errors import InputError, did_you_mean
from restrans.sim.engine.results import Results
from restrans.sim.engine.simulate import Batch, build_batch
from restrans.sim.engine.solver_errors import SolverError

ENGINES: tuple[str, ...] = ("native", "pysd")
"""Engines of ``--engine``."""


def check_engine(engine: str, method: str, where: str = "--engine", key: str = "engine") -> None:
    """Raise :class:`InputError` unless ``engine`` is known and can integrate with ``method``.

    Parameters
    ----------
    engine : str
        One of :data:`ENGINES`.
    method : str
        The solver method the run would use.
    where : str
        File or argument that chose ``method``, named in the error.
    key : str
        Key naming the engine in the error.
    """
    if engine not in ENGINES:
        raise InputError("--engine", key, engine, f"one of: {', '.join(ENGINES)}", did_you_mean(engine, ENGINES))
    if engine == "pysd" and method != "euler":
        raise InputError(where, "solver.method", method,
                         "euler: PySD integrates with Euler only (use --method euler, or the native engine)")


def engine_provenance(engine: str) -> dict:
    """Manifest entries of an engine: its name, and for PySD its version and the twin file's SHA-256."""
    if engine != "pysd":
        return {"engine": engine}
    import hashlib

    from restrans.model.vensim import TWIN_PATH

    return {"engine": engine, "pysd_version": pysd_engine.version(),
            "twin": {"file": "model/vensim/restrans.mdl", "sha256": hashlib.sha256(TWIN_PATH.read_bytes()).hexdigest()}}


class TwinRunner:
    """The Vensim twin translated and loaded once; runs the runs of a batch one after another.

    Parameters
    ----------
    model_file : Path, optional
        The twin (default ``model/vensim/restrans.mdl``).
    cache : Path, optional
        Folder of PySD translations (default :func:`restrans.sim.engine.pysd_engine.cache_directory`).
    """

    def __init__(self, model_file: Path | None = None, cache: Path | None = None):
        from restrans.model.vensim import TWIN_PATH

        self.model = pysd_engine.load(TWIN_PATH if model_file is None else Path(model_file), cache)
        self.columns = [stock.name for stock in STOCKS] + list(AUXILIARIES)

    def run_constants(self, batch: Batch, run: int, grid: np.ndarray) -> dict:
        """Every constant of run ``run``: parameters, ``initial_<stock>`` values and levers.

        A lever constant on the grid is a number; otherwise a pandas Series of
        its values at the grid times (yr -> lever unit).
        """
        constants = {parameter.name: float(batch.parameters[index, run]) for index, parameter in enumerate(PARAMETERS)}
        constants.update({f"initial_{stock.name}": float(batch.initial_state[index, run])
                          for index, stock in enumerate(STOCKS)})
        schedules = batch.schedules.select(np.array([run]))
        samples = np.stack([schedules.evaluate(float(time))[:, 0] for time in grid])
        for index, lever in enumerate(LEVERS):
            path = samples[:, index]
            constants[lever.name] = float(path[0]) if np.all(path == path[0]) else pd.Series(path, index=grid)
        return constants

    def run_batch(self, batch: Batch) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Stocks (n_times, n_stocks, n_runs) and auxiliaries (name -> (n_times, n_runs)) of every run."""
        if batch.method != "euler":
            raise ValueError(f"PySD integrates with Euler only, not {batch.method!r}")
        grid = pysd_engine.grid_times(batch.start, batch.end, batch.dt)
        n_runs = batch.initial_state.shape[1]
        state = np.empty((batch.output_times.size, len(STOCKS), n_runs))
        auxiliaries = {name: np.empty((batch.output_times.size, n_runs)) for name in AUXILIARIES}
        saveper = float(np.min(np.diff(batch.output_times)))
        for run in range(n_runs):
            frame = pysd_engine.run(self.model, self.run_constants(batch, run, grid), {}, batch.start, batch.end,
                                    batch.dt, saveper, batch.output_times, self.columns)
            state[:, :, run] = frame[[stock.name for stock in STOCKS]].to_numpy(dtype=float)
            finite = np.isfinite(state[:, :, run]).all(axis=1)
            if not finite.all():
                raise SolverError(f"pysd failed at t={batch.output_times[np.argmin(finite)]} in run "
                                  f"'{batch.run_names[run]}': state became non-finite")
            for name in AUXILIARIES:
                auxiliaries[name][:, run] = frame[name].to_numpy(dtype=float)
        return state, auxiliaries


def _known(engine: str) -> None:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")


def twin_runner(cache: Path | None = None) -> TwinRunner:
    """The shared :class:`TwinRunner` of a translation folder (default :func:`restrans.sim.engine.pysd_engine.cache_directory`)."""
    return _twin_runner(str(pysd_engine.cache_directory() if cache is None else cache))


@lru_cache(maxsize=4)
def _twin_runner(cache: str) -> TwinRunner:
    return TwinRunner(cache=Path(cache))


def integrate(batch: Batch, engine: str = "native") -> np.ndarray:
    """Stock trajectories (n_times, n_stocks, n_runs) of a batch on either engine."""
    if engine == "native":
        from restrans.sim.engine.simulate import integrate as native_integrate

        return native_integrate(batch)
    _known(engine)
    return twin_runner().run_batch(batch)[0]


def simulate_batch(batch: Batch, engine: str = "native") -> Results:
    """Results of a batch on either engine.

    With ``engine="pysd"`` the stocks and every auxiliary come from PySD's
    run of the twin; the indicators are computed from them as for the native
    engine.
    """
    if engine == "native":
        from restrans.sim.engine.simulate import simulate_batch as native_simulate_batch

        return native_simulate_batch(batch)
    _known(engine)
    state, auxiliaries = twin_runner().run_batch(batch)
    levers = np.stack([batch.schedules.evaluate(float(time)) for time in batch.output_times])
    variables = {stock.name: state[:, index, :] for index, stock in enumerate(STOCKS)}
    native_order = native_auxiliaries(batch.initial_state, batch.parameters, levers[0])  # same column order
    variables.update({name: auxiliaries[name] for name in native_order})
    variables.update(compute_indicators(batch.output_times, variables))
    return Results(batch.output_times, state, batch.parameters, levers, list(batch.run_names), variables)


def simulate(scenarios: Sequence, run_names: Sequence[str] | None = None, method: str | None = None,
             dt: float | None = None, engine: str = "native") -> Results:
    """Run scenarios as one batch on ``engine``; for PySD the method must be Euler.

    Raises
    ------
    InputError
        Unknown engine, or a method PySD cannot integrate with (naming ``--method``
        or the scenario file that set it).
    """
    for scenario in scenarios:
        chosen = method or scenario.solver.method
        where = "--method" if method else (scenario.source_files[0] if scenario.source_files else "--engine")
        check_engine(engine, chosen, where)
    return simulate_batch(build_batch(scenarios, run_names, method, dt), engine)
