"""Vector transcendentals for the blocked kernel's ``fast`` mode: glibc's libmvec, called through numba intrinsics.

numba's own vectorised-math path (SVML) is not operational with the pip
llvmlite, so the generated fast kernel calls glibc's vector functions itself:
:func:`vector_exp`, :func:`vector_expm1`, :func:`vector_log` and
:func:`vector_power` each compute one row of a block (:data:`BLOCK_LANES`
float64 lanes) with ``BLOCK_LANES / width`` calls of the libmvec function
for this processor (``_ZGVdN4v_exp``: AVX2, 4 lanes; else ``_ZGVbN2v_exp``:
SSE2, 2 lanes). An operand is a row (:data:`BLOCK_LANES` consecutive
values of a contiguous 1-D float64 array, from a given index) or a number,
which is broadcast to every lane.

libmvec's functions are accurate to a few units in the last place but not
correctly rounded, so the fast kernel is not bit-identical to numpy (a test
bounds the difference on every trajectory). Where libmvec cannot be loaded
(no glibc, or not x86-64), :data:`VECTOR_LIBRARY` is ``None`` and the
emitter writes libm calls instead (the fast kernel then equals the exact one).

Hand-written runtime, like :mod:`restrans.model.graph.kernel_runtime`: no model equation lives here.
"""
from __future__ import annotations

import platform

try:  # optional dependency (the "fast" extra)
    import numba
except ImportError:  # pragma: no cover - exercised where numba is absent
    numba = None

BLOCK_LANES: int = 16
"""Runs per block of the blocked kernel (the row length every vector call computes)."""

_VARIANTS: tuple[tuple[str, str, int], ...] = (("avx2", "d", 4), ("sse2", "b", 2))
"""(CPU feature, libmvec ISA letter, lanes per call), best first (glibc's vector ABI names)."""


def _find_library() -> tuple[str, int] | None:
    """(ISA letter, lanes per call) of the libmvec variant this process can call, or None without libmvec."""
    if numba is None or platform.machine() not in ("x86_64", "AMD64"):
        return None
    import llvmlite.binding as binding

    try:
        binding.load_library_permanently("libmvec.so.1")
    except RuntimeError:
        return None
    features = binding.get_host_cpu_features()
    for feature, letter, width in _VARIANTS:
        if feature == "sse2" or features.get(feature, False):
            if binding.address_of_symbol(f"_ZGV{letter}N{width}v_exp"):
                return letter, width
    return None


_VARIANT = _find_library()
VECTOR_LIBRARY: str | None = (None if _VARIANT is None else
                              f"glibc libmvec {'AVX2' if _VARIANT[0] == 'd' else 'SSE2'}, {_VARIANT[1]} lanes per call")
"""What the fast kernel's transcendentals are (recorded in manifests); None: libm, as in exact mode."""
VECTOR_TAG: str = "libm" if _VARIANT is None else f"libmvec_{_VARIANT[0]}{_VARIANT[1]}"
"""Short name of the vector library, part of the generated blocked kernel's file name."""


def _vector_type(width: int):
    from llvmlite import ir

    return ir.VectorType(ir.DoubleType(), width)


def _operand_loader(context, builder, operand_type, value, offset, width: int):
    """A function ``load(k)`` giving lanes ``k*width`` … of an operand: a row's values, or a number broadcast."""
    from llvmlite import ir
    from numba.core import types

    vector = _vector_type(width)
    if isinstance(operand_type, types.Array):
        data = context.make_array(operand_type)(context, builder, value).data
        return lambda k: builder.load(builder.bitcast(
            builder.gep(data, [builder.add(offset, ir.Constant(offset.type, k * width))]), vector.as_pointer()),
            align=8)
    number = context.cast(builder, value, operand_type, types.float64)
    splat = ir.Constant(vector, ir.Undefined)
    for lane in range(width):
        splat = builder.insert_element(splat, number, ir.Constant(ir.IntType(32), lane))
    return lambda k: splat


def _check(operand, offset, types) -> None:
    from numba.core.errors import TypingError

    if isinstance(operand, types.Array):
        if operand.ndim != 1 or operand.dtype != types.float64 or operand.layout != "C":
            raise TypingError(f"a vector-math row must be in a contiguous 1-D float64 array, not {operand}")
    elif not isinstance(operand, (types.Float, types.Integer)):
        raise TypingError(f"a vector-math operand must be a row or a number, not {operand}")
    if not isinstance(offset, types.Integer):
        raise TypingError(f"a vector-math row's first element must be an integer, not {offset}")


def _vector_function(name: str, arity: int):
    """An intrinsic ``f(operand, first, ..., destination, first)`` writing ``name`` of the operands into a row.

    Each operand is an array and the index of the row's first element in it (the
    row is the :data:`BLOCK_LANES` elements from there), or a number and 0.
    """
    from llvmlite import ir
    from numba.core import cgutils, types
    from numba.core.errors import TypingError
    from numba.extending import intrinsic

    letter, width = _VARIANT
    symbol = f"_ZGV{letter}N{width}{'v' * arity}_{name}"

    def typer(typing_context, *arguments):
        for position in range(0, len(arguments), 2):
            _check(arguments[position], arguments[position + 1], types)
        if not isinstance(arguments[-2], types.Array):
            raise TypingError("the destination of a vector-math call must be a row")

        def codegen(context, builder, signature, values):
            vector = _vector_type(width)
            function = cgutils.get_or_insert_function(builder.module, ir.FunctionType(vector, [vector] * arity),
                                                      symbol)
            offsets = [context.cast(builder, values[position], signature.args[position], types.intp)
                       for position in range(1, len(values), 2)]
            loaders = [_operand_loader(context, builder, signature.args[2 * position], values[2 * position],
                                       offsets[position], width) for position in range(arity)]
            destination = context.make_array(signature.args[-2])(context, builder, values[-2]).data
            for k in range(BLOCK_LANES // width):
                result = builder.call(function, [load(k) for load in loaders])
                target = builder.gep(destination, [builder.add(offsets[-1], ir.Constant(offsets[-1].type, k * width))])
                builder.store(result, builder.bitcast(target, vector.as_pointer()), align=8)
            return context.get_dummy_value()

        return types.void(*arguments), codegen

    if arity == 1:
        def unary(typing_context, operand, first, destination, destination_first):
            return typer(typing_context, operand, first, destination, destination_first)
        unary.__name__ = f"vector_{name}"
        return intrinsic(unary)

    def binary(typing_context, operand, first, second_operand, second_first, destination, destination_first):
        return typer(typing_context, operand, first, second_operand, second_first, destination, destination_first)
    binary.__name__ = f"vector_{name}"
    return intrinsic(binary)


if _VARIANT is not None:
    vector_exp = _vector_function("exp", 1)
    vector_expm1 = _vector_function("expm1", 1)
    vector_log = _vector_function("log", 1)
    vector_power = _vector_function("pow", 2)
