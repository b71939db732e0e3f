"""The operation graph of the model: nodes in topological order and the names of its outputs.

Data only. A graph is made by tracing (:mod:`restrans.model.graph.model_graph`)
and read by the emitters (one function per target:
:func:`restrans.model.graph.emit_numba.numba_source`,
:func:`restrans.model.graph.emit_vensim.vensim_equations`); a later emitter
(a SIMD-blocked CPU kernel, JAX) needs nothing but this.
"""
from __future__ import annotations

from dataclasses import dataclass, field

INPUT_KINDS: tuple[str, ...] = ("stock", "parameter", "lever", "constant")
"""Kinds of input node; each reads row ``index`` of the array of that kind."""


@dataclass(frozen=True)
class Node:
    """One value of the computation.

    Attributes
    ----------
    id : int
        Position in :attr:`Graph.nodes` (arguments always have smaller ids).
    op : str
        ``"literal"``, an input kind of :data:`INPUT_KINDS`, or an operation of
        :data:`restrans.model.graph.tracing.OPERATIONS`.
    arguments : tuple of int
        Node ids of the arguments of an operation.
    name : str
        Input name (stock, parameter, lever or constant) or, after naming, the
        variable's name; "" for an unnamed intermediate.
    index : int
        Row of an input in its array.
    value : float
        Value of a literal.
    table : tuple or None
        ``(x_points, y_points)`` of a lookup.
    """

    id: int
    op: str
    arguments: tuple[int, ...] = ()
    name: str = ""
    index: int = -1
    value: float = 0.0
    table: tuple | None = None


@dataclass(frozen=True)
class Graph:
    """A traced model: its nodes, the nodes of its auxiliaries and stock rates, and named intermediates.

    Attributes
    ----------
    nodes : tuple of Node
        Topological order; named nodes carry their variable name.
    auxiliaries : dict of str to int
        Node of every auxiliary, in declaration order.
    rates : dict of str to int
        Node of every stock's net rate, in stock order.
    sections : dict of str to tuple of (str, str)
        For each named node (by name): the section (wiring function) it was
        computed in and that section's one-line doc.
    lookup_names : dict of tuple to str
        Declared name of every lookup table, by its points.
    """

    nodes: tuple[Node, ...]
    auxiliaries: dict[str, int]
    rates: dict[str, int]
    sections: dict[str, tuple[str, str]] = field(default_factory=dict)
    lookup_names: dict[tuple, str] = field(default_factory=dict)

    def users(self) -> list[list[int]]:
        """For each node, the ids of the nodes that take it as an argument (with repeats)."""
        users: list[list[int]] = [[] for _ in self.nodes]
        for node in self.nodes:
            for argument in node.arguments:
                users[argument].append(node.id)
        return users

    def operation_count(self) -> int:
        """Number of operation nodes (not inputs or literals)."""
        return sum(1 for node in self.nodes if node.op not in INPUT_KINDS and node.op != "literal")
