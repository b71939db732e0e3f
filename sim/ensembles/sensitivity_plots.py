"""Figures of sensitivity indices: bars per outcome, and indices per year for the key trajectories (PNG bytes)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from restrans.sim.report.plots import figure_bytes, plt


def _columns(method: str) -> tuple[tuple[str, str, str], ...]:
    """(value column, confidence column, label) drawn for the method."""
    if method == "sobol":
        return (("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total ST"))
    return (("mu_star", "mu_star_conf", "mu*"), ("sigma", "", "sigma"))


def bar_chart(indices: pd.DataFrame, method: str, outcomes: Sequence[str]) -> bytes:
    """One panel per outcome: the method's two measures per factor, with confidence intervals."""
    shown = [name for name in outcomes if len(indices) and name in set(indices.output)] or \
        (list(dict.fromkeys(indices.output))[:6] if len(indices) else [])
    figure, axes = plt.subplots(max(1, int(np.ceil(len(shown) / 3))), 3, figsize=(15, 4.2 * max(1, len(shown) / 3)),
                                squeeze=False)
    for axis, outcome in zip(axes.flat, shown):
        rows = indices[indices.output == outcome]
        positions = np.arange(len(rows))
        for offset, (column, confidence, label) in zip((-0.2, 0.2), _columns(method)):
            error = rows[confidence] if confidence else None
            axis.bar(positions + offset, rows[column], width=0.4, yerr=error, capsize=3, label=label)
        axis.set_xticks(positions, rows.factor, rotation=35, ha="right", fontsize=8)
        axis.set_title(outcome, fontsize=10)
        axis.grid(alpha=0.3, axis="y")
    for axis in list(axes.flat)[len(shown):]:
        axis.set_visible(False)
    if shown:
        axes.flat[0].legend(fontsize=8)
    figure.suptitle(f"{method} sensitivity indices (95 % confidence)", fontsize=13)
    figure.tight_layout()
    return figure_bytes(figure)


def time_chart(over_time: pd.DataFrame, method: str, variables: Sequence[str]) -> bytes:
    """One panel per key trajectory: the total index (Sobol ST, or Morris mu*) of each factor per year."""
    column = "ST" if method == "sobol" else "mu_star"
    shown = [name for name in variables if len(over_time) and name in set(over_time.output)]
    figure, axes = plt.subplots(max(1, int(np.ceil(len(shown) / 3))), 3, figsize=(15, 4 * max(1, len(shown) / 3)),
                                squeeze=False)
    for axis, variable in zip(axes.flat, shown):
        rows = over_time[over_time.output == variable]
        for factor, group in rows.groupby("factor", sort=False):
            axis.plot(group.year, group[column], marker="o", markersize=3, label=factor)
        axis.set_title(variable, fontsize=10)
        axis.set_xlabel("year")
        axis.set_ylabel(column)
        axis.grid(alpha=0.3)
    for axis in list(axes.flat)[len(shown):]:
        axis.set_visible(False)
    if shown:
        axes.flat[0].legend(fontsize=7)
    figure.suptitle(f"{method}: {column} per year", fontsize=13)
    figure.tight_layout()
    return figure_bytes(figure)
