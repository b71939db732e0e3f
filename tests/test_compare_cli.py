"""``restrans compare`` in-process: outputs, the region x mix matrix, equal budgets, and bad input."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from restrans.sim.compare.budget import RELATIVE_TOLERANCE
from restrans.sim.cli.commands import app
from tests.conftest import DATA, REGIONS, SCENARIOS

runner = CliRunner()
BASELINE = SCENARIOS / "baseline.yaml"
COMPARE_FILES = {"comparison.csv", "cost_effectiveness.csv", "levers.csv", "timeseries.csv", "variables.csv",
                 "scorecard.csv", "ranking.csv", "report.html", "summary.md", "manifest.json", "figures"}


def invoke(*arguments):
    return runner.invoke(app, [str(argument) for argument in arguments], catch_exceptions=False)


@pytest.fixture(scope="module")
def single_region(tmp_path_factory):
    out = tmp_path_factory.mktemp("compare")
    result = invoke("compare", BASELINE, SCENARIOS / "livelihood_first.yaml", SCENARIOS / "no_support.yaml",
                    "--region", "coal_declining", "--out", out)
    return result, out / "compare"


def test_compare_writes_tables_report_and_manifest(single_region):
    result, directory = single_region
    assert result.exit_code == 0, result.output
    assert {path.name for path in directory.iterdir()} == COMPARE_FILES  # no temporary files left behind
    assert "report:" in result.output and "livelihood_first" in result.output
    manifest = json.loads((directory / "manifest.json").read_text())
    assert [record["name"] for record in manifest["scenarios"]] == ["baseline", "livelihood_first", "no_support"]
    assert manifest["regions"] == ["coal_declining"] and manifest["targets"]["file"].endswith("targets.yaml")


def test_comparison_table_has_milestones_and_differences_from_the_first_scenario(single_region):
    _, directory = single_region
    table = pd.read_csv(directory / "comparison.csv")
    for year in ("2025", "2030", "2035"):
        assert {year, f"difference_{year}"} <= set(table.columns)
    baseline = table[table["scenario"] == "baseline"]
    assert (baseline[["difference_2025", "difference_2030", "difference_2035"]] == 0).all().all()
    mix = table[table["scenario"] == "livelihood_first"].set_index("indicator")
    base = baseline.set_index("indicator")
    assert mix.loc["unemployment_rate", "difference_2035"] == pytest.approx(
        mix.loc["unemployment_rate", "2035"] - base.loc["unemployment_rate", "2035"], abs=1e-9)  # CSV: 10 digits


def test_costs_are_split_central_and_local_and_ratios_have_units(single_region):
    _, directory = single_region
    costs = pd.read_csv(directory / "cost_effectiveness.csv").set_index("scenario")
    assert costs["cost_bn_cny"].to_numpy() == pytest.approx(
        (costs["central_cost_bn_cny"] + costs["local_cost_bn_cny"]).to_numpy(), rel=1e-9)  # CSV: 10 digits
    assert costs.loc["livelihood_first", "extra_cost_bn_cny"] > 0
    assert costs.loc["livelihood_first", "cost_per_job_year_thousand_cny"] > 0
    assert costs.loc["no_support", "extra_cost_bn_cny"] < 0
    assert pd.isna(costs.loc["no_support", "cost_per_job_year_thousand_cny"])  # saves money: no ratio


def test_regions_all_runs_one_batch_and_writes_the_region_by_mix_matrix(tmp_path):
    result = invoke("compare", BASELINE, SCENARIOS / "opening_up.yaml", "--regions", "all", "--out", tmp_path,
                    "--name", "matrix")
    assert result.exit_code == 0, result.output
    matrix = pd.read_csv(tmp_path / "matrix" / "matrix.csv")
    assert sorted(set(matrix["region"])) == sorted(REGIONS)
    assert len(matrix) == 2 * len(REGIONS)
    manifest = json.loads((tmp_path / "matrix" / "manifest.json").read_text())
    assert len(manifest["scenarios"]) == 2 * len(REGIONS)


def test_budget_scales_every_mix_to_the_same_extra_cost(tmp_path):
    result = invoke("compare", BASELINE, SCENARIOS / "opening_up.yaml", SCENARIOS / "livelihood_first.yaml",
                    "--budget", "3", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    costs = pd.read_csv(tmp_path / "compare" / "cost_effectiveness.csv").set_index("scenario")
    for name in ("opening_up@3bn", "livelihood_first@3bn"):
        # the budget is planned spending; what the borrowing limit let the city spend is extra_cost_bn_cny
        assert abs(costs.loc[name, "extra_planned_cost_bn_cny"] - 3.0) <= RELATIVE_TOLERANCE * 3.0
    manifest = json.loads((tmp_path / "compare" / "manifest.json").read_text())
    assert [record.get("budget", {}).get("budget_bn_cny") for record in manifest["scenarios"]] == [None, 3.0, 3.0]


BAD_ARGUMENTS = {
    "region and regions": (["--region", "coal_declining", "--regions", "all"], "--regions: --regions: 'all' — "),
    "unknown region": (["--region", "coal_declinng"], "--region: region: 'coal_declinng' — unknown region"),
    "unknown regions": (["--regions", "coal_growing,forest"], "--regions: region: 'forest' — 'all' or region"),
    "negative budget": (["--budget", "-1"], "--budget: budget: -1.0 — a number of bn CNY >= 0.001"),
    "unreachable budget": (["--budget", "1000"], "--budget: budget: 1000.0 — a budget 'opening_up' can reach"),
    "bad method": (["--method", "rk5"], "--method: solver.method: 'rk5' — one of"),
    "bad name": (["--name", "../x"], "--name: --name: '../x' — a folder name"),
    "bad targets": (["--targets", DATA / "bad_targets" / "bad_direction.yaml"], "bad_direction.yaml: targets."),
    "missing targets": (["--targets", DATA / "nowhere.yaml"], "nowhere.yaml: (file): "),
}


@pytest.mark.parametrize("case", BAD_ARGUMENTS, ids=list(BAD_ARGUMENTS))
def test_bad_arguments_exit_2_with_one_line_and_write_nothing(tmp_path, case):
    arguments, start = BAD_ARGUMENTS[case]
    result = invoke("compare", BASELINE, SCENARIOS / "opening_up.yaml", *arguments, "--out", tmp_path)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("restrans: error: "), result.output
    assert start in lines[0], lines[0]
    assert list(tmp_path.iterdir()) == []


def test_a_mix_that_saves_money_cannot_take_a_budget(tmp_path):
    result = invoke("compare", BASELINE, SCENARIOS / "no_support.yaml", "--budget", "5", "--out", tmp_path)
    assert result.exit_code == 2
    assert "'no_support' as written changes the cost by -" in result.output
    assert list(tmp_path.iterdir()) == []


def test_scenarios_of_different_regions_need_a_region_option(tmp_path):
    other = tmp_path / "elsewhere.yaml"
    other.write_text("name: elsewhere\nextends: " + str(BASELINE) + "\nregion: coal_growing\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("compare", BASELINE, other, "--out", out)
    assert result.exit_code == 2
    assert "region: 'coal_growing' — the region of the first scenario (coal_declining)" in result.output
    assert not out.exists()


def test_duplicate_scenario_names_are_rejected(tmp_path):
    result = invoke("compare", BASELINE, BASELINE, "--out", tmp_path)
    assert result.exit_code == 2 and "name: 'baseline' — a name no other compared scenario has" in result.output


def test_run_honours_a_budget_key(tmp_path):
    scenario = tmp_path / "opening_budget.yaml"
    scenario.write_text(f"name: opening_budget\nextends: {SCENARIOS / 'opening_up.yaml'}\nbudget: 3\n", "utf-8")
    result = invoke("run", scenario, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    reference = invoke("run", BASELINE, "--out", tmp_path)
    assert reference.exit_code == 0, reference.output
    costs = [pd.read_csv(tmp_path / name / "indicators.csv").set_index("indicator").loc["cumulative_planned_cost",
                                                                                      "2035"]
             for name in ("opening_budget", "baseline")]
    assert abs((costs[0] - costs[1]) - 3.0) <= RELATIVE_TOLERANCE * 3.0 + 1e-8  # CSV: 10 significant digits
