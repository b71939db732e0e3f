"""Sobol first-order and total indices of many outputs at once: SALib's estimators, vectorised over outputs.

:func:`sobol_indices` gives what ``SALib.analyze.sobol.analyze(problem, Y,
calc_second_order=False, num_resamples=R, conf_level=c, seed=s)`` gives for
each column of ``outputs`` — the Saltelli et al. (2010) estimators of S1 and
ST on outputs normalised by their standard deviation, and bootstrap
confidence half-widths from the same resamples SALib draws for that seed —
but for every output in one pass. The point estimates are computed as SALib
computes them. The bootstrap is the same arithmetic arranged differently:
each estimate is a mean over sample rows, so the mean over a resample is a
row of ``counts @ values / N`` (``counts``: how often each row is drawn in
each resample), one matrix product for all outputs and resamples instead of
one fancy-indexed copy per output, factor and estimator. A test checks the
results against SALib to 1e-9.
"""
from __future__ import annotations

import numpy as np

_EPSILON = np.finfo(float).eps


def _resample_counts(n_rows: int, resamples: int, seed: int) -> np.ndarray:
    """(resamples, n_rows): how often each row is drawn in each bootstrap resample, as SALib draws them."""
    draws = (np.random.default_rng(seed).integers(n_rows, size=(n_rows, resamples)) if seed else
             np.random.randint(n_rows, size=(n_rows, resamples)))  # SALib: a seed of 0 means no seed
    flat = draws.T + np.arange(resamples)[:, np.newaxis] * n_rows
    return np.bincount(flat.ravel(), minlength=resamples * n_rows).reshape(resamples, n_rows).astype(float)


def _safe_divide(numerator: np.ndarray, variance: np.ndarray) -> np.ndarray:
    return np.divide(numerator, variance, out=np.zeros_like(variance), where=variance > _EPSILON)


def sobol_indices(outputs: np.ndarray, dimensions: int, resamples: int, confidence: float,
                  seed: int) -> dict[str, np.ndarray]:
    """S1, S1_conf, ST and ST_conf (each (n_outputs, dimensions)) of the columns of ``outputs``.

    Parameters
    ----------
    outputs : ndarray, shape (n_rows, n_outputs)
        Model outputs on a Saltelli sample without second order (SALib's ``sobol.sample(...,
        calc_second_order=False)``): ``n_rows = N (dimensions + 2)``. Each column finite and not constant.
    dimensions : int
        Number of factors.
    resamples : int
        Bootstrap resamples of the confidence half-widths.
    confidence : float
        Confidence level of the half-widths (0.95: 95 %).
    seed : int
        Seed of the resamples (SALib's ``seed``).
    """
    from scipy.stats import norm

    outputs = np.asarray(outputs, dtype=float)
    step = dimensions + 2
    n_rows = outputs.shape[0] // step
    normalised = (outputs - outputs.mean(axis=0)) / outputs.std(axis=0)
    first, last = normalised[0::step], normalised[step - 1::step]
    counts = _resample_counts(n_rows, resamples, seed)
    variance = np.var(np.concatenate([first, last]), axis=0)
    sums = counts @ (first + last) / (2 * n_rows)
    resampled_variance = counts @ (first**2 + last**2) / (2 * n_rows) - sums**2
    z = norm.ppf(0.5 + confidence / 2)
    result = {name: np.empty((outputs.shape[1], dimensions)) for name in ("S1", "S1_conf", "ST", "ST_conf")}
    for factor in range(dimensions):
        crossed = normalised[factor + 1::step]
        first_order, total = last * (crossed - first), 0.5 * (first - crossed) ** 2
        result["S1"][:, factor] = _safe_divide(np.mean(first_order, axis=0), variance)
        result["ST"][:, factor] = _safe_divide(np.mean(total, axis=0), variance)
        result["S1_conf"][:, factor] = z * _safe_divide(counts @ first_order / n_rows, resampled_variance).std(
            axis=0, ddof=1)
        result["ST_conf"][:, factor] = z * _safe_divide(counts @ total / n_rows, resampled_variance).std(
            axis=0, ddof=1)
    return result
