"""Fixed-step Euler and RK4 over blocks of runs, with the blocked kernel (exact mode).

The steps of :mod:`restrans.sim.engine.fast_solver` — the same lever values,
the same stage arithmetic, the same failure rule — but :data:`LANES` runs at
a time in structure-of-arrays layout (one column per run), so the generated
``run_block`` (:mod:`restrans.model.graph.emit_blocked`) vectorises its
arithmetic across runs. Every run is bit-identical to the scalar kernel's
(a test checks every preset x scenario and batch sizes that are not a
multiple of the block). A batch whose size is not a multiple of
:data:`LANES` fills its last block with copies of its last run, computed and
dropped.
"""
from __future__ import annotations

import numpy as np

from restrans.model import compiled
from restrans.sim.engine.fast_solver import varying_lever_value

AVAILABLE = compiled.AVAILABLE
LANES: int = compiled.BLOCK_LANES if AVAILABLE else 16
"""Runs per block (a constant of the generated kernel)."""


def _set_block_levers(levers, evaluation, first_run, n_runs, tables):
    """The time-varying levers of the block's runs at evaluation ``evaluation``, into ``levers`` (n_levers, LANES)."""
    times, shared_index, shared_values, varying_index, point_times, point_values, counts = tables
    for k in range(shared_index.shape[0]):
        value = shared_values[evaluation, k]
        for lane in range(levers.shape[1]):
            levers[shared_index[k], lane] = value
    t = times[evaluation]
    for k in range(varying_index.shape[0]):
        for lane in range(levers.shape[1]):
            run = min(first_run + lane, n_runs - 1)
            levers[varying_index[k], lane] = varying_lever_value(k, run, t, varying_index, point_times, point_values,
                                                                 counts)


def _rk4_block_step(y, p, levers, first_run, n_runs, tables, step, dt, slope, total, stage, work):
    """One RK4 step of a block, lane by lane the arithmetic of ``fast_solver._rk4_step``."""
    half_dt, sixth_dt = 0.5 * dt, dt / 6.0
    _set_block_levers(levers, 2 * step, first_run, n_runs, tables)
    compiled.run_block(y, p, levers, slope, work)
    for i in range(y.shape[0]):
        for lane in range(y.shape[1]):
            total[i, lane] = slope[i, lane]
            stage[i, lane] = slope[i, lane] * half_dt + y[i, lane]
    _set_block_levers(levers, 2 * step + 1, first_run, n_runs, tables)
    for stage_scale in (half_dt, dt):
        compiled.run_block(stage, p, levers, slope, work)
        for i in range(y.shape[0]):
            for lane in range(y.shape[1]):
                total[i, lane] += slope[i, lane] * 2.0
                stage[i, lane] = slope[i, lane] * stage_scale + y[i, lane]
    _set_block_levers(levers, 2 * step + 2, first_run, n_runs, tables)
    compiled.run_block(stage, p, levers, slope, work)
    for i in range(y.shape[0]):
        for lane in range(y.shape[1]):
            total[i, lane] += slope[i, lane]
            y[i, lane] += total[i, lane] * sixth_dt


def _load_block(first_run, n_runs, initial_state, parameters, constant_levers, y, p, levers):
    for lane in range(y.shape[1]):
        run = min(first_run + lane, n_runs - 1)
        y[:, lane] = initial_state[run]
        p[:, lane] = parameters[run]
        levers[:, lane] = constant_levers[run]


def _record(out, record, y, first_run, n_runs, failed_at):
    """Stocks of the block's live runs at output ``record``; a run turning non-finite fails from here on."""
    for lane in range(y.shape[1]):
        run = first_run + lane
        if run >= n_runs or failed_at[lane] >= 0:
            continue
        finite = True
        for i in range(y.shape[0]):
            finite &= np.isfinite(y[i, lane])
        if finite:
            out[record, :, run] = y[:, lane]
        else:
            failed_at[lane] = record


def _integrate_blocks(start, stop, initial_state, parameters, constant_levers, tables, dt, n_steps, record_steps, rk4,
                      out):
    """Integrate blocks ``start`` … ``stop - 1``; their runs' stocks at ``record_steps`` go into ``out``."""
    n_runs, n_stocks = initial_state.shape
    lanes = compiled.BLOCK_LANES
    y, slope = np.empty((n_stocks, lanes)), np.empty((n_stocks, lanes))
    total, stage = np.empty((n_stocks, lanes)), np.empty((n_stocks, lanes))
    p, levers = np.empty((parameters.shape[1], lanes)), np.empty((constant_levers.shape[1], lanes))
    work = np.empty((compiled.BLOCK_WORK_ROWS, lanes))
    failed_at = np.empty(lanes, dtype=np.int64)
    for block in range(start, stop):
        first_run = block * lanes
        _load_block(first_run, n_runs, initial_state, parameters, constant_levers, y, p, levers)
        failed_at[:] = -1
        for lane in range(min(lanes, n_runs - first_run)):  # the initial state as given, like the scalar kernel
            out[0, :, first_run + lane] = y[:, lane]
        record = 1
        for step in range(n_steps):
            if rk4:
                _rk4_block_step(y, p, levers, first_run, n_runs, tables, step, dt, slope, total, stage, work)
            else:
                _set_block_levers(levers, step, first_run, n_runs, tables)
                compiled.run_block(y, p, levers, slope, work)
                for i in range(n_stocks):
                    for lane in range(lanes):
                        y[i, lane] += slope[i, lane] * dt
            if record < record_steps.shape[0] and step + 1 == record_steps[record]:
                _record(out, record, y, first_run, n_runs, failed_at)
                record += 1
        for lane in range(lanes):
            if first_run + lane < n_runs and failed_at[lane] >= 0:
                out[failed_at[lane]:, :, first_run + lane] = np.nan


if AVAILABLE:
    _inline = compiled.numba.njit(nogil=True, inline="always", error_model="numpy")
    _set_block_levers, _rk4_block_step, _load_block, _record = (
        _inline(function) for function in (_set_block_levers, _rk4_block_step, _load_block, _record))
    _kernel = compiled.cached_kernel(_integrate_blocks)


def integrate_blocks(initial_state, parameters, constant_levers, tables, dt, n_steps, record_steps, rk4, out,
                     threads: int = 1) -> None:
    """Run :func:`_integrate_blocks` over every block of the batch, ``threads`` at a time (arrays as in fast_solver)."""
    n_blocks = -(-initial_state.shape[0] // compiled.BLOCK_LANES)
    compiled.run_in_threads(_kernel, n_blocks, threads, initial_state, parameters, constant_levers, tables, dt,
                            n_steps, record_steps, rk4, out)
