"""The classroom app in a real browser: Playwright driving Debian's Chromium against ``restrans app``.

Each test opens a new browser context (a new session of the app) and fails if the page asks for anything
outside 127.0.0.1. Screenshots are written to ``outputs/test-artifacts/`` (git-ignored). The latency of
an update is measured by ``benchmarks/bench_app_latency.py``, not asserted here.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from restrans.model.levers import LEVERS
from restrans.sim.app.catalog import Catalog
from restrans.sim.app.settings import Settings
from restrans.sim.cli.commands import app as command
from tests.browser import ARTIFACTS, app_server, chromium, move_slider, outside_localhost, plotted, renders, \
    wait_for_render
from tests.conftest import SCENARIOS

CJK = re.compile(r"[\u4e00-\u9fff]")
VALUE_DIGITS = 1e-8
"""Relative tolerance of a plotted value: the page writes 10 significant digits."""


@pytest.fixture(scope="module")
def server():
    with app_server() as address:
        yield address


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def catalog():
    return Catalog(SCENARIOS)


@pytest.fixture
def page(browser, server, request):
    """A fresh page (its own app session) that records every request; none may leave 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    opened = context.new_page()
    requested: list[str] = []
    opened.on("request", lambda outgoing: requested.append(outgoing.url))
    opened.requested = requested
    yield opened
    context.close()
    outside = outside_localhost(requested)
    assert not outside, f"{request.node.name}: requests outside 127.0.0.1: {outside}"


def open_page(page, address: str, query: str = "") -> None:
    page.goto(address + (f"?{query}" if query else ""))
    page.wait_for_selector("svg.chart", timeout=30000)
    page.wait_for_function("() => window.restransRenders > 0 && "
                           "!document.documentElement.classList.contains('shiny-busy')", timeout=30000)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def scorecard_value(page, target: str, run: str = "current") -> float:
    return float(page.get_attribute(f'td[data-run="{run}"][data-target="{target}"]', "data-value"))


def test_the_app_starts_with_every_part_and_only_local_requests(page, server):
    open_page(page, server)
    assert page.locator("input.lever-slider").count() == len(LEVERS)
    assert page.locator("details.lever-group").count() >= 6
    variables = page.eval_on_selector_all("svg.chart", "charts => charts.map(chart => chart.dataset.variable)")
    assert {"unemployment_rate", "population", "gdp", "successor_share", "damaged_land"} <= set(variables)
    assert page.locator("svg.chart .axis-unit").count() == len(variables)  # a unit on every axis
    assert page.locator("svg.chart polygon.target").count() >= 4  # the 2025/2035 targets
    assert page.locator("table.scorecard tbody tr").count() >= 10
    assert page.locator("svg.loop-diagram g.node").count() >= 15
    assert page.locator(".costs [data-part='central']").count() == 1
    assert len(page.requested) > 3 and path_of(page.url) == "/"
    screenshot(page, "app-start")
    page.click("#presentation")
    assert page.locator(".restrans-app.presentation").count() == 1 and not page.is_visible("#lever-rd_intensity")
    page.keyboard.press("Escape")
    assert page.locator(".restrans-app.presentation").count() == 0 and page.is_visible("#lever-rd_intensity")


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_a_slider_moves_the_plot_and_the_scorecard_and_the_baseline_stays(page, server):
    open_page(page, server, "region=coal_declining&scenario=baseline")
    ghost = plotted(page, "unemployment_rate", "baseline")
    before = plotted(page, "unemployment_rate")[0]
    score_before = scorecard_value(page, "unemployment_2035")
    move_slider(page, "transfer_payment", 5.0)
    after = plotted(page, "unemployment_rate")[0]
    assert after[-1] < before[-1]  # larger transfers (paying local services and households): less unemployment
    assert scorecard_value(page, "unemployment_2035") < score_before
    assert plotted(page, "unemployment_rate", "baseline") == ghost  # the ghost line does not move
    move_slider(page, "transfer_payment", 1.0)
    assert plotted(page, "unemployment_rate", "baseline") == ghost
    assert page.input_value("#lever-transfer_payment") == "1"
    assert page.locator(".lever.moved").count() == 1 and page.locator(".lever.scheduled").count() == 0


def test_a_lever_on_a_schedule_is_marked_until_its_slider_moves(page, server):
    open_page(page, server, "lesson=3_resource_curse&step=1&phase=reveal")  # the price ramps 2025-2028
    assert page.locator('.lever.scheduled[data-lever="resource_price_index"]').count() == 1
    assert float(page.input_value("#lever-resource_price_index")) == 2.0  # the value the ramp reaches
    page.keyboard.press("Escape")  # leave the presentation mode: the sliders show again
    assert page.locator(".restrans-app.presentation").count() == 0
    move_slider(page, "resource_price_index", 1.5)
    assert page.locator('.lever.scheduled[data-lever="resource_price_index"]').count() == 0
    assert page.locator('.lever.moved[data-lever="resource_price_index"]').count() == 1
    screenshot(page, "app-slider")


def test_pinned_runs_are_compared_and_the_last_change_replays(page, server):
    open_page(page, server, "region=coal_declining")
    pinned = []
    for value in (4.0, 8.0, 12.0):
        move_slider(page, "retraining_capacity", value)
        pinned.append(plotted(page, "unemployment_rate")[0])
        before = renders(page)
        page.click("#pin")
        wait_for_render(page, before)
    assert plotted(page, "unemployment_rate", "pin") == pinned  # three pins, in order, with their values
    assert page.locator("table.scorecard th.pin").count() == 3
    move_slider(page, "retraining_capacity", 16.0)
    assert page.locator("svg.chart polyline.previous").count() == 0
    assert "16" in page.inner_text("#status") and "12" in page.inner_text("#status")
    before = renders(page)
    page.click("#replay")
    wait_for_render(page, before)
    assert page.locator(".charts.replay").count() == 1
    assert plotted(page, "unemployment_rate", "previous") == [pinned[-1]]  # the run before the last change
    screenshot(page, "app-pins-replay")


def test_a_shared_url_restores_the_settings_and_a_reload_keeps_them(page, server, catalog):
    query = "lang=en&region=coal_growing&scenario=livelihood_first&retraining_capacity=12.0&opening_up=0.5"
    open_page(page, server, query)
    assert page.input_value("#region") == "coal_growing" and page.input_value("#scenario") == "livelihood_first"
    assert float(page.input_value("#lever-retraining_capacity")) == 12.0
    settings = Settings(region="coal_growing", scenario="livelihood_first",
                        levers=(("opening_up", 0.5), ("retraining_capacity", 12.0)))
    expected = catalog.summary(settings, "current").trajectories["unemployment_rate"] * 100.0
    np.testing.assert_allclose(plotted(page, "unemployment_rate")[0], expected, rtol=VALUE_DIGITS)
    move_slider(page, "rd_intensity", 0.03)
    shown = plotted(page, "gdp")[0]
    assert "rd_intensity=0.03" in page.url
    page.reload()
    page.wait_for_selector("svg.chart")
    page.wait_for_function("() => window.restransRenders > 0", timeout=30000)
    assert plotted(page, "gdp")[0] == shown and float(page.input_value("#lever-rd_intensity")) == 0.03


def test_the_downloaded_yaml_runs_through_restrans_run_to_the_same_numbers(page, server, tmp_path):
    open_page(page, server, "region=coal_declining&scenario=green_restoration")
    move_slider(page, "successor_support", 5.0)
    move_slider(page, "retraining_capacity", 6.0)
    shown = {variable: plotted(page, variable)[0] for variable in ("unemployment_rate", "damaged_land", "gdp")}
    with page.expect_download() as download:
        page.click("#download")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    result = CliRunner().invoke(command, ["run", str(path), "--out", str(tmp_path / "out")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    folder = next((tmp_path / "out").iterdir())
    frame = pd.read_csv(folder / "timeseries.csv")
    np.testing.assert_allclose(frame["unemployment_rate"].to_numpy() * 100.0, shown["unemployment_rate"],
                               rtol=VALUE_DIGITS)
    for variable in ("damaged_land", "gdp"):
        np.testing.assert_allclose(frame[variable].to_numpy(), shown[variable], rtol=VALUE_DIGITS)


def _lessons():
    return sorted(path.stem for path in (SCENARIOS / "lessons").glob("*.yaml"))


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("lesson", _lessons())
def test_every_lesson_steps_to_its_end_in_both_languages(page, server, catalog, lesson, language):
    open_page(page, server, f"lang={language}")
    page.select_option("#lesson", lesson)
    before = renders(page)
    page.click("#lesson_start")
    wait_for_render(page, before)
    steps = catalog.lessons[lesson].steps
    assert page.locator(".restrans-app.presentation").count() == 1  # projector-friendly mode
    seen = []
    for _move in range(2 * len(steps)):
        panel = page.locator(".lesson-panel")
        step, phase = int(panel.get_attribute("data-step")), panel.get_attribute("data-phase")
        seen.append((step, phase))
        entry = steps[step - 1]
        assert page.get_attribute("svg.loop-diagram", "data-highlighted") == entry.loop
        assert entry.question.text(language) in " ".join(page.inner_text(".question").split())
        assert entry.title.text(language) == page.inner_text(".step-title").strip()
        assert (page.locator(".reveal").count() == 1) == (phase == "reveal")
        assert bool(CJK.search(page.inner_text(".lesson-head"))) == (language == "zh")  # title, progress
        if phase == "reveal":
            assert entry.explanation.text(language) in " ".join(page.inner_text(".reveal .explanation").split())
        if (step, phase) == (1, "reveal"):
            screenshot(page, f"lesson-{lesson}-{language}")
        if panel.get_attribute("data-last") == "true":
            break
        before = renders(page)
        page.keyboard.press("ArrowRight")
        wait_for_render(page, before)
    assert seen == [(step, phase) for step in range(1, len(steps) + 1) for phase in ("predict", "reveal")]
    before = renders(page)
    page.keyboard.press("ArrowLeft")
    wait_for_render(page, before)
    assert page.get_attribute(".lesson-panel", "data-phase") == "predict"


def test_a_lesson_step_that_cannot_run_is_refused_with_a_notice_and_the_page_stays(browser, tmp_path):
    """A relative schedule valid in the file but beyond the lever's bounds once added to the region's value."""
    import shutil

    import yaml

    folder = tmp_path / "scenarios"
    (folder / "lessons").mkdir(parents=True)
    for name in ("baseline.yaml", "targets.yaml"):
        shutil.copy(SCENARIOS / name, folder / name)
    lesson = yaml.safe_load((SCENARIOS / "lessons" / "2_retraining_needs_jobs.yaml").read_text(encoding="utf-8"))
    lesson["steps"][0]["levers"] = {"successor_support": {"constant": 49.99, "basis": "increment"}}
    (folder / "lessons" / "too_much.yaml").write_text(yaml.safe_dump(lesson, allow_unicode=True), encoding="utf-8")
    with app_server(scenarios=folder) as address:
        context = browser.new_context()
        page = context.new_page()
        open_page(page, address, "lesson=too_much")
        assert page.get_attribute(".lesson-panel", "data-phase") == "predict"
        page.keyboard.press("ArrowRight")
        notice = page.wait_for_selector(".shiny-notification-error", timeout=20000)
        assert "successor_support" in notice.inner_text()
        assert page.get_attribute(".lesson-panel", "data-phase") == "predict"  # the step was not revealed
        assert "phase=predict" in page.url
        context.close()
