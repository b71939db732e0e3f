"""Hand-written helpers the generated numba kernel calls (compiled by numba when it is installed).

Only what numpy does in C and numba would do slower: the scalar table lookup.
No model equation lives here.
"""
from __future__ import annotations

import numpy as np

try:  # optional dependency (the "fast" extra)
    import numba
except ImportError:  # pragma: no cover - exercised where numba is absent
    numba = None


def interpolate(x, x_points, y_points):
    """``np.interp(x, x_points, y_points)`` for a scalar ``x``, step for step as numpy's C code does it.

    numba's own ``np.interp`` builds arrays on every call; this is 10 times
    faster and gives the same bits (a test checks it against numpy).
    """
    last = len(x_points) - 1
    if np.isnan(x):
        return x
    if x < x_points[0]:
        return y_points[0]
    if x > x_points[last]:
        return y_points[last]
    if x == x_points[last]:
        return y_points[last]
    j = 0
    while x_points[j + 1] <= x:
        j += 1
    if x_points[j] == x:
        return y_points[j]
    slope = (y_points[j + 1] - y_points[j]) / (x_points[j + 1] - x_points[j])
    result = slope * (x - x_points[j]) + y_points[j]
    if np.isnan(result):
        result = slope * (x - x_points[j + 1]) + y_points[j + 1]
        if np.isnan(result) and y_points[j] == y_points[j + 1]:
            result = y_points[j]
    return result


if numba is not None:
    interpolate = numba.njit(nogil=True, inline="always", error_model="numpy")(interpolate)
