"""Tracing the equations into a graph, and the code generated from it (numba kernel, Vensim equations)."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

from restrans.model import compiled, system
from restrans.model.constants import CONSTANT_VALUES, CONSTANTS
from restrans.model.graph.emit_numba import numba_source
from restrans.model.graph.emit_vensim import vensim_equations
from restrans.model.graph.model_graph import trace
from restrans.model.graph.nodes import INPUT_KINDS
from restrans.model.graph.tracing import OPERATIONS, Tracer, TracingError
from restrans.model.stocks import STOCKS
from restrans.model.variables import AUXILIARIES, HELPERS
from restrans.sim.engine.simulate import build_batch, integrate
from restrans.sim.scenario.scenario import load_scenario
from tests.conftest import DATA, REGIONS, SCENARIOS
from tests.test_compiled import _close, _close_rates, _random_inputs

KERNEL_RELATIVE = 1e-12
"""Generated kernel vs numpy, relative to the larger magnitude (the same operations; exp may differ by an ulp)."""


def _traced_scalars(count: int):
    tracer = Tracer()
    return tracer, [tracer.input("parameter", f"x{index}", index) for index in range(count)]


# --- tracing refuses what it cannot represent, naming the file and line ------------------------------------------


def _branching(x):
    if x > 0.0:  # the line the message must name
        return x
    return -x


def _python_max(x):
    return max(x, 1.0)


def _math_call(x):
    return math.exp(x)


def _in_place(x):
    x += 1.0
    return x


def _out_argument(x):
    result = np.empty(())
    return np.exp(x, out=result)


def _unsupported(x):
    return np.sin(x)


def _line_of(function, text: str) -> int:
    lines, first = __import__("inspect").getsourcelines(function)
    return first + next(index for index, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("function, marker, words", [
    (_branching, "if x > 0.0", "truth value"),
    (_python_max, "max(x, 1.0)", "truth value"),
    (_math_call, "math.exp", "converted to a Python number"),
    (_in_place, "x += 1.0", "in-place"),
    (_out_argument, "out=result", "out="),
    (_unsupported, "np.sin", "np.sin is not an operation"),
])
def test_tracing_refuses_with_the_file_and_line(function, marker, words):
    _tracer, (x,) = _traced_scalars(1)
    with pytest.raises(TracingError) as raised:
        function(x)
    message = str(raised.value)
    assert f"tests/test_graph.py:{_line_of(function, marker)}:" in message, message
    assert words in message and "branch-free" in message
    assert "\n" not in message


def test_a_masked_write_is_refused():
    _tracer, (x,) = _traced_scalars(1)
    with pytest.raises(TracingError, match="indexed or masked write"):
        x[x > 0] = 0.0


def test_tracing_records_operations_in_order_with_shared_literals():
    tracer, (x, y) = _traced_scalars(2)
    result = np.minimum(x * 2.0 + y, np.clip(np.exp(-y), 0.0, 2.0)) / 2.0
    operations = [node.op for node in tracer.nodes if node.op not in INPUT_KINDS and node.op != "literal"]
    assert operations == ["multiply", "add", "negative", "exp", "maximum", "minimum", "minimum", "divide"]
    assert sum(1 for node in tracer.nodes if node.op == "literal") == 2  # 2.0 is recorded once, 0.0 once
    assert tracer.nodes[result.node].op == "divide"


# --- the model's graph ---------------------------------------------------------------------------------------------


def test_the_model_graph_names_every_auxiliary_rate_and_helper():
    graph = trace()
    assert list(graph.auxiliaries) == list(AUXILIARIES)
    assert list(graph.rates) == [stock.name for stock in STOCKS]
    named = {node.name for node in graph.nodes if node.name and node.op not in INPUT_KINDS}
    assert named == set(AUXILIARIES) | set(HELPERS)
    assert all(node.op in OPERATIONS or node.op in INPUT_KINDS or node.op == "literal" for node in graph.nodes)
    assert all(argument < node.id for node in graph.nodes for argument in node.arguments)  # topological
    assert 400 <= graph.operation_count() <= 1000


def test_no_unnamed_intermediate_is_used_twice():
    """A shared intermediate would be written twice in the twin: the wiring names it (a declared helper)."""
    graph = trace()
    users = graph.users()
    shared = [node.id for node in graph.nodes
              if not node.name and node.op not in INPUT_KINDS and node.op != "literal" and len(users[node.id]) > 1]
    assert shared == []


def test_an_undeclared_intermediate_is_refused(monkeypatch):
    from restrans.model import variables
    from restrans.model.graph import model_graph

    reduced = dict(variables.HELPERS)
    reduced.pop("capacity_reserve_life")
    monkeypatch.setattr(model_graph, "HELPERS", reduced)
    model_graph.trace.cache_clear()
    try:
        with pytest.raises(TracingError, match="`capacity_reserve_life` of resources has no declaration"):
            model_graph.trace()
    finally:
        model_graph.trace.cache_clear()


# --- the generated numba kernel ------------------------------------------------------------------------------------


pytestmark_numba = pytest.mark.skipif(not compiled.AVAILABLE, reason="numba not installed (restrans[fast])")


@pytestmark_numba
@pytest.mark.parametrize("seed", [11, 12, 13])
def test_generated_kernel_equals_numpy_over_random_in_bounds_inputs(seed):
    state, parameters, levers = _random_inputs(seed, n_runs=1000)
    with np.errstate(all="ignore"):
        expected = system.auxiliaries(state, parameters, levers)
        actual = compiled.auxiliaries(state, parameters, levers)
        for name in AUXILIARIES:
            _close(actual[name], expected[name], KERNEL_RELATIVE)
        _close_rates(compiled.derivatives(0.0, state, parameters, levers),
                     system.derivatives(0.0, state, parameters, levers), state, KERNEL_RELATIVE)


def _every_preset_and_scenario():
    files = sorted(path for path in SCENARIOS.glob("*.yaml") if path.name != "targets.yaml")
    files.append(DATA / "vensim" / "schedules.yaml")
    return [load_scenario(path, region=region) for path in files for region in REGIONS]


@pytestmark_numba
@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_generated_kernel_trajectories_of_every_preset_and_scenario(method):
    from restrans.sim.engine import fast_solver

    scenarios = _every_preset_and_scenario()
    assert len(scenarios) >= 5 * 10
    batch = build_batch(scenarios, method=method)
    expected = integrate(batch)
    actual = fast_solver.integrate(batch.initial_state, batch.parameters, batch.schedules, batch.output_times,
                                   method, batch.dt, threads=2)
    assert np.array_equal(np.isnan(actual), np.isnan(expected))
    # 1e-12 of the larger magnitude, and at least 1e-12 of the stock's largest magnitude in the batch: a stock that
    # accumulates a difference of large terms from zero (cumulative_spending_cut near the borrowing limit) carries
    # the ulps of those terms, so its first small values have no relative precision.
    stock_scale = np.nanmax(np.abs(expected), axis=(0, 2), keepdims=True)
    scale = np.maximum(np.maximum(np.abs(actual), np.abs(expected)), stock_scale)
    assert np.all(np.abs(actual - expected)[np.isfinite(expected)] <= (KERNEL_RELATIVE * scale)[np.isfinite(expected)])


def test_kernel_source_is_straight_line_code_with_named_variables():
    source = numba_source(trace(), {constant.name: constant.value for constant in CONSTANTS}, "header")
    body = source[source.index("def run_derivatives"):]
    assert not re.search(r"^\s+(if|for|while)\b", body, flags=re.M)
    assert "    non_green_capacity = mining_capacity - green_capacity\n" in body
    assert f"    a[{list(AUXILIARIES).index('gdp')}] = gdp\n" in body
    compile(source, "<generated kernel>", "exec")


def test_kernel_module_is_cached_under_the_model_digest(tmp_path, monkeypatch):
    monkeypatch.setenv("RESTRANS_CACHE_DIR", str(tmp_path))
    directory = compiled.cache_directory()
    assert directory.parent == tmp_path and directory.name == f"numba-{compiled.model_digest()}"
    if compiled.AVAILABLE:
        module = compiled.load_kernel()
        assert (directory / compiled.KERNEL_FILE).read_text(encoding="utf-8") == compiled.kernel_source()
        assert module.__name__.endswith(compiled.model_digest())  # one kernel module per process and digest


# --- the Vensim equations ------------------------------------------------------------------------------------------


def test_vensim_equations_keep_the_tree_of_each_expression():
    tracer, (a, b, c) = _traced_scalars(3)
    outputs = {"first": a - (b - c), "second": a + (b + c), "third": (a * b) ** c, "fourth": -(a * b),
               "fifth": -np.expm1(-a), "sixth": np.where(a > b, a, c)}
    from restrans.model.graph.nodes import Graph, Node

    nodes = list(tracer.nodes)
    for name, value in outputs.items():
        node = nodes[value.node]
        nodes[value.node] = Node(node.id, node.op, node.arguments, name=name, table=node.table)
    graph = Graph(tuple(nodes), {name: value.node for name, value in outputs.items()}, {},
                  {name: ("toy", "Toy section.") for name in outputs})
    emitted = vensim_equations(graph, {name: ("1", "A toy.") for name in outputs})
    texts = {equation.name: equation.expression for equation in emitted.sections[0].equations}
    assert texts == {"first": "x0 - (x1 - x2)", "second": "x0 + (x1 + x2)", "third": "(x0 * x1) ^ x2",
                     "fourth": "-(x0 * x1)", "fifth": "1 - EXP(-x0)", "sixth": "IF THEN ELSE(x0 > x1, x0, x2)"}


def test_constants_are_the_declared_values():
    assert CONSTANT_VALUES.shape == (len(CONSTANTS),) and not CONSTANT_VALUES.flags.writeable
    names = [constant.name for constant in CONSTANTS]
    assert len(names) == len(set(names))
    assert all(constant.unit and constant.doc and constant.source for constant in CONSTANTS)
