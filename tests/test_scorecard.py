"""Targets file validation (sim/targets.py) and the scorecard logic on hand-made trajectories (sim/scorecard.py)."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from restrans.model.indicators import INDICATORS
from restrans.sim.scenario.errors import InputError
from restrans.sim.compare.scorecard import judge, margins, ranking_frame, scorecard_frame, shortfall
from restrans.sim.compare.targets import Target, load_targets
from tests.conftest import DATA, REGIONS, SCENARIOS

BAD_TARGETS = sorted((DATA / "bad_targets").glob("*.yaml"))
YEARS = list(range(2025, 2036))


# --- judging one target ---------------------------------------------------------------------


def test_at_most_target_met_with_margin_and_first_year():
    unemployment = [0.075, 0.072, 0.068, 0.060, 0.054, 0.052, 0.050, 0.050, 0.049, 0.048, 0.047]
    outcome = judge(YEARS, unemployment, 0.055, "at_most", 2035)
    assert outcome.met is True
    assert outcome.value == 0.047
    assert outcome.margin == pytest.approx(0.008, abs=1e-15)
    assert outcome.first_year_met == 2029


def test_at_least_target_missed_never_reached():
    share = np.linspace(0.25, 0.35, 11)
    outcome = judge(YEARS, share, 0.40, "at_least", 2035)
    assert outcome.met is False
    assert outcome.margin == pytest.approx(-0.05, abs=1e-15)
    assert outcome.first_year_met is None


def test_target_met_early_then_lost_is_missed_but_keeps_its_first_year():
    population_change = [0.0, -0.01, -0.02, -0.03, -0.04, -0.05, -0.055, -0.06, -0.065, -0.07, -0.075]
    outcome = judge(YEARS, population_change, -0.05, "at_least", 2035)
    assert (outcome.met, outcome.first_year_met) == (False, 2025)
    assert judge(YEARS, population_change, -0.05, "at_least", 2030).met is True  # exactly on the threshold


def test_2025_target_is_judged_on_the_start_and_first_year_says_when_the_gap_closes():
    index = [0.78, 0.80, 0.85, 0.88, 0.91, 0.93, 0.95, 0.97, 0.99, 1.0, 1.02]
    outcome = judge(YEARS, index, 0.9, "at_least", 2025)
    assert (outcome.met, outcome.first_year_met) == (False, 2029)
    assert outcome.margin == pytest.approx(-0.12, abs=1e-12)


def test_margins_and_shortfall_signs():
    assert margins([1.0, 3.0], 2.0, "at_least").tolist() == [-1.0, 1.0]
    assert margins([1.0, 3.0], 2.0, "at_most").tolist() == [1.0, -1.0]
    assert shortfall(-0.01, 0.05) == pytest.approx(0.2)
    assert shortfall(0.3, 0.05) == 0.0
    with pytest.raises(ValueError):
        margins([1.0], 2.0, "above")


# --- the scorecard of a batch ------------------------------------------------------------------


def fake_results():
    """Two runs on a quarterly grid: unemployment falls below 5.5 % in run 1 only (from 2030)."""
    times = np.arange(2025.0, 2035.0 + 1e-9, 0.25)
    base = np.full_like(times, 0.07)
    better = np.where(times >= 2030.0, 0.05, 0.07)
    variables = {"unemployment_rate": np.stack([base, better], axis=1)}
    return SimpleNamespace(times=times, variables=variables)


TARGETS = (
    Target("jobs_2035", "unemployment_rate", "at_most", 2035, 0.055, "national target"),
    Target("jobs_regional", "unemployment_rate", "at_most", 2035, None, "per region",
           regions={"coal_declining": 0.06, "forest_declining": None}),
    Target("jobs_2040", "unemployment_rate", "at_most", 2040, 0.055, "beyond the run"),
)


def test_scorecard_frame_judges_each_run_target_and_region():
    labels = [("coal_declining", "baseline"), ("coal_declining", "mix")]
    frame = scorecard_frame(fake_results(), labels, TARGETS).set_index(["scenario", "target"])
    assert frame.loc[("baseline", "jobs_2035"), "status"] == "missed"
    assert frame.loc[("mix", "jobs_2035"), "status"] == "met"
    assert frame.loc[("mix", "jobs_2035"), "first_year_met"] == 2030
    assert frame.loc[("mix", "jobs_2035"), "margin"] == pytest.approx(0.005)
    assert frame.loc[("mix", "jobs_regional"), "threshold"] == 0.06
    assert frame.loc[("mix", "jobs_2040"), "status"] == "outside run"


def test_a_target_not_applicable_to_a_region_is_marked_n_a():
    frame = scorecard_frame(fake_results(), [("forest_declining", "baseline"), ("coal_growing", "mix")], TARGETS)
    statuses = dict(zip(zip(frame["region"], frame["target"]), frame["status"]))
    assert statuses[("forest_declining", "jobs_regional")] == "not applicable"
    assert statuses[("coal_growing", "jobs_regional")] == "not applicable"   # no default threshold, region not listed


def test_ranking_counts_met_targets_then_shortfall():
    labels = [("coal_declining", "baseline"), ("coal_declining", "mix")]
    ranking = ranking_frame(scorecard_frame(fake_results(), labels, TARGETS)).set_index("scenario")
    assert ranking.loc["mix", "targets_met"] == 2 and ranking.loc["mix", "targets_judged"] == 2
    assert ranking.loc["baseline", "targets_met"] == 0
    assert ranking.loc["mix", "rank"] == 1 and ranking.loc["baseline", "rank"] == 2


# --- the targets file --------------------------------------------------------------------------


def test_shipped_targets_cover_2025_and_2035_goals_with_rationales():
    targets = load_targets(SCENARIOS / "targets.yaml")
    years = {target.year for target in targets.targets}
    assert {2025, 2035} <= years
    for target in targets.targets:
        assert target.indicator in INDICATORS
        assert target.rationale and target.goal
        assert set(target.regions) <= set(REGIONS)
        assert any(target.threshold_for(region) is not None for region in REGIONS)
    groups = {INDICATORS[target.indicator][1] for target in targets.targets if target.year == 2035}
    assert {"resource security", "economic vitality", "people", "ecology"} <= groups
    assert any(target.regions for target in targets.targets)  # some thresholds differ by region type


def matches(message: str, fragment: str) -> bool:
    """Whether the pieces of ``fragment`` (split at ' ... ') occur in order in ``message``."""
    position = 0
    for piece in fragment.split(" ... "):
        found = message.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return True


@pytest.mark.parametrize("path", BAD_TARGETS, ids=[path.name for path in BAD_TARGETS])
def test_bad_targets_file_gives_one_line_naming_file_key_and_value(path: Path):
    expected = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    with pytest.raises(InputError) as caught:
        load_targets(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert matches(message[len(f"{path}: "):], expected), message


def test_there_is_one_bad_targets_file_per_validation_error():
    assert len(BAD_TARGETS) >= 12
