"""Fixed-step Euler and RK4 compiled with numba, run by run (the ``compiled`` engine of sweeps).

The same steps as :mod:`restrans.sim.engine.solver` — ``y += rhs * dt`` for Euler, the same
stage arithmetic for RK4, levers evaluated at the same times — but each run is
integrated from start to end on its own, its stocks, parameters and levers in
a few cache lines, by :mod:`restrans.model.compiled`'s equations. Runs are split across
threads (the kernel releases the GIL); each run is computed alone, so results
do not depend on the batch, the chunk or the thread count.

From one block of runs on (16), :func:`integrate` hands the batch to the
blocked kernel (:mod:`restrans.sim.engine.blocked_solver`), which gives the
same bits faster.

A run whose state becomes non-finite is not an error here: its remaining
output times are NaN and :func:`failed_runs` names the time, so the other runs
of the batch complete (a sweep records the failure).
"""
from __future__ import annotations

import numpy as np

from restrans.model import compiled
from restrans.model.compiled import N_AUXILIARIES
from restrans.sim.engine.schedule_rows import kernel_tables
from restrans.sim.scenario.schedules import LeverSchedules

AVAILABLE = compiled.AVAILABLE


def varying_lever_value(k, run, t, varying_index, point_times, point_values, counts):
    """Value at time ``t`` of the ``k``-th lever that differs between runs, for run ``run``.

    The arithmetic of ``restrans.sim.scenario.schedules._Padded.evaluate``,
    shared by the scalar and the blocked integrators so both see the same bits.
    """
    n_runs = point_times.shape[1] // max(varying_index.shape[0], 1)
    row = k * n_runs + run
    count = counts[row]
    index = -1
    for point in range(point_times.shape[0]):
        if point_times[point, row] <= t:
            index += 1
    lower = max(index, 0)
    upper = min(lower + 1, count - 1)
    value0 = point_values[lower, row]
    if index < 0 or index >= count - 1:
        return value0
    time0 = point_times[lower, row]
    return (point_values[upper, row] - value0) * (t - time0) / (point_times[upper, row] - time0) + value0


def _set_levers(levers, evaluation, run, tables):
    """Overwrite the time-varying levers of one run with their values at evaluation ``evaluation``."""
    times, shared_index, shared_values, varying_index, point_times, point_values, counts = tables
    for k in range(shared_index.shape[0]):
        levers[shared_index[k]] = shared_values[evaluation, k]
    t = times[evaluation]
    for k in range(varying_index.shape[0]):
        levers[varying_index[k]] = varying_lever_value(k, run, t, varying_index, point_times, point_values, counts)


def _rk4_step(y, p, levers, run, tables, step, dt, work, slope, total, stage):
    """One classic RK4 step of one run, with the stage arithmetic of :func:`restrans.sim.engine.solver._rk4_advance`."""
    half_dt, sixth_dt = 0.5 * dt, dt / 6.0
    _set_levers(levers, 2 * step, run, tables)
    compiled.run_derivatives(y, p, levers, work, slope)
    for i in range(y.shape[0]):
        total[i] = slope[i]
        stage[i] = slope[i] * half_dt + y[i]
    _set_levers(levers, 2 * step + 1, run, tables)
    for stage_scale in (half_dt, dt):
        compiled.run_derivatives(stage, p, levers, work, slope)
        for i in range(y.shape[0]):
            total[i] += slope[i] * 2.0
            stage[i] = slope[i] * stage_scale + y[i]
    _set_levers(levers, 2 * step + 2, run, tables)
    compiled.run_derivatives(stage, p, levers, work, slope)
    for i in range(y.shape[0]):
        total[i] += slope[i]
        y[i] += total[i] * sixth_dt


def _integrate_runs(start, stop, initial_state, parameters, constant_levers, tables, dt, n_steps, record_steps, rk4,
                    out):
    """Integrate runs ``start`` … ``stop - 1``; write their stocks at ``record_steps`` into ``out`` (time, stock, run)."""
    n_stocks = initial_state.shape[1]
    work, slope, total, stage = np.empty(N_AUXILIARIES), np.empty(n_stocks), np.empty(n_stocks), np.empty(n_stocks)
    y, levers = np.empty(n_stocks), np.empty(constant_levers.shape[1])
    for run in range(start, stop):
        y[:] = initial_state[run]
        levers[:] = constant_levers[run]
        p = parameters[run]
        out[0, :, run] = y
        record = 1
        for step in range(n_steps):
            if rk4:
                _rk4_step(y, p, levers, run, tables, step, dt, work, slope, total, stage)
            else:
                _set_levers(levers, step, run, tables)
                compiled.run_derivatives(y, p, levers, work, slope)
                for i in range(n_stocks):
                    y[i] += slope[i] * dt
            if record < record_steps.shape[0] and step + 1 == record_steps[record]:
                finite = True
                for i in range(n_stocks):
                    finite &= np.isfinite(y[i])
                if not finite:
                    break
                out[record, :, run] = y
                record += 1
        out[record:, :, run] = np.nan


if AVAILABLE:
    varying_lever_value, _set_levers, _rk4_step = (
        compiled.numba.njit(nogil=True, inline="always", error_model="numpy")(function)
        for function in (varying_lever_value, _set_levers, _rk4_step))
    _kernel = compiled.cached_kernel(_integrate_runs)


def _record_steps(times: np.ndarray, dt: float) -> np.ndarray:
    """Step index of every output time on the grid ``start + k * dt`` (validated like :mod:`restrans.sim.engine.solver`)."""
    quotients = (times - times[0]) / dt
    steps = np.rint(quotients)
    if np.any(np.abs(quotients - steps) > 1e-9 * np.maximum(1.0, np.abs(quotients))) or np.any(np.diff(steps) <= 0):
        raise ValueError(f"output times are not distinct whole numbers of dt={dt!r} after {times[0]!r}")
    return steps.astype(np.int64)


def evaluation_times(start: float, dt: float, n_steps: int, method: str) -> list[float]:
    """Times [year] at which the method evaluates the levers, computed as :mod:`restrans.sim.engine.solver` does.

    Euler: ``start + k * dt`` for each step; RK4: also ``start + (k + 0.5) * dt``
    and the step end, interleaved (index ``2k``, ``2k + 1``, ``2k + 2``).
    """
    if method == "euler":
        return [start + step * dt for step in range(n_steps)]
    times = []
    for step in range(n_steps):
        times += [start + step * dt, start + (step + 0.5) * dt]
    return times + [start + n_steps * dt]


KERNELS: tuple[str, ...] = ("auto", "scalar", "blocked")
"""Kernels :func:`integrate` can use: ``auto`` takes the blocked kernel for a batch of at least one block."""
PRECISIONS: tuple[str, ...] = ("exact", "fast")
"""``exact``: libm transcendentals, bit-identical to the scalar kernel; ``fast``: libmvec, within 1e-11 of numpy."""


def _check(method: str, kernel: str, precision: str) -> None:
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {KERNELS}, not {kernel!r}")
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
    if precision == "fast" and kernel == "scalar":
        raise ValueError("the scalar kernel is exact only; precision 'fast' runs on the blocked kernel")
    if not AVAILABLE:
        raise RuntimeError("the compiled engine needs numba: pip install 'restrans[fast]'")
    if method not in ("euler", "rk4"):
        raise ValueError(f"the compiled engine runs euler and rk4, not {method!r}")


def _kernel_arguments(initial_state, parameters, schedules, times, method, dt) -> tuple:
    """(initial state (run, stock), parameters (run, parameter), levers at the start (run, lever), lever tables,
    dt, n_steps, record_steps, rk4): the arguments every integrating kernel starts with."""
    start, dt = float(times[0]), float(dt)
    record_steps = _record_steps(times, dt)
    n_steps = int(record_steps[-1])
    evaluations = np.array(evaluation_times(start, dt, n_steps, method))
    tables = (evaluations, *kernel_tables(schedules, evaluations))
    return (np.ascontiguousarray(np.asarray(initial_state, dtype=np.float64).T),
            np.ascontiguousarray(np.asarray(parameters, dtype=np.float64).T),
            np.ascontiguousarray(schedules.evaluate(start).T), tables, dt, n_steps, record_steps, method == "rk4")


def integrate(initial_state: np.ndarray, parameters: np.ndarray, schedules: LeverSchedules,
              output_times: np.ndarray, method: str, dt: float, threads: int = 1, kernel: str = "auto",
              precision: str = "exact") -> np.ndarray:
    """Stock trajectories of a batch, shape (n_times, n_stocks, n_runs); runs that failed are NaN from then on.

    Parameters
    ----------
    initial_state : ndarray, shape (n_stocks, n_runs)
    parameters : ndarray, shape (n_parameters, n_runs)
    schedules : LeverSchedules
        Levers of the batch, (n_levers, n_runs).
    output_times : ndarray
        Times [year] to record, on the grid ``output_times[0] + k * dt``.
    method : {"euler", "rk4"}
    dt : float
        Step [year].
    threads : int
        Threads to split the runs across.
    kernel : {"auto", "scalar", "blocked"}
        The scalar kernel (one run at a time) or the blocked one (runs in blocks
        of 16, vectorised across runs; in exact mode bit-identical to the scalar kernel).
    precision : {"exact", "fast"}
        ``fast`` always runs the blocked kernel with libmvec transcendentals (a
        run's numbers then do not depend on the batch size either).
    """
    _check(method, kernel, precision)
    times = np.asarray(output_times, dtype=np.float64)
    n_stocks, n_runs = initial_state.shape
    out = np.empty((times.size, n_stocks, n_runs))
    arguments = _kernel_arguments(initial_state, parameters, schedules, times, method, dt) + (out,)
    if precision == "fast" or kernel == "blocked" or (kernel == "auto" and n_runs >= compiled.BLOCK_LANES):
        from restrans.sim.engine.blocked_solver import integrate_blocks

        integrate_blocks(*arguments, threads=threads, fast=precision == "fast")
    else:
        compiled.run_in_threads(_kernel, n_runs, threads, *arguments)
    return out


def integrate_years(initial_state: np.ndarray, parameters: np.ndarray, schedules: LeverSchedules,
                    output_times: np.ndarray, method: str, dt: float, year_records: np.ndarray,
                    stock_rows: np.ndarray, auxiliary_rows: np.ndarray, threads: int = 1,
                    precision: str = "exact") -> tuple[np.ndarray, np.ndarray]:
    """Selected stocks and auxiliaries at some output times, computed while integrating; no trajectory is kept.

    Parameters
    ----------
    initial_state, parameters, schedules, output_times, method, dt, threads, precision
        As for :func:`integrate` (always the blocked kernel).
    year_records : ndarray of int
        Indices of ``output_times`` to keep (increasing), e.g. the whole years.
    stock_rows, auxiliary_rows : ndarray of int
        Stocks (stock order) and auxiliaries (:class:`restrans.model.compiled.AuxiliaryIndex`) to keep.

    Returns
    -------
    (values, failed_record)
        ``values`` (n_kept_times, n_stocks_kept + n_auxiliaries_kept, n_runs), the stocks first, in each
        variable's unit, NaN from a run's failure on; ``failed_record`` (n_runs,) the index of the output
        time at which the run's state became non-finite (-1: it did not), as :func:`integrate` reports it.
    """
    _check(method, "blocked", precision)
    from restrans.sim.engine.blocked_solver import integrate_blocks_yearly

    times = np.asarray(output_times, dtype=np.float64)
    year_records = np.ascontiguousarray(year_records, dtype=np.int64)
    n_runs = initial_state.shape[1]
    stock_rows, auxiliary_rows = (np.ascontiguousarray(rows, dtype=np.int64) for rows in (stock_rows, auxiliary_rows))
    values = np.empty((year_records.size, stock_rows.size + auxiliary_rows.size, n_runs))
    failed_record = np.empty(n_runs, dtype=np.int64)
    year_tables = (times[year_records], *kernel_tables(schedules, times[year_records]))
    arguments = _kernel_arguments(initial_state, parameters, schedules, times, method, dt)
    integrate_blocks_yearly(*arguments, year_records, (year_tables, stock_rows, auxiliary_rows), values,
                            failed_record, threads=threads, fast=precision == "fast")
    return values, failed_record
