"""Equal-budget scaling (sim/budget.py): exact scaled schedules, the budget hit to 1e-6, unreachable budgets."""
from __future__ import annotations

import numpy as np
import pytest

from restrans.model.levers import LEVERS, LeverIndex
from restrans.sim.compare.budget import (RELATIVE_TOLERANCE, BudgetJob, batch_with_schedules, final_costs, fit_budgets,
                        maximum_factor, reference_scenario, scale_schedule, value_before)
from restrans.sim.scenario.errors import InputError
from restrans.sim.scenario.scenario import load_scenario
from restrans.sim.scenario.schedules import constant, ramp, step, table
from tests.conftest import SCENARIOS

TIMES = np.linspace(2020.0, 2040.0, 401)


def values(schedule, times=TIMES):
    return np.array([schedule.value_at(t) for t in times])


@pytest.mark.parametrize("factor", [0.0, 0.3, 1.0, 2.5])
def test_scaled_schedule_equals_the_pointwise_blend_inside_the_bounds(factor):
    base = table([2025, 2030, 2035], [1.0, 2.0, 1.5])
    mix = ramp(1.0, 8.0, 2026, 2029)
    scaled = scale_schedule(base, mix, factor, 0.0, 100.0)
    expected = (1 - factor) * values(base) + factor * values(mix)
    assert np.allclose(values(scaled), expected, rtol=0, atol=1e-12)


def test_scaled_schedule_keeps_jumps_and_their_left_limits():
    scaled = scale_schedule(constant(1.0), step(1.0, 5.0, 2027), 0.5, 0.0, 100.0)
    assert value_before(scaled, 2027.0) == pytest.approx(1.0, abs=1e-12)
    assert scaled.value_at(2027.0) == pytest.approx(3.0, abs=1e-12)


def test_scaled_schedule_is_clipped_exactly_at_the_bounds():
    base, mix = constant(0.5), ramp(0.5, 1.0, 2025, 2035)   # a share lever, upper bound 1
    scaled = scale_schedule(base, mix, 3.0, 0.0, 1.0)       # blend 0.5 -> 2.0, crosses 1 at 2026.667
    expected = np.clip(0.5 + 3.0 * (values(mix) - 0.5), 0.0, 1.0)
    assert np.allclose(values(scaled), expected, rtol=0, atol=1e-12)
    assert values(scaled).max() == 1.0


def test_factor_one_reproduces_the_mix_and_zero_the_reference():
    mix = load_scenario(SCENARIOS / "livelihood_first.yaml")
    job = BudgetJob(mix, 1.0, "test")
    reference = reference_scenario(mix)
    assert reference.levers == {}
    for lever in LEVERS:
        index = LeverIndex[lever.name]
        assert np.array_equal(values(job.schedules(1.0)[index]), values(job.mix[index]))
        assert np.array_equal(values(job.schedules(0.0)[index]), values(job.base[index]))


def test_maximum_factor_is_where_the_first_changed_lever_is_clipped_last():
    mix = load_scenario(SCENARIOS / "opening_up.yaml")   # both levers 0 -> 0.5, upper bound 1
    job = BudgetJob(mix, 1.0, "test")
    assert maximum_factor(job.base, job.mix) == pytest.approx(2.0, rel=1e-12)
    assert maximum_factor(job.base, job.base) == 0.0


@pytest.fixture(scope="module")
def fitted():
    jobs = [BudgetJob(load_scenario(SCENARIOS / f"{name}.yaml"), 5.0, "test")
            for name in ("innovation_successor", "green_restoration", "opening_up")]
    return jobs, fit_budgets(jobs)


def test_equal_budget_scaling_hits_the_budget_to_one_millionth(fitted):
    jobs, scalings = fitted
    for job, scaling in zip(jobs, scalings):
        assert abs(scaling.extra_cost - 5.0) <= RELATIVE_TOLERANCE * 5.0
        # re-simulate independently: scaled run and reference run
        costs = final_costs(batch_with_schedules([job.scenario, reference_scenario(job.scenario)],
                                                 [scaling.schedules, job.base]))
        assert abs((costs[0] - costs[1]) - 5.0) <= RELATIVE_TOLERANCE * 5.0


def test_scaling_keeps_unchanged_levers_and_scales_changes_by_one_factor(fitted):
    jobs, scalings = fitted
    job, scaling = jobs[0], scalings[0]                  # innovation_successor costs ~42 bn as written
    assert 0.0 < scaling.factor < 1.0
    support = LeverIndex.successor_support
    expected = 0.4 + scaling.factor * (3.0 - 0.4)
    assert scaling.schedules[support].value_at(2030.0) == pytest.approx(expected, rel=1e-12)
    untouched = LeverIndex.transfer_payment
    assert scaling.schedules[untouched] == job.base[untouched]


def test_a_mix_that_saves_money_cannot_be_scaled_to_a_budget():
    job = BudgetJob(load_scenario(SCENARIOS / "no_support.yaml"), 5.0, "--budget")
    with pytest.raises(InputError) as caught:
        fit_budgets([job])
    assert str(caught.value).startswith("--budget: budget: 5.0 — a mix that spends more than policy as of 2025")


def test_a_budget_beyond_the_lever_bounds_is_reported_with_the_reachable_maximum():
    job = BudgetJob(load_scenario(SCENARIOS / "opening_up.yaml"), 1000.0, "scenarios/opening_up.yaml")
    with pytest.raises(InputError) as caught:
        fit_budgets([job])
    message = str(caught.value)
    assert message.startswith("scenarios/opening_up.yaml: budget: 1000.0 — a budget 'opening_up' can reach")
    assert "at most" in message and "\n" not in message
