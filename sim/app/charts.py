"""Line charts as inline SVG text: no plotting library, no script, nothing fetched.

A chart draws one trajectory for several runs (the baseline as a fixed grey ghost line, pinned runs, the
run before the last change, the current run), marks 2025 and 2035, draws each target as a star at its
year and threshold, and labels the y axis with its unit. Every line carries ``data-`` attributes (the
run, the variable and its values) so the browser tests can read what is plotted.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

import numpy as np

WIDTH, HEIGHT = 380, 230
LEFT, RIGHT, TOP, BOTTOM = 58, 12, 30, 34
MILESTONES: tuple[float, ...] = (2025.0, 2035.0)


@dataclass(frozen=True)
class Series:
    """One line: ``kind`` is its CSS class (``baseline``, ``pin``, ``previous``, ``current``)."""

    label: str
    values: np.ndarray
    kind: str
    colour: str


@dataclass(frozen=True)
class TargetMark:
    """A target drawn on a chart: year, threshold (shown unit) and a label."""

    year: int
    threshold: float
    label: str


def nice_ticks(lower: float, upper: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values covering [lower, upper]."""
    if not (math.isfinite(lower) and math.isfinite(upper)):
        return [0.0]
    if upper - lower < 1e-12 * max(1.0, abs(upper)):
        lower, upper = lower - max(abs(lower) * 0.05, 1e-9), upper + max(abs(upper) * 0.05, 1e-9)
    raw = (upper - lower) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(factor * magnitude for factor in (1, 2, 2.5, 5, 10) if factor * magnitude >= raw)
    first = math.floor(lower / step) * step
    ticks = []
    value = first
    while value <= upper + step * 0.5:
        ticks.append(round(value, 12))
        value += step
    return ticks


def tick_text(value: float) -> str:
    """A tick label: few digits, thousands kept whole."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _range(series: list[Series], targets: list[TargetMark]) -> tuple[float, float]:
    values = [value for line in series for value in np.asarray(line.values, dtype=float) if math.isfinite(value)]
    values += [mark.threshold for mark in targets]
    if not values:
        return 0.0, 1.0
    lower, upper = min(values), max(values)
    if lower >= 0 and lower < 0.3 * upper:
        lower = 0.0
    return lower, upper


def _points(years: np.ndarray, values: np.ndarray, x, y) -> str:
    return " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in zip(years, values) if math.isfinite(value))


def _star(cx: float, cy: float, radius: float = 6.0) -> str:
    corners = []
    for index in range(10):
        angle = -math.pi / 2 + index * math.pi / 5
        length = radius if index % 2 == 0 else radius * 0.45
        corners.append(f"{cx + length * math.cos(angle):.1f},{cy + length * math.sin(angle):.1f}")
    return " ".join(corners)


def _axes(title: str, unit: str, ticks: list[float], years: np.ndarray, x, y) -> list[str]:
    parts = [f'<text class="chart-title" x="{LEFT}" y="16">{escape(title)}</text>',
             f'<text class="axis-unit" transform="translate(13,{(TOP + HEIGHT - BOTTOM) / 2:.0f}) rotate(-90)" '
             f'text-anchor="middle">{escape(unit)}</text>']
    for tick in ticks:
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>')
        parts.append(f'<text class="tick" x="{LEFT - 5}" y="{y(tick) + 4:.1f}" text-anchor="end">'
                     f'{tick_text(tick)}</text>')
    first, last = int(math.ceil(years[0])), int(math.floor(years[-1]))
    for year in range(first, last + 1, 2):
        parts.append(f'<text class="tick" x="{x(year):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                     f'{year}</text>')
    for year in MILESTONES:
        if years[0] - 1e-9 <= year <= years[-1] + 1e-9:
            parts.append(f'<line class="milestone" x1="{x(year):.1f}" x2="{x(year):.1f}" y1="{TOP}" '
                         f'y2="{HEIGHT - BOTTOM}"/>')
    return parts


def line_chart(variable: str, title: str, unit: str, years: np.ndarray, series: list[Series],
               targets: list[TargetMark], watched: bool = False) -> str:
    """One chart as SVG text.

    Parameters
    ----------
    variable : str
        Model name of the variable (``data-variable``).
    title, unit : str
        The chart's title and the unit of its y axis, in the page's language.
    years : ndarray, shape (n_times,)
    series : list of Series
        Lines in drawing order (the current run last, on top); values in the shown unit.
    targets : list of TargetMark
        Stars at (year, threshold).
    watched : bool
        The chart a lesson step asks the class to watch (drawn with a frame).
    """
    lower, upper = _range(series, targets)
    ticks = nice_ticks(lower, upper)
    low, high = min(ticks[0], lower), max(ticks[-1], upper)
    span_x = max(float(years[-1] - years[0]), 1e-9)

    def x(year):
        return LEFT + (float(year) - float(years[0])) / span_x * (WIDTH - LEFT - RIGHT)

    def y(value):
        return HEIGHT - BOTTOM - (float(value) - low) / max(high - low, 1e-12) * (HEIGHT - TOP - BOTTOM)

    parts = _axes(title, unit, ticks, years, x, y)
    for line in series:
        values = np.asarray(line.values, dtype=float)
        data = ",".join(f"{value:.10g}" for value in values)
        parts.append(f'<polyline class="series {line.kind}" fill="none" stroke="{line.colour}" '
                     f'data-run="{escape(line.label)}" data-kind="{line.kind}" data-values="{data}" '
                     f'points="{_points(years, values, x, y)}"><title>{escape(line.label)}</title></polyline>')
    for mark in targets:
        parts.append(f'<polygon class="target" data-year="{mark.year}" data-threshold="{mark.threshold:.10g}" '
                     f'points="{_star(x(mark.year), y(mark.threshold))}"><title>{escape(mark.label)}</title>'
                     f'</polygon>')
    frame = " watched" if watched else ""
    return (f'<svg class="chart{frame}" data-variable="{escape(variable)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">' + "".join(parts) + "</svg>")
