"""Tests for sim/schedules.py: lever time functions and their batched evaluation."""

from __future__ import annotations

import dataclasses
import timeit

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restrans.sim.scenario.schedules import LeverSchedules, PiecewiseLinear, constant, pulse, ramp, step, table

EXACT = 0.0  # tolerance for values that must be reproduced exactly
CLOSE = 1e-12  # relative tolerance for interpolated values checked against hand arithmetic


def assert_bit_identical(actual: np.ndarray, expected: np.ndarray) -> None:
    """Tolerance: zero units in the last place (same float64 bit patterns)."""
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    assert actual.shape == expected.shape
    assert np.array_equal(actual.view(np.uint64), expected.view(np.uint64))


# --- each schedule kind -------------------------------------------------------


def test_constant_is_the_same_everywhere_and_has_no_breakpoints() -> None:
    schedule = constant(2.5)
    for time in (-1e6, 0.0, 2025.0, 2035.5, 1e6):
        assert schedule.value_at(time) == pytest.approx(2.5, rel=EXACT, abs=EXACT)
    assert schedule.breakpoints() == ()
    assert schedule.is_constant


def test_step_is_before_then_after_and_right_continuous() -> None:
    schedule = step(before=0.3, after=0.45, at=2026.0)
    assert schedule.value_at(2020.0) == pytest.approx(0.3, rel=EXACT, abs=EXACT)
    assert schedule.value_at(np.nextafter(2026.0, 0.0)) == pytest.approx(0.3, rel=EXACT, abs=EXACT)
    assert schedule.value_at(2026.0) == pytest.approx(0.45, rel=EXACT, abs=EXACT)
    assert schedule.value_at(2030.0) == pytest.approx(0.45, rel=EXACT, abs=EXACT)
    assert schedule.breakpoints() == (2026.0,)


def test_step_without_change_has_no_breakpoint() -> None:
    schedule = step(before=1.0, after=1.0, at=2027.0)
    assert schedule.breakpoints() == ()
    assert schedule.value_at(2027.0) == pytest.approx(1.0, rel=EXACT, abs=EXACT)


def test_ramp_is_flat_outside_and_linear_inside() -> None:
    schedule = ramp(start_value=2.0, end_value=8.0, start=2025.0, end=2028.0)
    expected = {2000.0: 2.0, 2025.0: 2.0, 2026.0: 4.0, 2026.5: 5.0, 2028.0: 8.0, 2040.0: 8.0}
    for time, value in expected.items():
        assert schedule.value_at(time) == pytest.approx(value, rel=CLOSE, abs=CLOSE)
    assert schedule.breakpoints() == (2025.0, 2028.0)


def test_table_interpolates_and_is_flat_beyond_the_ends() -> None:
    schedule = table([2025.0, 2030.0, 2035.0], [1.0, 3.0, 2.0])
    expected = {2020.0: 1.0, 2025.0: 1.0, 2027.5: 2.0, 2030.0: 3.0, 2032.5: 2.5, 2035.0: 2.0, 2050.0: 2.0}
    for time, value in expected.items():
        assert schedule.value_at(time) == pytest.approx(value, rel=CLOSE, abs=CLOSE)
    assert schedule.breakpoints() == (2025.0, 2030.0, 2035.0)


def test_single_point_table_is_constant() -> None:
    schedule = table([2030.0], [4.0])
    assert schedule.value_at(2000.0) == pytest.approx(4.0, rel=EXACT, abs=EXACT)
    assert schedule.value_at(2040.0) == pytest.approx(4.0, rel=EXACT, abs=EXACT)
    assert schedule.breakpoints() == ()


def test_pulse_adds_amount_during_the_half_open_window() -> None:
    schedule = pulse(base=1.0, amount=0.5, start=2027.0, duration=2.0)
    assert schedule.value_at(2026.9) == pytest.approx(1.0, rel=EXACT, abs=EXACT)
    assert schedule.value_at(2027.0) == pytest.approx(1.5, rel=EXACT, abs=EXACT)
    assert schedule.value_at(2028.0) == pytest.approx(1.5, rel=EXACT, abs=EXACT)
    assert schedule.value_at(np.nextafter(2029.0, 0.0)) == pytest.approx(1.5, rel=EXACT, abs=EXACT)
    assert schedule.value_at(2029.0) == pytest.approx(1.0, rel=EXACT, abs=EXACT)
    assert schedule.value_at(2040.0) == pytest.approx(1.0, rel=EXACT, abs=EXACT)
    assert schedule.breakpoints() == (2027.0, 2029.0)


def test_schedules_are_frozen_and_comparable() -> None:
    schedule = step(0.0, 1.0, 2026.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        schedule.times = (1.0,)  # type: ignore[misc]
    assert schedule == PiecewiseLinear((2026.0, 2026.0), (0.0, 1.0))
    assert isinstance(schedule.times, tuple) and isinstance(schedule.values, tuple)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ramp(0.0, 1.0, 2030.0, 2030.0), "later than ramp start"),
        (lambda: ramp(0.0, 1.0, 2030.0, 2025.0), "later than ramp start"),
        (lambda: table([2025.0, 2025.0], [1.0, 2.0]), "strictly increasing"),
        (lambda: table([2030.0, 2025.0], [1.0, 2.0]), "strictly increasing"),
        (lambda: table([2025.0, 2030.0], [1.0]), "same length"),
        (lambda: table([], []), "must not be empty"),
        (lambda: pulse(1.0, 1.0, 2025.0, 0.0), "duration must be positive"),
        (lambda: pulse(1.0, 1.0, 2025.0, -1.0), "duration must be positive"),
        (lambda: constant(float("nan")), "finite"),
        (lambda: step(0.0, float("inf"), 2026.0), "finite"),
        (lambda: PiecewiseLinear((2.0, 1.0), (0.0, 0.0)), "non-decreasing"),
        (lambda: PiecewiseLinear((1.0,), (0.0, 1.0)), "same length"),
    ],
)
def test_invalid_inputs_raise_value_error(build, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()


# --- LeverSchedules -------------------------------------------------------------

values_strategy = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
years_strategy = st.floats(2000.0, 2050.0, allow_nan=False)
durations_strategy = st.floats(0.01, 20.0, allow_nan=False)


@st.composite
def tables(draw: st.DrawFn) -> PiecewiseLinear:
    years = sorted(draw(st.lists(years_strategy, min_size=1, max_size=6, unique=True)))
    values = draw(st.lists(values_strategy, min_size=len(years), max_size=len(years)))
    return table(years, values)


schedule_strategy = st.one_of(
    st.builds(constant, values_strategy),
    st.builds(step, values_strategy, values_strategy, years_strategy),
    st.builds(
        lambda low, high, start, length: ramp(low, high, start, start + length),
        values_strategy, values_strategy, years_strategy, durations_strategy,
    ),
    tables(),
    st.builds(pulse, values_strategy, values_strategy, years_strategy, durations_strategy),
)


@st.composite
def schedule_grids(draw: st.DrawFn) -> list[list[PiecewiseLinear]]:
    """A (n_levers, n_runs) grid mixing shared, per-run constant and per-run schedules."""
    n_levers, n_runs = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    grid = []
    for _ in range(n_levers):
        kind = draw(st.sampled_from(["shared", "constants", "per_run"]))
        if kind == "shared":
            grid.append([draw(schedule_strategy)] * n_runs)
        elif kind == "constants":
            grid.append([constant(draw(values_strategy)) for _ in range(n_runs)])
        else:
            grid.append([draw(schedule_strategy) for _ in range(n_runs)])
    return grid


def reference_values(grid: list[list[PiecewiseLinear]], time: float) -> np.ndarray:
    return np.array([[schedule.value_at(time) for schedule in row] for row in grid])


def probe_times(grid: list[list[PiecewiseLinear]], extra: list[float]) -> list[float]:
    """Every point time, its neighbours, midpoints and far-away times."""
    points = sorted({time for row in grid for schedule in row for time in schedule.times})
    neighbours = [np.nextafter(time, direction) for time in points for direction in (-np.inf, np.inf)]
    midpoints = [(left + right) / 2.0 for left, right in zip(points, points[1:])]
    return points + neighbours + midpoints + extra + [-1e9, 1e9]


@settings(max_examples=150, deadline=None)
@given(schedule_grids(), st.lists(years_strategy, max_size=5))
def test_evaluate_is_bit_identical_to_value_at(grid, extra_times) -> None:
    schedules = LeverSchedules(grid)
    assert (schedules.n_levers, schedules.n_runs) == (len(grid), len(grid[0]))
    for time in probe_times(grid, extra_times):
        values = schedules.evaluate(time)
        assert values.dtype == np.float64
        assert_bit_identical(values, reference_values(grid, time))


@settings(max_examples=100, deadline=None)
@given(schedule_grids(), years_strategy, durations_strategy)
def test_breakpoints_are_the_sorted_union_strictly_inside(grid, start, length) -> None:
    end = start + length
    expected = sorted({t for row in grid for schedule in row for t in schedule.breakpoints() if start < t < end})
    actual = LeverSchedules(grid).breakpoints(start, end)
    assert_bit_identical(actual, np.array(expected, dtype=np.float64))


@settings(max_examples=100, deadline=None)
@given(schedule_grids(), st.data())
def test_select_keeps_the_chosen_runs(grid, data) -> None:
    n_runs = len(grid[0])
    runs = data.draw(st.lists(st.integers(0, n_runs - 1), max_size=2 * n_runs))
    subset = LeverSchedules(grid).select(np.array(runs, dtype=np.int64))
    sub_grid = [[row[run] for run in runs] for row in grid]
    assert (subset.n_levers, subset.n_runs) == (len(grid), len(runs))
    for time in probe_times(grid, []):
        assert_bit_identical(subset.evaluate(time), reference_values(sub_grid, time))
    if runs:
        expected = LeverSchedules(sub_grid).breakpoints(1900.0, 2100.0)
        assert_bit_identical(subset.breakpoints(1900.0, 2100.0), expected)


def test_select_accepts_a_boolean_mask() -> None:
    grid = [[step(0.0, 1.0, 2025.0 + run) for run in range(4)], [constant(float(run)) for run in range(4)]]
    subset = LeverSchedules(grid).select(np.array([True, False, True, False]))
    assert_bit_identical(subset.evaluate(2026.0), np.array([[1.0, 0.0], [0.0, 2.0]]))
    assert_bit_identical(subset.breakpoints(2000.0, 2100.0), np.array([2025.0, 2027.0]))


def test_shared_constant_and_varying_levers_together() -> None:
    grid = [
        [constant(1.0)] * 3,
        [ramp(0.0, 10.0, 2025.0, 2035.0)] * 3,
        [constant(0.1), constant(0.2), constant(0.3)],
        [pulse(0.0, 1.0, 2025.0 + run, 1.0) for run in range(3)],
    ]
    schedules = LeverSchedules(grid)
    expected = np.array([[1.0, 1.0, 1.0], [1.5, 1.5, 1.5], [0.1, 0.2, 0.3], [0.0, 1.0, 0.0]])
    np.testing.assert_allclose(schedules.evaluate(2026.5), expected, rtol=CLOSE, atol=CLOSE)
    assert_bit_identical(schedules.breakpoints(2025.0, 2035.0), np.array([2026.0, 2027.0, 2028.0]))


def test_from_constants_copies_and_evaluates_everywhere() -> None:
    values = np.arange(6.0).reshape(2, 3)
    schedules = LeverSchedules.from_constants(values)
    values[0, 0] = 99.0
    expected = np.arange(6.0).reshape(2, 3)
    for time in (0.0, 2025.0, 2035.0):
        assert_bit_identical(schedules.evaluate(time), expected)
    assert (schedules.n_levers, schedules.n_runs) == (2, 3)
    assert schedules.breakpoints(-1e9, 1e9).size == 0
    assert_bit_identical(schedules.select(np.array([2, 0])).evaluate(2030.0), expected[:, [2, 0]])


def test_from_constants_rejects_bad_arrays() -> None:
    with pytest.raises(ValueError, match="shape"):
        LeverSchedules.from_constants(np.ones(3))
    with pytest.raises(ValueError, match="finite"):
        LeverSchedules.from_constants(np.array([[1.0, np.nan]]))


def test_evaluate_returns_a_fresh_array_or_fills_out() -> None:
    schedules = LeverSchedules([[constant(1.0), constant(2.0)], [step(0.0, 5.0, 2030.0)] * 2])
    first = schedules.evaluate(2031.0)
    first[:] = -1.0
    assert_bit_identical(schedules.evaluate(2031.0), np.array([[1.0, 2.0], [5.0, 5.0]]))
    buffer = np.full((2, 2), np.nan)
    assert schedules.evaluate(2029.0, out=buffer) is buffer
    assert_bit_identical(buffer, np.array([[1.0, 2.0], [0.0, 0.0]]))


def test_malformed_grids_are_rejected() -> None:
    with pytest.raises(ValueError, match="at least one lever"):
        LeverSchedules([])
    with pytest.raises(ValueError, match="runs"):
        LeverSchedules([[constant(1.0), constant(2.0)], [constant(1.0)]])
    with pytest.raises(TypeError, match="PiecewiseLinear"):
        LeverSchedules([[1.0]])  # type: ignore[list-item]


def test_mostly_constant_batch_evaluates_well_under_a_millisecond() -> None:
    n_runs = 10_000
    grid = [[constant(float(lever))] * n_runs for lever in range(26)]
    grid += [[ramp(0.0, 1.0, 2025.0, 2030.0)] * n_runs, [step(0.0, 1.0, 2027.0)] * n_runs]
    grid += [[constant(float(run)) for run in range(n_runs)], [pulse(1.0, 1.0, 2026.0, 2.0)] * n_runs]
    schedules = LeverSchedules(grid)
    best = min(timeit.repeat(lambda: schedules.evaluate(2026.3), number=10, repeat=20)) / 10
    assert best < 1e-3  # seconds per evaluation of 30 levers x 10,000 runs
