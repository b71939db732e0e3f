"""Figures as PNG bytes (matplotlib, non-interactive backend)."""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from restrans.sim.engine.results import Results, variable_units  # noqa: E402
from restrans.sim.report.fonts import figure_fonts  # noqa: E402
from restrans.sim.report.translations import label, text  # noqa: E402

DASHBOARD_PANELS: tuple[tuple[str, str], ...] = (
    ("indicator", "extraction"),
    ("stock", "mining_employment"),
    ("indicator", "unemployment_rate"),
    ("indicator", "successor_share"),
    ("stock", "population"),
    ("indicator", "untreated_subsidence"),
)
"""The dashboard's panels: (kind in the table of strings, variable), titled with the variable's label."""
MILESTONES: tuple[float, ...] = (2025.0, 2035.0)


def figure_bytes(figure) -> bytes:
    """Render a figure to PNG bytes and close it."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def dashboard(results: Results, title: str, language: str = "en") -> bytes:
    """A 2 x 3 panel of the key trajectories of every run, labelled with units in ``language``, milestones marked.

    Raises
    ------
    restrans.sim.report.fonts.FontMissing
        ``language`` is Chinese and the declared CJK font is not installed.
    """
    units = variable_units()
    with figure_fonts(language):
        figure, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True)
        for axis, (kind, name) in zip(axes.flat, DASHBOARD_PANELS):
            for run, run_name in enumerate(results.run_names):
                axis.plot(results.times, results.variables[name][:, run], label=run_name, linewidth=1.6)
            for year in MILESTONES:
                if results.times[0] <= year <= results.times[-1]:
                    axis.axvline(year, color="grey", linestyle=":", linewidth=0.8)
            axis.set_title(label(kind, name, language, default=name), fontsize=11)
            axis.set_ylabel(label("unit", units[name], language, default=units[name]))
            axis.grid(alpha=0.3)
        for axis in axes[1]:
            axis.set_xlabel(text("report.figure.year", language))
        if results.n_runs > 1:
            axes.flat[0].legend(fontsize=8)
        figure.suptitle(title, fontsize=13)
        figure.tight_layout()
        return figure_bytes(figure)
