"""Generic system-dynamics functions used by several sectors."""
from __future__ import annotations

import numpy as np


def saturating_minimum(demand, limit):
    """Smooth minimum of a desired flow and a stock-limited flow (both >= 0).

    ``demand * (1 - exp(-limit / demand))``: close to ``demand`` when the limit
    is ample, close to ``limit`` when it binds, zero when either is zero, and
    never above either argument.

    Parameters
    ----------
    demand, limit : ndarray
        Non-negative flows in the same unit.

    Returns
    -------
    ndarray
        Flow in the same unit.
    """
    return demand * saturation(limit / np.maximum(demand, 1e-12))


def saturation(ratio):
    """``1 - exp(-ratio)`` for ratio >= 0: rises from 0 and saturates at 1.

    Computed as ``-expm1(-ratio)``: the same function, but well conditioned
    near 0. Written as ``1 - exp(-ratio)``, a one-ulp difference between two
    ``exp`` implementations (numpy's SIMD loop, numba's libm) becomes a
    relative error of ``1e-16 / ratio`` (8e-11 was measured at ratio 1e-6);
    ``expm1`` keeps it at one ulp. The ratio is capped at 40, where
    ``exp(-40) < 2**-54`` so the result is already exactly 1.0; the cap only
    avoids slow underflow arithmetic.

    Parameters
    ----------
    ratio : ndarray
        Non-negative, dimensionless.

    Returns
    -------
    ndarray
        Dimensionless, in [0, 1].
    """
    return -np.expm1(-np.minimum(ratio, 40.0))
