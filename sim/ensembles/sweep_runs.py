"""One chunk of a sweep: build its batch from the factor values, integrate it, compute its outcomes.

:func:`run_chunk` is what every executor (in-process, local processes, Dask
workers) calls; it depends only on its :class:`ChunkTask`, so a chunk gives the
same numbers wherever it runs. A run that cannot be built (an invalid
schedule) or whose state becomes non-finite is kept: its outcomes are NaN, its
``status`` is ``failed`` and ``failure_reason`` says why; the other runs of
the chunk complete.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from restrans.model.levers import LeverIndex
from restrans.model.parameters import ParameterIndex
from restrans.model.stocks import STOCKS, StockIndex
from restrans.sim.ensembles.outcomes import (compute_outcomes, outcome_variables, outcomes_of_variables,
                                             trajectory_values, whole_years, with_indicators)
from restrans.sim.engine.schedule_rows import replace_lever
from restrans.sim.scenario.schedules import LeverSchedules
from restrans.sim.scenario.regions import load_region
from restrans.sim.scenario.scenario_fields import apply_basis
from restrans.sim.engine.simulate import region_arrays, run_inputs

BACKENDS: tuple[str, ...] = ("auto", "compiled", "numpy", "pysd")
PRECISIONS: tuple[str, ...] = ("fast", "exact")
"""``--precision`` of sweeps, uncertainty and sensitivity (default first): the compiled engine's libmvec kernel
(within 1e-11 of the numpy equations) or its exact one (bit-identical to the scalar kernel)."""


def precision_record(backend: str, precision: str) -> dict:
    """Manifest entries of the precision: what ran the transcendentals, for the compiled backend."""
    if backend != "compiled":
        return {"precision": "exact", "transcendentals": f"libm ({backend} backend)"}
    from restrans.model import compiled

    library = compiled.VECTOR_LIBRARY if precision == "fast" else None
    return {"precision": precision, "transcendentals": library or "libm (scalar calls)"}


def resolve_backend(backend: str, method: str) -> str:
    """``compiled`` when numba is installed and the method is euler or rk4 (for ``auto``), else ``numpy``."""
    from restrans.sim.engine import fast_solver

    if backend == "auto":
        return "compiled" if fast_solver.AVAILABLE and method in ("euler", "rk4") else "numpy"
    return backend


@dataclass(frozen=True)
class RunPlan:
    """What every chunk of a sweep shares (sent with each task, so workers need no files).

    Attributes
    ----------
    base : restrans.sim.scenario.scenario.Scenario
    factors : tuple of restrans.sim.ensembles.factors.Factor
    backend : str
        ``compiled`` or ``numpy`` (resolved).
    targets : tuple of restrans.sim.compare.targets.Target
    trajectories : tuple of str
        Variables to return at every output time (empty: outcomes only).
    calibrate : bool
        Recalibrate the reference parameters to each run's 2025 state after the factors are set
        (:func:`restrans.sim.engine.calibration.calibrated_batch`), as the presets are calibrated.
    precision : str
        The compiled engine's ``fast`` (libmvec) or ``exact`` blocked kernel (:data:`PRECISIONS`); the numpy
        and PySD backends are exact whatever it says.
    yearly : tuple of str
        Variables to return at the whole years only, accumulated in the kernel (compiled backend, no
        ``trajectories``): what per-year sensitivity indices need.
    """

    base: object
    factors: tuple
    backend: str
    targets: tuple = ()
    trajectories: tuple = ()
    calibrate: bool = False
    precision: str = "fast"
    yearly: tuple = ()


@dataclass(frozen=True)
class ChunkTask:
    """Chunk ``index``: runs ``first_run`` … ``first_run + len(values) - 1`` with factor values (n, n_factors)."""

    plan: RunPlan
    index: int
    first_run: int
    values: np.ndarray
    threads: int = 1


@dataclass
class ChunkResult:
    """Outcomes (column -> (n,)), status and reasons per run, trajectories (name -> (n, n_times)) if asked."""

    index: int
    runs: np.ndarray
    outcomes: dict
    failure_reasons: list
    trajectories: dict = field(default_factory=dict)
    times: np.ndarray | None = None


_BASE_INPUTS: dict[str, tuple] = {}


def _base_inputs(base) -> tuple:
    """:func:`restrans.sim.engine.simulate.run_inputs` of the base scenario, read once per process (presets are files)."""
    key = json.dumps(base.resolved_dict(), sort_keys=True)
    if key not in _BASE_INPUTS:
        _BASE_INPUTS[key] = run_inputs(base)
    return _BASE_INPUTS[key]


_REGION_LEVERS: dict[str, np.ndarray] = {}


def _region_lever_value(base, lever: str) -> float:
    """The 2025 value of a lever in the base scenario's region (the base of a relative schedule; read once per
    process, presets are files)."""
    if base.region not in _REGION_LEVERS:
        _REGION_LEVERS[base.region] = region_arrays(load_region(base.region))[2]
    return float(_REGION_LEVERS[base.region][LeverIndex[lever]])


def _schedule_points(kind: str, fields: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points (times, values), each (n_points, n_runs), of a schedule kind from its fields; and which runs are valid.

    The same points as :mod:`restrans.sim.scenario.schedules` makes (``step``, ``ramp``, ``pulse``),
    e.g. a pulse ends at ``start + duration`` with value ``base + amount``.
    """
    if kind == "step":
        times, values = np.stack([fields["at"], fields["at"]]), np.stack([fields["before"], fields["after"]])
        valid = np.ones(times.shape[1], dtype=bool)
    elif kind == "ramp":
        times, values = np.stack([fields["start"], fields["end"]]), np.stack([fields["from"], fields["to"]])
        valid = fields["end"] > fields["start"]
    elif kind == "pulse":
        end, raised = fields["start"] + fields["duration"], fields["base"] + fields["amount"]
        times = np.stack([fields["start"], fields["start"], end, end])
        values = np.stack([fields["base"], raised, raised, fields["base"]])
        valid = (fields["duration"] > 0) & (end > fields["start"])
    else:
        values = fields["constant"][np.newaxis]
        times, valid = np.zeros_like(values), np.ones(values.shape[1], dtype=bool)
    valid &= np.isfinite(times).all(axis=0) & np.isfinite(values).all(axis=0)
    return times, values, valid


def build_chunk(plan: RunPlan, values: np.ndarray):
    """(initial state, parameters, LeverSchedules, build failures) of the runs with these factor values."""
    n_runs = values.shape[0]
    state0, parameters0, base_schedules = _base_inputs(plan.base)
    state = np.repeat(state0[:, np.newaxis], n_runs, axis=1)
    parameters = np.repeat(parameters0[:, np.newaxis], n_runs, axis=1)
    schedules = LeverSchedules([[schedule] for schedule in base_schedules]).select(np.zeros(n_runs, dtype=np.intp))
    schedule_fields: dict[str, list[tuple[str, int]]] = {}
    for column, factor in enumerate(plan.factors):
        target = factor.target
        if target.kind == "parameter":
            parameters[ParameterIndex[target.name]] = values[:, column]
        elif target.kind == "initial":
            state[StockIndex[target.name]] = values[:, column]
        elif target.kind == "lever":
            schedule_fields[target.name] = [("constant", column)]
        else:
            schedule_fields.setdefault(target.name, []).append((target.schedule_field, column))
    failures: dict[int, str] = {}
    for lever, fields in schedule_fields.items():
        base = plan.base.levers.get(lever)
        kind = fields[0][0] if fields[0][0] == "constant" else base.kind
        arrays = {} if kind == "constant" else {name: np.full(n_runs, float(value)) for name, value in
                                                 base.model_dump(by_alias=True)[kind].items()}
        arrays.update({name: values[:, column].astype(float) for name, column in fields})
        times, points, valid = _schedule_points(kind, arrays)
        if base is not None and kind != "constant":  # a relative schedule: values are on the region's 2025 value
            points = apply_basis(base.basis, points, _region_lever_value(plan.base, lever))
        for run in np.flatnonzero(~valid):  # e.g. a ramp whose end falls before its start
            failures[int(run)] = (f"invalid schedule of lever '{lever}': "
                                  f"{kind} {', '.join(f'{n}={arrays[n][run]:g}' for n in arrays)}")
        if not valid.all():  # the failed runs keep a valid placeholder; they are not results
            times[:, ~valid], points[:, ~valid] = times[:, valid][:, :1] if valid.any() else 0.0, 0.0
        schedules = replace_lever(schedules, LeverIndex[lever], times, points)
    if plan.calibrate:
        from restrans.sim.engine.calibration import calibrated_batch

        with np.errstate(all="ignore"):  # a run whose draw cannot be calibrated fails later with its reason
            parameters = calibrated_batch(state, parameters, schedules.evaluate(float(plan.base.time.start)))
    return state, parameters, schedules, failures


def _integrate(plan: RunPlan, state, parameters, schedules, threads: int) -> tuple[np.ndarray, dict[int, str]]:
    """Trajectories (n_times, n_stocks, n_runs) and the reason of each failed run."""
    base = plan.base
    times = base.output_times()
    if plan.backend == "compiled":
        from restrans.sim.engine import fast_solver

        with np.errstate(all="ignore"):
            trajectories = fast_solver.integrate(state, parameters, schedules, times, base.solver.method,
                                                 base.solver.dt, threads, precision=plan.precision)
        return trajectories, _non_finite_reasons(times, trajectories, base.solver.method)
    engine = "pysd" if plan.backend == "pysd" else "native"  # pysd: the Vensim twin, one PySD run per run
    return _integrate_isolating(plan, state, parameters, schedules, np.arange(state.shape[1]), engine)


def _non_finite_reasons(times, trajectories, method) -> dict[int, str]:
    failed = np.flatnonzero(~np.isfinite(trajectories).all(axis=(0, 1)))
    first = {int(run): int(np.flatnonzero(~np.isfinite(trajectories[:, :, run]).all(axis=1))[0]) for run in failed}
    return _failure_reasons(times, first, method)


def _failure_reasons(times, first_failed: dict[int, int], method) -> dict[int, str]:
    """The reason of each failed run, from the index of the output time at which its state became non-finite."""
    return {run: f"{method} failed at t={times[first]:g}: state became non-finite (after t={times[first - 1]:g})"
            for run, first in first_failed.items()}


def _outcomes_in_kernel(plan: RunPlan, state, parameters, schedules, failures: dict, threads: int):
    """Outcomes and failure reasons of an outcomes-only chunk on the compiled engine, without trajectories.

    The kernel keeps the variables of :func:`restrans.sim.ensembles.outcomes.outcome_variables` at the whole
    years; the outcomes are reduced from them exactly as from stored trajectories. Returns (outcomes, reasons,
    the plan's ``yearly`` variables, each (n_runs, n_years)).
    """
    from restrans.model.compiled import AuxiliaryIndex
    from restrans.sim.engine import fast_solver

    base = plan.base
    times = base.output_times()
    years, indices = whole_years(times)
    stocks, auxiliaries = outcome_variables(plan.targets, base.region, years, plan.yearly)
    with np.errstate(all="ignore"):
        values, failed_record = fast_solver.integrate_years(
            state, parameters, schedules, times, base.solver.method, base.solver.dt, indices,
            [StockIndex[name] for name in stocks], [AuxiliaryIndex[name] for name in auxiliaries], threads,
            plan.precision)
    values[:, :, list(failures)] = np.nan  # a run built with a fallback schedule is not a result
    variables = with_indicators(years, {name: values[:, row] for row, name in enumerate(stocks + auxiliaries)})
    reasons = _failure_reasons(times, {int(run): int(failed_record[run]) for run in np.flatnonzero(failed_record >= 0)},
                               base.solver.method)
    outcomes = outcomes_of_variables(years, variables, plan.targets, base.region)
    return outcomes, {**reasons, **failures}, {name: np.ascontiguousarray(variables[name].T) for name in plan.yearly}


def _integrate_isolating(plan, state, parameters, schedules, runs, engine="native") -> tuple[np.ndarray, dict[int, str]]:
    """Integrate with :mod:`restrans.sim.engine.solver` (or PySD on the twin); when the batch fails, halve it until the
    failing runs are alone."""
    from restrans.sim.engine.engines import integrate
    from restrans.sim.engine.simulate import Batch
    from restrans.sim.engine.solver_errors import SolverError

    base = plan.base
    batch = Batch(state[:, runs], parameters[:, runs], schedules.select(runs), [str(run) for run in runs],
                  float(base.time.start), float(base.time.end), base.output_times(), base.solver.method,
                  float(base.solver.dt), float(base.solver.rtol), float(base.solver.atol))
    try:
        with np.errstate(all="ignore"):
            return integrate(batch, engine), {}
    except SolverError as error:
        if runs.size == 1:
            shape = (len(batch.output_times), len(STOCKS), 1)
            return np.full(shape, np.nan), {0: str(error)}
    half = runs.size // 2
    first, first_reasons = _integrate_isolating(plan, state, parameters, schedules, runs[:half], engine)
    second, second_reasons = _integrate_isolating(plan, state, parameters, schedules, runs[half:], engine)
    reasons = {**first_reasons, **{half + run: reason for run, reason in second_reasons.items()}}
    return np.concatenate([first, second], axis=2), reasons


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Integrate one chunk and compute its outcomes (and trajectories if the plan asks for them)."""
    plan = task.plan
    state, parameters, schedules, failures = build_chunk(plan, task.values)
    runs = task.first_run + np.arange(task.values.shape[0])
    if plan.backend == "compiled" and not plan.trajectories:
        outcomes, reasons, yearly = _outcomes_in_kernel(plan, state, parameters, schedules, failures, task.threads)
        years = whole_years(plan.base.output_times())[0] if yearly else None
        return ChunkResult(task.index, runs, outcomes, [reasons.get(run, "") for run in range(len(runs))], yearly,
                           years)
    trajectories, solver_failures = _integrate(plan, state, parameters, schedules, task.threads)
    for run in failures:  # a run built with a fallback schedule is not a result
        trajectories[:, :, run] = np.nan
    reasons = {**solver_failures, **failures}
    times = plan.base.output_times()
    outcomes = compute_outcomes(times, trajectories, parameters, schedules, plan.backend, plan.targets,
                                plan.base.region, task.threads, plan.precision)
    result = ChunkResult(task.index, runs, outcomes, [reasons.get(run, "") for run in range(len(runs))])
    if plan.trajectories:
        result.trajectories = trajectory_values(times, trajectories, parameters, schedules, plan.trajectories,
                                                plan.backend, task.threads, plan.precision)
        result.times = times
    return result

