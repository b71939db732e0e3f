"""The restrans command, in-process: run, validate, describe, and bad input."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from restrans.model.indicators import INDICATORS
from restrans.model.levers import LEVERS
from restrans.model.parameters import PARAMETERS
from restrans.model.stocks import STOCKS
from restrans.sim.cli.commands import app
from restrans.sim.scenario.regions import load_region
from tests.conftest import DATA, ROOT, SCENARIOS
from tests.test_scenario import BAD_FILES, expectation

runner = CliRunner()
RUN_FILES = {"timeseries.csv", "variables.csv", "indicators.csv", "manifest.json", "dashboard.png"}


def invoke(*arguments):
    return runner.invoke(app, [str(a) for a in arguments], catch_exceptions=False)


@pytest.fixture(scope="module")
def baseline_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    result = invoke("run", SCENARIOS / "baseline.yaml", "--out", out)
    return result, out / "baseline"


def test_run_writes_the_four_outputs_and_the_variable_sidecar(baseline_run):
    result, directory = baseline_run
    assert result.exit_code == 0, result.output
    assert {p.name for p in directory.iterdir()} == RUN_FILES  # no temporary files left behind
    assert (directory / "dashboard.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_timeseries_has_every_stock_and_indicator_with_units(baseline_run):
    _, directory = baseline_run
    series = pd.read_csv(directory / "timeseries.csv")
    variables = pd.read_csv(directory / "variables.csv")
    assert {s.name for s in STOCKS} | set(INDICATORS) <= set(series.columns)
    assert set(series.columns) - {"run", "time"} == set(variables["name"])
    assert variables["unit"].notna().all()
    years = set(series["time"])
    assert {2025.0, 2030.0, 2035.0, 2025.25} <= years  # saveper 0.25 plus whole years
    assert series["time"].iloc[-1] == 2035.0


def test_indicators_csv_has_milestones(baseline_run):
    _, directory = baseline_run
    table = pd.read_csv(directory / "indicators.csv")
    assert list(table.columns[-3:]) == ["2025", "2030", "2035"]
    assert set(table["indicator"]) == set(INDICATORS)


def test_manifest_records_provenance(baseline_run):
    _, directory = baseline_run
    manifest = json.loads((directory / "manifest.json").read_text())
    for key in ("restrans_version", "git_commit", "scenarios", "solver", "wall_time_seconds"):
        assert key in manifest
    record = manifest["scenarios"][0]
    assert len(record["scenario_hash"]) == 64
    assert record["resolved"]["region"] == "coal_declining"
    assert all(len(digest) == 64 for digest in record["files"].values())
    assert manifest["solver"]["method"] == "euler" and manifest["solver"]["dt"] == 0.0625


def test_run_is_deterministic(tmp_path, baseline_run):
    _, directory = baseline_run
    invoke("run", SCENARIOS / "baseline.yaml", "--out", tmp_path)
    assert (tmp_path / "baseline" / "timeseries.csv").read_bytes() == (directory / "timeseries.csv").read_bytes()


def test_run_with_region_set_and_method(tmp_path):
    result = invoke("run", SCENARIOS / "baseline.yaml", "--region", "coal_growing", "--set", "rd_intensity=0.03",
                    "--method", "rk4", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert [path.name for path in tmp_path.iterdir()] == ["baseline-coal_growing-set-rd_intensity-0.03"]
    manifest = json.loads((tmp_path / "baseline-coal_growing-set-rd_intensity-0.03" / "manifest.json").read_text())
    assert manifest["scenarios"][0]["resolved"]["region"] == "coal_growing"
    assert manifest["scenarios"][0]["overrides"] == {"region": "coal_growing", "set": {"rd_intensity": 0.03}}
    assert manifest["solver"]["method"] == "rk4"


@pytest.mark.parametrize("path", BAD_FILES, ids=[path.stem for path in BAD_FILES])
def test_bad_scenario_exits_2_with_one_line_and_writes_nothing(tmp_path, path):
    fragment, _ = expectation(path)
    result = invoke("run", path, "--out", tmp_path)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert fragment.split(" ... ")[0] in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_bad_command_line_values_exit_2(tmp_path):
    for arguments in (["--set", "retrainng_capacity=3"], ["--set", "rd_intensity=abc"], ["--region", "coal_decline"],
                      ["--dt", "0.3"], ["--method", "rk46"], ["--dt", "0.00001"]):
        result = invoke("run", SCENARIOS / "baseline.yaml", "--out", tmp_path, *arguments)
        assert result.exit_code == 2, arguments
        assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_missing_scenario_file_exits_2(tmp_path):
    result = invoke("run", tmp_path / "nope.yaml", "--out", tmp_path)
    assert result.exit_code == 2 and "nope.yaml" in result.stderr


def test_validate_good_and_bad():
    good = invoke("validate", SCENARIOS / "baseline.yaml", DATA / "good" / "child.yaml")
    assert good.exit_code == 0 and good.output.count("ok") == 2
    bad = invoke("validate", SCENARIOS / "baseline.yaml", DATA / "bad_scenarios" / "misspelt_lever.yaml")
    assert bad.exit_code == 2 and "did you mean" in bad.stderr


@pytest.mark.parametrize("topic, names", [("params", [p.name for p in PARAMETERS]),
                                          ("stocks", [s.name for s in STOCKS]),
                                          ("levers", [lv.name for lv in LEVERS])])
def test_describe_csv_lists_every_element_with_unit_and_source(topic, names):
    result = invoke("describe", topic, "--format", "csv")
    assert result.exit_code == 0
    table = pd.read_csv(pd.io.common.StringIO(result.output))
    assert list(table.iloc[:, 0]) == names
    assert table["unit"].notna().all() and table["source"].str.len().gt(0).all()


def test_describe_table_and_regions():
    assert invoke("describe", "params").exit_code == 0
    regions = invoke("describe", "regions", "--format", "csv")
    assert regions.exit_code == 0 and "coal_declining" in regions.output and "forest_declining" in regions.output
    frame = pd.read_csv(io.StringIO(regions.output))
    fuxin = frame[frame["region"] == "fuxin"].iloc[0]
    assert (fuxin["type"], fuxin["start year"]) == ("coal_declining", 2010)


def test_describe_params_with_a_region_cites_where_each_preset_value_comes_from():
    result = invoke("describe", "params", "--region", "coal_mature", "--format", "csv")
    assert result.exit_code == 0
    table = pd.read_csv(io.StringIO(result.output)).set_index("parameter")
    fitted = table.loc["market_growth_response"]
    assert fitted["coal_mature source"].startswith("fitted to Datong, Jixi, Yangquan 2010-2017")
    preset = load_region("coal_mature").parameters["market_growth_response"]
    assert float(fitted["coal_mature value"]) == pytest.approx(preset, rel=1e-5)  # printed to 6 figures
    assert preset != pytest.approx(1.0, abs=0.01)  # the fitted value, not the model default
    assert table.loc["interest_rate", "coal_mature source"] == "model default"
    bad = invoke("describe", "params", "--region", "nowhere")
    assert bad.exit_code == 2 and "unknown region" in bad.stderr and "Traceback" not in bad.output


def test_committed_lever_docs_match_describe():
    result = invoke("describe", "levers", "--format", "markdown")
    assert (ROOT / "docs" / "levers.md").read_text(encoding="utf-8") == result.output


def test_python_dash_m_sim_is_the_same_command():
    import subprocess
    import sys

    completed = subprocess.run([sys.executable, "-m", "sim", "describe", "stocks", "--format", "csv"],
                               capture_output=True, text=True, cwd=ROOT, check=False)
    assert completed.returncode == 0 and "proven_reserves" in completed.stdout


def test_calibrate_prints_preset_and_calibrated_values():
    result = invoke("calibrate", "coal_declining")
    assert result.exit_code == 0 and "service_productivity" in result.output and "labour_force_entry_rate" in result.output
    assert invoke("calibrate", "coal_decline").exit_code == 2


def test_outputs_are_ordinary_files_not_private(baseline_run):
    import os

    _, directory = baseline_run
    umask = os.umask(0)
    os.umask(umask)
    for path in directory.iterdir():
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask, path.name


def test_version_is_the_installed_version_and_the_manifests(tmp_path):
    from importlib.metadata import version

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output == f"restrans {version('restrans')}\n"
    from restrans.sim.engine.outputs import build_manifest

    assert build_manifest([], {}, 0.0, [])["restrans_version"] == version("restrans")
