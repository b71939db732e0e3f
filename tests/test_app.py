"""The classroom app without a browser: settings and URLs, lessons as data, runs, charts, export, the command.

The browser tests are in ``tests/test_app_browser.py``. No test asserts a model number: runs are compared
with runs (directions, equality to a stated tolerance).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from restrans.model.levers import LEVERS
from restrans.sim.app import runs
from restrans.sim.app.catalog import Catalog
from restrans.sim.app.charts import Series, TargetMark, line_chart
from restrans.sim.app.diagram import diagram, diagram_loops, loop_diagram
from restrans.sim.app.lessons import known_loops, lesson_texts, load_lesson
from restrans.sim.app.settings import Settings, build_scenario, parse_query, scenario_yaml
from restrans.sim.cli.commands import app as command
from restrans.sim.report.translations import LANGUAGES, text
from tests.conftest import ROOT, SCENARIOS

runner = CliRunner()
LESSONS = sorted((SCENARIOS / "lessons").glob("*.yaml"))
CJK = re.compile(r"[\u4e00-\u9fff]")
RELATIVE = 1e-9


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(SCENARIOS)


def invoke(*arguments):
    return runner.invoke(command, [str(argument) for argument in arguments], catch_exceptions=False)


# --- settings and the URL ------------------------------------------------------------------------------


def test_settings_survive_the_url(catalog):
    lesson = next(iter(catalog.lessons))
    settings = Settings(language="zh", region="coal_growing", scenario="livelihood_first",
                        levers=(("retraining_capacity", 7.25), ("rd_intensity", 0.03)), lesson=lesson, step=1,
                        phase="reveal").with_lever("opening_up", 0.5)
    restored, ignored = parse_query(settings.query(), catalog.choices(), Settings())
    assert restored == settings and ignored == []


def test_a_url_naming_only_a_lesson_starts_in_the_lesson_region_and_scenario(catalog):
    settings, ignored = parse_query("lesson=3_resource_curse&step=2", catalog.choices(), Settings())
    lesson = catalog.lessons["3_resource_curse"]
    assert (settings.region, settings.scenario, settings.step) == (lesson.region, lesson.scenario, 1)
    assert ignored == []


def test_sliders_step_in_round_numbers_with_at_least_a_thousand_positions():
    from restrans.sim.app.page import SLIDER_STEPS, slider_step

    for lever in LEVERS:
        step = slider_step(lever.lower, lever.upper)
        assert (lever.upper - lever.lower) / step >= SLIDER_STEPS
        assert (lever.upper - lever.lower) / step < 10 * SLIDER_STEPS
        assert abs(np.log10(step) - round(np.log10(step))) < 1e-12  # a power of ten


def test_a_hand_edited_url_keeps_what_is_valid_and_names_the_rest(catalog):
    query = ("lang=fr&region=atlantis&scenario=baseline&retraining_capacity=1e9&rd_intensity=0.02"
             "&nonsense=1&transfer_payment=abc&step=99")
    settings, ignored = parse_query(query, catalog.choices(), Settings(language="en", region="coal_mature"))
    assert settings.language == "en" and settings.region == "coal_mature"
    assert settings.lever_values == {"rd_intensity": 0.02}
    assert set(ignored) == {"lang", "region", "retraining_capacity", "nonsense", "transfer_payment"}
    assert settings.lesson is None and settings.step == 0  # a step without a lesson means nothing


# --- lessons -------------------------------------------------------------------------------------------


def test_there_are_at_least_five_lessons_and_each_is_valid(catalog):
    assert len(LESSONS) >= 5
    assert set(catalog.lessons) == {path.stem for path in LESSONS}
    for lesson in catalog.lessons.values():
        assert lesson.scenario in catalog.scenarios and lesson.region in catalog.regions
        assert all(step.loop in known_loops() for step in lesson.steps)


@pytest.mark.parametrize("path", LESSONS, ids=[path.stem for path in LESSONS])
def test_every_lesson_string_is_in_both_languages(path):
    lesson = load_lesson(path)
    for key, bilingual in lesson_texts(lesson):
        assert CJK.search(bilingual.zh), f"{path.name}: {key}.zh has no Chinese"
        assert re.search(r"[A-Za-z]{3}", bilingual.en), f"{path.name}: {key}.en is not English"
    assert len(lesson.steps) >= 2


@pytest.mark.parametrize("path", LESSONS, ids=[path.stem for path in LESSONS])
def test_every_lesson_step_changes_what_it_asks_the_class_to_watch_or_compares_with_the_baseline(path, catalog):
    """A step whose levers change nothing would reveal nothing: each step's levers move a watched trajectory."""
    lesson = catalog.lessons[path.stem]
    for index, step in enumerate(lesson.steps):
        settings = Settings(region=lesson.region, scenario=lesson.scenario, lesson=path.stem, step=index)
        before = catalog.summary(settings, "before", "predict")
        after = catalog.summary(settings, "after", "reveal")
        baseline = catalog.baseline(lesson.region)
        moved = [name for name in step.watch
                 if not np.allclose(after.trajectories[name], (before if step.levers else baseline).trajectories[name],
                                    rtol=1e-6, atol=0.0)]
        assert moved, f"{path.name}: step {index + 1} moves none of {step.watch}"


BAD_LESSONS = {
    "unknown key": ({"steps": [{"hint": {"en": "x", "zh": "x"}}]}, "steps[0].hint: 'hint' — unknown key"),
    "missing Chinese": ({"title": {"en": "Only English"}}, "title.zh: <missing>"),
    "unknown lever": ({"steps": [{"levers": {"retrainng_capacity": 3.0}}]},
                      "did you mean 'retraining_capacity'?"),
    "lever out of bounds": ({"steps": [{"levers": {"retraining_capacity": -5.0}}]}, "retraining_capacity"),
    "unknown loop": ({"steps": [{"loop": "decline_spirl"}]}, "did you mean 'decline_spiral'?"),
    "unknown variable": ({"steps": [{"watch": ["unemployment_rte"]}]}, "did you mean 'unemployment_rate'?"),
    "unnamed auxiliary": ({"steps": [{"watch": ["crowding_out"]}]}, "an auxiliary named under app.variable"),
    "unknown region": ({"region": "coal_declinig"}, "did you mean 'coal_declining'?"),
    "unknown scenario": ({"scenario": "livelihood"}, "scenario: 'livelihood'"),
}


def _merged(base: dict, change: dict) -> dict:
    merged = dict(base)
    for key, value in change.items():
        if key == "steps":
            merged["steps"] = [{**base["steps"][0], **value[0]}] + base["steps"][1:]
        else:
            merged[key] = value
    return merged


@pytest.mark.parametrize("case", BAD_LESSONS, ids=list(BAD_LESSONS))
def test_a_bad_lesson_file_is_one_line_and_exit_code_2(case, tmp_path):
    folder = tmp_path / "scenarios"
    (folder / "lessons").mkdir(parents=True)
    for name in ("baseline.yaml", "targets.yaml"):
        shutil.copy(SCENARIOS / name, folder / name)
    good = yaml.safe_load(LESSONS[0].read_text(encoding="utf-8"))
    change, expected = BAD_LESSONS[case]
    (folder / "lessons" / "bad.yaml").write_text(yaml.safe_dump(_merged(good, change), allow_unicode=True),
                                                 encoding="utf-8")
    result = invoke("app", "--check", "--scenarios", folder)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "bad.yaml" in lines[0] and expected in lines[0], result.output


def test_the_shipped_lessons_pass_the_check():
    result = invoke("app", "--check", "--scenarios", SCENARIOS)
    assert result.exit_code == 0, result.output
    assert f"{len(LESSONS)} lesson(s) valid" in result.output


def test_a_bad_language_or_a_busy_port_is_one_line_and_exit_code_2():
    import socket

    result = invoke("app", "--lang", "fr", "--check")
    assert result.exit_code == 2 and "fr" in result.output and len(result.output.strip().splitlines()) == 1
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = invoke("app", "--port", busy.getsockname()[1])
    assert result.exit_code == 2 and "--port" in result.output, result.output


# --- runs ------------------------------------------------------------------------------------------


def test_the_compiled_and_the_numpy_run_agree(catalog):
    scenario = catalog.scenario(Settings(region="coal_declining", scenario="livelihood_first"))
    compiled = runs.simulate_one(scenario, "compiled")
    numpy = runs.simulate_one(scenario, "numpy")
    for name in runs.KEY_TRAJECTORIES:
        if name in numpy.variables:
            np.testing.assert_allclose(compiled.variables[name], numpy.variables[name], rtol=RELATIVE, atol=1e-12)


def test_key_trajectories_tolerate_a_variable_the_model_does_not_have_and_show_it_once_it_has(catalog):
    results = runs.simulate_one(catalog.scenario(Settings()), "numpy")
    assert "local_debt" in runs.KEY_TRAJECTORIES
    if "local_debt" not in results.variables:
        assert "local_debt" not in runs.summarise(results, "x", "coal_declining", catalog.targets).trajectories
        results.variables["local_debt"] = np.zeros_like(results.variables["gdp"])  # as once the model has it
    assert "local_debt" in runs.summarise(results, "x", "coal_declining", catalog.targets).trajectories


def test_a_moved_slider_changes_the_run_and_the_baseline_stays(catalog):
    settings = Settings(region="coal_declining")
    before = catalog.summary(settings, "current")
    after = catalog.summary(settings.with_lever("transfer_payment", 5.0), "current")
    assert after.trajectories["unemployment_rate"][-1] < before.trajectories["unemployment_rate"][-1]
    np.testing.assert_array_equal(catalog.baseline("coal_declining").trajectories["unemployment_rate"],
                                  before.trajectories["unemployment_rate"])  # nothing moved: the baseline


# --- the exported scenario ---------------------------------------------------------------------------


def test_the_exported_scenario_runs_through_restrans_run_to_the_same_numbers(catalog, tmp_path):
    lesson = "2_retraining_needs_jobs"
    settings = Settings(region="coal_declining", scenario="livelihood_first", lesson=lesson, step=2,
                        phase="reveal").with_lever("opening_up", 0.4)
    scenario = catalog.scenario(settings)
    path = tmp_path / "exported.yaml"
    path.write_text(scenario_yaml(scenario, "test export"), encoding="utf-8")
    assert "extends" not in yaml.safe_load(path.read_text(encoding="utf-8"))
    result = invoke("run", path, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(tmp_path / "out" / scenario.name / "timeseries.csv")
    shown = catalog.summary(settings, "current")
    for name, values in shown.trajectories.items():
        np.testing.assert_allclose(frame[name].to_numpy(), values, rtol=RELATIVE, atol=1e-12, err_msg=name)


def test_build_scenario_puts_sliders_over_lesson_levers_over_the_file(catalog):
    settings = Settings(scenario="livelihood_first").with_lever("retraining_capacity", 3.0)
    scenario = build_scenario(SCENARIOS / "livelihood_first.yaml", settings,
                              {"retraining_capacity": {"constant": 9.0}, "opening_up": {"constant": 0.3}})
    assert scenario.lever_schedule("retraining_capacity").values == (3.0,)
    assert scenario.lever_schedule("opening_up").values == (0.3,)
    assert scenario.levers["social_security_coverage"].model_dump(by_alias=True) == {"constant": 0.8}


# --- charts, diagram and strings --------------------------------------------------------------------------


def test_a_chart_plots_the_values_it_is_given_with_targets_milestones_and_the_unit():
    years = np.linspace(2025, 2035, 41)
    values = np.linspace(5.0, 7.0, 41)
    svg = line_chart("unemployment_rate", "Unemployment", "%", years,
                     [Series("baseline", values, "baseline", "#aaa"), Series("current", values + 1, "current", "#c00")],
                     [TargetMark(2035, 5.5, "target")])
    current = re.search(r'data-kind="current" data-values="([^"]+)"', svg).group(1)
    np.testing.assert_allclose([float(item) for item in current.split(",")], values + 1, rtol=1e-9)
    assert svg.count('class="milestone"') == 2 and 'data-threshold="5.5"' in svg
    assert '<text class="axis-unit"' in svg and ">%</text>" in svg


def test_the_diagram_has_every_loop_of_the_readme_and_highlights_one():
    assert set(diagram_loops()) == set(known_loops())
    nodes, edges = diagram()
    assert all(edge.source in nodes and edge.target in nodes for edge in edges)
    svg = loop_diagram("en", "decline_spiral")
    highlighted = re.findall(r'<g class="edge highlight" data-loops="([^"]+)"', svg)
    assert highlighted and all("decline_spiral" in loops.split() for loops in highlighted)
    assert len(highlighted) == sum("decline_spiral" in edge.loops for edge in edges)
    assert 'class="edge highlight"' not in loop_diagram("en")


def test_every_app_string_the_code_asks_for_is_in_both_languages():
    sources = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "sim" / "app").glob("*.py"))
    keys = {key for key in re.findall(r'"(app\.[a-z_.]+)"', sources) if not key.endswith((".css", ".js"))}
    keys |= {f"app.cost.{part}" for part in ("total", "central", "local")}
    keys |= {f"app.diagram.{name}" for name in diagram()[0]}
    keys |= {f"app.scenario.{path.stem}" for path in SCENARIOS.glob("*.yaml") if path.stem != "targets"}
    assert len(keys) > 40
    for key in sorted(keys):
        for language in LANGUAGES:
            assert text(key, language).strip(), (key, language)


def test_every_lever_has_a_slider_grouped_by_its_chapter():
    from restrans.sim.app.page import lever_groups

    html = lever_groups({lever.name: lever.baseline for lever in LEVERS}, "zh")
    assert html.count('type="range"') == len(LEVERS)
    for lever in LEVERS:
        assert f'data-lever="{lever.name}" min="{lever.lower:.10g}" max="{lever.upper:.10g}"' in html


def test_the_request_check_of_the_browser_tests_catches_a_request_that_leaves_the_machine():
    from tests.browser import outside_localhost

    local = ["http://127.0.0.1:8050/", "ws://127.0.0.1:8050/websocket/", "data:,", "blob:http://127.0.0.1:1/x"]
    assert outside_localhost(local) == []
    assert outside_localhost([*local, "https://fonts.googleapis.com/css", "http://localhost.example/"]) == [
        "https://fonts.googleapis.com/css", "http://localhost.example/"]


def test_the_diagram_shows_which_way_each_node_moved_against_the_baseline(catalog):
    from restrans.sim.app.views import diagram_changes

    baseline = catalog.baseline("coal_declining")
    assert {direction for direction, _ in diagram_changes(baseline, baseline, "en").values()} == {"same"}
    settings = Settings(region="coal_declining").with_lever("retraining_capacity", 8.0).with_lever("transfer_payment", 5.0)
    moved = catalog.summary(settings, "current")
    changes = diagram_changes(moved, baseline, "zh")
    assert changes["unemployment"][0] == "down" and changes["laid_off"][0] == "down"
    assert changes["reserves"][0] == "same"  # retraining and transfers do not touch the reserves
    svg = loop_diagram("en", None, changes)
    assert svg.count('class="change down"') == sum(direction == "down" for direction, _ in changes.values())
