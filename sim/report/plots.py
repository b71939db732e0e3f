"""Figures as PNG bytes (matplotlib, non-interactive backend)."""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from restrans.sim.engine.results import Results, variable_units  # noqa: E402
from restrans.sim.report.fonts import figure_fonts  # noqa: E402
from restrans.sim.report.translations import label, phrase, short_name, text  # noqa: E402

DASHBOARD_PANELS: tuple[tuple[str, str], ...] = (
    ("extraction", "indicator"),
    ("mining_employment", "stock"),
    ("unemployment_rate", "indicator"),
    ("successor_share", "indicator"),
    ("population", "stock"),
    ("untreated_subsidence", "indicator"),
)
"""The dashboard's panels: (variable, its kind in the table of strings), titled with the variable's label."""
MILESTONES: tuple[float, ...] = (2025.0, 2035.0)


def figure_bytes(figure) -> bytes:
    """Render a figure to PNG bytes and close it."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)  # laid out by tight_layout: no second drawing pass for a tight box
    plt.close(figure)
    return buffer.getvalue()


def _mark_targets(axis, name: str, scale: float, targets, region: str | None, language: str) -> None:
    """A star at the target year and a dashed line at the threshold of each target of ``region`` on ``name``."""
    from restrans.sim.report.compare_plots import TARGET_COLOUR

    for target in targets:
        threshold = target.threshold_for(region) if region else None
        if target.indicator == name and threshold is not None:
            legend = f"{text('report.column.target', language)} {short_name('target', target.identifier, language)}"
            axis.plot([target.year], [threshold * scale], marker="*", markersize=12, color=TARGET_COLOUR,
                      linestyle="none", zorder=5, label=legend)
            axis.axhline(threshold * scale, color=TARGET_COLOUR, linewidth=0.7, linestyle="--", alpha=0.6)


def _panel(axis, results: Results, name: str, kind: str, targets, region: str | None, language: str) -> None:
    """One dashboard panel: every run, the targets, the milestones; y from zero unless a value is negative."""
    from restrans.sim.report.compare_plots import display, year_ticks

    scale, unit = display(name) if name in variable_units() else (1.0, "")
    values = results.variables[name] * scale
    for run, run_name in enumerate(results.run_names):
        axis.plot(results.times, values[:, run], label=run_name, linewidth=1.6)
    _mark_targets(axis, name, scale, targets, region, language)
    for year in MILESTONES:
        if results.times[0] <= year <= results.times[-1]:
            axis.axvline(year, color="grey", linestyle=":", linewidth=0.8)
    title = label(kind, name, language, default=name)
    if values.min() >= 0:
        axis.set_ylim(bottom=0)
        axis.set_title(title, fontsize=11)
    else:
        axis.set_title(phrase("report.figure.not_from_zero", language, title=title), fontsize=11)
    axis.set_ylabel(label("unit", unit, language, default=unit) if unit else "")
    axis.grid(alpha=0.3)
    year_ticks(axis, results.times)


def dashboard(results: Results, title: str, targets=(), region: str | None = None, language: str = "en") -> bytes:
    """A 2 x 3 panel of the key trajectories of every run, labelled with units in ``language``, milestones marked.

    Fractions are shown in percent; a y-axis starts at zero unless a value is negative (the panel then says
    so); the targets of ``region`` on a shown indicator are marked (a star at the target year and a dashed
    line); ``title`` should name the scenario, region and overrides.

    Raises
    ------
    restrans.sim.report.fonts.FontMissing
        ``language`` is Chinese and the declared CJK font is not installed.
    """
    with figure_fonts(language):
        figure, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True)
        for axis, (name, kind) in zip(axes.flat, DASHBOARD_PANELS):
            _panel(axis, results, name, kind, targets, region, language)
        for axis in axes[1]:
            axis.set_xlabel(text("report.figure.year", language))
        if results.n_runs > 1:
            axes.flat[0].legend(fontsize=8)
        figure.suptitle(title + (text("report.figure.stars_targets", language) if targets else ""), fontsize=13)
        figure.tight_layout()
        return figure_bytes(figure)
