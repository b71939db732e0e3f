"""Tracing numpy code into an operation graph: symbolic values that record what is done to them.

A :class:`Traced` value stands for one scalar of one run. Arithmetic
operators, numpy ufuncs (``__array_ufunc__``) and a few numpy functions
(``__array_function__``: ``clip``, ``interp``, ``where``) applied to it add a
:class:`~restrans.model.graph.nodes.Node` to the :class:`Tracer` and return a
new traced value, so running branch-free numpy code once on traced inputs
records its whole computation. What cannot be represented in the graph is
refused with a :class:`TracingError` naming the file and line of the
equation: a Python ``if``/``and``/``or``/``max()``/``min()`` on a traced value
(its truth value), ``math.*`` or ``float()`` (its conversion to a number),
in-place and indexed writes, ufuncs with ``out=`` or another method than a
plain call, and any other numpy function.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from restrans.model.graph.nodes import Node

_HERE = os.path.abspath(__file__)
_NUMPY = os.path.dirname(os.path.abspath(np.__file__))
_SOURCE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding model/ (a checkout or site-packages)

_UFUNCS = {
    np.add: "add", np.subtract: "subtract", np.multiply: "multiply", np.true_divide: "divide",
    np.power: "power", np.negative: "negative", np.minimum: "minimum", np.maximum: "maximum",
    np.exp: "exp", np.expm1: "expm1", np.log: "log",
    np.less: "less", np.less_equal: "less_equal", np.greater: "greater", np.greater_equal: "greater_equal",
}
"""numpy ufuncs the graph represents, by operation name."""

OPERATIONS: dict[str, int] = {
    "add": 2, "subtract": 2, "multiply": 2, "divide": 2, "power": 2, "negative": 1, "minimum": 2, "maximum": 2,
    "exp": 1, "expm1": 1, "log": 1, "less": 2, "less_equal": 2, "greater": 2, "greater_equal": 2, "where": 3,
    "lookup": 1,
}
"""Every operation of a graph node and its number of arguments (inputs and literals have none)."""


class TracingError(Exception):
    """Code that cannot be traced into the graph; the message names the file and line of the equation."""


def equation_location() -> str:
    """``file:line`` of the innermost frame outside the tracer and numpy: the equation being traced."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = os.path.abspath(frame.f_code.co_filename)
        if filename != _HERE and not filename.startswith(_NUMPY):
            path = Path(filename)
            try:
                path = path.relative_to(_SOURCE_ROOT)
            except ValueError:
                pass
            return f"{path.as_posix()}:{frame.f_lineno}"
        frame = frame.f_back
    return "<unknown>:0"  # pragma: no cover - there is always a caller


def refuse(what: str) -> TracingError:
    """A :class:`TracingError` saying ``what`` was done at the equation's file and line."""
    return TracingError(f"{equation_location()}: {what}; equations must be branch-free numpy expressions "
                        f"(np.minimum, np.maximum, np.where instead of if, min(), max())")


class Tracer:
    """The growing list of nodes of one trace, with literals shared by value.

    Attributes
    ----------
    nodes : list of Node
        In creation order, which is a topological order (arguments come first).
    on_node : callable or None
        Called with each new operation node (to record where it was made).
    """

    def __init__(self):
        self.nodes: list[Node] = []
        self._literals: dict[bytes, int] = {}
        self.on_node = None

    def input(self, kind: str, name: str, index: int) -> "Traced":
        """A traced input: ``kind`` is stock, parameter, lever or constant; ``index`` its row."""
        return Traced(self, self._add(Node(len(self.nodes), kind, (), name=name, index=index)))

    def literal(self, value) -> int:
        """Node id of the literal number ``value`` (one node per distinct float64 bit pattern)."""
        number = float(value)
        key = np.float64(number).tobytes()
        if key not in self._literals:
            self._literals[key] = self._add(Node(len(self.nodes), "literal", (), value=number))
        return self._literals[key]

    def operation(self, op: str, arguments: tuple, table=None) -> "Traced":
        """A new node ``op(arguments)``; each argument is a traced value or a number."""
        ids = tuple(self.argument(argument) for argument in arguments)
        node = Node(len(self.nodes), op, ids, table=table)
        self._add(node)
        if self.on_node is not None:
            self.on_node(node)
        return Traced(self, node.id)

    def argument(self, value) -> int:
        """Node id of ``value``: a traced value of this trace or a real number (0-d array included)."""
        if isinstance(value, Traced):
            if value.tracer is not self:
                raise refuse("a traced value of another trace was used")
            return value.node
        if isinstance(value, (bool, np.bool_)):
            raise refuse(f"a boolean constant {value!r} was used as a number")
        if isinstance(value, (int, float, np.integer, np.floating)) or (
                isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf"):
            return self.literal(value)
        raise refuse(f"a {type(value).__name__} was combined with a traced value (only numbers can be)")

    def _add(self, node: Node) -> int:
        self.nodes.append(node)
        return node.id


def _binary(op: str, reflected: bool = False):
    def method(self, other):
        arguments = (other, self) if reflected else (self, other)
        return self.tracer.operation(op, arguments)
    method.__name__ = f"__{'r' if reflected else ''}{op}__"
    return method


def _refusal(what: str):
    def method(self, *arguments, **keywords):
        raise refuse(what)
    return method


class Traced:
    """One traced scalar: a node of a :class:`Tracer`, combined as numpy would combine a float64."""

    __slots__ = ("tracer", "node")
    __array_priority__ = 1000.0

    def __init__(self, tracer: Tracer, node: int):
        self.tracer = tracer
        self.node = node

    __add__, __radd__ = _binary("add"), _binary("add", True)
    __sub__, __rsub__ = _binary("subtract"), _binary("subtract", True)
    __mul__, __rmul__ = _binary("multiply"), _binary("multiply", True)
    __truediv__, __rtruediv__ = _binary("divide"), _binary("divide", True)
    __pow__, __rpow__ = _binary("power"), _binary("power", True)
    __lt__, __le__ = _binary("less"), _binary("less_equal")
    __gt__, __ge__ = _binary("greater"), _binary("greater_equal")

    def __neg__(self):
        return self.tracer.operation("negative", (self,))

    def __pos__(self):
        return self

    __bool__ = _refusal("the truth value of a traced value was asked (Python if, and, or, min(), max() "
                        "or a chained comparison)")
    __float__ = _refusal("a traced value was converted to a Python number (float(), math.*)")
    __int__ = __index__ = _refusal("a traced value was converted to an integer")
    __complex__ = _refusal("a traced value was converted to a complex number")
    __iadd__ = __isub__ = __imul__ = __itruediv__ = __ipow__ = _refusal("an in-place operation (+=, -=, ...)")
    __setitem__ = _refusal("an indexed or masked write")
    __getitem__ = _refusal("a traced scalar was indexed")
    __iter__ = _refusal("a traced scalar was iterated over")
    __len__ = _refusal("the length of a traced scalar was asked")
    __abs__ = _refusal("abs() of a traced value (not in the graph's operations)")
    __eq__ = _refusal("== on a traced value (not in the graph's operations)")
    __ne__ = _refusal("!= on a traced value (not in the graph's operations)")
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _refusal("// or % on a traced value")
    __hash__ = None

    def __array_ufunc__(self, ufunc, method, *inputs, **keywords):
        if method != "__call__":
            raise refuse(f"np.{ufunc.__name__}.{method} (only plain ufunc calls are traced)")
        if "out" in keywords:
            raise refuse(f"np.{ufunc.__name__} with out= (an in-place write)")
        if keywords:
            raise refuse(f"np.{ufunc.__name__} with keywords {sorted(keywords)}")
        op = _UFUNCS.get(ufunc)
        if op is None:
            raise refuse(f"np.{ufunc.__name__} is not an operation of the graph")
        return self.tracer.operation(op, inputs)

    def __array_function__(self, function, types, arguments, keywords):
        handler = _FUNCTIONS.get(function)
        if handler is None:
            raise refuse(f"np.{function.__name__} is not an operation of the graph")
        return handler(self.tracer, *arguments, **keywords)


def _clip(tracer, value, lower, upper, **keywords):
    """``np.clip(a, lower, upper)`` as ``minimum(maximum(a, lower), upper)`` (the same values)."""
    if keywords:
        raise refuse(f"np.clip with keywords {sorted(keywords)}")
    return tracer.operation("minimum", (tracer.operation("maximum", (value, lower)), upper))


def _interp(tracer, x, x_points, y_points, **keywords):
    """``np.interp(x, xp, fp)`` with constant tables: a lookup node holding the table's points."""
    if keywords:
        raise refuse(f"np.interp with keywords {sorted(keywords)}")
    if isinstance(x_points, Traced) or isinstance(y_points, Traced):
        raise refuse("np.interp with traced table points (tables must be constant)")
    table = (tuple(float(v) for v in np.ravel(x_points)), tuple(float(v) for v in np.ravel(y_points)))
    if len(table[0]) != len(table[1]) or len(table[0]) < 2:
        raise refuse("np.interp with tables of different or too few points")
    return tracer.operation("lookup", (x,), table=table)


def _where(tracer, condition, if_true, if_false, **keywords):
    if keywords:
        raise refuse(f"np.where with keywords {sorted(keywords)}")
    return tracer.operation("where", (condition, if_true, if_false))


_FUNCTIONS = {np.clip: _clip, np.interp: _interp, np.where: _where}
"""numpy functions the graph represents."""
