"""The model's operation graph, traced from :mod:`restrans.model.system`, with every variable named.

:func:`trace` runs :func:`restrans.model.system.auxiliaries` and
:func:`~restrans.model.system.stock_rates` once on traced inputs (one traced
scalar per stock, parameter, lever and constant) and names the nodes: inputs
by their declarations, auxiliaries by :data:`~restrans.model.variables.AUXILIARIES`,
and the intermediates the wiring keeps in local variables by
:data:`~restrans.model.variables.HELPERS`. Local variables are read when each
wiring function returns (``sys.setprofile``), so an intermediate's name is the
name the equations give it. An undeclared local, or a declared helper the
wiring no longer has, is refused.
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
import sys

from restrans.model import system
from restrans.model.constants import CONSTANTS
from restrans.model.graph.nodes import INPUT_KINDS, Graph, Node
from restrans.model.graph.tracing import Traced, Tracer, TracingError
from restrans.model.levers import LEVERS
from restrans.model.lookups import LOOKUPS
from restrans.model.parameters import PARAMETERS
from restrans.model.stocks import STOCKS
from restrans.model.variables import AUXILIARIES, HELPERS

RATES_SECTION = "stock_rates"


def _section_codes(functions) -> dict:
    """Code object of each section function -> (section name, first docstring line)."""
    sections = {}
    for function in functions:
        doc = inspect.getdoc(function) or ""
        sections[function.__code__] = (function.__name__.lstrip("_"), doc.splitlines()[0] if doc else "")
    return sections


class _Recorder:
    """Where each node was computed (its section) and the local variables of each section at its return."""

    def __init__(self, sections: dict):
        self.sections = sections
        self.node_sections: dict[int, tuple[str, str]] = {}
        self.locals: list[tuple[str, str, int]] = []  # (section, local name, node id), in return order

    def on_node(self, node: Node) -> None:
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code in self.sections:
                self.node_sections[node.id] = self.sections[frame.f_code]
                return
            frame = frame.f_back

    def profile(self, frame, event, argument):
        if event == "return" and frame.f_code in self.sections:
            section = self.sections[frame.f_code][0]
            for name, value in frame.f_locals.items():
                if isinstance(value, Traced):
                    self.locals.append((section, name, value.node))


def _inputs(tracer: Tracer, kind: str, declarations) -> list[Traced]:
    return [tracer.input(kind, item.name, index) for index, item in enumerate(declarations)]


def _run(tracer: Tracer, recorder: _Recorder) -> tuple[dict, dict]:
    """Auxiliaries and rates of the traced model, recording sections and locals."""
    state, parameters = _inputs(tracer, "stock", STOCKS), _inputs(tracer, "parameter", PARAMETERS)
    levers, constants = _inputs(tracer, "lever", LEVERS), _inputs(tracer, "constant", CONSTANTS)
    tracer.on_node = recorder.on_node
    previous = sys.getprofile()
    sys.setprofile(recorder.profile)
    try:
        auxiliaries = system.auxiliaries(state, parameters, levers, constants)
        rates = system.stock_rates(state, parameters, levers, auxiliaries)
    finally:
        sys.setprofile(previous)
        tracer.on_node = None
    for name, value in list(auxiliaries.items()) + list(rates.items()):
        if not isinstance(value, Traced):
            raise TracingError(f"model/system.py: {name} does not depend on any input (it is {value!r}); "
                               "declare a constant instead")
    return ({name: value.node for name, value in auxiliaries.items()},
            {name: value.node for name, value in rates.items()})


def _helper_names(nodes: list[Node], names: dict[int, str], recorder: _Recorder) -> dict[int, str]:
    """Names of the intermediates kept in local variables of the wiring, checked against HELPERS."""
    helpers: dict[int, str] = {}
    seen = set()
    for section, local, node_id in recorder.locals:
        seen.add(local)
        node = nodes[node_id]
        if node.op in INPUT_KINDS or node.op == "literal" or node_id in names or node_id in helpers:
            continue
        if local not in HELPERS:
            raise TracingError(f"model/system.py: the intermediate `{local}` of {section} has no declaration; "
                               "declare it in HELPERS of model/variables.py (unit, doc)")
        helpers[node_id] = local
    unused = sorted(set(HELPERS) - set(helpers.values()))
    if unused:
        raise TracingError(f"model/variables.py: HELPERS declares {', '.join(unused)}, which model/system.py "
                           "does not keep as a distinct intermediate; remove the declaration")
    return helpers


@functools.lru_cache(maxsize=1)
def trace() -> Graph:
    """The graph of :mod:`restrans.model.system` (traced once per process; about 0.1 s).

    Raises
    ------
    TracingError
        Where the equations use what the graph cannot represent, or a local
        intermediate is undeclared (the message names the file and line).
    """
    tracer = Tracer()
    recorder = _Recorder(_section_codes(system.SECTORS + (system.stock_rates,)))
    auxiliaries, rates = _run(tracer, recorder)
    nodes = tracer.nodes
    missing = set(AUXILIARIES) ^ set(auxiliaries)
    if missing:
        raise TracingError(f"model/variables.py: AUXILIARIES and model/system.py differ in {sorted(missing)}")
    names: dict[int, str] = {}
    for name in AUXILIARIES:  # declaration order; a second name of the same node stays an alias
        names.setdefault(auxiliaries[name], name)
    names.update(_helper_names(nodes, names, recorder))
    taken = {node.name for node in nodes if node.op in INPUT_KINDS}
    clash = taken & set(names.values())
    if clash:
        raise TracingError(f"model/variables.py: {sorted(clash)} name both an input and a variable")
    named = tuple(dataclasses.replace(node, name=names[node.id]) if node.id in names else node for node in nodes)
    sections = {names[node_id]: recorder.node_sections.get(node_id, (RATES_SECTION, ""))
                for node_id in names}
    lookup_names = {(table.x, table.y): table.name for table in LOOKUPS}
    for node in named:
        if node.op == "lookup" and node.table not in lookup_names:
            raise TracingError(f"model/lookups.py: a lookup with points {node.table} is not declared in LOOKUPS")
    return Graph(named, {name: auxiliaries[name] for name in AUXILIARIES},
                 {stock.name: rates[stock.name] for stock in STOCKS}, sections, lookup_names)
