"""The causal-loop diagram as inline SVG, with one loop highlighted (the loop a lesson step talks about).

The nodes, edges and loop memberships are data (``diagram.yaml`` beside this module), the node labels
come from the string table (``app.diagram.<node>``) and the loop names from ``names.loop``.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from html import escape
from pathlib import Path

import yaml

from restrans.sim.report.translations import label, text

DIAGRAM_FILE = Path(__file__).with_name("diagram.yaml")
WIDTH, HEIGHT = 800, 480
NODE_WIDTH, NODE_HEIGHT = 118, 34


@dataclass(frozen=True)
class Edge:
    """A causal link: ``source`` influences ``target`` with ``polarity`` (+, - or '' for a flow)."""

    source: str
    target: str
    polarity: str
    loops: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def _read() -> dict:
    return yaml.safe_load(DIAGRAM_FILE.read_text(encoding="utf-8"))


def diagram() -> tuple[dict[str, tuple[float, float]], tuple[Edge, ...]]:
    """The nodes (name -> centre) and edges of ``diagram.yaml``."""
    data = _read()
    nodes = {name: (float(x), float(y)) for name, (x, y, _variable) in data["nodes"].items()}
    edges = tuple(Edge(source, target, polarity, tuple(loops)) for source, target, polarity, loops in data["edges"])
    return nodes, edges


def node_variables() -> dict[str, str]:
    """The model variable of each node (its live change is shown on the node)."""
    return {name: variable for name, (_x, _y, variable) in _read()["nodes"].items()}


def diagram_loops() -> tuple[str, ...]:
    """Every loop some edge of the diagram belongs to, in first-use order."""
    return tuple(dict.fromkeys(loop for edge in diagram()[1] for loop in edge.loops))


def _border_point(centre: tuple[float, float], towards: tuple[float, float]) -> tuple[float, float]:
    """Where the line from ``centre`` to ``towards`` leaves the node's box."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    if dx == 0 and dy == 0:
        return centre
    scale = min((NODE_WIDTH / 2 + 3) / abs(dx) if dx else math.inf, (NODE_HEIGHT / 2 + 3) / abs(dy) if dy else math.inf)
    return centre[0] + dx * scale, centre[1] + dy * scale


def _edge(edge: Edge, nodes, highlighted: str | None) -> str:
    start = _border_point(nodes[edge.source], nodes[edge.target])
    end = _border_point(nodes[edge.target], nodes[edge.source])
    css = "edge highlight" if highlighted in edge.loops else "edge"
    middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    sign = escape(edge.polarity.replace("-", "−"))
    return (f'<g class="{css}" data-loops="{" ".join(edge.loops)}"><line x1="{start[0]:.0f}" y1="{start[1]:.0f}" '
            f'x2="{end[0]:.0f}" y2="{end[1]:.0f}" marker-end="url(#arrow)"/>'
            f'<text x="{middle[0] + 4:.0f}" y="{middle[1] - 3:.0f}">{sign}</text></g>')


def _badge(centre, change: tuple[str, str] | None) -> str:
    """The live change of a node: an arrow up or down against the baseline in the last year, with a tooltip."""
    if change is None:
        return ""
    direction, tooltip = change
    arrow = {"up": "▲", "down": "▼"}.get(direction, "=")
    return (f'<text class="change {direction}" x="{centre[0] + NODE_WIDTH / 2 - 9:.0f}" '
            f'y="{centre[1] - NODE_HEIGHT / 2 + 11:.0f}" text-anchor="middle">{arrow}<title>{escape(tooltip)}'
            f'</title></text>')


def _node(name: str, centre, language: str, highlighted: bool, change: tuple[str, str] | None = None) -> str:
    css = "node highlight" if highlighted else "node"
    lines = text(f"app.diagram.{name}", language).split("\n")
    spans = "".join(f'<tspan x="{centre[0]:.0f}" dy="{0 if index == 0 else 12}">{escape(line)}</tspan>'
                    for index, line in enumerate(lines))
    top = centre[1] - 4 - 6 * (len(lines) - 1)
    return (f'<g class="{css}" data-node="{name}"><rect x="{centre[0] - NODE_WIDTH / 2:.0f}" '
            f'y="{centre[1] - NODE_HEIGHT / 2:.0f}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="8"/>'
            f'<text x="{centre[0]:.0f}" y="{top + 8:.0f}" text-anchor="middle">{spans}</text>{_badge(centre, change)}'
            f'</g>')


def loop_diagram(language: str, highlighted: str | None = None, changes: dict | None = None) -> str:
    """The diagram as SVG text; the edges and nodes of loop ``highlighted`` (a ``names.loop`` key) stand out.

    ``changes`` maps a node to ``(direction, tooltip)``: ``up``, ``down`` or ``same`` against the baseline
    (live values on the diagram, as in Vensim's SyntheSim).
    """
    changes = changes or {}
    nodes, edges = diagram()
    touched = {name for edge in edges if highlighted in edge.loops for name in (edge.source, edge.target)}
    parts = ['<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>']
    parts += [_edge(edge, nodes, highlighted) for edge in edges]
    parts += [_node(name, centre, language, name in touched, changes.get(name)) for name, centre in nodes.items()]
    title = label("loop", highlighted, language) if highlighted else text("app.diagram_title", language)
    return (f'<svg class="loop-diagram" data-highlighted="{escape(highlighted or "")}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg">' + "".join(parts) + "</svg>")
