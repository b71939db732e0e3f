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
    safe_demand = np.maximum(demand, 1e-12)
    return demand * -np.expm1(-limit / safe_demand)
