"""Indicators of the plan's 2025 and 2035 goals (seed 一(三)), computed from trajectories.

Pure functions of arrays shaped ``(n_times, n_runs)``; the caller passes the
variables by name. Units and groups are declared in :data:`INDICATORS`.
"""
from __future__ import annotations

import numpy as np

RESERVE_LIFE_CAP = 1000.0  # yr; reserve life when extraction is (near) zero

INDICATORS: dict[str, tuple[str, str, str]] = {
    # name: (unit, group, doc)
    "reserve_life": ("yr", "resource security", "Recoverable reserves / extraction (R/P), capped at 1000 yr."),
    "recovery_rate": ("1", "resource security", "Whole-mine recovery rate."),
    "recovery_rate_gain": ("1", "resource security", "Recovery rate minus its value at the start (0 at the start)."),
    "green_capacity_share": ("1", "resource security", "Share of capacity meeting the green-mine standard."),
    "extraction": ("Mt/yr", "resource security", "Extraction (logging for forest regions)."),
    "gdp": ("bn CNY/yr", "economic vitality", "Gross regional product, 2025 prices."),
    "gdp_growth": ("1/yr", "economic vitality", "GDP growth over the preceding year (0 in the first year)."),
    "successor_share": ("1", "economic vitality", "Successor industries' share of GDP."),
    "fiscal_self_sufficiency": ("1", "economic vitality", "Own revenue / all local public spending, transfers included."),
    "local_debt": ("bn CNY", "economic vitality", "Outstanding local government debt."),
    "debt_ratio": ("1", "economic vitality", "Local debt / (own revenue + general transfers)."),
    "cumulative_spending_cut": ("bn CNY", "cost", "Planned local spending not made because of the borrowing limit, since the start."),
    "unemployment_rate": ("1", "people", "Job-seekers / labour force."),
    "laid_off_reemployed_share": ("1", "people", "Former miners re-employed since the start / all who were laid off or "
                                  "retraining at the start or laid off since (0 at the start)."),
    "population_change": ("1", "people", "Population relative to the start of the run, minus 1 (0 at the start)."),
    "dependency_ratio": ("1", "people", "(Children + elderly) / working-age residents."),
    "income_per_capita": ("thousand CNY/person/yr", "people", "Disposable income per resident."),
    "public_service_index": ("1", "people", "Public-service capital per resident / national reference."),
    "untreated_subsidence": ("km2", "ecology", "Untreated subsidence area."),
    "damaged_land": ("km2", "ecology", "Damaged land not restored."),
    "restored_share": ("1", "ecology", "Land treated since the start / (treated + still damaged or subsided); "
                       "0 at the start."),
    "environment_quality": ("1", "ecology", "Environmental-quality index (1 = pristine)."),
    "cumulative_policy_cost": ("bn CNY", "cost", "Public spending on the levers since the start."),
    "cumulative_planned_cost": ("bn CNY", "cost", "Policy cost as scheduled since the start, before the borrowing limit."),
    "cumulative_central_cost": ("bn CNY", "cost", "Central share of the cumulative policy cost."),
    "cumulative_local_cost": ("bn CNY", "cost", "Local share of the cumulative policy cost."),
}


CHANGE_INDICATORS: frozenset[str] = frozenset({
    "gdp_growth", "recovery_rate_gain", "laid_off_reemployed_share", "population_change", "restored_share",
})
"""Indicators that measure a change since the start of the run (or over the past year): their start value says
nothing, so a target on them is never judged met in the start year."""


def reserve_life(recovery_rate, proven_reserves, extraction):
    """Reserve life (yr): recoverable reserves / extraction, capped at :data:`RESERVE_LIFE_CAP`."""
    life = recovery_rate * proven_reserves / np.maximum(extraction, 1e-12)
    return np.minimum(life, RESERVE_LIFE_CAP)


def annual_growth(times, series):
    """Growth over the preceding year (1/yr) at each time, looking backward only; 0 in the first year.

    The run has no past, so the first year's growth is unknown and reported as 0;
    :data:`CHANGE_INDICATORS` keeps a target from being met by it.

    Parameters
    ----------
    times : ndarray, shape (n_times,)
        Years, containing every integer year of the run.
    series : ndarray, shape (n_times, n_runs)
    """
    tolerance = 1e-9
    in_first_year = times - 1.0 < times[0] - tolerance
    previous_index = np.searchsorted(times, times - 1.0 - tolerance)
    previous_index[in_first_year] = 0
    growth = series / series[previous_index] - 1.0
    growth[in_first_year] = 0.0
    return growth



def compute_indicators(times, variables):
    """All :data:`INDICATORS` as arrays of shape (n_times, n_runs).

    Parameters
    ----------
    times : ndarray, shape (n_times,)
    variables : mapping of str to ndarray (n_times, n_runs)
        Stocks and auxiliaries by name.
    """
    v = variables
    laid_off_total = v["cumulative_layoffs"] + v["laid_off_miners"][:1] + v["retrained_job_seekers"][:1]
    treated = v["cumulative_land_restored"]
    return {
        "reserve_life": reserve_life(v["recovery_rate"], v["proven_reserves"], v["extraction"]),
        "recovery_rate": v["recovery_rate"],
        "recovery_rate_gain": v["recovery_rate"] - v["recovery_rate"][:1],
        "green_capacity_share": v["green_share"],
        "extraction": v["extraction"],
        "gdp": v["gdp"],
        "gdp_growth": annual_growth(times, v["gdp"]),
        "successor_share": v["successor_share"],
        "fiscal_self_sufficiency": v["fiscal_self_sufficiency"],
        "local_debt": v["local_debt"],
        "debt_ratio": v["debt_ratio"],
        "cumulative_spending_cut": v["cumulative_spending_cut"],
        "unemployment_rate": v["unemployment_rate"],
        "laid_off_reemployed_share": v["cumulative_reemployed_miners"] / np.maximum(laid_off_total, 1e-9),
        "population_change": v["population"] / v["population"][:1] - 1.0,
        "dependency_ratio": v["dependency_ratio"],
        "income_per_capita": v["income_per_capita"],
        "public_service_index": v["public_service_index"],
        "untreated_subsidence": v["subsidence_area"],
        "damaged_land": v["damaged_land"],
        "restored_share": treated / np.maximum(treated + v["subsidence_area"] + v["damaged_land"], 1e-9),
        "environment_quality": v["environment_quality"],
        "cumulative_policy_cost": v["cumulative_central_cost"] + v["cumulative_local_cost"],
        "cumulative_planned_cost": v["cumulative_planned_cost"],
        "cumulative_central_cost": v["cumulative_central_cost"],
        "cumulative_local_cost": v["cumulative_local_cost"],
    }
