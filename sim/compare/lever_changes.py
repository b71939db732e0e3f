"""Lever changes of a comparison: which levers each run sets differently from its region's baseline.

Mixes set absolute lever levels written for their own region; a preset whose
2025 value is higher gets a cut, which :func:`cut_levers` finds and the report flags.
"""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from restrans.model.levers import LEVERS
from restrans.sim.scenario.schedules import PiecewiseLinear

LEVER_COLUMNS: tuple[str, ...] = ("region", "scenario", "lever", "unit", "seed_sections", "baseline", "value",
                                  "final_change", "direction")

CHANGE_TOLERANCE: float = 1e-9
"""Two schedule values closer than this fraction of the lever's declared range are the same value.

Equal-budget scaling multiplies each mix's increments by a factor found by
root finding, so a lever the mix leaves alone comes back off by a rounding
error (0.3 vs 0.3 - 5.6e-17); that is not a change."""


def same_schedule(first: PiecewiseLinear, second: PiecewiseLinear, lever_range: float) -> bool:
    """True when the schedules have the same points to :data:`CHANGE_TOLERANCE` of ``lever_range``.

    Parameters
    ----------
    first, second : PiecewiseLinear
    lever_range : float
        Upper minus lower bound of the lever (lever unit).
    """
    if first == second:
        return True
    tolerance = CHANGE_TOLERANCE * lever_range
    return (len(first.times) == len(second.times)
            and all(abs(a - b) <= CHANGE_TOLERANCE for a, b in zip(first.times, second.times))
            and all(abs(a - b) <= tolerance for a, b in zip(first.values, second.values)))


def describe_schedule(schedule: PiecewiseLinear) -> str:
    """Short text of a schedule: '3' for a constant, '0.4 (2025) → 3 (2028)' otherwise."""
    if schedule.is_constant:
        return f"{schedule.values[0]:.4g}"
    return " → ".join(f"{value:.4g} ({time:g})" for time, value in zip(schedule.times, schedule.values))


def lever_changes(specs: Sequence, baseline: Sequence[int]) -> pd.DataFrame:
    """Levers whose schedule differs from the baseline run of the same region, per run.

    Parameters
    ----------
    specs : sequence of restrans.sim.compare.comparison.RunSpec
    baseline : sequence of int
        Index of each run's baseline run.
    """
    schedules = [spec.schedules for spec in specs]
    rows = []
    for run, base in enumerate(baseline):
        for index, lever in enumerate(LEVERS):
            mine, reference = schedules[run][index], schedules[base][index]
            if same_schedule(mine, reference, lever.upper - lever.lower):
                continue
            change = mine.values[-1] - reference.values[-1]
            rows.append({"region": specs[run].region, "scenario": specs[run].label, "lever": lever.name,
                         "unit": lever.unit, "seed_sections": " ".join(lever.seed_sections),
                         "baseline": describe_schedule(reference), "value": describe_schedule(mine),
                         "final_change": change,
                         "direction": "raised" if change > 0 else "lowered" if change < 0 else "reshaped"})
    return pd.DataFrame(rows, columns=list(LEVER_COLUMNS))


def cut_levers(levers: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`lever_changes` where a mix lowers a lever that it raises in another region.

    Mixes set absolute lever levels, written for their own region; a preset whose
    2025 value is higher gets a cut.
    """
    if levers.empty:
        return levers
    raised = set(zip(levers.loc[levers["direction"] == "raised", "scenario"],
                     levers.loc[levers["direction"] == "raised", "lever"]))
    lowered = levers[levers["direction"] == "lowered"]
    keep = [(scenario, lever) in raised for scenario, lever in zip(lowered["scenario"], lowered["lever"])]
    return lowered[keep]


def cut_notes(levers: pd.DataFrame) -> list[str]:
    """One warning per lever a mix cuts in a region (see :func:`cut_levers`)."""
    return [f"In {row.region}, '{row.scenario}' sets {row.lever} to {row.value} {row.unit}, below the preset's "
            f"2025 value {row.baseline}: there the mix cuts this lever (mixes set absolute levels)."
            for row in cut_levers(levers).itertuples(index=False)]
