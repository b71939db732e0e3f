"""Emitter: the graph as a numba kernel over a block of runs in structure-of-arrays layout (exact mode).

:func:`blocked_source` writes ``run_block(s, p, lv, r, w)``: the stock rates
of :data:`LANES` runs at once, each array holding one row per stock,
parameter or lever and one column per run (lane). The graph is cut into
levels: a level's arithmetic (+ − × ÷, minimum, maximum, comparisons, where)
is one loop over the lanes with no call in it, which LLVM vectorises across
runs; its transcendental operations (exp, expm1, log, pow, lookups) are a
separate loop of scalar libm calls. A value used by a later loop goes to a
row of the work array ``w`` (rows, lanes); a value used only in its own loop
stays a scalar. Only what the rates need is computed (auxiliaries are the
scalar kernel's job). Each operation is the one of the scalar kernel
(:mod:`restrans.model.graph.emit_numba`), in the same order, without fast-math
or contraction, so every lane is bit-identical to the scalar kernel's run:
this is the ``exact`` mode of the blocked kernel.
"""
from __future__ import annotations

from restrans.model.graph.emit_numba import module_prelude, number_text, operation_text, with_constant_values
from restrans.model.graph.nodes import INPUT_KINDS, Graph, Node

LANES: int = 16
"""Runs per block: 16 float64 lanes measured best on the project's AVX2 machine (issue 14's study)."""

TRANSCENDENTAL: frozenset[str] = frozenset({"exp", "expm1", "log", "power", "lookup"})
"""Operations that are libm calls (or a table search): kept out of the vectorised loops."""

_INPUT_ARRAYS = {"stock": "s", "parameter": "p", "lever": "lv"}


def _needed(graph: Graph) -> list[bool]:
    """For each node, whether a stock rate depends on it."""
    needed = [False] * len(graph.nodes)
    stack = list(graph.rates.values())
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


class _Block:
    """Python text of the loops of one blocked kernel."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.needed = _needed(graph)
        self.loop = _levels(graph, self.needed)
        self.rows: dict[int, int] = {}  # node id -> row of the work array, for values crossing loops
        for node in graph.nodes:
            if self.needed[node.id] and self._is_operation(node):
                for argument in node.arguments:
                    if self._is_operation(graph.nodes[argument]) and self.loop[argument] != self.loop[node.id]:
                        self.rows.setdefault(argument, len(self.rows))
        for node_id in graph.rates.values():
            if self._is_operation(graph.nodes[node_id]):
                self.rows.setdefault(node_id, len(self.rows))

    @staticmethod
    def _is_operation(node: Node) -> bool:
        return node.op not in INPUT_KINDS and node.op != "literal"

    def operand(self, node_id: int, loop: int) -> str:
        node = self.graph.nodes[node_id]
        if node.op in ("literal", "constant"):
            return number_text(node.value)
        if node.op in _INPUT_ARRAYS:
            return f"{_INPUT_ARRAYS[node.op]}[{node.index}, i]"
        if self.loop[node_id] == loop:
            return f"v{node_id}"
        return f"w[{self.rows[node_id]}, i]"

    def expression(self, node: Node, tables: dict) -> str:
        operands = [self.operand(argument, self.loop[node.id]) for argument in node.arguments]
        return operation_text(node, operands, tables)

    def loops(self, tables: dict) -> list[str]:
        """The body of ``run_block``: one ``for i`` loop per level, then the rates."""
        lines = []
        last = max((self.loop[node.id] for node in self.graph.nodes if self.needed[node.id]), default=0)
        for loop in range(last + 1):
            body = []
            for node in self.graph.nodes:
                if self.needed[node.id] and self._is_operation(node) and self.loop[node.id] == loop:
                    body.append(f"        v{node.id} = {self.expression(node, tables)}")
                    if node.id in self.rows:
                        body.append(f"        w[{self.rows[node.id]}, i] = v{node.id}")
            if body:
                kind = "calls" if loop % 2 else "arithmetic"
                lines += [f"    for i in range({LANES}):  # level {loop}: {kind}"] + body
        lines.append(f"    for i in range({LANES}):  # rates")
        for position, node_id in enumerate(self.graph.rates.values()):
            lines.append(f"        r[{position}, i] = {self.operand(node_id, -1)}")
        return lines


def blocked_source(graph: Graph, constants: dict[str, float], header: str = "") -> str:
    """Source of a module defining ``run_block``, ``LANES`` and ``WORK_ROWS`` for the model in ``graph``.

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
        Python source; ``run_block(s, p, lv, r, w)`` takes ``s`` (n_stocks, LANES),
        ``p`` (n_parameters, LANES), ``lv`` (n_levers, LANES), writes the rates
        into ``r`` (n_stocks, LANES) and uses ``w`` (WORK_ROWS, LANES) as scratch.
    """
    graph = with_constant_values(graph, constants)
    block = _Block(graph)
    lines, tables = module_prelude("emit_blocked", header, graph)
    lines += [f"LANES = {LANES}", f"WORK_ROWS = {max(len(block.rows), 1)}", "", "", '@numba.njit(nogil=True, cache=True, error_model="numpy")',
              "def run_block(s, p, lv, r, w):",
              '    """Stock rates of LANES runs (one per column) into ``r``; ``w`` is scratch."""']
    lines += block.loops(tables)
    return "\n".join(lines) + "\n"
