"""Fitting behavioural parameters to a city's history: least squares on normalised errors, in batches.

A :class:`HistoryProblem` holds one city's run (its history scenario) and the
observations it is compared with. :func:`simulate` runs any number of
parameter vectors as one batch (compiled engine when numba is installed),
each recalibrated to the city's start-year rest point; :func:`fit` minimises
the weighted relative errors of the fit-window observations with
:func:`scipy.optimize.least_squares` inside the parameters' plausible ranges,
using a forward-difference Jacobian computed as one batch per iteration, and
reports standard errors from the Jacobian at the optimum.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from restrans.model.parameters import PARAMETERS, ParameterIndex
from restrans.model.system import auxiliaries
from restrans.sim.engine.calibration import calibrated_batch
from restrans.sim.history.observables import industry_share, real_gdp, simulated_values
from restrans.sim.scenario.schedules import LeverSchedules

COMMON_FIT_PARAMETERS: tuple[str, ...] = (
    "productivity_diffusion", "market_growth_response", "base_migration_rate", "migration_income_sensitivity",
)
"""Fitted for every type, one per mechanism the three compared series can inform: how much of the national
productivity trend the city adopts and how its successor capital follows the national market (real GDP and the
secondary share), the base migration rate and its response to income (population). Larger sets leave J'J near
singular on 20-25 observations, so their standard errors say nothing."""
MINE_FIT_PARAMETERS: tuple[str, ...] = ("mining_productivity_growth", "capacity_investment_rate")
"""Fitted in coal cities: the productivity trend of the mines (how fast mining sheds labour and its share of
GDP falls) and their base rate of new capacity (how their volume follows the field, informed by the city's
coal output)."""
FIT_PARAMETERS: dict[str, tuple[str, ...]] = {
    "coal_declining": COMMON_FIT_PARAMETERS + MINE_FIT_PARAMETERS,
    "coal_mature": COMMON_FIT_PARAMETERS + MINE_FIT_PARAMETERS,
    "coal_growing": COMMON_FIT_PARAMETERS + MINE_FIT_PARAMETERS,
    "coal_regenerating": COMMON_FIT_PARAMETERS + MINE_FIT_PARAMETERS,
    "forest_declining": COMMON_FIT_PARAMETERS,
}
"""The default fitted set per region type (``--params`` overrides it): coal cities add
:data:`MINE_FIT_PARAMETERS`. A city fits those of them that a series of its fit window informs
(:func:`default_parameters`)."""
INFORMING_SERIES: dict[str, tuple[str, ...]] = {
    "productivity_diffusion": ("real_gdp_index", "secondary_share"),
    "market_growth_response": ("real_gdp_index", "secondary_share"),
    "mining_productivity_growth": ("real_gdp_index", "secondary_share"),
    "capacity_investment_rate": ("coal_output",),
    "base_migration_rate": ("population",),
    "migration_income_sensitivity": ("population",),
}
"""The compared series (``indicator`` of the observations) that each default-fitted parameter's mechanism is
fitted to: output per worker and successor capital to real GDP and the secondary share, new mining capacity to
the city's coal output (only Ordos has outputs in 2010-2017: 540 and 628 Mt in 2016-2017), migration to the
population. A city without any of them in its fit window (Ordos, Datong, Jiaozuo and Yangquan have no hukou
series; their census 2020 lies in the holdout) would move the parameter only through its side effects on the
other series: the migration parameters of Ordos went to their upper bounds to add workers to its GDP and put
its 2020 census 22.9 % above the count."""

FINITE_DIFFERENCE_STEP = 1e-3
"""Step of the forward differences, as a share of each parameter's plausible range."""


@dataclass(frozen=True)
class HistoryProblem:
    """One city's run and the observations it is compared with.

    Attributes
    ----------
    state, parameters : ndarray, shape (n_stocks,), (n_parameters,)
        Start-year stocks and parameters (city preset and scenario).
    schedules : list of PiecewiseLinear
        One lever schedule per lever.
    times : ndarray
        Whole years from the start to the end of the run.
    method, dt : str, float
        Solver settings of the scenario.
    names : tuple of str
        Fitted parameters.
    prior, lower, upper : ndarray, shape (n_fitted,)
        Preset values and plausible ranges of the fitted parameters.
    observations : DataFrame
        ``indicator, source, year, observed, anchor_year, anchor, sample`` (``fit`` or ``holdout``;
        :func:`~restrans.sim.history.observables.observed_series`).
    relative_price : ndarray, shape (n_times,)
        Price of industrial products relative to consumer prices at each time
        (:func:`~restrans.sim.history.observables.relative_industry_price`), for the share at current prices.
    """

    state: np.ndarray
    parameters: np.ndarray
    schedules: list
    times: np.ndarray
    method: str
    dt: float
    names: tuple[str, ...]
    prior: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    observations: pd.DataFrame
    relative_price: np.ndarray


def plausible_bounds(names, parameters):
    """Prior values and plausible ranges (arrays) of the parameters ``names`` at their values in ``parameters``.

    A value inside the declared plausible range is fitted within that range, so a value fitted once and adopted
    does not widen the range of the next fit; a value outside it (a preset on another scale) is fitted within the
    same range relative to the default (:meth:`~restrans.model.metadata.Parameter.plausible_range_at`).
    """
    prior = np.array([parameters[ParameterIndex[name]] for name in names], dtype=float)
    ranges = [_fit_range(PARAMETERS[ParameterIndex[name]], value) for name, value in zip(names, prior)]
    lower = np.array([low for low, _ in ranges])
    upper = np.array([high for _, high in ranges])
    return prior, lower, upper


def default_parameters(archetype: str, observations: pd.DataFrame) -> tuple[str, ...]:
    """The parameters of ``FIT_PARAMETERS[archetype]`` that a fit-window series of ``observations`` informs.

    ``observations`` has the columns ``indicator`` and ``sample`` (:class:`HistoryProblem`); a parameter outside
    :data:`INFORMING_SERIES` is always kept.
    """
    fitted = set(observations.loc[fitted_mask(observations), "indicator"])
    return tuple(name for name in FIT_PARAMETERS[archetype]
                 if name not in INFORMING_SERIES or fitted.intersection(INFORMING_SERIES[name]))


def with_parameters(problem: HistoryProblem, names: tuple[str, ...]) -> HistoryProblem:
    """``problem`` fitting ``names`` instead, with their priors and plausible ranges (for a joint fit)."""
    prior, lower, upper = plausible_bounds(names, problem.parameters)
    return replace(problem, names=tuple(names), prior=prior, lower=lower, upper=upper)


def _fit_range(parameter, value: float) -> tuple[float, float]:
    """The declared plausible range if it holds ``value``, else the range relative to the default."""
    if parameter.plausible_lower <= value <= parameter.plausible_upper:
        return parameter.plausible_range_at(parameter.default)
    return parameter.plausible_range_at(value)


def simulate(problem: HistoryProblem, values: np.ndarray) -> dict[str, np.ndarray]:
    """Population, GDP and industry share over the years of the run for parameter vectors ``values``.

    Parameters
    ----------
    values : ndarray, shape (n_fitted, n_runs)
        Values of :attr:`HistoryProblem.names`, one column per run.

    Returns
    -------
    dict of str to ndarray (n_times, n_runs)
        ``population`` and ``registered_population`` (thousand), ``gdp`` (real GDP at start-year resource prices, bn CNY/yr, see
        :func:`~restrans.sim.history.observables.real_gdp`), ``industry_share`` (1), ``unemployment_rate`` (1),
        ``extraction`` (Mt/yr).
    """
    runs = values.shape[1]
    parameters = np.repeat(problem.parameters[:, None], runs, axis=1)
    for row, name in enumerate(problem.names):
        parameters[ParameterIndex[name]] = values[row]
    state = np.repeat(problem.state[:, None], runs, axis=1)
    schedules = LeverSchedules([[schedule] * runs for schedule in problem.schedules])
    start_levers = schedules.evaluate(float(problem.times[0]))
    parameters = calibrated_batch(state, parameters, start_levers)
    trajectories = _integrate(state, parameters, schedules, problem)
    levers = np.stack([schedules.evaluate(float(time)) for time in problem.times], axis=1)
    with np.errstate(all="ignore"):
        a = auxiliaries(np.moveaxis(trajectories, 0, 1), parameters[:, None, :], levers)
        industry = industry_share(a, problem.relative_price[:, None])
    return {"population": a["population"], "registered_population": a["registered_population"], "gdp": real_gdp(a),
            "industry_share": industry,
            "unemployment_rate": a["unemployment_rate"], "extraction": a["extraction"]}


def _integrate(state, parameters, schedules, problem):
    """Stock trajectories (n_times, n_stocks, n_runs) on the compiled engine, else numpy."""
    from restrans.sim.engine import fast_solver

    if fast_solver.AVAILABLE:
        return fast_solver.integrate(state, parameters, schedules, problem.times, problem.method, problem.dt)
    from restrans.model.system import derivatives
    from restrans.sim.engine.solver import solve

    def right_hand_side(time, current):
        return derivatives(time, current, parameters, schedules.evaluate(time))

    return solve(right_hand_side, state, float(problem.times[0]), float(problem.times[-1]), problem.times,
                 method=problem.method, dt=problem.dt,
                 breakpoints=tuple(schedules.breakpoints(float(problem.times[0]), float(problem.times[-1]))))


def predictions(problem: HistoryProblem, values: np.ndarray) -> np.ndarray:
    """Simulated value of every observation, shape (n_observations, n_runs)."""
    return simulated_values(problem.observations, problem.times, simulate(problem, values))


SERIES_TOLERANCE: dict[str, float] = {"population": 0.03, "real_gdp_index": 0.10, "secondary_share": 0.105,
                                      "coal_output": 0.10}
"""Relative error (1) accepted in each compared series, the scale its errors are measured in: the validation
targets of regional system-dynamics practice (population 3 %, real GDP 10 %; a secondary share within 5
points is 10.5 % of the cities' median 2010 share, 47.6 %). Population is counted far more precisely than
GDP, so an equal relative error in it says more. Coal output (no published target) gets GDP's 10 %: the
points are single figures from news reports, rounded (Ordos 2016: "540 million metric tons, according to
local officials") and of unstated scope (whole city or above designated size)."""


def fitted_mask(observations: pd.DataFrame) -> np.ndarray:
    """Which observations the fit uses: those of the fit window in a series of :data:`SERIES_TOLERANCE`."""
    return ((observations["sample"] == "fit") & observations["indicator"].isin(list(SERIES_TOLERANCE))).to_numpy()


def _weights(problem: HistoryProblem) -> np.ndarray:
    """Weight of each fitted observation: 1 / (sqrt(count of its indicator in the fit) x the series' tolerance).

    Each series counts once whatever its length, and in units of the error it is allowed
    (:data:`SERIES_TOLERANCE`); an observation the fit does not use (:func:`fitted_mask`) weighs 0.
    """
    fit = fitted_mask(problem.observations)
    counts = problem.observations[fit].groupby("indicator").size()
    return np.array([1.0 / (np.sqrt(counts.get(indicator, 1)) * SERIES_TOLERANCE[indicator]) if used else 0.0
                     for indicator, used in zip(problem.observations["indicator"], fit)])


def residuals(problem: HistoryProblem, values: np.ndarray) -> np.ndarray:
    """Weighted relative errors (simulated / observed - 1) of the fitted observations, shape (n_fit, n_runs).

    Non-finite runs get a large error (10 per observation) so the optimiser moves away from them.
    """
    fit = fitted_mask(problem.observations)
    observed = problem.observations["observed"].to_numpy()[fit]
    errors = (predictions(problem, values)[fit] / observed[:, None] - 1.0) * _weights(problem)[fit][:, None]
    return np.where(np.isfinite(errors), errors, 10.0)


@dataclass(frozen=True)
class FitResult:
    """Fitted values, their standard errors and the optimiser's report."""

    values: np.ndarray
    standard_errors: np.ndarray
    cost: float
    prior_cost: float
    evaluations: int
    message: str


def fit(problem: HistoryProblem) -> FitResult:
    """Least squares within the plausible ranges, from the prior, on scaled parameters (range = 1)."""
    return fit_joint([problem])


def fit_joint(problems: list[HistoryProblem]) -> FitResult:
    """One parameter vector fitted to several cities at once: their residuals stacked (see :func:`fit`).

    The problems must fit the same parameters with the same priors and ranges
    (cities of one region type); each city's series keep their own weights, so
    a city with more series counts more. The standard errors come from the
    stacked Jacobian.
    """
    first = problems[0]
    for problem in problems[1:]:
        if problem.names != first.names or not np.allclose(problem.prior, first.prior):
            raise ValueError("a joint fit needs the same parameters and priors in every problem")
    width = first.upper - first.lower
    start = np.clip((first.prior - first.lower) / np.where(width > 0, width, 1.0), 0.0, 1.0)

    def unscaled(scaled):
        return first.lower[:, None] + scaled * width[:, None]

    def stacked(values):
        return np.concatenate([residuals(problem, values) for problem in problems])

    def objective(scaled):
        return stacked(unscaled(scaled[:, None]))[:, 0]

    def jacobian(scaled):
        columns = np.repeat(scaled[:, None], scaled.size + 1, axis=1)
        steps = np.where(scaled + FINITE_DIFFERENCE_STEP <= 1.0, FINITE_DIFFERENCE_STEP, -FINITE_DIFFERENCE_STEP)
        columns[np.arange(scaled.size), np.arange(1, scaled.size + 1)] += steps
        errors = stacked(unscaled(columns))
        return (errors[:, 1:] - errors[:, :1]) / steps

    prior_cost = 0.5 * float(np.sum(objective(start) ** 2))
    result = least_squares(objective, start, jac=jacobian, bounds=(0.0, 1.0), method="trf", max_nfev=60)
    values = unscaled(result.x[:, None])[:, 0]
    return FitResult(values, _standard_errors(result, width), float(result.cost), prior_cost, int(result.nfev),
                     str(result.message))


def _standard_errors(result, width: np.ndarray) -> np.ndarray:
    """Standard errors (parameter units) from the Jacobian: sqrt(diag((J'J)^-1) * SSR / (m - n)).

    NaN where J'J is singular (a parameter the data do not inform) or there are no residual degrees of freedom.
    """
    jacobian = result.jac
    observations, unknowns = jacobian.shape
    if observations <= unknowns:
        return np.full(unknowns, np.nan)
    variance = 2.0 * result.cost / (observations - unknowns)
    try:
        covariance = np.linalg.inv(jacobian.T @ jacobian) * variance
    except np.linalg.LinAlgError:
        return np.full(unknowns, np.nan)
    diagonal = np.diag(covariance)
    return np.where(diagonal >= 0.0, np.sqrt(np.abs(diagonal)), np.nan) * width
