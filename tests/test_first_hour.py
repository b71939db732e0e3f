"""What a new user hits (issue 12): targets fallback, honest output folders, every region in the terminal,
machine-readable output, overrides of schedule fields and in compare, guards, progress bars, compare columns.

The command runs in a subprocess where exit code, stdout and stderr matter. No model number is asserted: the
tests check structure, names, exit codes, messages and directions. Tolerances: values read back from CSV and
JSON are compared with 1e-9 relative tolerance (they are printed with 10 significant digits).
"""
from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from restrans.model.levers import LEVERS
from tests.conftest import ROOT, SCENARIOS
from tests.test_faults import _umask, assert_one_line, command_line

BASELINE = SCENARIOS / "baseline.yaml"
MIX = SCENARIOS / "livelihood_first.yaml"
PROGRAMME = SCENARIOS / "retraining_programme.yaml"
UNCERTAIN = (SCENARIOS / "uncertainty" / "baseline_uncertain.yaml",
             SCENARIOS / "uncertainty" / "livelihood_uncertain.yaml")


def succeeded(completed):
    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr
    return completed


# --- item 3: a run's folder is named by scenario, region and overrides; overrides are in the manifest --------


def test_runs_with_other_regions_or_overrides_do_not_replace_the_plain_run(tmp_path):
    lever = LEVERS[0]
    value = (lever.lower + lever.upper) / 2
    succeeded(command_line("run", BASELINE, "--no-plot", "--out", tmp_path))
    succeeded(command_line("run", BASELINE, "--no-plot", "--region", "coal_growing", "--out", tmp_path))
    succeeded(command_line("run", BASELINE, "--no-plot", "--set", f"{lever.name}={value}", "--out", tmp_path))
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == sorted(["baseline", "baseline-coal_growing", f"baseline-set-{lever.name}-{value:g}"])
    manifest = json.loads((tmp_path / f"baseline-set-{lever.name}-{value:g}" / "manifest.json").read_text())
    assert manifest["scenarios"][0]["overrides"] == {"region": None, "set": {lever.name: pytest.approx(value)}}
    assert "dashboard.png" not in manifest["files"]
    assert not (tmp_path / "baseline" / "dashboard.png").exists()


def test_run_name_option_and_a_bad_name(tmp_path):
    succeeded(command_line("run", BASELINE, "--no-plot", "--name", "mine", "--out", tmp_path))
    assert [path.name for path in tmp_path.iterdir()] == ["mine"]
    completed = command_line("run", BASELINE, "--name", "../x", "--out", tmp_path)
    assert_one_line(2, completed.returncode, completed.stderr, completed.stdout, "--name", "'../x'")


# --- item 11: --set on schedule fields, compare --set --------------------------------------------------------


def test_set_a_schedule_field_changes_only_that_field(tmp_path):
    succeeded(command_line("run", PROGRAMME, "--no-plot", "--set", "retraining_capacity.ramp.to=10", "--out",
                           tmp_path))
    (folder,) = tmp_path.iterdir()
    resolved = json.loads((folder / "manifest.json").read_text())["scenarios"][0]["resolved"]
    ramp = resolved["levers"]["retraining_capacity"]["ramp"]
    assert ramp["to"] == 10.0 and ramp["from"] == 1.5 and ramp["start"] == 2026.0  # the file's other fields


@pytest.mark.parametrize("assignment, fragments", [
    ("retraining_capacity.ramp.too=10", ["number field of the ramp schedule", "did you mean 'to'?"]),
    ("retraining_capacity.step.at=2027", ["gives 'retraining_capacity' a ramp schedule"]),
    ("retrainng_capacity.ramp.to=10", ["did you mean 'retraining_capacity'?"]),
])
def test_set_a_schedule_field_that_is_not_there(tmp_path, assignment, fragments):
    completed = command_line("run", PROGRAMME, "--set", assignment, "--out", tmp_path)
    assert_one_line(2, completed.returncode, completed.stderr, completed.stdout, "--set", *fragments)
    assert list(tmp_path.iterdir()) == []


def test_compare_set_applies_to_every_scenario_and_is_recorded(tmp_path):
    lever = LEVERS[0]
    succeeded(command_line("compare", BASELINE, MIX, "--set", f"{lever.name}={lever.upper}", "--out", tmp_path))
    manifest = json.loads((tmp_path / "compare" / "manifest.json").read_text())
    assert manifest["overrides"] == {"set": {lever.name: lever.upper}}
    for record in manifest["scenarios"]:
        assert record["resolved"]["levers"][lever.name] == {"constant": lever.upper, "basis": "level"} or \
            record["resolved"]["levers"][lever.name]["constant"] == lever.upper


# --- items 2 and 5: targets beside a parent file or the default; every region's table and answer -------------


def test_scenario_outside_scenarios_falls_back_to_the_targets_of_the_file_it_extends(tmp_path):
    mine = tmp_path / "elsewhere" / "mine.yaml"
    mine.parent.mkdir()
    mine.write_text(f"name: mine\nextends: {MIX}\n", encoding="utf-8")
    completed = succeeded(command_line("compare", mine, "--out", tmp_path / "out", "--format", "json"))
    document = json.loads(completed.stdout)
    assert document["targets"]["file"] == "scenarios/targets.yaml"
    assert "which" in document["targets"]["why"] and "extends" in document["targets"]["why"]
    assert all(row["targets_judged"] for row in document["rows"])
    manifest = json.loads((tmp_path / "out" / "compare" / "manifest.json").read_text())
    assert manifest["targets"]["file"] == "scenarios/targets.yaml" and manifest["targets"]["why"]
    assert "targets: scenarios/targets.yaml" in completed.stderr


def test_compare_prints_every_region_and_its_answer(tmp_path):
    completed = succeeded(command_line("compare", BASELINE, MIX, "--regions", "coal_declining,coal_growing",
                                       "--out", tmp_path))
    for region in ("coal_declining", "coal_growing"):
        assert f"{region}: 2035 targets met" in completed.stdout
        assert f"In {region}, " in completed.stdout and "gets closest to the 2035 goals" in completed.stdout
    assert "**" not in completed.stdout
    assert "targets: scenarios/targets.yaml" in completed.stdout


# --- item 8: --format json and csv; piped tables are not cut --------------------------------------------------


def test_run_json_and_csv_carry_the_indicators(tmp_path):
    document = json.loads(succeeded(command_line("run", BASELINE, "--no-plot", "--format", "json", "--out",
                                                 tmp_path)).stdout)
    indicators = pd.read_csv(tmp_path / "baseline" / "indicators.csv")
    assert document["output_folder"] == str(tmp_path / "baseline")
    assert [row["indicator"] for row in document["indicators"]] == indicators["indicator"].tolist()
    assert document["indicators"][0]["2035"] == pytest.approx(indicators["2035"].iloc[0], rel=1e-9)
    completed = succeeded(command_line("run", BASELINE, "--no-plot", "--format", "csv", "--out", tmp_path))
    from io import StringIO

    assert pd.read_csv(StringIO(completed.stdout))["indicator"].tolist() == indicators["indicator"].tolist()
    assert "wrote" in completed.stderr and "wrote" not in completed.stdout


@pytest.mark.parametrize("command", [["describe", "params"], ["describe", "levers"],
                                     ["validate", str(BASELINE), str(SCENARIOS / "targets.yaml")]])
def test_describe_and_validate_json(command):
    document = json.loads(succeeded(command_line(*command, "--format", "json")).stdout)
    assert isinstance(document, list) and document


def test_piped_tables_keep_every_name_whole(tmp_path):
    stdout = succeeded(command_line("describe", "params")).stdout
    from restrans.model.parameters import PARAMETERS

    for parameter in PARAMETERS:
        assert parameter.name in stdout
    assert "…" not in stdout
    run = succeeded(command_line("run", BASELINE, "--no-plot", "--out", tmp_path)).stdout
    for name in pd.read_csv(tmp_path / "baseline" / "indicators.csv")["indicator"]:
        assert name in run


def test_validate_accepts_targets_and_sweep_files():
    completed = succeeded(command_line("validate", SCENARIOS / "targets.yaml",
                                       SCENARIOS / "sweeps" / "retraining_lhs.yaml"))
    assert "targets file" in completed.stdout and "sweep retraining_lhs" in completed.stdout


# --- items 12 and 13: guards; progress bars never in piped output ------------------------------------------


@pytest.mark.parametrize("arguments, fragments", [
    (["--workers", str(os.cpu_count() * 4 + 1)], ["--workers", "at most"]),
    (["--backend", "numpy", "--engine", "pysd"], ["--backend", "auto or pysd with --engine pysd"]),
    (["--engine", "pysd"], ["--yes", "takes about", "through PySD"]),
])
def test_sweep_guards(tmp_path, arguments, fragments):
    completed = command_line("sweep", SCENARIOS / "sweeps" / "retraining_lhs.yaml", *arguments, "--out", tmp_path)
    assert_one_line(2, completed.returncode, completed.stderr, completed.stdout, *fragments)
    assert list(tmp_path.iterdir()) == []


def test_a_refused_sweep_draws_no_progress_bar(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nbase: x.yaml\n", encoding="utf-8")
    completed = command_line("sweep", bad, "--out", tmp_path)
    assert_one_line(2, completed.returncode, completed.stderr, completed.stdout)
    assert "runs" not in completed.stdout and "0/?" not in completed.stdout + completed.stderr


# --- items 4 and 14: shipped uncertainty scenarios; compare timeseries columns; trajectories.nc mode ---------


def test_shipped_uncertainty_scenarios_run_and_name_their_sources(tmp_path):
    for path in UNCERTAIN:
        text = path.read_text(encoding="utf-8")
        assert "uncertainty:" in text and ("http" in text or "domain-facts" in text)
    completed = succeeded(command_line("uncertainty", *UNCERTAIN, "--n", "8", "--seed", "1", "--out", tmp_path))
    probabilities = pd.read_csv(tmp_path / "uncertainty" / "target_probabilities.csv")
    assert set(probabilities["scenario"]) == {"baseline_uncertain", "livelihood_uncertain"}
    assert probabilities["probability"].dropna().between(0, 1).all()
    assert "targets: scenarios/targets.yaml" in completed.stderr


def test_compare_timeseries_has_region_and_scenario_columns(tmp_path):
    succeeded(command_line("compare", BASELINE, MIX, "--regions", "coal_declining,coal_growing", "--out", tmp_path))
    frame = pd.read_csv(tmp_path / "compare" / "timeseries.csv")
    assert list(frame.columns[:3]) == ["region", "scenario", "time"]
    assert set(frame["region"]) == {"coal_declining", "coal_growing"}
    assert set(frame["scenario"]) == {"baseline", "livelihood_first"}
    assert not frame["scenario"].str.contains("/").any()


def test_trajectories_file_has_the_mode_of_every_other_output(tmp_path):
    import dataclasses

    from restrans.sim.ensembles.sweep import SweepOptions, run_sweep
    from restrans.sim.ensembles.sweep_spec import load_sweep

    spec = dataclasses.replace(load_sweep(ROOT / "tests" / "data" / "sweeps" / "small_lhs.yaml"), n=3)
    folder = run_sweep(spec, SweepOptions(out=tmp_path, chunk=2, trajectories=True))
    expected = oct(0o666 & ~_umask())
    assert oct((folder / "trajectories.nc").stat().st_mode & 0o777) == expected
    assert oct((folder / "outcomes.parquet").stat().st_mode & 0o777) == expected
