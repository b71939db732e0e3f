"""The library of policy mixes in scenarios/: what each changes, and that each runs for every region.

A mix's description names the levers it changes ("Levers: a, b.") and the seed
sections it implements, e.g. "(二十一)". The tests read the resolved scenarios
(lever schedules after ``extends`` and the region preset), not the YAML text.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

from restrans.model.indicators import INDICATORS
from restrans.model.levers import LEVER_NAMES, LEVERS
from restrans.sim.compare.comparison import POLICY_MIXES
from restrans.sim.scenario.errors import read_yaml_mapping
from restrans.sim.scenario.scenario import load_scenario
from restrans.sim.engine.simulate import run_inputs, simulate
from tests.conftest import REGIONS, SCENARIOS

HOME_REGION = "coal_declining"
ISSUE_MIXES = {"resource_security", "innovation_successor", "coordination_cooperation", "green_restoration",
               "opening_up", "livelihood_first", "integrated_plan", "no_support"}


def named_levers(description: str) -> set[str]:
    """Lever names listed after 'Levers:' in a description."""
    match = re.search(r"Levers:(.*)$", " ".join(description.split()))
    assert match, "the description must end with 'Levers: name, name, ...'"
    names = {name.strip(" .") for name in match.group(1).split(",")}
    assert names <= set(LEVER_NAMES), f"unknown lever names {names - set(LEVER_NAMES)}"
    return names


def changed_levers(mix, baseline) -> set[str]:
    """Levers whose resolved schedule differs between two scenarios."""
    mine, reference = run_inputs(mix)[2], run_inputs(baseline)[2]
    return {lever.name for lever, a, b in zip(LEVERS, mine, reference) if a != b}


def test_the_library_holds_the_mixes_of_the_issue():
    assert set(POLICY_MIXES) == ISSUE_MIXES
    for name in POLICY_MIXES:
        assert (SCENARIOS / f"{name}.yaml").is_file()


@pytest.mark.parametrize("name", POLICY_MIXES)
def test_each_mix_extends_baseline(name):
    data = read_yaml_mapping(SCENARIOS / f"{name}.yaml")
    assert data["extends"] == "baseline.yaml"
    assert data["name"] == name


@pytest.mark.parametrize("name", POLICY_MIXES)
def test_mix_differs_from_baseline_exactly_in_the_levers_its_description_names(name):
    mix = load_scenario(SCENARIOS / f"{name}.yaml")
    baseline = load_scenario(SCENARIOS / "baseline.yaml")
    assert mix.region == baseline.region == HOME_REGION
    assert changed_levers(mix, baseline) == named_levers(mix.description)


@pytest.mark.parametrize("name", POLICY_MIXES)
def test_in_every_region_a_mix_changes_only_levers_it_names(name):
    named = named_levers(load_scenario(SCENARIOS / f"{name}.yaml").description)
    for region in REGIONS:
        mix = load_scenario(SCENARIOS / f"{name}.yaml", region=region)
        baseline = load_scenario(SCENARIOS / "baseline.yaml", region=region)
        assert changed_levers(mix, baseline) <= named, region


@pytest.mark.parametrize("name", POLICY_MIXES)
def test_description_cites_a_seed_section_of_every_lever_it_changes(name):
    mix = load_scenario(SCENARIOS / f"{name}.yaml")
    sections = {lever.name: lever.seed_sections for lever in LEVERS}
    for lever in named_levers(mix.description):
        assert any(f"({section})" in mix.description for section in sections[lever]), lever


def test_integrated_plan_is_the_union_of_the_single_theme_mixes():
    themes = [name for name in POLICY_MIXES if name not in ("integrated_plan", "no_support")]
    integrated = load_scenario(SCENARIOS / "integrated_plan.yaml")
    union = {}
    for name in themes:
        union.update(load_scenario(SCENARIOS / f"{name}.yaml").levers)
    assert integrated.levers == union


def test_every_mix_runs_for_every_region_preset_in_one_batch():
    scenarios = [load_scenario(SCENARIOS / f"{name}.yaml", region=region)
                 for region in REGIONS for name in ("baseline", *POLICY_MIXES)]
    results = simulate(scenarios, run_names=[f"{s.region}/{s.name}" for s in scenarios])
    for name in INDICATORS:
        assert np.all(np.isfinite(results.variables[name])), name
    assert results.n_runs == len(REGIONS) * (len(POLICY_MIXES) + 1)
