"""Summary statistics of a historical fit (Sterman 1984), per city, indicator and sample.

Sterman, J. D. (1984). Appropriate summary statistics for evaluating the historical fit of system
dynamics models. *Dynamica* 10(2), 51–66.

For observed values :math:`a_t` and simulated values :math:`s_t`, :math:`t = 1..n`, errors
:math:`e_t = s_t - a_t`, means :math:`\\bar a, \\bar s`, **population** standard deviations
:math:`S_a, S_s` (divided by :math:`n`) and the correlation coefficient :math:`r`:

- MAPE :math:`= \\frac{100}{n} \\sum |e_t| / |a_t|` (percent of the observed value);
- RMSPE :math:`= 100 \\sqrt{\\frac{1}{n} \\sum (e_t / a_t)^2}` (percent);
- MSE :math:`= \\frac{1}{n} \\sum e_t^2`; :math:`R^2 = r^2`, the squared correlation of simulated and observed;
- Theil's inequality coefficient :math:`U = \\sqrt{MSE} / (\\sqrt{\\overline{a^2}} + \\sqrt{\\overline{s^2}})`,
  between 0 (perfect) and 1;
- Theil's inequality statistics, the shares of MSE due to bias, unequal variation and unequal covariation:
  :math:`U^M = (\\bar s - \\bar a)^2 / MSE`, :math:`U^S = (S_s - S_a)^2 / MSE`,
  :math:`U^C = 2 (1 - r) S_s S_a / MSE`; since :math:`MSE = (\\bar s - \\bar a)^2 + (S_s - S_a)^2 + 2(1 - r) S_s S_a`
  they sum to 1.

:math:`U^C` is computed as :math:`(\\mathrm{Var}(e) - (S_s - S_a)^2) / MSE`, the same quantity without
:math:`r`, so it stays exact when a series is constant. Undefined values are NaN, never an exception:
:math:`R^2` and the decomposition for :math:`n = 1`; :math:`R^2` when a series is constant; the
decomposition when MSE = 0 (a perfect fit); MAPE and RMSPE when an observed value is 0.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

SAMPLES: tuple[str, ...] = ("fit", "holdout")
"""The samples of a validation table: years used in the fit, and years held out."""

VALIDATION_COLUMNS: tuple[str, ...] = ("city", "indicator", "year", "observed", "simulated", "sample")
"""The columns of a validation table (``validation.csv``): one row per observed number used."""

STATISTICS_COLUMNS: tuple[str, ...] = ("city", "indicator", "sample", "n", "mape", "rmspe", "r_squared", "theil_u",
                                       "bias_share", "variance_share", "covariance_share", "max_abs_error")
"""The columns of :func:`statistics_table` (``statistics.csv``)."""


@dataclass(frozen=True)
class FitStatistics:
    """Sterman's (1984) summary statistics of one simulated series against its observations.

    Attributes
    ----------
    n : int
        Number of observations compared.
    mape : float
        Mean absolute percent error, percent of the observed value.
    rmspe : float
        Root-mean-square percent error, percent.
    r_squared : float
        Squared correlation coefficient of simulated and observed (dimensionless, 0–1).
    theil_u : float
        Theil's inequality coefficient :math:`\\sqrt{MSE} / (\\sqrt{\\overline{a^2}} + \\sqrt{\\overline{s^2}})`,
        dimensionless, 0 (perfect) to 1.
    bias_share, variance_share, covariance_share : float
        :math:`U^M, U^S, U^C`: the fractions of MSE due to unequal means, unequal standard deviations
        and imperfect correlation (dimensionless; they sum to 1).
    max_abs_error : float
        Largest :math:`|s_t - a_t|`, in the indicator's unit (percentage points for a share).
    """

    n: int
    mape: float
    rmspe: float
    r_squared: float
    theil_u: float
    bias_share: float
    variance_share: float
    covariance_share: float
    max_abs_error: float


def _as_series(values, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel()
    if array.size == 0:
        raise ValueError(f"{name}: no values; at least one observation is needed")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name}: {int(np.sum(~np.isfinite(array)))} value(s) are NaN or infinite")
    return array


def _percent_errors(observed: np.ndarray, errors: np.ndarray) -> tuple[float, float]:
    """MAPE and RMSPE in percent of the observed value; NaN when an observed value is 0."""
    if np.any(observed == 0):
        return math.nan, math.nan
    relative = errors / np.abs(observed)
    return float(100.0 * np.mean(np.abs(relative))), float(100.0 * math.sqrt(np.mean(relative ** 2)))


def _decomposition(observed: np.ndarray, simulated: np.ndarray, errors: np.ndarray,
                   mse: float) -> tuple[float, float, float]:
    """U^M, U^S, U^C; NaN for a single observation or a perfect fit (MSE = 0)."""
    if observed.size < 2 or mse == 0:
        return math.nan, math.nan, math.nan
    spread = float(np.std(simulated) - np.std(observed))  # population standard deviations (divide by n)
    bias = float(np.mean(errors)) ** 2
    unequal_variation = spread ** 2
    unequal_covariation = float(np.var(errors)) - unequal_variation  # = 2 (1 - r) S_s S_a, without r
    return bias / mse, unequal_variation / mse, unequal_covariation / mse


def _r_squared(observed: np.ndarray, simulated: np.ndarray) -> float:
    """Squared correlation coefficient; NaN when it is undefined (n = 1 or a constant series)."""
    if observed.size < 2 or np.std(observed) == 0 or np.std(simulated) == 0:
        return math.nan
    deviations_observed, deviations_simulated = observed - observed.mean(), simulated - simulated.mean()
    covariance = float(np.mean(deviations_observed * deviations_simulated))
    return covariance ** 2 / (float(np.mean(deviations_observed ** 2)) * float(np.mean(deviations_simulated ** 2)))


def fit_statistics(observed, simulated) -> FitStatistics:
    """Sterman's (1984) statistics of ``simulated`` against ``observed`` (see the module docstring).

    Parameters
    ----------
    observed, simulated : array-like of float
        Paired values in the indicator's unit, the same length, all finite.

    Returns
    -------
    FitStatistics
        Undefined statistics are NaN (R² and U^M, U^S, U^C for n = 1; the decomposition when MSE = 0;
        MAPE and RMSPE when an observed value is 0); Theil's U is 0 for a perfect fit.

    Raises
    ------
    ValueError
        No values, different lengths, or a NaN or infinite value.
    """
    observed, simulated = _as_series(observed, "observed"), _as_series(simulated, "simulated")
    if observed.shape != simulated.shape:
        raise ValueError(f"observed has {observed.size} values, simulated {simulated.size}; pair them one to one")
    errors = simulated - observed
    mse = float(np.mean(errors ** 2))
    mape, rmspe = _percent_errors(observed, errors)
    scale = math.sqrt(float(np.mean(observed ** 2))) + math.sqrt(float(np.mean(simulated ** 2)))
    theil_u = 0.0 if mse == 0 else math.sqrt(mse) / scale
    bias_share, variance_share, covariance_share = _decomposition(observed, simulated, errors, mse)
    return FitStatistics(n=int(observed.size), mape=mape, rmspe=rmspe, r_squared=_r_squared(observed, simulated),
                         theil_u=theil_u, bias_share=bias_share, variance_share=variance_share,
                         covariance_share=covariance_share, max_abs_error=float(np.max(np.abs(errors))))


def check_validation(validation: pd.DataFrame) -> pd.DataFrame:
    """``validation`` if it is a validation table (:data:`VALIDATION_COLUMNS`, samples fit or holdout).

    Raises
    ------
    ValueError
        A column is missing, a sample is neither ``fit`` nor ``holdout``, or ``observed``, ``simulated``
        or ``year`` is not numeric.
    """
    missing = [name for name in VALIDATION_COLUMNS if name not in validation.columns]
    if missing:
        raise ValueError(f"validation table lacks column(s) {', '.join(missing)}; "
                         f"it needs {', '.join(VALIDATION_COLUMNS)}")
    unknown = sorted(set(validation["sample"]) - set(SAMPLES))
    if unknown:
        raise ValueError(f"validation table: sample(s) {', '.join(map(str, unknown))}; allowed: {', '.join(SAMPLES)}")
    for name in ("year", "observed", "simulated"):
        if not pd.api.types.is_numeric_dtype(validation[name]):
            raise ValueError(f"validation table: column {name} is not numeric")
    return validation


def statistics_table(validation: pd.DataFrame) -> pd.DataFrame:
    """:func:`fit_statistics` for every city, indicator and sample of a validation table.

    Parameters
    ----------
    validation : pandas.DataFrame
        Columns :data:`VALIDATION_COLUMNS`: ``observed`` and ``simulated`` in the indicator's unit,
        ``sample`` ``fit`` or ``holdout``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`STATISTICS_COLUMNS` (percent for MAPE and RMSPE, the indicator's unit for
        ``max_abs_error``), one row per city, indicator and sample present, sorted by them
        (``fit`` before ``holdout``).

    Raises
    ------
    ValueError
        Not a validation table (:func:`check_validation`), or a NaN or infinite value.
    """
    check_validation(validation)
    rows = []
    for (city, indicator, sample), group in validation.groupby(["city", "indicator", "sample"], sort=True):
        statistics = fit_statistics(group["observed"].to_numpy(), group["simulated"].to_numpy())
        rows.append({"city": city, "indicator": indicator, "sample": sample, **asdict(statistics)})
    table = pd.DataFrame(rows, columns=list(STATISTICS_COLUMNS))
    return table.astype({"n": "int64"}) if rows else table
