"""Tests for sim/solver.py: fixed-step and scipy integrators over a batch of runs."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import expm

from restrans.sim.engine.solver import ADAPTIVE_METHODS, METHODS, SolverError, solve

START, END, DT = 0.0, 5.0, 0.0625
OUTPUT_TIMES = np.arange(0.0, 5.0 + 0.125, 0.25)  # exact binary fractions, 21 times
RATES = np.array([0.3, 0.7, 1.5])  # decay rates [1/year], one per run
INITIAL = np.array([[2.0, 1.0, 0.5]])  # one stock, three runs


def decay(rates: np.ndarray):
    """dy/dt = -k y for each run, k broadcast along the trailing (run) axis."""

    def rhs(t: float, y: np.ndarray) -> np.ndarray:
        return -rates * y

    return rhs


def exact_decay(times: np.ndarray, rates: np.ndarray, initial: np.ndarray) -> np.ndarray:
    return initial[np.newaxis] * np.exp(-rates[np.newaxis, np.newaxis] * times[:, np.newaxis, np.newaxis])


def test_euler_matches_its_closed_form() -> None:
    result = solve(decay(RATES), INITIAL, START, END, OUTPUT_TIMES, method="euler", dt=DT)
    steps = np.rint(OUTPUT_TIMES / DT)[:, np.newaxis, np.newaxis]
    expected = INITIAL[np.newaxis] * (1.0 - RATES * DT) ** steps
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=0.0)


def test_rk4_matches_its_closed_form_and_the_exact_solution() -> None:
    result = solve(decay(RATES), INITIAL, START, END, OUTPUT_TIMES, method="rk4", dt=DT)
    z = -RATES * DT
    growth = 1.0 + z + z**2 / 2.0 + z**3 / 6.0 + z**4 / 24.0  # RK4 amplification factor per step
    steps = np.rint(OUTPUT_TIMES / DT)[:, np.newaxis, np.newaxis]
    np.testing.assert_allclose(result, INITIAL[np.newaxis] * growth**steps, rtol=1e-12, atol=0.0)
    # Relative error per step ~ (k dt)^5 / 120 = 6.1e-8 for k dt = 0.094; over 80 steps < 1e-5.
    np.testing.assert_allclose(result, exact_decay(OUTPUT_TIMES, RATES, INITIAL), rtol=1e-5, atol=0.0)


@pytest.mark.parametrize("method", ADAPTIVE_METHODS)
def test_scipy_methods_match_the_exact_solution(method: str) -> None:
    result = solve(decay(RATES), INITIAL, START, END, OUTPUT_TIMES, method=method, rtol=1e-8, atol=1e-10)
    # Solver tolerances 1e-8 / 1e-10; allow 100x for global error accumulation.
    np.testing.assert_allclose(result, exact_decay(OUTPUT_TIMES, RATES, INITIAL), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("method", METHODS)
def test_coupled_stocks_in_a_batch_match_the_matrix_exponential(method: str) -> None:
    """Checks the (stock, run) layout, including LSODA's run-major flattening."""
    coupling = np.array([[-1.0, 0.5, 0.0], [0.2, -0.3, 0.1], [0.0, 0.4, -0.8]])  # [1/year]
    initial = np.array([[1.0, 2.0, 3.0, 0.0], [0.5, 0.1, 0.0, 1.0], [0.0, 1.0, 2.0, 3.0]])
    result = solve(lambda t, y: coupling @ y, initial, START, END, OUTPUT_TIMES, method=method,
                   dt=0.015625, rtol=1e-9, atol=1e-11)
    expected = np.stack([expm(coupling * time) @ initial for time in OUTPUT_TIMES])
    tolerance = {"euler": 2e-2, "rk4": 1e-9}.get(method, 1e-6)  # absolute, stocks are O(1)
    np.testing.assert_allclose(result, expected, rtol=0.0, atol=tolerance)


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_fixed_step_batch_equals_single_runs(method: str) -> None:
    batch = solve(decay(RATES), INITIAL, START, END, OUTPUT_TIMES, method=method, dt=DT)
    for run, rate in enumerate(RATES):
        single = solve(decay(np.array([rate])), INITIAL[:, [run]], START, END, OUTPUT_TIMES, method=method, dt=DT)
        np.testing.assert_allclose(batch[:, :, [run]], single, rtol=1e-12, atol=0.0)


@pytest.mark.parametrize("method", ADAPTIVE_METHODS)
def test_adaptive_batch_agrees_with_single_runs_within_tolerance(method: str) -> None:
    # Step control is shared across the batch, so agreement is to solver accuracy, not bitwise.
    batch = solve(decay(RATES), INITIAL, START, END, OUTPUT_TIMES, method=method, rtol=1e-8, atol=1e-10)
    for run, rate in enumerate(RATES):
        single = solve(decay(np.array([rate])), INITIAL[:, [run]], START, END, OUTPUT_TIMES,
                       method=method, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(batch[:, :, [run]], single, rtol=1e-6, atol=1e-8)


def test_rk45_restarts_at_a_breakpoint_and_matches_the_piecewise_solution() -> None:
    switch, before, after = 2.5, 0.4, 2.0  # decay rate [1/year] jumps at t = 2.5 years

    def rhs(t: float, y: np.ndarray) -> np.ndarray:
        return -(after if t >= switch else before) * y

    times = np.linspace(0.0, 5.0, 21)  # includes 2.5
    result = solve(rhs, np.array([[1.0]]), 0.0, 5.0, times, method="RK45", breakpoints=(switch,),
                   rtol=1e-10, atol=1e-12)
    expected = np.where(times < switch, np.exp(-before * times),
                        np.exp(-before * switch) * np.exp(-after * (times - switch)))
    np.testing.assert_allclose(result[:, 0, 0], expected, rtol=0.0, atol=1e-6)


def test_breakpoints_split_the_adaptive_integration() -> None:
    calls: list[float] = []

    def rhs(t: float, y: np.ndarray) -> np.ndarray:
        calls.append(t)
        return -y

    times = np.array([0.0, 1.0, 2.0])
    solve(rhs, np.ones((1, 1)), 0.0, 2.0, times, method="RK45", breakpoints=(0.7, 5.0, -1.0, 0.7))
    called = np.array(calls)
    # Exact comparisons (tolerance 0): the first piece ends exactly at 0.7, the
    # second starts there, and nothing beyond 0.7 is evaluated before that.
    assert np.count_nonzero(called == 0.7) >= 2
    assert np.flatnonzero(called > 0.7)[0] > np.flatnonzero(called == 0.7)[0]
    assert called.min() == 0.0 and called.max() == 2.0  # breakpoints -1 and 5 lie outside


def test_output_shape_and_recorded_times() -> None:
    times = np.array([0.0, 0.5, 1.25, 3.0])
    rates = np.array([0.2, 0.9])
    initial = np.array([[1.0, 2.0], [3.0, 4.0]])  # two stocks, two runs
    for method in METHODS:
        result = solve(decay(rates), initial, 0.0, 3.0, times, method=method, dt=0.25, rtol=1e-9, atol=1e-11)
        assert result.shape == (4, 2, 2) and result.dtype == np.float64
        np.testing.assert_allclose(result[0], initial, rtol=0.0, atol=0.0)
    euler = solve(decay(rates), initial, 0.0, 3.0, times, method="euler", dt=0.25)
    steps = (times / 0.25)[:, np.newaxis, np.newaxis]
    np.testing.assert_allclose(euler, initial[np.newaxis] * (1.0 - 0.25 * rates) ** steps, rtol=1e-12, atol=0.0)


def test_euler_times_are_start_plus_k_dt_not_accumulated() -> None:
    seen: list[float] = []

    def rhs(t: float, y: np.ndarray) -> np.ndarray:
        seen.append(t)
        return np.zeros_like(y)

    start, dt = 2025.0, 0.1
    solve(rhs, np.zeros((1, 1)), start, 2035.0, np.array([start, 2030.0, 2035.0]), dt=dt)
    assert len(seen) == 100
    np.testing.assert_allclose(seen, [start + k * dt for k in range(100)], rtol=0.0, atol=0.0)


def test_initial_state_is_not_modified() -> None:
    initial = INITIAL.copy()
    solve(decay(RATES), initial, START, END, OUTPUT_TIMES, method="rk4", dt=DT)
    np.testing.assert_allclose(initial, INITIAL, rtol=0.0, atol=0.0)


def test_period_not_a_whole_number_of_steps_raises() -> None:
    with pytest.raises(ValueError, match=r"\(end - start\) / dt .* is not an integer"):
        solve(decay(RATES), INITIAL, 0.0, 1.0, np.array([0.0, 1.0]), method="euler", dt=0.3)


def test_output_time_off_the_grid_raises_and_names_it() -> None:
    with pytest.raises(ValueError, match=r"output time 0\.1 is not on the dt grid"):
        solve(decay(RATES), INITIAL, 0.0, 1.0, np.array([0.0, 0.1, 1.0]), method="rk4", dt=0.25)


def test_output_times_must_span_start_to_end() -> None:
    with pytest.raises(ValueError, match="must start at start"):
        solve(decay(RATES), INITIAL, 0.0, 1.0, np.array([0.5, 1.0]), method="RK45")
    with pytest.raises(ValueError, match="strictly increasing"):
        solve(decay(RATES), INITIAL, 0.0, 1.0, np.array([0.0, 0.5, 0.5, 1.0]), method="RK45")


def nan_after(time: float):
    def rhs(t: float, y: np.ndarray) -> np.ndarray:
        return -y if t < time else np.full_like(y, np.nan)

    return rhs


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("nan_from", [0.0, 1.3])
def test_nan_right_hand_side_raises_solver_error(method: str, nan_from: float) -> None:
    with pytest.raises(SolverError, match=rf"^{method} failed at t=[0-9.e+-]+: .+"):
        solve(nan_after(nan_from), INITIAL, START, END, OUTPUT_TIMES, method=method, dt=DT)


def test_fixed_step_error_says_the_state_became_non_finite() -> None:
    with pytest.raises(SolverError, match=r"euler failed at t=1\.5: state became non-finite"):
        solve(nan_after(1.3), INITIAL, START, END, OUTPUT_TIMES, method="euler", dt=DT)


def test_unknown_method_lists_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="allowed: euler, rk4, RK45, DOP853, LSODA, BDF, Radau"):
        solve(decay(RATES), INITIAL, START, END, OUTPUT_TIMES, method="rk45")


def test_rhs_with_the_wrong_shape_is_rejected() -> None:
    with pytest.raises(ValueError, match="rhs returned shape"):
        solve(lambda t, y: y[:, :1], INITIAL, START, END, OUTPUT_TIMES, method="euler", dt=DT)


def test_max_step_is_passed_to_scipy() -> None:
    calls = [0]

    def rhs(t: float, y: np.ndarray) -> np.ndarray:
        calls[0] += 1
        return -y

    solve(rhs, np.ones((1, 1)), 0.0, 1.0, np.array([0.0, 1.0]), method="RK45", max_step=0.01)
    assert calls[0] >= 6 * 100  # at least 100 steps of 6 stages each
