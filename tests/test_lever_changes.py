"""Lever changes and notes of a comparison: what a run changes, cuts across regions, local costs above revenue."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from restrans.sim.compare.comparison import RunSpec, fiscal_notes, load_runs
from restrans.sim.compare.lever_changes import LEVER_COLUMNS, cut_levers, cut_notes, describe_schedule, lever_changes
from restrans.sim.scenario.schedules import constant, ramp
from tests.conftest import SCENARIOS


def test_describe_schedule():
    assert describe_schedule(constant(3.0)) == "3"
    assert describe_schedule(ramp(0.4, 3.0, 2025, 2028)) == "0.4 (2025) → 3 (2028)"


def test_lever_changes_of_runs_against_their_region_baseline():
    specs = load_runs([SCENARIOS / "baseline.yaml", SCENARIOS / "coordination_cooperation.yaml"],
                      regions="coal_declining,coal_regenerating")
    changes = lever_changes(specs, [0, 0, 2, 2])
    assert set(changes["scenario"]) == {"coordination_cooperation"}
    declining = changes[changes["region"] == "coal_declining"].set_index("lever")
    assert set(declining.index) == {"cooperation_inflow", "infrastructure_investment"}
    assert declining.loc["infrastructure_investment", "direction"] == "raised"
    regenerating = changes[changes["region"] == "coal_regenerating"].set_index("lever")
    # the mix adds 1.7 bn CNY/yr to each region's own 2025 value (basis: increment): 12 -> 13.7, not a cut
    assert regenerating.loc["infrastructure_investment", "direction"] == "raised"
    assert cut_levers(changes).empty and cut_notes(changes) == []


def test_a_lever_raised_in_one_region_and_lowered_in_another_is_a_cut():
    rows = [["coal_declining", "mix", "infrastructure_investment", "bn CNY/yr", "十三", "1.8", "3.5", 1.7, "raised"],
            ["coal_regenerating", "mix", "infrastructure_investment", "bn CNY/yr", "十三", "12", "3.5", -8.5,
             "lowered"]]
    changes = pd.DataFrame(rows, columns=list(LEVER_COLUMNS))
    cuts = cut_levers(changes)
    assert list(zip(cuts["region"], cuts["lever"])) == [("coal_regenerating", "infrastructure_investment")]
    assert len(cut_notes(changes)) == 1 and "cuts this lever" in cut_notes(changes)[0]


def test_a_lever_lowered_everywhere_is_a_policy_not_a_cut():
    rows = [["coal_declining", "no_support", "transfer_payment", "bn CNY/yr", "二十四", "0.3", "0", -0.3, "lowered"]]
    assert cut_levers(pd.DataFrame(rows, columns=list(LEVER_COLUMNS))).empty


def test_a_run_whose_spending_the_borrowing_limit_cut_is_flagged():
    times = np.array([2025.0, 2030.0, 2035.0])
    results = SimpleNamespace(times=times, variables={
        "cumulative_spending_cut": np.array([[0.0, 0.0], [0.0, 4.0], [0.0, 12.5]]),
        "funded_share": np.array([[1.0, 1.0], [1.0, 0.6], [1.0, 0.25]])})
    specs = [RunSpec(None, "baseline", "coal_declining", "b.yaml"), RunSpec(None, "big", "coal_declining", "m.yaml")]
    notes = fiscal_notes(results, specs)
    assert len(notes) == 1
    assert notes[0].startswith("In coal_declining, 'big': the local borrowing limit cut 12.5 bn CNY")
    assert "funded at 25 % in 2035" in notes[0]


def test_a_rounding_difference_is_not_a_lever_change():
    """Equal-budget scaling leaves untouched levers off by ~1e-17: not listed (CHANGE_TOLERANCE = 1e-9 of the range)."""
    from restrans.sim.compare.lever_changes import CHANGE_TOLERANCE, same_schedule

    assert same_schedule(constant(0.3), constant(0.3 - 5.6e-17), 20.0)
    assert same_schedule(ramp(0.4, 3.0, 2025, 2028), ramp(0.4, 3.0 + 1e-12, 2025, 2028), 20.0)
    assert not same_schedule(constant(0.3), constant(0.3 + 40 * CHANGE_TOLERANCE), 20.0)
    assert not same_schedule(ramp(0.4, 3.0, 2025, 2028), ramp(0.4, 3.0, 2025, 2029), 20.0)
    (baseline,) = load_runs([SCENARIOS / "baseline.yaml"], regions="coal_declining")
    nudged = [baseline, SimpleNamespace(**{**vars(baseline), "schedules": [
        constant(schedule.values[-1] * (1 + 1e-15)) if schedule.is_constant else schedule
        for schedule in baseline.schedules]})]
    assert lever_changes(nudged, [0, 0]).empty


def test_an_equal_budget_comparison_lists_only_real_changes_and_no_rounding_differences():
    from restrans.sim.compare.comparison import run_comparison

    comparison = run_comparison([SCENARIOS / "baseline.yaml", SCENARIOS / "livelihood_first.yaml",
                                 SCENARIOS / "opening_up.yaml"], region="coal_declining", budget=5.0)
    levers = comparison.levers
    assert not levers.empty
    assert (levers["final_change"].abs() > 1e-6).all(), levers[["scenario", "lever", "final_change"]]
    differences = comparison.indicators.filter(like="difference_").to_numpy()
    nonzero = np.abs(differences[differences != 0.0])
    assert nonzero.size and nonzero.min() > 1e-12
