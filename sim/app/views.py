"""The page's changing parts as HTML text: the key trajectories, the scorecard and costs, the lesson panel.

Pure functions of :class:`~restrans.sim.app.runs.RunSummary` values and the language: the server
(:mod:`restrans.sim.app.server`) calls them on every change. Every word comes from the string table.
"""
from __future__ import annotations

import math
from html import escape

import numpy as np

from restrans.sim.app.charts import Series, TargetMark, line_chart
from restrans.sim.app.runs import KEY_TRAJECTORIES, RunSummary, display_scale, display_unit
from restrans.sim.report.translations import explanation, label, text

BASELINE_COLOUR = "#a8a8a8"
CURRENT_COLOUR = "#c0392b"
PREVIOUS_COLOUR = "#555555"
PIN_COLOURS: tuple[str, ...] = ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2")
MAXIMUM_PINS = len(PIN_COLOURS)


def unit_text(unit: str, language: str) -> str:
    """A unit as the page shows it (the string table's ``names.unit``; an unknown unit as written)."""
    return label("unit", unit, language, default=unit)


def variable_label(name: str, language: str) -> str:
    """The name of a plotted variable: an indicator's or a stock's label, else an app string."""
    for kind in ("indicator", "stock"):
        found = label(kind, name, language, default="")
        if found:
            return found
    return text(f"app.variable.{name}", language)


def number_text(value: float, unit: str = "") -> str:
    """A value with about three significant digits (and the unit, if given)."""
    if value is None or not math.isfinite(value):
        return "–"
    shown = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    return f"{shown} {unit}".strip()


def _series(summary: RunSummary, name: str, kind: str, colour: str) -> Series:
    return Series(summary.label, summary.trajectories[name] * display_scale(name), kind, colour)


def charts_html(current: RunSummary, baseline: RunSummary, pins: list[RunSummary], previous: RunSummary | None,
                targets, region: str, language: str, watched: tuple[str, ...] = (),
                previous_legend: str = "app.legend.previous") -> str:
    """Every key trajectory as a chart: baseline ghost, pins, the run before the last change, current.

    ``watched`` variables (of a lesson step) are framed and plotted even when they are no key trajectory;
    ``previous_legend`` is the string-table key naming the ``previous`` line.
    """
    charts = []
    names = [name for name in KEY_TRAJECTORIES if name in current.trajectories]
    names += [name for name in watched if name not in names and name in current.trajectories]
    for name in names:
        scale = display_scale(name)
        lines = [_series(baseline, name, "baseline", BASELINE_COLOUR)]
        lines += [_series(pin, name, "pin", PIN_COLOURS[index % len(PIN_COLOURS)]) for index, pin in enumerate(pins)]
        if previous is not None:
            lines.append(_series(previous, name, "previous", PREVIOUS_COLOUR))
        lines.append(_series(current, name, "current", CURRENT_COLOUR))
        marks = [TargetMark(target.year, target.threshold_for(region) * scale, label("target", target.identifier,
                                                                                    language, target.identifier))
                 for target in targets if target.indicator == name and target.threshold_for(region) is not None]
        charts.append(line_chart(name, variable_label(name, language), unit_text(display_unit(name), language),
                                 current.years, lines, marks, name in watched))
    legend = [(BASELINE_COLOUR, text("app.legend.baseline", language), "baseline")]
    legend += [(PIN_COLOURS[index % len(PIN_COLOURS)], pin.label, "pin") for index, pin in enumerate(pins)]
    if previous is not None:
        legend.append((PREVIOUS_COLOUR, text(previous_legend, language), "previous"))
    legend.append((CURRENT_COLOUR, text("app.legend.current", language), "current"))
    legend.append(("#b8860b", text("app.legend.target", language), "target"))
    items = "".join(f'<span class="legend-item {kind}"><span class="swatch" style="background:{colour}"></span>'
                    f'{escape(name)}</span>' for colour, name, kind in legend)
    return f'<div class="legend">{items}</div><div class="chart-grid">{"".join(charts)}</div>'


def _cell(entry: dict | None, name: str, kind: str) -> str:
    if entry is None:
        return f'<td class="na" data-run="{kind}">–</td>'
    mark = "✓" if entry["met"] else "✗"
    css = "met" if entry["met"] else "missed"
    value = entry["value"] * display_scale(name)
    return (f'<td class="{css}" data-run="{kind}" data-target="{entry["target"]}" data-value="{entry["value"]:.10g}" '
            f'data-met="{str(entry["met"]).lower()}">{mark} {number_text(value)}</td>')


def _threshold_unit(indicator: str, language: str) -> str:
    unit = display_unit(indicator)
    return "" if unit == "1" else unit_text(unit, language)  # an index or ratio needs no unit after its value


def _met_count(summary: RunSummary, year: int) -> tuple[int, int]:
    judged = [entry for entry in summary.scorecard if entry["year"] == year]
    return sum(entry["met"] for entry in judged), len(judged)


def scorecard_html(current: RunSummary, baseline: RunSummary, pins: list[RunSummary], language: str,
                   year: int = 2035) -> str:
    """The targets of ``year`` for the baseline, each pinned run and the current run, then the extra cost."""
    runs = [("baseline", baseline), *[("pin", pin) for pin in pins], ("current", current)]
    heads = "".join(f'<th class="{kind}">{escape(text("app.legend.baseline", language) if kind == "baseline" else text("app.legend.current", language) if kind == "current" else run.label)}</th>'
                    for kind, run in runs)
    rows = []
    for entry in (entry for entry in current.scorecard if entry["year"] == year):
        identifier, indicator = entry["target"], entry["indicator"]
        threshold = entry["threshold"] * display_scale(indicator)
        sign = "≥" if entry["direction"] == "at_least" else "≤"
        cells = "".join(_cell(next((item for item in run.scorecard if item["target"] == identifier), None), indicator,
                              kind) for kind, run in runs)
        rows.append(f'<tr data-row="{identifier}"><th title="{escape(explanation("target", identifier, language, ""))}">'
                    f'{escape(label("target", identifier, language, identifier))}</th>'
                    f'<td class="threshold">{sign} {number_text(threshold, _threshold_unit(indicator, language))}'
                    f'</td>{cells}</tr>')
    met, judged = _met_count(current, year)
    base_met, _ = _met_count(baseline, year)
    summary = text("app.scorecard.summary", language).format(met=met, total=judged, baseline=base_met, year=year)
    table = (f'<table class="scorecard" data-met="{met}"><thead><tr><th>{escape(text("app.scorecard.target", language))}'
             f'</th><th>{escape(text("app.scorecard.threshold", language))}</th>{heads}</tr></thead>'
             f'<tbody>{"".join(rows)}</tbody></table>')
    return f'<p class="score-summary">{escape(summary)}</p>{table}{costs_html(current, baseline, language)}'


def costs_html(current: RunSummary, baseline: RunSummary, language: str) -> str:
    """The cumulative policy cost of the current run above the baseline, split central / local (bn CNY)."""
    extra = {part: current.costs[part] - baseline.costs[part] for part in ("total", "central", "local")}
    unit = unit_text("bn CNY", language)
    parts = "".join(f'<div class="cost {part}" data-part="{part}" data-value="{extra[part]:.10g}">'
                    f'<span>{escape(text(f"app.cost.{part}", language))}</span>'
                    f'<strong>{number_text(extra[part], unit)}</strong></div>' for part in ("total", "central", "local"))
    total = max(abs(extra["central"]) + abs(extra["local"]), 1e-12)
    bar = (f'<div class="cost-bar"><span class="central" style="width:{100 * abs(extra["central"]) / total:.1f}%">'
           f'</span><span class="local" style="width:{100 * abs(extra["local"]) / total:.1f}%"></span></div>')
    return (f'<div class="costs"><h4>{escape(text("app.cost.title", language))}</h4>{parts}{bar}'
            f'<p class="note">{escape(text("app.cost.note", language))}</p></div>')


def change_text(before: dict, after: dict, language: str) -> str:
    """What the last change did to the levers, e.g. ``Retraining places: 1.5 → 8``."""
    changed = [name for name in after if not np.isclose(after[name], before.get(name, after[name]), rtol=1e-9,
                                                        atol=1e-12)]
    if not changed:
        return ""
    return "; ".join(f"{label('lever', name, language)}: {number_text(before[name])} → {number_text(after[name])}"
                     for name in changed)


def diagram_changes(current: RunSummary, baseline: RunSummary, language: str,
                    relative: float = 1e-3) -> dict[str, tuple[str, str]]:
    """Per diagram node: ``up``/``down``/``same`` (more than ``relative`` apart or not) in the last year, and a
    tooltip with both values."""
    from restrans.sim.app.diagram import node_variables

    changes = {}
    for node, name in node_variables().items():
        if name not in current.trajectories or name not in baseline.trajectories:
            continue
        value, reference = float(current.trajectories[name][-1]), float(baseline.trajectories[name][-1])
        difference = value - reference
        direction = "same" if abs(difference) <= relative * max(abs(reference), 1e-12) else (
            "up" if difference > 0 else "down")
        scale, unit = display_scale(name), unit_text(display_unit(name), language)
        tooltip = (f"{' '.join(text(f'app.diagram.{node}', language).split())} {current.years[-1]:.0f}: {number_text(value * scale, unit)} "
                   f"({text('app.legend.baseline', language)}: {number_text(reference * scale, unit)})")
        changes[node] = (direction, tooltip)
    return changes
