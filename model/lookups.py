"""Table functions as data, and their evaluation (piecewise linear, flat beyond the ends)."""
from __future__ import annotations

import numpy as np

from restrans.model.metadata import Lookup

RESERVE_LIFE_INVESTMENT_EFFECT = Lookup(
    name="reserve_life_investment_effect",
    x_unit="reserve life / required reserve life (1)",
    y_unit="multiplier on capacity investment (1)",
    x=(0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0),
    y=(0.0, 0.05, 0.3, 0.7, 1.0, 1.2, 1.3, 1.35),
    doc="Investment in new mining capacity collapses when proven reserves cannot feed it for the required life.",
    source="ASSUMPTION: shape after MIT SD in Education D-4480 (overshoot and collapse, mining town)",
)

LOOKUPS: tuple[Lookup, ...] = (RESERVE_LIFE_INVESTMENT_EFFECT,)


def evaluate_lookup(x: np.ndarray, x_points: tuple[float, ...], y_points: tuple[float, ...]) -> np.ndarray:
    """Evaluate a table function.

    Parameters
    ----------
    x : ndarray
        Input values, any shape, in the table's x unit.
    x_points, y_points : tuple of float
        Breakpoints (``x_points`` strictly increasing).

    Returns
    -------
    ndarray
        Same shape as ``x``, in the table's y unit; flat beyond the end points.
    """
    return np.interp(x, x_points, y_points)
