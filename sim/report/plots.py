"""Figures as PNG bytes (matplotlib, non-interactive backend)."""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from restrans.sim.engine.results import Results, variable_units  # noqa: E402

DASHBOARD_PANELS: tuple[tuple[str, str], ...] = (
    ("extraction", "Extraction"),
    ("mining_employment", "Mining employment"),
    ("unemployment_rate", "Unemployment rate"),
    ("successor_share", "Successor share of GDP"),
    ("population", "Population"),
    ("untreated_subsidence", "Untreated subsidence"),
)
MILESTONES: tuple[float, ...] = (2025.0, 2035.0)


def figure_bytes(figure) -> bytes:
    """Render a figure to PNG bytes and close it."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)  # laid out by tight_layout: no second drawing pass for a tight box
    plt.close(figure)
    return buffer.getvalue()


def dashboard(results: Results, title: str, targets=(), region: str | None = None) -> bytes:
    """A 2 x 3 panel of the key trajectories of every run, labelled with units, milestones marked.

    Fractions are shown in percent; a y-axis starts at zero unless a value is negative (the panel then says
    so); the targets of ``region`` on a shown indicator are marked (a star at the target year and a dashed
    line); ``title`` should name the scenario, region and overrides.
    """
    from restrans.sim.report.compare_plots import TARGET_COLOUR, display, year_ticks

    figure, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True)
    for axis, (name, label) in zip(axes.flat, DASHBOARD_PANELS):
        scale, unit = display(name) if name in variable_units() else (1.0, "")
        values = results.variables[name] * scale
        for run, run_name in enumerate(results.run_names):
            axis.plot(results.times, values[:, run], label=run_name, linewidth=1.6)
        for target in targets:
            threshold = target.threshold_for(region) if region else None
            if target.indicator == name and threshold is not None:
                axis.plot([target.year], [threshold * scale], marker="*", markersize=12, color=TARGET_COLOUR,
                          linestyle="none", zorder=5, label=f"target {target.identifier}")
                axis.axhline(threshold * scale, color=TARGET_COLOUR, linewidth=0.7, linestyle="--", alpha=0.6)
        for year in MILESTONES:
            if results.times[0] <= year <= results.times[-1]:
                axis.axvline(year, color="grey", linestyle=":", linewidth=0.8)
        if values.min() >= 0:
            axis.set_ylim(bottom=0)
            axis.set_title(label, fontsize=11)
        else:
            axis.set_title(f"{label} (axis not from zero)", fontsize=11)
        axis.set_ylabel(unit)
        axis.grid(alpha=0.3)
        year_ticks(axis, results.times)
    for axis in axes[1]:
        axis.set_xlabel("year")
    if results.n_runs > 1:
        axes.flat[0].legend(fontsize=8)
    figure.suptitle(title + ("; stars: targets" if targets else ""), fontsize=13)
    figure.tight_layout()
    return figure_bytes(figure)
