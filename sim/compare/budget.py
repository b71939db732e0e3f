"""Equal-budget scaling: scale a policy mix so that its extra fiscal cost equals a budget.

The budget (bn CNY) is the cumulative *planned* policy cost over the run
(2025-2035 by default: ``cumulative_planned_cost`` at the end, what the
schedules ask for before the local borrowing limit cuts programmes) *above*
the reference run: the same scenario (region, parameters, initial values,
drivers such as the price path) with every policy lever at its 2025 value —
``scenarios/baseline.yaml`` for that region. Above-baseline is what a mix adds
to the public purse, so equal budgets compare mixes per extra yuan planned; the
run then shows how much of it the city could fund (``cumulative_spending_cut``).

Scaling multiplies the mix's lever *changes* relative to the reference: every
policy lever follows ``(1 - k) * reference(t) + k * mix(t)``, clipped to the
lever's bounds (for a spending lever this scales the increment over the
baseline schedule). The factor ``k`` is found with :func:`scipy.optimize.brentq`
after a batched bracketing step; the budget is hit to 1e-6 relative.
"""
from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy.optimize import brentq

from restrans.model.levers import LEVERS
from restrans.model.stocks import StockIndex
from restrans.sim.scenario.errors import InputError
from restrans.sim.scenario.schedules import LeverSchedules, PiecewiseLinear
from restrans.sim.engine.simulate import Batch, build_batch, integrate, run_inputs
from restrans.sim.engine.solver_errors import SolverError

RELATIVE_TOLERANCE = 1e-6
MINIMUM_BUDGET = 1e-3
"""Smallest budget a mix can be scaled to (bn CNY, one million CNY): the cumulative costs are integrated to
about 1e-12 bn CNY, so a budget of 1e-7 bn CNY could not be hit to :data:`RELATIVE_TOLERANCE`."""
"""Largest relative difference between the achieved extra cost and the budget."""
MAXIMUM_FACTOR = 1e6
"""Cap on the scale factor (a mix whose changes are tiny relative to the lever bounds)."""
_POLICY = tuple(lever.kind == "policy" for lever in LEVERS)
_BRACKET_STEP = 2e-3  # relative half-width of the bracket around the linear estimate of the factor


def value_before(schedule: PiecewiseLinear, time: float) -> float:
    """Left limit of a schedule at ``time`` (the value just before a jump at ``time``)."""
    times, values = schedule.times, schedule.values
    index = bisect.bisect_left(times, time) - 1
    if index < 0:
        return values[0]
    if index + 1 >= len(times):
        return values[-1]
    time0, time1 = times[index], times[index + 1]
    return values[index] + (values[index + 1] - values[index]) * (time - time0) / (time1 - time0)


def _blend(base: PiecewiseLinear, mix: PiecewiseLinear, factor: float) -> list[tuple[float, float]]:
    """Points of base + factor * (mix - base), exact (both are piecewise linear); equal to base where mix is."""
    points = []
    for time in sorted(set(base.times) | set(mix.times)):
        left = value_before(base, time) + factor * (value_before(mix, time) - value_before(base, time))
        right = base.value_at(time) + factor * (mix.value_at(time) - base.value_at(time))
        points += [(time, left), (time, right)] if left != right else [(time, right)]
    return points


def scale_schedule(base: PiecewiseLinear, mix: PiecewiseLinear, factor: float, lower: float,
                   upper: float) -> PiecewiseLinear:
    """``(1 - factor) * base + factor * mix`` clipped to ``[lower, upper]``, as a piecewise-linear schedule.

    Parameters
    ----------
    base, mix : PiecewiseLinear
        Reference and mix schedules of one lever (lever unit).
    factor : float
        Scale of the change (1: the mix as written, 0: the reference).
    lower, upper : float
        The lever's bounds; where the blend crosses one, a point is inserted so
        the clipped schedule stays exact.
    """
    points = _blend(base, mix, factor)
    refined = [points[0]]
    for (time0, value0), (time1, value1) in zip(points, points[1:]):
        if time1 > time0:
            refined += sorted((time0 + (bound - value0) * (time1 - time0) / (value1 - value0), bound)
                              for bound in (lower, upper) if (value0 - bound) * (value1 - bound) < 0)
        refined.append((time1, value1))
    return PiecewiseLinear(tuple(time for time, _ in refined),
                           tuple(min(max(value, lower), upper) for _, value in refined))


def maximum_factor(base: Sequence[PiecewiseLinear], mix: Sequence[PiecewiseLinear]) -> float:
    """Smallest factor beyond which every changed policy lever sits at its bound at every breakpoint.

    0 when the mix changes no policy lever; capped at :data:`MAXIMUM_FACTOR`.
    """
    largest = 0.0
    for lever, policy, reference, scheduled in zip(LEVERS, _POLICY, base, mix):
        if not policy:
            continue
        for time in set(reference.times) | set(scheduled.times):
            for value_base, value_mix in ((value_before(reference, time), value_before(scheduled, time)),
                                          (reference.value_at(time), scheduled.value_at(time))):
                change = value_mix - value_base
                if abs(change) > 1e-12 * max(1.0, abs(value_base)):
                    bound = lever.upper if change > 0 else lever.lower
                    largest = max(largest, (bound - value_base) / change)
    return min(largest, MAXIMUM_FACTOR)


def reference_scenario(scenario):
    """The scenario with every policy lever left at its region's 2025 value (drivers kept)."""
    kinds = {lever.name: lever.kind for lever in LEVERS}
    drivers = {name: schedule for name, schedule in scenario.levers.items() if kinds[name] != "policy"}
    return scenario.model_copy(update={"levers": drivers})


@dataclass
class BudgetJob:
    """A scenario to scale to a budget.

    Attributes
    ----------
    scenario : restrans.sim.scenario.scenario.Scenario
    budget : float
        Extra cumulative policy cost to reach (bn CNY), > 0.
    origin : str
        Where the budget came from, for errors: the scenario file or ``--budget``.
    """

    scenario: object
    budget: float
    origin: str
    base: list[PiecewiseLinear] = dataclasses.field(default_factory=list)
    mix: list[PiecewiseLinear] = dataclasses.field(default_factory=list)

    def __post_init__(self):
        self.base = run_inputs(reference_scenario(self.scenario))[2]
        self.mix = run_inputs(self.scenario)[2]

    def schedules(self, factor: float) -> list[PiecewiseLinear]:
        """Lever schedules of the mix scaled by ``factor`` (drivers as in the scenario)."""
        return [scale_schedule(base, mix, factor, lever.lower, lever.upper) if policy else mix
                for lever, policy, base, mix in zip(LEVERS, _POLICY, self.base, self.mix)]


@dataclass(frozen=True)
class BudgetScaling:
    """Result of scaling one scenario to a budget.

    Attributes
    ----------
    scenario : str
    region : str
    budget : float
        Requested extra cost (bn CNY).
    factor : float
        Scale of the mix's lever changes (1 = as written).
    extra_cost : float
        Achieved cumulative policy cost above the reference run (bn CNY).
    reference_cost : float
        Cumulative policy cost of the reference run (bn CNY).
    evaluations : int
        Simulations used by brentq after bracketing.
    schedules : tuple of PiecewiseLinear
        The scaled schedule of every lever, in :data:`restrans.model.levers.LEVERS` order.
    """

    scenario: str
    region: str
    budget: float
    factor: float
    extra_cost: float
    reference_cost: float
    evaluations: int
    schedules: tuple[PiecewiseLinear, ...]


def batch_with_schedules(scenarios: Sequence, schedules: Sequence[Sequence[PiecewiseLinear]],
                         run_names: Sequence[str] | None = None) -> Batch:
    """A batch of ``scenarios`` whose lever schedules are replaced by ``schedules`` (per run, per lever)."""
    batch = build_batch(list(scenarios), run_names)
    per_lever = [[run_schedules[lever] for run_schedules in schedules] for lever in range(len(LEVERS))]
    return dataclasses.replace(batch, schedules=LeverSchedules(per_lever))


def final_costs(batch: Batch) -> np.ndarray:
    """Cumulative planned policy cost (bn CNY) of every run at the end of the batch's horizon."""
    state = integrate(batch)
    return state[-1, StockIndex.cumulative_planned_cost]


def _evaluate(jobs: Sequence[BudgetJob], factors: Sequence[Sequence[float]]) -> list[np.ndarray]:
    """Final cumulative cost of each job at each of its factors, in one batch."""
    pairs = [(job, factor) for job, job_factors in zip(jobs, factors) for factor in job_factors]
    costs = final_costs(batch_with_schedules([job.scenario for job, _ in pairs],
                                             [job.schedules(factor) for job, factor in pairs]))
    split = np.cumsum([len(job_factors) for job_factors in factors])[:-1]
    return np.split(costs, split)


def _unreachable(job: BudgetJob, extra_as_written: float, largest_extra: float) -> InputError:
    name, region = job.scenario.name, job.scenario.region
    if largest_extra <= 0:
        allowed = (f"a mix that spends more than policy as of 2025; in {region} '{name}' as written changes the "
                   f"cost by {extra_as_written:+.4g} bn CNY, so it cannot be scaled to a budget")
    else:
        allowed = (f"a budget '{name}' can reach in {region}: at most {largest_extra:.6g} bn CNY above "
                   "policy as of 2025 (every changed lever at its bound)")
    return InputError(job.origin, "budget", job.budget, allowed)


def _bracket(factors: np.ndarray, residuals: np.ndarray) -> tuple[float, float]:
    """The narrowest pair of evaluated factors with residual < 0 below and >= 0 above."""
    order = np.argsort(factors)
    factors, residuals = factors[order], residuals[order]
    for index in range(len(factors) - 1):
        if residuals[index] < 0 <= residuals[index + 1]:
            return float(factors[index]), float(factors[index + 1])
    raise RuntimeError("no sign change among the evaluated factors")


def _linear_estimate(factors: np.ndarray, residuals: np.ndarray) -> float:
    low, high = _bracket(factors, residuals)
    residual_low = residuals[np.argmin(np.abs(factors - low))]
    residual_high = residuals[np.argmin(np.abs(factors - high))]
    return low + (high - low) * (-residual_low) / (residual_high - residual_low)


def fit_budgets(jobs: Sequence[BudgetJob]) -> list[BudgetScaling]:
    """Scale every job to its budget.

    Raises
    ------
    InputError
        A budget below :data:`MINIMUM_BUDGET`, or one the mix cannot reach (it saves money, or its levers hit
        their bounds first).
    SolverError
        The scaled cost misses the budget by more than :data:`RELATIVE_TOLERANCE` (one line).
    """
    if not jobs:
        return []
    check_budget_size(jobs)
    limits = [maximum_factor(job.base, job.mix) for job in jobs]
    first = [[0.0, 1.0, max(limit, 1.0)] for limit in limits]
    costs = _evaluate(jobs, first)
    estimates = []
    for job, factors, cost in zip(jobs, first, costs):
        residuals = cost - cost[0] - job.budget
        if residuals.max() < 0:
            extras = cost - cost[0]
            raise _unreachable(job, float(extras[1]), float(extras[1:].max()))
        estimates.append(_linear_estimate(np.array(factors), residuals))
    factors = [np.array(job_factors) for job_factors in first]
    for step in (_BRACKET_STEP, 0.0):
        # two batched refinements: a bracket around the linear estimate, then the secant point inside it
        trial = [[estimate * (1 - step), estimate * (1 + step)] if step else [estimate] for estimate in estimates]
        trial_costs = _evaluate(jobs, trial)
        factors = [np.concatenate([f, t]) for f, t in zip(factors, trial)]
        costs = [np.concatenate([c, t]) for c, t in zip(costs, trial_costs)]
        estimates = [_linear_estimate(f, c - c[0] - job.budget) for f, c, job in zip(factors, costs, jobs)]
    return [_solve(job, job_factors, job_costs) for job, job_factors, job_costs in zip(jobs, factors, costs)]


def check_budget_size(jobs: Sequence[BudgetJob]) -> None:
    """Refuse a budget below :data:`MINIMUM_BUDGET` (or not a finite number) as bad input."""
    for job in jobs:
        if not (np.isfinite(job.budget) and job.budget >= MINIMUM_BUDGET):
            raise InputError(job.origin, "budget", job.budget, f"a number of bn CNY >= {MINIMUM_BUDGET:g} "
                             f"(smaller extra costs are below the precision of the cost integration)")


def _solve(job: BudgetJob, factors: np.ndarray, costs: np.ndarray) -> BudgetScaling:
    """brentq on the bracket found by the batched evaluations; one single-run simulation per evaluation."""
    reference_cost = float(costs[0])
    residuals = costs - reference_cost - job.budget
    low, high = _bracket(factors, residuals)
    cache: dict[float, float] = dict(zip(factors.tolist(), residuals.tolist()))

    def residual(factor: float) -> float:
        if factor not in cache:
            cost = final_costs(batch_with_schedules([job.scenario], [job.schedules(factor)]))[0]
            cache[factor] = float(cost - reference_cost - job.budget)
        return cache[factor]

    evaluated = len(cache)
    factor = brentq(residual, low, high, xtol=1e-12, rtol=1e-10, maxiter=200)
    extra = residual(factor) + job.budget
    if abs(extra - job.budget) > RELATIVE_TOLERANCE * job.budget:
        raise SolverError(f"budget scaling of {job.scenario.name!r} missed the budget of {job.budget:g} bn CNY: "
                          f"{extra:.10g} (tolerance {RELATIVE_TOLERANCE:g} relative)")
    return BudgetScaling(scenario=job.scenario.name, region=job.scenario.region, budget=job.budget,
                         factor=float(factor), extra_cost=float(extra), reference_cost=reference_cost,
                         evaluations=len(cache) - evaluated, schedules=tuple(job.schedules(factor)))


def simulate_to_budget(scenario, origin: str):
    """Results of ``scenario`` scaled to its ``budget:`` key (bn CNY above policy as of 2025), and the scaling.

    ``origin`` names the scenario file in errors (an unreachable budget raises InputError).
    """
    from restrans.sim.engine.simulate import simulate_batch

    scaling = fit_budgets([BudgetJob(scenario, float(scenario.budget), origin)])[0]
    return simulate_batch(batch_with_schedules([scenario], [scaling.schedules])), scaling
