"""The libmvec intrinsics of the fast kernel against numpy, and the fast kernel's source."""
from __future__ import annotations

import platform

import numpy as np
import pytest

from restrans.model import compiled
from restrans.model.graph import vector_math
from restrans.model.graph.emit_blocked import blocked_source
from restrans.model.graph.model_graph import trace
from restrans.model.constants import CONSTANTS

pytestmark = pytest.mark.skipif(not compiled.AVAILABLE, reason="numba not installed (restrans[fast])")
LANES = vector_math.BLOCK_LANES
ULP_RELATIVE = 8 * np.finfo(float).eps
"""libmvec's double-precision functions are within 4 ulp of the exact result (glibc's manual); 8 ulp of slack."""


def _kernels():
    import numba

    @numba.njit
    def unary(function_index, source, first, destination, first_destination):
        if function_index == 0:
            vector_math.vector_exp(source, first, destination, first_destination)
        elif function_index == 1:
            vector_math.vector_expm1(source, first, destination, first_destination)
        else:
            vector_math.vector_log(source, first, destination, first_destination)

    @numba.njit
    def power(base, base_first, exponent, exponent_first, destination, first_destination):
        vector_math.vector_power(base, base_first, exponent, exponent_first, destination, first_destination)

    @numba.njit
    def power_of_a_number(base, exponent, exponent_first, destination, first_destination):
        vector_math.vector_power(base, 0, exponent, exponent_first, destination, first_destination)

    return unary, power, power_of_a_number


def test_libmvec_is_found_on_glibc_x86_64():
    if platform.machine() == "x86_64" and platform.libc_ver()[0] == "glibc":
        assert vector_math.VECTOR_LIBRARY is not None and vector_math.VECTOR_LIBRARY.startswith("glibc libmvec")


def test_vector_functions_equal_numpy_to_a_few_ulp_on_the_row_they_are_given():
    unary, power, power_of_a_number = _kernels()
    rng = np.random.default_rng(14)
    values = np.concatenate([rng.uniform(-30.0, 30.0, 3 * LANES), [0.0, -0.0, np.inf, -np.inf, np.nan]])
    positive = np.abs(values[:3 * LANES]) + 1e-3
    for index, function in enumerate((np.exp, np.expm1, np.log)):
        source = positive if function is np.log else values[:3 * LANES]
        destination = np.full(3 * LANES, -7.0)
        unary(index, source, LANES, destination, 2 * LANES)  # row 1 of the source into row 2 of the destination
        expected = function(source[LANES:2 * LANES])
        assert np.all(np.abs(destination[2 * LANES:] - expected) <= ULP_RELATIVE * np.abs(expected))
        assert np.all(destination[:2 * LANES] == -7.0)  # nothing else is written
    destination = np.empty(LANES)
    exponents = rng.uniform(-3.0, 3.0, LANES)
    power(positive, 0, exponents, 0, destination, 0)
    expected = positive[:LANES] ** exponents
    assert np.all(np.abs(destination - expected) <= ULP_RELATIVE * expected)
    power_of_a_number(2.5, exponents, 0, destination, 0)
    assert np.all(np.abs(destination - 2.5 ** exponents) <= ULP_RELATIVE * 2.5 ** exponents)


def test_special_values_follow_numpy():
    unary, _power, _number = _kernels()
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 710.0, -1000.0, -2.0] * 2)  # exact results in numpy
    with np.errstate(all="ignore"):
        for index, function in enumerate((np.exp, np.expm1, np.log)):
            destination = np.empty(LANES)
            unary(index, special, 0, destination, 0)
            np.testing.assert_array_equal(destination, function(special))


def test_the_fast_kernel_calls_the_vector_functions_and_the_exact_kernel_libm():
    source = blocked_source(trace(), {constant.name: constant.value for constant in CONSTANTS})
    exact = source[source.index("def run_block_exact"):source.index("def block_auxiliaries_exact")]
    fast = source[source.index("def run_block_fast"):source.index("def block_auxiliaries_fast")]
    operations = [node.op for node in trace().nodes]
    assert exact.count("np.exp(") >= 1 and "vector_" not in exact
    if vector_math.VECTOR_LIBRARY is None:
        assert fast.replace("fast", "exact") == exact
        return
    assert "np.exp(" not in fast and "**" not in fast and "np.log(" not in fast
    assert fast.count("vector_exp(") + fast.count("vector_power(") + fast.count("vector_log(") + fast.count(
        "vector_expm1(") <= sum(op in ("exp", "power", "log", "expm1") for op in operations)
    assert fast.count("vector_exp(") >= 1
