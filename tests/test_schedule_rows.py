"""Per-run schedules from arrays (sweeps) evaluate exactly like PiecewiseLinear objects."""
from __future__ import annotations

import numpy as np

from restrans.model.levers import LEVERS, LeverIndex
from restrans.sim.scenario import schedules as schedule_functions
from restrans.sim.engine.schedule_rows import _evaluate_many, kernel_tables, replace_lever
from restrans.sim.scenario.schedules import LeverSchedules


def _base(n_runs: int) -> LeverSchedules:
    rows = [[schedule_functions.constant(lever.baseline)] for lever in LEVERS]
    rows[LeverIndex.transfer_payment] = [schedule_functions.step(0.3, 0.45, 2027.0)]
    return LeverSchedules(rows).select(np.zeros(n_runs, dtype=np.intp))


def test_replaced_levers_equal_schedules_built_from_objects():
    rng = np.random.default_rng(4)
    n_runs = 60
    start = rng.uniform(2025, 2030, n_runs)
    end = start + rng.uniform(0.5, 4.0, n_runs)
    low, high = rng.uniform(0, 5, n_runs), rng.uniform(0, 15, n_runs)
    at = rng.choice([2026.0, 2027.5, 2030.0], n_runs)
    constants = rng.uniform(0.2, 0.9, n_runs)
    arrays = replace_lever(_base(n_runs), LeverIndex.retraining_capacity, np.stack([start, end]),
                           np.stack([low, high]))
    arrays = replace_lever(arrays, LeverIndex.transfer_payment, np.stack([at, at]), np.stack([low, high]))
    arrays = replace_lever(arrays, LeverIndex.social_security_coverage, np.zeros((1, n_runs)), constants[None])
    rows = [[schedule_functions.constant(lever.baseline)] * n_runs for lever in LEVERS]
    rows[LeverIndex.retraining_capacity] = [schedule_functions.ramp(a, b, s, e) for a, b, s, e in
                                            zip(low, high, start, end)]
    rows[LeverIndex.transfer_payment] = [schedule_functions.step(a, b, t) for a, b, t in zip(low, high, at)]
    rows[LeverIndex.social_security_coverage] = [schedule_functions.constant(value) for value in constants]
    objects = LeverSchedules(rows)
    for time in np.concatenate([np.linspace(2024.0, 2036.0, 193), at, start, end]):
        assert np.array_equal(arrays.evaluate(time), objects.evaluate(time))  # bit for bit


def test_vectorised_evaluation_over_time_is_bit_identical():
    schedules = _base(3)
    times = np.linspace(2025.0, 2035.0, 321)
    shared_index, shared_values, *_ = kernel_tables(schedules, times)
    assert list(shared_index) == [LeverIndex.transfer_payment]
    expected = np.array([schedules.evaluate(time)[LeverIndex.transfer_payment, 0] for time in times])
    assert np.array_equal(shared_values[:, 0], expected)
    padded = schedules._parts.shared
    assert np.array_equal(_evaluate_many(padded, times)[:, 0], expected)
