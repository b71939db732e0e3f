"""The report's figures are legible (issue 12 items 15, 16), checked on the figures' own geometry.

Legends are compared with every bar and bar label by their bounding boxes in display coordinates (pixels) after
drawing; two boxes overlap when their intersection has positive area (a tolerance of 0 pixels). The scorecard
must not rely on red and green: missed cells are hatched and every cell carries a symbol; rows carry plain
words. Time axes show 2035. Fan charts state region, n and seed and draw every band in its legend's colour.
"""
from __future__ import annotations

import matplotlib.colors
import numpy as np
import pytest
from matplotlib.patches import Rectangle

import restrans
from restrans.sim.report import compare_plots
from tests.conftest import SCENARIOS

MIXES = [SCENARIOS / "baseline.yaml", *sorted(path for path in SCENARIOS.glob("*.yaml")
                                              if path.name not in ("baseline.yaml", "targets.yaml"))]
"""The baseline and every shipped mix: the most bars and the longest names the report draws."""


@pytest.fixture(scope="module")
def comparison():
    return restrans.compare(MIXES)


def overlaps(first, second) -> bool:
    return first.x0 < second.x1 and second.x0 < first.x1 and first.y0 < second.y1 and second.y0 < first.y1


def legend_clear_of_bars(figure, axis) -> None:
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    legend = axis.get_legend().get_window_extent(renderer)
    bars = [patch.get_window_extent(renderer) for patch in axis.patches]
    labels = [text.get_window_extent(renderer) for text in axis.texts]
    assert bars and labels
    assert not any(overlaps(legend, box) for box in bars + labels)
    assert figure.bbox.contains(legend.x0, legend.y0) and figure.bbox.contains(legend.x1, legend.y1)


def test_costs_legend_covers_no_bar_or_label(comparison):
    colours = compare_plots.scenario_colours(comparison.scenarios)
    figure = compare_plots.costs_figure(comparison.effectiveness, comparison.regions[0], colours)
    legend_clear_of_bars(figure, figure.axes[0])


def test_summary_legend_clear_scorecard_plain_words_and_not_colour_alone(comparison):
    colours = compare_plots.scenario_colours(comparison.scenarios)
    figure = compare_plots.summary_figure(comparison, comparison.regions[0], colours)
    scorecard, costs = figure.axes
    legend_clear_of_bars(figure, costs)
    names = [label.get_text() for label in scorecard.get_yticklabels()]
    identifiers = {target.identifier for target in comparison.targets.targets}
    assert names and not identifiers & set(names)
    assert all(" in " in name or "(" in name for name in names)
    block = comparison.scorecard[comparison.scorecard["region"] == comparison.regions[0]]
    hatched = [patch for patch in scorecard.patches if isinstance(patch, Rectangle) and patch.get_hatch()]
    assert len(hatched) == int((block["status"] == "missed").sum()) > 0
    symbols = [text.get_text()[:1] for text in scorecard.texts]
    assert symbols and set(symbols) <= {"✓", "✗", "–"}
    met, missed = (np.array(matplotlib.colors.to_rgb(compare_plots.STATUS_COLOURS[key])) for key in ("met", "missed"))
    luminance = np.array([0.2126, 0.7152, 0.0722])
    assert abs(met @ luminance - missed @ luminance) > 0.05  # apart in brightness, not only in hue


def test_time_axes_show_2035(comparison):
    figure, axis = compare_plots.plt.subplots()
    compare_plots.year_ticks(axis, comparison.results.times)
    ticks = [float(tick) for tick in axis.get_xticks()]
    assert 2025.0 in ticks and 2035.0 in ticks
    compare_plots.plt.close(figure)


def test_fan_chart_states_region_n_seed_and_keeps_legend_colours(tmp_path, monkeypatch):
    captured = {}

    def keep(figure, *arguments, **keywords):
        captured["figure"] = figure
        return b""

    monkeypatch.setattr("restrans.sim.report.plots.figure_bytes", keep)
    from restrans.sim.ensembles.uncertainty import run_uncertainty

    paths = [SCENARIOS / "uncertainty" / "baseline_uncertain.yaml", SCENARIOS / "uncertainty" / "livelihood_uncertain.yaml"]
    run_uncertainty(paths, 6, 3, tmp_path, "fan", None)
    figure = captured["figure"]
    title = figure._suptitle.get_text()
    assert "coal_declining" in title and "n = 6" in title and "seed 3" in title
    legend = figure.legends[0]
    scenario_colours = [matplotlib.colors.to_hex(line.get_color()) for line in legend.get_lines()[:2]]
    for axis in figure.axes:
        drawn = {matplotlib.colors.to_hex(line.get_color()) for line in axis.get_lines()}
        assert set(scenario_colours) <= drawn
        for band in axis.collections:  # every filled band is in one of the legend's colours
            face = matplotlib.colors.to_hex(band.get_facecolor()[0][:3])
            assert face in scenario_colours


def test_dashboard_from_zero_in_percent_with_targets_and_overrides(comparison, monkeypatch):
    from restrans.sim.report import plots

    captured = {}
    monkeypatch.setattr(plots, "figure_bytes", lambda figure: captured.setdefault("figure", figure) and b"")
    results = restrans.run(SCENARIOS / "baseline.yaml", set={"retraining_capacity": 8})
    region = restrans.load_scenario(SCENARIOS / "baseline.yaml").region
    plots.dashboard(results, "baseline — retraining_capacity = 8", comparison.targets.targets, region)
    figure = captured["figure"]
    assert "retraining_capacity = 8" in figure._suptitle.get_text()
    for axis, (name, _label) in zip(figure.axes, plots.DASHBOARD_PANELS):
        if results.variables[name].min() >= 0:
            assert axis.get_ylim()[0] == 0.0, name
        if name in compare_plots.PERCENT:
            assert axis.get_ylabel() == "%", name
    marked = {target.indicator for target in comparison.targets.targets if target.threshold_for(region) is not None}
    for axis, (name, _label) in zip(figure.axes, plots.DASHBOARD_PANELS):
        stars = [line for line in axis.get_lines() if line.get_marker() == "*"]
        assert bool(stars) == (name in marked), name
