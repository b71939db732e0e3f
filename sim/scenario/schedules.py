"""Time functions for policy levers, vectorised over a batch of runs.

Every schedule kind (constant, step, ramp, table, pulse) is a piecewise-linear
function of time: sorted points joined by straight lines, flat beyond the ends,
with a jump where two consecutive points share a time (right-continuous: at the
jump time the value is already the one after).  :class:`LeverSchedules` holds
one schedule per lever and run and evaluates them all at once without a Python
loop.  Times are in years; values in each lever's unit (``model/levers.py``).
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["PiecewiseLinear", "LeverSchedules", "constant", "step", "ramp", "table", "pulse"]


def _finite(name: str, value: float) -> float:
    """Return ``value`` as a float, raising ValueError unless it is finite.

    Negative zero is normalised to positive zero so that every evaluation path
    returns bit-identical results.
    """
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return number + 0.0


def _check_lengths(name: str, first: tuple, other_name: str, other: tuple) -> None:
    """Raise ValueError unless ``first`` and ``other`` are non-empty and equally long."""
    if len(first) != len(other):
        raise ValueError(f"{name} and {other_name} must have the same length, got {len(first)} and {len(other)}")
    if not first:
        raise ValueError(f"{name} must not be empty")


@dataclass(frozen=True)
class PiecewiseLinear:
    """A piecewise-linear function of time with possible jumps.

    Parameters
    ----------
    times : tuple of float
        Point times [year], non-decreasing; two equal consecutive times make a
        jump (right-continuous).
    values : tuple of float
        Point values [lever unit], same length as ``times`` (at least one).
    """

    times: tuple[float, ...]
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        times = tuple(_finite("schedule time", time) for time in self.times)
        values = tuple(_finite("schedule value", value) for value in self.values)
        _check_lengths("schedule times", times, "values", values)
        if any(later < earlier for earlier, later in zip(times, times[1:])):
            raise ValueError(f"schedule times must be non-decreasing, got {times}")
        object.__setattr__(self, "times", times)
        object.__setattr__(self, "values", values)

    @property
    def is_constant(self) -> bool:
        """True when the function has the same value at every time."""
        return all(value == self.values[0] for value in self.values)

    def value_at(self, t: float) -> float:
        """Value of the function at time ``t`` [year], in the lever's unit."""
        times, values = self.times, self.values
        index = bisect.bisect_right(times, t) - 1
        if index < 0 or index >= len(times) - 1:
            return values[max(index, 0)]
        # Same arithmetic, in the same order, as _Padded.evaluate.
        time0, time1, value0, value1 = times[index], times[index + 1], values[index], values[index + 1]
        return value0 + (value1 - value0) * (t - time0) / (time1 - time0)

    def breakpoints(self) -> tuple[float, ...]:
        """Times [year] where the function jumps or its slope changes.

        Collinear table points count if rounding makes their two slopes differ.
        """
        times, values = self.times, self.values
        count = len(times)
        result: list[float] = []
        first = 0
        while first < count:
            last = first
            while last + 1 < count and times[last + 1] == times[first]:
                last += 1
            left_slope = _slope(times, values, first - 1) if first > 0 else 0.0
            right_slope = _slope(times, values, last) if last + 1 < count else 0.0
            if values[first] != values[last] or left_slope != right_slope:
                result.append(times[first])
            first = last + 1
        return tuple(result)


def _slope(times: tuple[float, ...], values: tuple[float, ...], index: int) -> float:
    """Slope [lever unit / year] of the segment from point ``index`` to the next."""
    return (values[index + 1] - values[index]) / (times[index + 1] - times[index])


def constant(value: float) -> PiecewiseLinear:
    """A lever fixed at ``value`` [lever unit] for all time."""
    return PiecewiseLinear((0.0,), (_finite("constant value", value),))


def step(before: float, after: float, at: float) -> PiecewiseLinear:
    """``before`` until year ``at``, ``after`` from ``at`` on (inclusive)."""
    at = _finite("step 'at'", at)
    return PiecewiseLinear((at, at), (_finite("step 'before'", before), _finite("step 'after'", after)))


def ramp(start_value: float, end_value: float, start: float, end: float) -> PiecewiseLinear:
    """``start_value`` until year ``start``, linear to ``end_value`` at ``end``, then flat.

    Raises ValueError unless ``end > start``.
    """
    start, end = _finite("ramp 'start'", start), _finite("ramp 'end'", end)
    if not end > start:
        raise ValueError(f"ramp end ({end}) must be later than ramp start ({start})")
    values = (_finite("ramp start value", start_value), _finite("ramp end value", end_value))
    return PiecewiseLinear((start, end), values)


def table(years: Sequence[float], values: Sequence[float]) -> PiecewiseLinear:
    """Linear interpolation in a table of ``years`` -> ``values``, flat beyond the ends.

    Raises ValueError unless ``years`` is non-empty, strictly increasing and as
    long as ``values``.
    """
    years_tuple = tuple(_finite("table year", year) for year in years)
    values_tuple = tuple(_finite("table value", value) for value in values)
    _check_lengths("table years", years_tuple, "values", values_tuple)
    if any(later <= earlier for earlier, later in zip(years_tuple, years_tuple[1:])):
        raise ValueError(f"table years must be strictly increasing, got {years_tuple}")
    return PiecewiseLinear(years_tuple, values_tuple)


def pulse(base: float, amount: float, start: float, duration: float) -> PiecewiseLinear:
    """``base`` plus ``amount`` during years ``[start, start + duration)``, else ``base``.

    Raises ValueError unless ``duration > 0``.
    """
    base, amount = _finite("pulse base", base), _finite("pulse amount", amount)
    start, duration = _finite("pulse start", start), _finite("pulse duration", duration)
    if not duration > 0.0:
        raise ValueError(f"pulse duration must be positive, got {duration}")
    end = start + duration
    if not end > start:
        raise ValueError(f"pulse duration {duration} is too small to move past start {start}")
    raised = _finite("pulse base + amount", base + amount)
    return PiecewiseLinear((start, start, end, end), (base, raised, raised, base))


@dataclass(frozen=True)
class _Padded:
    """Schedules stored as columns of padded, point-major arrays.

    ``times`` (width, rows) [year] is padded with +inf and ``values`` (width,
    rows) by repeating the last value; ``counts`` (rows,) holds the number of
    real points of each row and ``breakpoints`` (breakpoint width, rows)
    [year] the breakpoints, padded with NaN.  Point-major storage keeps the
    reductions fast.
    """

    times: np.ndarray
    values: np.ndarray
    counts: np.ndarray
    breakpoints: np.ndarray

    @classmethod
    def from_schedules(cls, schedules: Sequence[PiecewiseLinear]) -> _Padded:
        width = max((len(schedule.times) for schedule in schedules), default=1)
        times = np.full((width, len(schedules)), np.inf)
        values = np.empty((width, len(schedules)))
        counts = np.array([len(schedule.times) for schedule in schedules], dtype=np.intp)
        breakpoint_rows = [schedule.breakpoints() for schedule in schedules]
        breakpoints = np.full((max(map(len, breakpoint_rows), default=0), len(schedules)), np.nan)
        for row, schedule in enumerate(schedules):
            times[: counts[row], row] = schedule.times
            values[: counts[row], row] = schedule.values
            values[counts[row] :, row] = schedule.values[-1]
            breakpoints[: len(breakpoint_rows[row]), row] = breakpoint_rows[row]
        return cls(times, values, counts, breakpoints)

    def select(self, lever_count: int, n_runs: int, runs: np.ndarray) -> _Padded:
        """Pick ``runs`` from rows ordered lever-major (lever_count * n_runs rows)."""

        def pick(array: np.ndarray) -> np.ndarray:
            width = array.shape[0]
            by_lever = array.reshape(width, lever_count, n_runs)[:, :, runs]
            return np.ascontiguousarray(by_lever.reshape(width, lever_count * runs.size))

        counts = pick(self.counts[np.newaxis])[0]
        return _Padded(pick(self.times), pick(self.values), counts, pick(self.breakpoints))

    def evaluate(self, t: float) -> np.ndarray:
        """Value of every row at time ``t`` [year], shape (rows,).

        Same arithmetic as :meth:`PiecewiseLinear.value_at`, written with
        in-place operations to keep large temporaries few.
        """
        rows = self.counts.size
        columns = np.arange(rows)
        index = np.count_nonzero(self.times <= t, axis=0) - 1
        outside = (index < 0) | (index >= self.counts - 1)
        lower = np.maximum(index, 0)
        upper = np.minimum(lower + 1, self.counts - 1)
        lower *= rows
        lower += columns
        upper *= rows
        upper += columns
        time0, span = np.take(self.times, lower), np.take(self.times, upper)
        span -= time0
        np.putmask(span, outside, 1.0)
        value0, result = np.take(self.values, lower), np.take(self.values, upper)
        result -= value0
        result *= np.subtract(t, time0, out=time0)
        result /= span
        result += value0
        np.putmask(result, outside, value0)
        return result


@dataclass(frozen=True)
class _BatchParts:
    """Arrays of a :class:`LeverSchedules`.

    Levers constant in time fill ``constant_block`` (n_levers, n_runs); time-varying levers
    equal for all runs are ``shared`` rows; the others are ``varying`` rows, lever-major.
    """

    constant_block: np.ndarray
    shared_levers: np.ndarray
    shared: _Padded
    varying_levers: np.ndarray
    varying: _Padded


def _check_grid(schedules: Sequence[Sequence[PiecewiseLinear]]) -> list[tuple[PiecewiseLinear, ...]]:
    """Validate the (n_levers, n_runs) nesting and return it as a list of tuples."""
    levers = [tuple(row) for row in schedules]
    if not levers or not levers[0]:
        raise ValueError("LeverSchedules needs at least one lever and one run")
    for index, row in enumerate(levers):
        if len(row) != len(levers[0]):
            raise ValueError(f"lever {index} has {len(row)} runs, lever 0 has {len(levers[0])}")
        if not all(isinstance(schedule, PiecewiseLinear) for schedule in row):
            raise TypeError(f"lever {index}: every schedule must be a PiecewiseLinear")
    return levers


def _build_parts(schedules: Sequence[Sequence[PiecewiseLinear]]) -> _BatchParts:
    """Classify each lever (constant / shared / varying) and pad its schedules."""
    levers = _check_grid(schedules)
    constant_block = np.zeros((len(levers), len(levers[0])))
    shared_levers: list[int] = []
    varying_levers: list[int] = []
    for index, row in enumerate(levers):
        first = row[0]
        same_for_all = all(schedule is first or schedule == first for schedule in row)
        if same_for_all and first.is_constant:
            constant_block[index] = first.values[0]
        elif same_for_all:
            shared_levers.append(index)
        elif all(schedule.is_constant for schedule in row):
            constant_block[index] = [schedule.values[0] for schedule in row]
        else:
            varying_levers.append(index)
    return _assemble(constant_block, levers, shared_levers, varying_levers)


def _assemble(constant_block: np.ndarray, levers: list, shared_levers: list, varying_levers: list) -> _BatchParts:
    """Pad the schedules of the shared and varying levers into a :class:`_BatchParts`."""
    shared_rows = [levers[index][0] for index in shared_levers]
    varying_rows = [schedule for index in varying_levers for schedule in levers[index]]
    return _BatchParts(
        constant_block=constant_block,
        shared_levers=np.array(shared_levers, dtype=np.intp),
        shared=_Padded.from_schedules(shared_rows),
        varying_levers=np.array(varying_levers, dtype=np.intp),
        varying=_Padded.from_schedules(varying_rows),
    )


class LeverSchedules:
    """Schedules of every lever for every run of a batch, evaluated in one go.

    Parameters
    ----------
    schedules : sequence of sequences of PiecewiseLinear
        ``schedules[lever][run]``, shape (n_levers, n_runs); values in each
        lever's unit, times in years.

    Notes
    -----
    Levers constant in time (for every run) cost one array copy per
    evaluation; levers shared by all runs are evaluated once and broadcast;
    only levers that differ between runs are evaluated per run.
    """

    def __init__(self, schedules: Sequence[Sequence[PiecewiseLinear]]) -> None:
        self._parts = _build_parts(schedules)

    @classmethod
    def _wrap(cls, parts: _BatchParts) -> LeverSchedules:
        instance = cls.__new__(cls)
        instance._parts = parts
        return instance

    @classmethod
    def from_constants(cls, values: np.ndarray) -> LeverSchedules:
        """Schedules constant in time.

        Parameters
        ----------
        values : numpy.ndarray
            Shape (n_levers, n_runs), each lever in its own unit; copied.
        """
        block = np.array(values, dtype=np.float64)
        if block.ndim != 2:
            raise ValueError(f"constant lever values must have shape (n_levers, n_runs), got {block.shape}")
        if not np.isfinite(block).all():
            raise ValueError("constant lever values must all be finite")
        return cls._wrap(_assemble(block + 0.0, [], [], []))

    @property
    def n_levers(self) -> int:
        """Number of levers (first axis of :meth:`evaluate`)."""
        return self._parts.constant_block.shape[0]

    @property
    def n_runs(self) -> int:
        """Number of runs in the batch (trailing axis of :meth:`evaluate`)."""
        return self._parts.constant_block.shape[1]

    def evaluate(self, t: float, out: np.ndarray | None = None) -> np.ndarray:
        """Lever values [lever units], float64 (n_levers, n_runs), at time ``t`` [year].

        Bit-identical to ``PiecewiseLinear.value_at`` element by element.  If
        ``out`` (float64, (n_levers, n_runs)) is given it is filled and returned.
        """
        parts = self._parts
        if out is None:
            result = parts.constant_block.copy()
        else:
            result = out
            np.copyto(result, parts.constant_block)
        if parts.shared_levers.size:
            result[parts.shared_levers] = parts.shared.evaluate(t)[:, np.newaxis]
        if parts.varying_levers.size:
            values = parts.varying.evaluate(t)
            result[parts.varying_levers] = values.reshape(parts.varying_levers.size, result.shape[1])
        return result

    def breakpoints(self, start: float, end: float) -> np.ndarray:
        """Sorted unique breakpoint times [year] strictly inside ``(start, end)``."""
        parts = self._parts
        times = np.concatenate([parts.shared.breakpoints.reshape(-1), parts.varying.breakpoints.reshape(-1)])
        times = np.unique(times[(times > start) & (times < end)])  # NaN padding compares False
        return times

    def select(self, runs: np.ndarray) -> LeverSchedules:
        """The same levers for a subset of runs, e.g. one chunk of a sweep.

        Parameters
        ----------
        runs : numpy.ndarray
            1-D integer run indices (in the order wanted) or a boolean mask of
            length ``n_runs``.
        """
        runs = np.asarray(runs)
        if runs.size == 0 and runs.dtype != bool:
            runs = runs.astype(np.intp)
        if runs.dtype == bool:
            if runs.shape != (self.n_runs,):
                raise ValueError(f"boolean run mask must have shape ({self.n_runs},), got {runs.shape}")
            runs = np.flatnonzero(runs)
        if runs.ndim != 1 or not np.issubdtype(runs.dtype, np.integer):
            raise ValueError("runs must be a 1-D array of integer run indices or a boolean mask")
        parts = self._parts
        return self._wrap(
            dataclasses.replace(
                parts,
                constant_block=parts.constant_block[:, runs],
                varying=parts.varying.select(parts.varying_levers.size, self.n_runs, runs),
            )
        )
