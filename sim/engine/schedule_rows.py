"""Replace one lever of a :class:`~restrans.sim.scenario.schedules.LeverSchedules` by per-run schedules given as arrays.

A sweep over a lever or a schedule field gives each of 10,000 runs its own
schedule; building 10,000 :class:`~restrans.sim.scenario.schedules.PiecewiseLinear` objects
costs more than integrating them. Here the points come as arrays
``(n_points, n_runs)`` and go straight into the padded storage of
:mod:`restrans.sim.scenario.schedules` (this module knows its layout). Values are the same as
``PiecewiseLinear(times[:, run], values[:, run])`` run by run; the breakpoints
(where adaptive solvers restart) are all point times, a superset of those the
object would report.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from restrans.sim.scenario.schedules import LeverSchedules, _Padded


def _padded(times: np.ndarray, values: np.ndarray) -> _Padded:
    width, rows = times.shape
    breakpoints = np.where(np.isfinite(times), times, np.nan)
    return _Padded(np.ascontiguousarray(times, dtype=float), np.ascontiguousarray(values, dtype=float),
                   np.full(rows, width, dtype=np.intp), breakpoints)


def _drop_rows(padded: _Padded, keep: np.ndarray) -> _Padded:
    return _Padded(padded.times[:, keep], padded.values[:, keep], padded.counts[keep], padded.breakpoints[:, keep])


def _join(first: _Padded, second: _Padded) -> _Padded:
    """Rows of ``first`` then of ``second``, padded to the wider of the two."""
    width = max(first.times.shape[0], second.times.shape[0])
    breakpoint_width = max(first.breakpoints.shape[0], second.breakpoints.shape[0])

    def widen(padded: _Padded) -> tuple[np.ndarray, ...]:
        extra = width - padded.times.shape[0]
        times = np.vstack([padded.times, np.full((extra, padded.times.shape[1]), np.inf)])
        values = np.vstack([padded.values, np.repeat(padded.values[-1:], extra, axis=0)]) if extra else padded.values
        breaks = np.vstack([padded.breakpoints, np.full((breakpoint_width - padded.breakpoints.shape[0],
                                                         padded.breakpoints.shape[1]), np.nan)])
        return times, values, breaks

    (t1, v1, b1), (t2, v2, b2) = widen(first), widen(second)
    return _Padded(np.hstack([t1, t2]), np.hstack([v1, v2]), np.concatenate([first.counts, second.counts]),
                   np.hstack([b1, b2]))


def replace_lever(schedules: LeverSchedules, lever: int, times: np.ndarray, values: np.ndarray) -> LeverSchedules:
    """``schedules`` with lever ``lever`` given, run by run, by the points ``times``, ``values`` (n_points, n_runs).

    ``times`` [year] must be finite and non-decreasing down each column (two
    equal times make a jump); ``values`` [lever unit] finite. Negative zeros
    become positive, as in :class:`~restrans.sim.scenario.schedules.PiecewiseLinear`.
    """
    times = np.asarray(times, dtype=float) + 0.0
    values = np.asarray(values, dtype=float) + 0.0
    parts, n_runs = schedules._parts, schedules.n_runs
    if times.shape != values.shape or times.ndim != 2 or times.shape[1] != n_runs:
        raise ValueError(f"times and values must both have shape (n_points, {n_runs})")
    if not (np.isfinite(times).all() and np.isfinite(values).all()) or (np.diff(times, axis=0) < 0).any():
        raise ValueError("schedule points must be finite with non-decreasing times")
    shared_keep = parts.shared_levers != lever
    varying_keep = parts.varying_levers != lever
    row_keep = np.repeat(varying_keep, n_runs)
    constant_block = parts.constant_block.copy()
    varying_levers, varying = parts.varying_levers[varying_keep], _drop_rows(parts.varying, row_keep)
    if (values == values[:1]).all():  # constant in time for every run
        constant_block[lever] = values[0]
    else:
        constant_block[lever] = 0.0
        varying_levers = np.append(varying_levers, lever).astype(np.intp)
        varying = _join(varying, _padded(times, values)) if varying_keep.any() else _padded(times, values)
    return LeverSchedules._wrap(dataclasses.replace(
        parts, constant_block=constant_block, shared_levers=parts.shared_levers[shared_keep],
        shared=_drop_rows(parts.shared, shared_keep), varying_levers=varying_levers, varying=varying))


def _evaluate_many(padded: _Padded, times: np.ndarray) -> np.ndarray:
    """Every row at every time, shape (n_times, rows): ``_Padded.evaluate`` vectorised over time, same arithmetic."""
    rows = padded.counts.size
    t = np.asarray(times, dtype=float)[:, np.newaxis]
    index = np.full((t.shape[0], rows), -1, dtype=np.intp)
    for point in padded.times:  # a few points per row: count those at or before t
        index += point <= t
    outside = (index < 0) | (index >= padded.counts - 1)
    lower = np.maximum(index, 0)
    upper = np.minimum(lower + 1, padded.counts - 1)
    lower *= rows
    lower += np.arange(rows)
    upper *= rows
    upper += np.arange(rows)
    flat_times, flat_values = padded.times.ravel(), padded.values.ravel()
    time0, value0 = np.take(flat_times, lower), np.take(flat_values, lower)
    span = np.take(flat_times, upper) - time0
    span[outside] = 1.0
    result = np.take(flat_values, upper) - value0
    result *= t - time0
    result /= span
    result += value0
    result[outside] = value0[outside]
    return result


def kernel_tables(schedules: LeverSchedules, evaluation_times) -> tuple[np.ndarray, ...]:
    """What a compiled solver needs to set the time-varying levers at each evaluation time.

    Returns ``shared_index``, ``shared_values`` (n_times, n_shared) evaluated
    here, and for the levers that differ between runs ``varying_index`` and
    their padded points ``times``, ``values`` (width, n_varying * n_runs,
    lever-major) and ``counts``, evaluated in the kernel with the arithmetic of
    ``_Padded.evaluate``.
    """
    parts = schedules._parts
    shared = time_varying_values_shared(schedules, evaluation_times)
    varying = parts.varying
    return (parts.shared_levers.astype(np.int64), shared, parts.varying_levers.astype(np.int64),
            np.ascontiguousarray(varying.times), np.ascontiguousarray(varying.values),
            varying.counts.astype(np.int64))


def time_varying_values_shared(schedules: LeverSchedules, times) -> np.ndarray:
    """Values (n_times, n_shared) of the levers that vary in time the same way in every run."""
    parts = schedules._parts
    times = np.asarray(times, dtype=float)
    if not parts.shared_levers.size:
        return np.empty((times.size, 0))
    return _evaluate_many(parts.shared, times)
