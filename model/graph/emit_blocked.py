"""Emitter: the graph as numba kernels over a block of runs in structure-of-arrays layout (exact and fast modes).

:func:`blocked_source` writes, for each precision of :data:`PRECISIONS`,
``run_block_<precision>(b)`` (the stock rates of :data:`LANES` runs at once)
and ``block_auxiliaries_<precision>(b)`` (every auxiliary of the block, for
the outputs the solver records). Everything a block reads, writes and keeps
between loops is in the one flat array ``b``: row ``k`` holds the block's runs
(lanes) at ``k * LANES`` … ``k * LANES + LANES - 1``, the rows being the
stocks, parameters, levers, outputs (rates or auxiliaries) and work values
(:class:`BlockLayout`). Every access is ``b`` plus a constant plus the lane, so
LLVM proves that a loop's reads and writes do not overlap and vectorises it
across runs without runtime checks. The graph is cut into levels: a level's
arithmetic (+ − × ÷, minimum, maximum, comparisons, where) is one loop over
the lanes with no call in it; its transcendental operations (exp, expm1, log,
pow, lookups) come after. A value used by a later level goes to a work row; a
value used only in its own loop stays a scalar. Only what the function's
outputs need is computed.

- ``exact``: the transcendentals are a loop of scalar libm calls; every
  operation is the scalar kernel's (:mod:`restrans.model.graph.emit_numba`),
  in the same order, without fast-math or contraction, so every lane is
  bit-identical to the scalar kernel's run.
- ``fast``: exp, expm1, log and pow are glibc's libmvec vector functions over
  a whole row (:mod:`restrans.model.graph.vector_math`); lookups stay scalar.
  Not bit-identical: libmvec is accurate to a few units in the last place.
"""
from __future__ import annotations

from dataclasses import dataclass

from restrans.model.graph.emit_numba import module_prelude, number_text, operation_text, with_constant_values
from restrans.model.graph.nodes import INPUT_KINDS, Graph, Node
from restrans.model.graph.vector_math import BLOCK_LANES, VECTOR_LIBRARY

LANES: int = BLOCK_LANES
"""Runs per block: 16 float64 lanes measured best on the project's AVX2 machine (issue 14's study)."""

PRECISIONS: tuple[str, ...] = ("exact", "fast")
"""Modes of the blocked kernel: scalar libm transcendentals (bit-identical to the scalar kernel) or libmvec."""

TRANSCENDENTAL: frozenset[str] = frozenset({"exp", "expm1", "log", "power", "lookup"})
"""Operations that are libm calls (or a table search): kept out of the vectorised loops."""

VECTOR_CALLS: dict[str, str] = {"exp": "vector_exp", "expm1": "vector_expm1", "log": "vector_log",
                                "power": "vector_power"}
"""Operations the fast mode computes a whole row at a time, and the vector function of each."""



@dataclass(frozen=True)
class BlockLayout:
    """First row of each part of the block array ``b`` (rows of :data:`LANES` values); ``rows`` in all."""

    stocks: int
    parameters: int
    levers: int
    outputs: int
    work: int
    rows: int

    @classmethod
    def of(cls, graph: Graph, work_rows: int) -> "BlockLayout":
        """The layout for ``graph``: its inputs, room for every rate or auxiliary, then ``work_rows``."""
        counts = {kind: 1 + max((node.index for node in graph.nodes if node.op == kind), default=-1)
                  for kind in ("stock", "parameter", "lever")}
        parameters = counts["stock"]
        levers = parameters + counts["parameter"]
        outputs = levers + counts["lever"]
        work = outputs + max(len(graph.rates), len(graph.auxiliaries))
        return cls(0, parameters, levers, outputs, work, work + work_rows)

    def input_row(self, node: Node) -> int:
        return {"stock": self.stocks, "parameter": self.parameters, "lever": self.levers}[node.op] + node.index


def _needed(graph: Graph, roots) -> list[bool]:
    """For each node, whether one of the ``roots`` (node ids) depends on it."""
    needed = [False] * len(graph.nodes)
    stack = list(roots)
    while stack:
        node_id = stack.pop()
        if not needed[node_id]:
            needed[node_id] = True
            stack.extend(graph.nodes[node_id].arguments)
    return needed


def _levels(graph: Graph, needed: list[bool]) -> list[int]:
    """Loop of each node: 2k for the arithmetic after k transcendental levels, 2k - 1 for the k-th calls."""
    depth = [0] * len(graph.nodes)
    loop = [0] * len(graph.nodes)
    for node in graph.nodes:
        if not needed[node.id] or node.op in INPUT_KINDS or node.op == "literal":
            continue
        deepest = max((depth[argument] for argument in node.arguments), default=0)
        depth[node.id] = deepest + (1 if node.op in TRANSCENDENTAL else 0)
        loop[node.id] = 2 * depth[node.id] - 1 if node.op in TRANSCENDENTAL else 2 * depth[node.id]
    return loop


def _is_operation(node: Node) -> bool:
    return node.op not in INPUT_KINDS and node.op != "literal"


class _Block:
    """Python text of the loops of one blocked function computing the nodes ``roots``.

    Parameters
    ----------
    graph : Graph
        The traced model, constants carrying their values.
    roots : sequence of int
        Nodes written to the output array, one row each, in order.
    vectorised : bool
        Whether exp, expm1, log and pow are vector calls over rows (fast mode).
    """

    def __init__(self, graph: Graph, roots, vectorised: bool):
        self.graph, self.roots = graph, list(roots)
        self.vectorised = vectorised
        self.needed = _needed(graph, self.roots)
        self.loop = _levels(graph, self.needed)
        self.rows: dict[int, int] = {}  # node id -> row of the work array, for values crossing loops
        for node in graph.nodes:
            if self.needed[node.id] and _is_operation(node):
                if self.is_vector_call(node):
                    self.rows.setdefault(node.id, len(self.rows))
                for argument in node.arguments:
                    if _is_operation(graph.nodes[argument]) and self.loop[argument] != self.loop[node.id]:
                        self.rows.setdefault(argument, len(self.rows))
        for node_id in self.roots:
            if _is_operation(graph.nodes[node_id]):
                self.rows.setdefault(node_id, len(self.rows))

    def is_vector_call(self, node: Node) -> bool:
        return self.vectorised and node.op in VECTOR_CALLS

    def place(self, layout: BlockLayout) -> None:
        """Fix the rows of the block array this function uses (before :meth:`lines`)."""
        self.layout = layout

    def _row_of(self, node_id: int) -> int | None:
        """Row of ``b`` holding a node's value (None for a number or a value kept in its loop)."""
        node = self.graph.nodes[node_id]
        if node.op in ("stock", "parameter", "lever"):
            return self.layout.input_row(node)
        if node_id in self.rows:
            return self.layout.work + self.rows[node_id]
        return None

    def operand(self, node_id: int, loop: int) -> str:
        """Text of a node's value for lane ``i`` inside loop ``loop`` (-1: after every loop)."""
        node = self.graph.nodes[node_id]
        if node.op in ("literal", "constant"):
            return number_text(node.value)
        if _is_operation(node) and self.loop[node_id] == loop and not self.is_vector_call(node):
            return f"v{node_id}"
        return f"b[{self._row_of(node_id) * LANES} + i]"

    def row(self, node_id: int) -> str:
        """Text of a node's value as a whole row (a vector-call operand): ``b`` and the row's first element, or a
        number and 0."""
        node = self.graph.nodes[node_id]
        if node.op in ("literal", "constant"):
            return f"{number_text(node.value)}, 0"
        return f"b, {self._row_of(node_id) * LANES}"

    def _loop_lines(self, loop: int, tables: dict) -> list[str]:
        body, calls = [], []
        for node in self.graph.nodes:
            if not (self.needed[node.id] and _is_operation(node) and self.loop[node.id] == loop):
                continue
            if self.is_vector_call(node):
                operands = [self.row(argument) for argument in node.arguments]
                named = f"  # {node.name}" if node.name else ""
                calls.append(f"    {VECTOR_CALLS[node.op]}({', '.join(operands)}, {self.row(node.id)}){named}")
                continue
            operands = [self.operand(argument, loop) for argument in node.arguments]
            named = f"  # {node.name}" if node.name else ""
            body.append(f"        v{node.id} = {operation_text(node, operands, tables)}{named}")
            if node.id in self.rows:
                body.append(f"        b[{self._row_of(node.id) * LANES} + i] = v{node.id}")
        kind = "calls" if loop % 2 else "arithmetic"
        return ([f"    for i in range({LANES}):  # level {loop}: {kind}"] + body if body else []) + calls

    def lines(self, tables: dict) -> list[str]:
        """The body of the function: the loops of every level, then the outputs into their rows."""
        lines = []
        last = max((self.loop[node.id] for node in self.graph.nodes if self.needed[node.id]), default=0)
        for loop in range(last + 1):
            lines += self._loop_lines(loop, tables)
        lines.append(f"    for i in range({LANES}):  # outputs")
        for position, node_id in enumerate(self.roots):
            lines.append(f"        b[{(self.layout.outputs + position) * LANES} + i] = {self.operand(node_id, -1)}")
        return lines


def _function(name: str, doc: str, block: _Block, tables: dict) -> list[str]:
    return (["", "", '@numba.njit(nogil=True, cache=True, error_model="numpy")', f"def {name}(b):",
             f'    """{doc}"""'] + block.lines(tables))


def blocked_source(graph: Graph, constants: dict[str, float], header: str = "") -> str:
    """Source of a module of blocked kernels for the model in ``graph``, with ``LANES`` and ``WORK_ROWS``.

    Parameters
    ----------
    graph : Graph
        The traced model.
    constants : dict of str to float
        Value of every named constant (written as numbers).
    header : str
        One line for the module docstring.

    Returns
    -------
    str
        Python source. For each precision ``P`` of :data:`PRECISIONS`,
        ``run_block_P(b)`` reads the stocks, parameters and levers of the block
        array ``b`` (float64, ``BLOCK_ROWS * LANES``) and writes the rates into
        its output rows (stock order); ``block_auxiliaries_P(b)`` writes every
        auxiliary (declaration order) there. ``STOCK_ROW``, ``PARAMETER_ROW``,
        ``LEVER_ROW``, ``OUTPUT_ROW`` and ``WORK_ROW`` are the first rows of each
        part. ``VECTOR_LIBRARY`` names the fast mode's transcendentals (None:
        libm, the fast kernels are then the exact ones).
    """
    graph = with_constant_values(graph, constants)
    lines, tables = module_prelude("emit_blocked", header, graph)
    vectorised = VECTOR_LIBRARY is not None
    if vectorised:
        lines.append(f"from restrans.model.graph.vector_math import {', '.join(sorted(set(VECTOR_CALLS.values())))}")
    blocks = [(precision, kind, _Block(graph, roots, precision == "fast" and vectorised))
              for precision in PRECISIONS
              for kind, roots in (("rates", graph.rates.values()), ("auxiliaries", graph.auxiliaries.values()))]
    layout = BlockLayout.of(graph, max(1, *(len(block.rows) for _, _, block in blocks)))
    lines += ["", f"LANES = {LANES}", f"VECTOR_LIBRARY = {VECTOR_LIBRARY!r}", f"STOCK_ROW = {layout.stocks}",
              f"PARAMETER_ROW = {layout.parameters}", f"LEVER_ROW = {layout.levers}", f"OUTPUT_ROW = {layout.outputs}",
              f"WORK_ROW = {layout.work}", f"BLOCK_ROWS = {layout.rows}"]
    for precision, kind, block in blocks:
        block.place(layout)
        name = f"run_block_{precision}" if kind == "rates" else f"block_auxiliaries_{precision}"
        what = "Stock rates" if kind == "rates" else "Every auxiliary"
        lines += _function(name, f"{what} of LANES runs into the output rows of ``b`` ({precision} mode).", block,
                           tables)
    return "\n".join(lines) + "\n"
