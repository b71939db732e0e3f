"""Emitter: the graph as Vensim equations (the auxiliaries, helpers and stock rates of the twin).

:func:`vensim_equations` gives every named variable of the graph (auxiliaries
and declared helpers) as one Vensim equation, grouped by the wiring function
that computes it, and every stock's net rate as the expression its ``INTEG``
integrates. Unnamed intermediates are written inline; the tree of each
expression is kept (parentheses wherever the order of evaluation would
otherwise change), so PySD evaluates the same operations in the same order as
numpy. Functions are Vensim's: ``MIN``, ``MAX``, ``EXP``, ``LN``, ``^``,
``IF THEN ELSE`` and lookups. Vensim has no ``expm1``: ``-expm1(x)`` is
written ``1 - EXP(x)``, equal to within one unit in the last place of 1.
The declarations (parameters, constants, levers, stocks, lookups, control)
are added by :mod:`restrans.sim.vensim.twin`, which writes the ``.mdl``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from restrans.model.graph.nodes import INPUT_KINDS, Graph, Node

_INFIX = {"add": ("+", 1), "subtract": ("-", 1), "multiply": ("*", 2), "divide": ("/", 2), "power": ("^", 4),
          "less": ("<", 0), "less_equal": ("<=", 0), "greater": (">", 0), "greater_equal": (">=", 0)}
_FUNCTIONS = {"minimum": "MIN", "maximum": "MAX", "exp": "EXP", "log": "LN"}
_ATOM = 9


@dataclass(frozen=True)
class VensimEquation:
    """One Vensim auxiliary ``name = expression`` with its unit and comment."""

    name: str
    expression: str
    unit: str
    doc: str


@dataclass(frozen=True)
class VensimSection:
    """A group of equations: one wiring function of :mod:`restrans.model.system`."""

    title: str
    doc: str
    equations: tuple[VensimEquation, ...]


@dataclass(frozen=True)
class VensimEquations:
    """The model's equations in Vensim text: the auxiliary sections and each stock's rate expression."""

    sections: tuple[VensimSection, ...]
    stock_rates: dict[str, str]


def number(value: float) -> str:
    """Shortest text that reads back as exactly ``value`` (integers without a decimal point)."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"cannot write the non-finite number {value!r} to a Vensim file")
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


class _Writer:
    """Vensim text of graph nodes, with unnamed intermediates inlined."""

    def __init__(self, graph: Graph):
        self.graph = graph

    def reference(self, node_id: int) -> tuple[str, int]:
        """(text, precedence) of a node used inside an expression."""
        node = self.graph.nodes[node_id]
        if node.op == "literal":
            return number(node.value), (_ATOM if node.value >= 0 else 3)
        if node.name:
            return node.name, _ATOM
        return self.expression(node)

    def expression(self, node: Node) -> tuple[str, int]:
        """(text, precedence) of the computation of ``node`` itself."""
        if node.op in _INFIX:
            symbol, precedence = _INFIX[node.op]
            left, left_precedence = self.reference(node.arguments[0])
            right, right_precedence = self.reference(node.arguments[1])
            left_bound = precedence if node.op != "power" else precedence + 1
            if left_precedence < left_bound or left_precedence == 3:
                left = f"({left})"
            if right_precedence <= precedence or right_precedence == 3:  # keep the tree: a - (b - c), a + (b + c)
                right = f"({right})"
            return f"{left} {symbol} {right}", precedence
        if node.op == "negative":
            inner_node = self.graph.nodes[node.arguments[0]]
            if inner_node.op == "expm1" and not inner_node.name:
                argument, _ = self.reference(inner_node.arguments[0])
                return f"1 - EXP({argument})", 1
            inner, inner_precedence = self.reference(node.arguments[0])
            return f"-{inner}" if inner_precedence == _ATOM else f"-({inner})", 3
        arguments = [self.reference(argument)[0] for argument in node.arguments]
        if node.op in _FUNCTIONS:
            return f"{_FUNCTIONS[node.op]}({', '.join(arguments)})", _ATOM
        if node.op == "expm1":
            return f"EXP({arguments[0]}) - 1", 1
        if node.op == "where":
            return f"IF THEN ELSE({arguments[0]}, {arguments[1]}, {arguments[2]})", _ATOM
        if node.op == "lookup":
            return f"{self.graph.lookup_names[node.table]}({arguments[0]})", _ATOM
        raise ValueError(f"the Vensim emitter has no form for operation {node.op!r}")

    def definition(self, node: Node) -> str:
        """Right-hand side defining a named node (an input named otherwise is referred to by its name)."""
        if node.op in INPUT_KINDS or node.op == "literal":
            return self.reference(node.id)[0]
        return self.expression(node)[0]


def vensim_equations(graph: Graph, declarations: dict[str, tuple[str, str]]) -> VensimEquations:
    """Every named variable of ``graph`` as a Vensim equation, by section, and every stock's rate.

    Parameters
    ----------
    graph : Graph
        The traced model.
    declarations : dict of str to (unit, doc)
        Unit and doc of every auxiliary and helper.

    Returns
    -------
    VensimEquations
    """
    writer = _Writer(graph)
    by_section: dict[str, list[VensimEquation]] = {}
    docs: dict[str, str] = {}
    for node in graph.nodes:
        if node.name and node.op not in INPUT_KINDS:
            section, doc = graph.sections[node.name]
            docs.setdefault(section, doc)
            unit, text = declarations[node.name]
            by_section.setdefault(section, []).append(VensimEquation(node.name, writer.definition(node), unit, text))
    for name, node_id in graph.auxiliaries.items():  # an auxiliary that is another variable or an input: an alias
        node = graph.nodes[node_id]
        if node.name != name:
            section = graph.sections.get(name, graph.sections.get(node.name, ("aliases", "Aliases.")))
            unit, text = declarations[name]
            by_section.setdefault(section[0], []).append(VensimEquation(name, writer.reference(node_id)[0], unit,
                                                                        text))
    sections = tuple(VensimSection(title.replace("_", " ").capitalize(), docs.get(title, ""), tuple(equations))
                     for title, equations in by_section.items())
    rates = {stock: writer.reference(node_id)[0] for stock, node_id in graph.rates.items()}
    return VensimEquations(sections, rates)
