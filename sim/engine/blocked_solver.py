"""Fixed-step Euler and RK4 over blocks of runs, with the blocked kernels (exact or fast mode).

The steps of :mod:`restrans.sim.engine.fast_solver` — the same lever values,
the same stage arithmetic, the same failure rule — but :data:`LANES` runs at
a time in structure-of-arrays layout: one flat block array per block
(:class:`restrans.model.graph.emit_blocked.BlockLayout`: rows of LANES runs
for the stocks, parameters, levers, rates and the kernel's work values), so the generated
``run_block_<precision>`` (:mod:`restrans.model.graph.emit_blocked`)
vectorises its arithmetic across runs. In exact mode every run is
bit-identical to the scalar kernel's (a test checks every preset x scenario
and batch sizes that are not a multiple of the block); in fast mode the
transcendentals are libmvec's, within 1e-11 of the numpy equations. Lanes
never mix, so a run's result does not depend on the other runs of its block,
the batch, the chunk or the threads in either mode.

:func:`integrate_blocks_yearly` keeps no trajectory: at each whole year it
evaluates the block's auxiliaries (``block_auxiliaries_<precision>``) and
keeps only the stocks and auxiliaries an outcomes-only sweep needs. A batch whose size is not a multiple of
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


def _set_block_levers(b, evaluation, first_run, n_runs, tables):
    """The time-varying levers of the block's runs at evaluation ``evaluation``, into their rows of ``b``."""
    times, shared_index, shared_values, varying_index, point_times, point_values, counts = tables
    lanes, first_row = compiled.BLOCK_LANES, compiled.BLOCK_LEVER_ROW
    for k in range(shared_index.shape[0]):
        value = shared_values[evaluation, k]
        row = (first_row + shared_index[k]) * lanes
        for lane in range(lanes):
            b[row + lane] = value
    t = times[evaluation]
    for k in range(varying_index.shape[0]):
        row = (first_row + varying_index[k]) * lanes
        for lane in range(lanes):
            run = min(first_run + lane, n_runs - 1)
            b[row + lane] = varying_lever_value(k, run, t, varying_index, point_times, point_values, counts)


def _block_rates(fast, b):
    """Rates of the block's stocks into its output rows, with the fast (libmvec) or the exact kernel."""
    if fast:
        compiled.run_block_fast(b)
    else:
        compiled.run_block_exact(b)


def _block_auxiliaries(fast, b):
    """Every auxiliary of the block into its output rows, fast or exact."""
    if fast:
        compiled.block_auxiliaries_fast(b)
    else:
        compiled.block_auxiliaries_exact(b)


def _rk4_block_step(b, y, first_run, n_runs, tables, step, dt, fast, total):
    """One RK4 step of a block, lane by lane the arithmetic of ``fast_solver._rk4_step``.

    ``y`` (n_stocks * LANES) is the state; the stock rows of ``b`` hold each stage's state.
    """
    size = y.shape[0]
    slope = b[compiled.BLOCK_OUTPUT_ROW * compiled.BLOCK_LANES:][:size]
    stage = b[:size]
    half_dt, sixth_dt = 0.5 * dt, dt / 6.0
    stage[:] = y
    _set_block_levers(b, 2 * step, first_run, n_runs, tables)
    _block_rates(fast, b)
    for k in range(size):
        total[k] = slope[k]
        stage[k] = slope[k] * half_dt + y[k]
    _set_block_levers(b, 2 * step + 1, first_run, n_runs, tables)
    for stage_scale in (half_dt, dt):
        _block_rates(fast, b)
        for k in range(size):
            total[k] += slope[k] * 2.0
            stage[k] = slope[k] * stage_scale + y[k]
    _set_block_levers(b, 2 * step + 2, first_run, n_runs, tables)
    _block_rates(fast, b)
    for k in range(size):
        total[k] += slope[k]
        y[k] += total[k] * sixth_dt


def _step_block(b, y, first_run, n_runs, tables, step, dt, rk4, fast, total):
    """One Euler or RK4 step of a block (``y += rates * dt`` for Euler, where ``y`` is the stock rows of ``b``)."""
    if rk4:
        _rk4_block_step(b, y, first_run, n_runs, tables, step, dt, fast, total)
        return
    size = y.shape[0]
    slope = b[compiled.BLOCK_OUTPUT_ROW * compiled.BLOCK_LANES:][:size]
    _set_block_levers(b, step, first_run, n_runs, tables)
    _block_rates(fast, b)
    for k in range(size):
        y[k] += slope[k] * dt


def _load_block(first_run, n_runs, initial_state, parameters, constant_levers, b, y):
    """The block's runs (the last run repeated past the batch) into ``b`` and the state ``y``."""
    lanes = compiled.BLOCK_LANES
    for lane in range(lanes):
        run = min(first_run + lane, n_runs - 1)
        for i in range(initial_state.shape[1]):
            y[i * lanes + lane] = initial_state[run, i]
        for i in range(parameters.shape[1]):
            b[(compiled.BLOCK_PARAMETER_ROW + i) * lanes + lane] = parameters[run, i]
        for i in range(constant_levers.shape[1]):
            b[(compiled.BLOCK_LEVER_ROW + i) * lanes + lane] = constant_levers[run, i]


def _check_finite(y, first_run, n_runs, record, failed_at, probe):
    """Mark the block's live runs whose state is not finite at output ``record`` as failed there.

    ``probe`` (LANES) sums ``stock * 0.0`` row by row (vectorised across lanes): exactly 0 when every stock of
    the lane is finite, NaN when one is infinite or NaN.
    """
    lanes = compiled.BLOCK_LANES
    probe[:] = 0.0
    for i in range(y.shape[0] // lanes):
        for lane in range(lanes):
            probe[lane] += y[i * lanes + lane] * 0.0
    for lane in range(min(lanes, n_runs - first_run)):
        if failed_at[lane] < 0 and probe[lane] != 0.0:
            failed_at[lane] = record


def _record(out, record, y, first_run, n_runs, failed_at, probe):
    """Stocks of the block's live runs at output ``record``; a run turning non-finite fails from here on."""
    _check_finite(y, first_run, n_runs, record, failed_at, probe)
    lanes = compiled.BLOCK_LANES
    live = min(lanes, n_runs - first_run)
    for i in range(out.shape[1]):  # row by row: the block's runs are adjacent in ``out`` too
        for lane in range(live):
            if failed_at[lane] < 0:
                out[record, i, first_run + lane] = y[i * lanes + lane]


def _block_arrays(n_stocks, rk4):
    """The block array, the state (its stock rows for Euler, a separate array for RK4) and the RK4 sum."""
    lanes = compiled.BLOCK_LANES
    b = np.zeros(compiled.BLOCK_ROWS * lanes)
    y = np.empty(n_stocks * lanes) if rk4 else b[:n_stocks * lanes]
    return b, y, np.empty(n_stocks * lanes)


def _integrate_blocks(start, stop, initial_state, parameters, constant_levers, tables, dt, n_steps, record_steps, rk4,
                      fast, out):
    """Integrate blocks ``start`` … ``stop - 1``; their runs' stocks at ``record_steps`` go into ``out``."""
    n_runs, n_stocks = initial_state.shape
    lanes = compiled.BLOCK_LANES
    b, y, total = _block_arrays(n_stocks, rk4)
    failed_at, probe = np.empty(lanes, dtype=np.int64), np.empty(lanes)
    for block in range(start, stop):
        first_run = block * lanes
        _load_block(first_run, n_runs, initial_state, parameters, constant_levers, b, y)
        failed_at[:] = -1
        for lane in range(min(lanes, n_runs - first_run)):  # the initial state as given, like the scalar kernel
            out[0, :, first_run + lane] = initial_state[first_run + lane]
        record = 1
        for step in range(n_steps):
            _step_block(b, y, first_run, n_runs, tables, step, dt, rk4, fast, total)
            if record < record_steps.shape[0] and step + 1 == record_steps[record]:
                _record(out, record, y, first_run, n_runs, failed_at, probe)
                record += 1
        for lane in range(min(lanes, n_runs - first_run)):
            if failed_at[lane] >= 0:
                out[failed_at[lane]:, :, first_run + lane] = np.nan


def _record_year(year, b, y, first_run, n_runs, fast, yearly, out):
    """Selected stocks and auxiliaries of the block at whole year ``year`` into ``out`` (year, variable, run)."""
    year_tables, stock_rows, auxiliary_rows = yearly
    lanes = compiled.BLOCK_LANES
    b[:y.shape[0]] = y  # RK4 keeps the state apart; for Euler this is the same memory
    _set_block_levers(b, year, first_run, n_runs, year_tables)
    _block_auxiliaries(fast, b)
    live, n_kept = min(lanes, n_runs - first_run), stock_rows.shape[0]
    for k in range(n_kept):  # row by row: the block's runs are adjacent in ``out``
        for lane in range(live):
            out[year, k, first_run + lane] = y[stock_rows[k] * lanes + lane]
    for k in range(auxiliary_rows.shape[0]):
        row = (compiled.BLOCK_OUTPUT_ROW + auxiliary_rows[k]) * lanes
        for lane in range(live):
            out[year, n_kept + k, first_run + lane] = b[row + lane]


def _integrate_blocks_yearly(start, stop, initial_state, parameters, constant_levers, tables, dt, n_steps,
                             record_steps, rk4, fast, year_records, yearly, out, failed_record):
    """Integrate blocks ``start`` … ``stop - 1`` keeping only the selected variables at some output records.

    ``year_records`` are the output records kept (the whole years); ``yearly`` is (their lever tables, stock
    rows, auxiliary rows); ``out`` (n_years, n_selected, n_runs) gets NaN from a run's failure on, and
    ``failed_record`` (n_runs,) the output record at which it failed (-1: it did not).
    """
    n_runs, n_stocks = initial_state.shape
    lanes = compiled.BLOCK_LANES
    b, y, total = _block_arrays(n_stocks, rk4)
    failed_at, probe = np.empty(lanes, dtype=np.int64), np.empty(lanes)
    for block in range(start, stop):
        first_run = block * lanes
        _load_block(first_run, n_runs, initial_state, parameters, constant_levers, b, y)
        failed_at[:] = -1
        year = 0
        if year_records.shape[0] and year_records[0] == 0:
            _record_year(0, b, y, first_run, n_runs, fast, yearly, out)
            year = 1
        record = 1
        for step in range(n_steps):
            _step_block(b, y, first_run, n_runs, tables, step, dt, rk4, fast, total)
            if record < record_steps.shape[0] and step + 1 == record_steps[record]:
                _check_finite(y, first_run, n_runs, record, failed_at, probe)
                if year < year_records.shape[0] and year_records[year] == record:
                    _record_year(year, b, y, first_run, n_runs, fast, yearly, out)
                    year += 1
                record += 1
        for lane in range(min(lanes, n_runs - first_run)):
            failed_record[first_run + lane] = failed_at[lane]
            for k in range(year_records.shape[0]):
                if failed_at[lane] >= 0 and year_records[k] >= failed_at[lane]:
                    out[k, :, first_run + lane] = np.nan


def _auxiliary_blocks(start, stop, state, parameters, levers, fast, out):
    """Every auxiliary of the columns of blocks ``start`` … ``stop - 1`` into ``out`` (n_auxiliaries, n_columns)."""
    n_columns = state.shape[1]
    lanes = compiled.BLOCK_LANES
    b = np.zeros(compiled.BLOCK_ROWS * lanes)
    for block in range(start, stop):
        first = block * lanes
        for lane in range(lanes):
            column = min(first + lane, n_columns - 1)
            for i in range(state.shape[0]):
                b[i * lanes + lane] = state[i, column]
            for i in range(parameters.shape[0]):
                b[(compiled.BLOCK_PARAMETER_ROW + i) * lanes + lane] = parameters[i, column % parameters.shape[1]]
            for i in range(levers.shape[0]):
                b[(compiled.BLOCK_LEVER_ROW + i) * lanes + lane] = levers[i, column]
        _block_auxiliaries(fast, b)
        for lane in range(min(lanes, n_columns - first)):
            for k in range(out.shape[0]):
                out[k, first + lane] = b[(compiled.BLOCK_OUTPUT_ROW + k) * lanes + lane]


if AVAILABLE:
    _inline = compiled.numba.njit(nogil=True, inline="always", error_model="numpy")
    (_set_block_levers, _block_rates, _block_auxiliaries, _rk4_block_step, _step_block, _load_block, _check_finite,
     _record, _block_arrays, _record_year) = (
        _inline(function) for function in (_set_block_levers, _block_rates, _block_auxiliaries, _rk4_block_step,
                                           _step_block, _load_block, _check_finite, _record, _block_arrays,
                                           _record_year))
    _kernel = compiled.cached_kernel(_integrate_blocks)
    _yearly_kernel = compiled.cached_kernel(_integrate_blocks_yearly)
    _auxiliary_kernel = compiled.cached_kernel(_auxiliary_blocks)


def auxiliary_columns(state, parameters, levers, threads: int = 1, fast: bool = False) -> np.ndarray:
    """Every auxiliary (n_auxiliaries, n_columns) of columns of stocks and levers (rows, n_columns).

    ``parameters`` (n_parameters, n_runs), where ``n_columns`` is a multiple of ``n_runs``: column ``c`` has the
    parameters of run ``c % n_runs`` (the columns of several times of a batch, time-major).

    With the blocked kernels: ``fast`` gives the values the fast kernel computes while it integrates, so
    outcomes from stored trajectories equal those accumulated in the kernel; exact mode equals
    :func:`restrans.model.compiled.auxiliary_array` bit for bit. Units as in
    :data:`restrans.model.variables.AUXILIARIES`.
    """
    n_columns = state.shape[1]
    out = np.empty((compiled.N_AUXILIARIES, n_columns))
    compiled.run_in_threads(_auxiliary_kernel, _blocks(n_columns), threads, state, parameters, levers, bool(fast),
                            out)
    return out


def _blocks(n_runs: int) -> int:
    return -(-n_runs // compiled.BLOCK_LANES)


def integrate_blocks(initial_state, parameters, constant_levers, tables, dt, n_steps, record_steps, rk4, out,
                     threads: int = 1, fast: bool = False) -> None:
    """Run :func:`_integrate_blocks` over every block of the batch, ``threads`` at a time (arrays as in fast_solver).

    ``fast``: the libmvec kernel (precision ``fast``) instead of the exact one.
    """
    compiled.run_in_threads(_kernel, _blocks(initial_state.shape[0]), threads, initial_state, parameters,
                            constant_levers, tables, dt, n_steps, record_steps, rk4, bool(fast), out)


def integrate_blocks_yearly(initial_state, parameters, constant_levers, tables, dt, n_steps, record_steps, rk4,
                            year_records, yearly, out, failed_record, threads: int = 1, fast: bool = False) -> None:
    """Run :func:`_integrate_blocks_yearly` over every block of the batch, ``threads`` at a time."""
    compiled.run_in_threads(_yearly_kernel, _blocks(initial_state.shape[0]), threads, initial_state, parameters,
                            constant_levers, tables, dt, n_steps, record_steps, rk4, bool(fast), year_records,
                            yearly, out, failed_record)
