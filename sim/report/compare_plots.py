"""Figures of a comparison, as PNG bytes: trajectories, scorecard, costs, cost-effectiveness, matrix.

Every chart has a title, units and a legend; trajectory charts mark 2025 and
2035 and the targets of the region. Fractions are shown in percent.
"""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from restrans.sim.engine.results import variable_units  # noqa: E402
from restrans.sim.report import translations  # noqa: E402
from restrans.sim.report.translations import phrase, short_name  # noqa: E402

TRAJECTORY_PANELS: tuple[str, ...] = (
    "unemployment_rate", "successor_share", "population_change", "income_per_capita", "public_service_index",
    "environment_quality", "damaged_land", "untreated_subsidence", "cumulative_policy_cost",
)
"""Indicators of the trajectory panels; their titles are ``report.figure.panel.<indicator>``."""
PERCENT = {"unemployment_rate", "successor_share", "population_change", "green_capacity_share", "recovery_rate",
           "restored_share", "fiscal_self_sufficiency", "laid_off_reemployed_share", "gdp_growth"}
"""Indicators in unit '1' or '1/yr' shown in percent."""
MILESTONES: tuple[float, ...] = (2025.0, 2035.0)
TARGET_COLOUR = "#b8860b"
STATUS_COLOURS = {"met": "#0072B2", "missed": "#D55E00", "not applicable": "#d9d9d9", "outside run": "#d9d9d9"}
"""Okabe-Ito blue and vermillion (told apart with any colour vision); missed cells are also hatched and every
cell carries a symbol (✓ ✗ –), so the scorecard reads in greyscale too."""
MISSED_HATCH = "//"


def figure_bytes(figure, dpi: int = 100) -> bytes:
    """Render a figure (already laid out) to PNG bytes and close it."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    plt.close(figure)
    return buffer.getvalue()


def display(indicator: str) -> tuple[float, str]:
    """Scale factor and unit label used to show an indicator."""
    if indicator in PERCENT:
        return 100.0, "%" if indicator != "gdp_growth" else "%/yr"
    return 1.0, variable_units()[indicator]


def scenario_colours(labels: list[str]) -> dict[str, str]:
    """A fixed colour per scenario: the first (baseline) black, the others from a qualitative palette."""
    palette = list(plt.get_cmap("tab10").colors) + list(plt.get_cmap("Dark2").colors)
    colours = {labels[0]: "black"}
    for index, label in enumerate(labels[1:]):
        colours[label] = matplotlib.colors.to_hex(palette[index % len(palette)])
    return colours


def _say(key: str, language: str, **fields) -> str:
    return phrase(f"report.figure.{key}", language, **fields)


def year_ticks(axis, times) -> None:
    """Whole-year ticks every 1, 2 or 5 years from the start, always with the start and the end year (2035)."""
    start, end = float(np.ceil(times[0] - 1e-9)), float(np.floor(times[-1] + 1e-9))
    step = 1.0 if end - start <= 6 else 2.0 if end - start <= 14 else 5.0
    ticks = sorted({*np.arange(start, end + 1e-9, step), start, end})
    axis.set_xticks(ticks, [f"{tick:.0f}" for tick in ticks])


def indicator_name(indicator: str, language: str = "en") -> str:
    """An indicator in plain words: its trajectory-panel title, else its label in the table of strings."""
    if indicator in TRAJECTORY_PANELS:
        return _say(f"panel.{indicator}", language)
    words = indicator.replace("_", " ").replace("gdp", "GDP")
    return translations.label("indicator", indicator, language, default=words[:1].upper() + words[1:])


def target_label(target, region: str, language: str = "en") -> str:
    """A target in plain words: 'Unemployment rate ≤ 5.5 % in 2035' (indicator, threshold, unit, year)."""
    name = indicator_name(target.indicator, language)
    threshold = target.threshold_for(region)
    if threshold is None:
        return _say("target_no_threshold", language, name=name, year=target.year)
    scale, unit = display(target.indicator)
    symbol = "≥" if target.direction == "at_least" else "≤"
    unit_text = "" if unit == "1" else f" {translations.label('unit', unit, language, default=unit)}"
    return _say("target_threshold", language, name=name, symbol=symbol, value=f"{threshold * scale:.3g}",
                unit=unit_text, year=target.year)


def _mark_milestones(axis, times) -> None:
    year_ticks(axis, times)
    for year in MILESTONES:
        if times[0] - 1e-9 <= year <= times[-1] + 1e-9:
            axis.axvline(year, color="grey", linestyle=":", linewidth=0.9)
            axis.annotate(f"{year:.0f}", (year, 1.0), xycoords=("data", "axes fraction"), ha="center",
                          va="bottom", fontsize=7, color="grey")


def trajectories(results, runs: list[tuple[int, str]], region: str, targets, colours: dict[str, str],
                 language: str = "en") -> bytes:
    """3 x 3 panels of the key indicators for the runs of one region, with the region's targets.

    Parameters
    ----------
    results : restrans.sim.engine.results.Results
    runs : list of (run index, scenario label)
    region : str
    targets : sequence of restrans.sim.compare.targets.Target
    colours : dict of label to colour
    language : str
        Language of the titles and labels.
    """
    figure, axes = plt.subplots(3, 3, figsize=(13, 10), sharex=True)
    for axis, name in zip(axes.flat, TRAJECTORY_PANELS):
        scale, unit = display(name)
        for run, label in runs:
            baseline = run == runs[0][0]
            axis.plot(results.times, results.variables[name][:, run] * scale, color=colours[label],
                      linewidth=2.2 if baseline else 1.5, linestyle="--" if baseline else "-", label=label)
        for target in targets:
            threshold = target.threshold_for(region)
            if target.indicator == name and threshold is not None:
                axis.plot([target.year], [threshold * scale], marker="*", markersize=12, color=TARGET_COLOUR,
                          linestyle="none", zorder=5)
                axis.axhline(threshold * scale, color=TARGET_COLOUR, linewidth=0.7, linestyle="--", alpha=0.6)
        _mark_milestones(axis, results.times)
        axis.set_title(_say(f"panel.{name}", language), fontsize=10, pad=12)
        axis.set_ylabel(translations.label("unit", unit, language, default=unit))
        axis.grid(alpha=0.3)
    for axis in axes[-1]:
        axis.set_xlabel(_say("year", language))
    handles = [Line2D([], [], color=colours[label], linestyle="--" if index == 0 else "-",
                      linewidth=2.2 if index == 0 else 1.5) for index, (_, label) in enumerate(runs)]
    handles.append(Line2D([], [], color=TARGET_COLOUR, marker="*", markersize=10, linestyle="--", linewidth=0.7))
    figure.legend(handles, [name for _, name in runs] + [_say("target_marker", language)], loc="lower center",
                  ncol=min(5, len(handles)), fontsize=9, frameon=False)
    figure.suptitle(_say("trajectories_title", language, region=short_name("region", region, language)), fontsize=12)
    figure.subplots_adjust(left=0.06, right=0.985, top=0.91, bottom=0.12, hspace=0.38, wspace=0.24)
    return figure_bytes(figure, dpi=90)


def first_year(value) -> int | None:
    """A first-year-met cell as int, None when never met (pandas NA)."""
    return None if value is None or pd.isna(value) else int(value)


def cell_text(status: str, year: int | None) -> str:
    """Scorecard cell: '✓ 2027' met (first year met), '✗' missed, '✗ (2027)' missed but met earlier, '–' n/a."""
    if status == "met":
        return f"✓ {year}" if year is not None else "✓"
    if status == "missed":
        return "✗" if year is None else f"✗ ({year})"
    return "–"


def scorecard_chart(scorecard, region: str, scenarios: list[str], title: str | None = None, axis=None,
                    labels: dict[str, str] | None = None, language: str = "en"):
    """Targets x scenarios grid: blue ✓ met (with the first year met), hatched vermillion ✗ missed, grey – n/a.

    ``labels`` maps target ids to plain-language names (:func:`target_label`); rows show the ids without it.
    Returns PNG bytes, or draws on ``axis`` and returns None.
    """
    block = scorecard[scorecard["region"] == region]
    targets = list(dict.fromkeys(block["target"]))
    codes = {"met": 0, "missed": 1, "not applicable": 2, "outside run": 2}
    grid = np.full((len(targets), len(scenarios)), 2)
    texts = [["" for _ in scenarios] for _ in targets]
    for row in block.itertuples(index=False):
        if row.scenario in scenarios:
            i, j = targets.index(row.target), scenarios.index(row.scenario)
            grid[i, j] = codes[row.status]
            texts[i][j] = cell_text(row.status, first_year(row.first_year_met))
    own = axis is None
    if own:
        figure, axis = plt.subplots(figsize=(1.1 * len(scenarios) + 3.5, 0.34 * len(targets) + 2.2))
    colours = ListedColormap([STATUS_COLOURS["met"], STATUS_COLOURS["missed"], STATUS_COLOURS["not applicable"]])
    axis.imshow(grid, cmap=colours, vmin=0, vmax=2, aspect="auto")
    for i in range(len(targets)):
        for j in range(len(scenarios)):
            if grid[i, j] == 1:
                axis.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch=MISSED_HATCH,
                                         edgecolor="#ffffff59", linewidth=0))
            axis.text(j, i, texts[i][j], ha="center", va="center", fontsize=7.5,
                      color="white" if grid[i, j] < 2 else "black")
    axis.set_xticks(range(len(scenarios)), scenarios, rotation=35, ha="right", fontsize=8)
    axis.set_yticks(range(len(targets)), [(labels or {}).get(target) or short_name("target", target, language)
                                          for target in targets], fontsize=8)
    axis.set_xticks(np.arange(-0.5, len(scenarios)), minor=True)
    axis.set_yticks(np.arange(-0.5, len(targets)), minor=True)
    axis.grid(which="minor", color="white", linewidth=1.5)
    axis.tick_params(which="minor", length=0)
    axis.set_title(title or _say("scorecard_title", language, region=short_name("region", region, language)),
                   fontsize=10)
    if not own:
        return None
    figure.tight_layout()
    return figure_bytes(figure)


def costs_chart(effectiveness, region: str, colours: dict[str, str], language: str = "en") -> bytes:
    """Horizontal stacked bars: cumulative policy cost over the run, central vs local (bn CNY); PNG bytes."""
    return figure_bytes(costs_figure(effectiveness, region, colours, language=language))


def costs_figure(effectiveness, region: str, colours: dict[str, str], axis=None, language: str = "en"):
    """The costs chart drawn on ``axis`` (None: a new figure, returned laid out); the legend sits above the
    axes, under the title, outside the bars and their labels."""
    block = effectiveness[effectiveness["region"] == region]
    own = axis is None
    if own:
        figure, axis = plt.subplots(figsize=(8, 0.45 * len(block) + 2.4))
    positions = np.arange(len(block))[::-1]
    axis.barh(positions, block["central_cost_bn_cny"], color="#377eb8", label=_say("central", language))
    axis.barh(positions, block["local_cost_bn_cny"], left=block["central_cost_bn_cny"], color="#ff7f00",
              label=_say("local", language))
    baseline_total = block["cost_bn_cny"].iloc[0]
    axis.axvline(baseline_total, color="black", linestyle="--", linewidth=0.9, label=_say("baseline_total", language))
    for position, total, extra in zip(positions, block["cost_bn_cny"], block["extra_cost_bn_cny"]):
        axis.text(total, position, f"  {total:.1f} ({extra:+.1f})", va="center", fontsize=8)
    axis.set_yticks(positions, block["scenario"], fontsize=8)
    axis.set_xlabel(_say("cost_axis", language))
    axis.set_xlim(0, block["cost_bn_cny"].max() * 1.45)
    axis.set_title(_say("costs_title", language, region=short_name("region", region, language)), fontsize=10, pad=20)
    axis.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False,
                borderaxespad=0.2)  # between the axes and the title (pad): never over a bar or a label
    axis.grid(axis="x", alpha=0.3)
    if not own:
        return None
    figure.tight_layout()
    return figure


EFFECTIVENESS_PANELS: tuple[tuple[str, str], ...] = (
    ("cost_per_job_year_thousand_cny", "per_job_year"),
    ("cost_per_km2_restored_million_cny", "per_km2"),
    ("cost_per_share_point_bn_cny", "per_point"),
)
"""Column of cost_effectiveness.csv and the key of its title (``report.figure.<key>``, unit ``<key>_unit``)."""


def effectiveness_chart(effectiveness, region: str, colours: dict[str, str], language: str = "en") -> bytes:
    """Three bar charts of extra cost per unit gained (lower is better); n/a where there is no gain."""
    block = effectiveness[effectiveness["region"] == region].iloc[1:]
    figure, axes = plt.subplots(1, 3, figsize=(14, 0.42 * len(block) + 2.2))
    positions = np.arange(len(block))[::-1]
    for axis, (column, key) in zip(axes, EFFECTIVENESS_PANELS):
        values = block[column].to_numpy(dtype=float)
        shown = np.where(np.isfinite(values), values, 0.0)
        axis.barh(positions, shown, color=[colours[label] for label in block["scenario"]])
        for position, value in zip(positions, values):
            axis.text(value if np.isfinite(value) else 0.0, position,
                      f" {value:,.4g}" if np.isfinite(value) else _say("no_gain", language),
                      va="center", fontsize=7.5)
        axis.set_yticks(positions, block["scenario"] if axis is axes[0] else [""] * len(block), fontsize=8)
        finite = values[np.isfinite(values)]
        axis.set_xlim(0, (finite.max() if finite.size else 1.0) * 1.45)
        axis.set_xlabel(_say(f"{key}_unit", language))
        axis.set_title(_say(key, language), fontsize=10)
        axis.grid(axis="x", alpha=0.3)
    figure.suptitle(_say("effectiveness_title", language, region=short_name("region", region, language)), fontsize=11)
    figure.subplots_adjust(left=0.14, right=0.98, top=0.86, bottom=0.18 if len(block) < 6 else 0.12, wspace=0.12)
    return figure_bytes(figure)


def matrix_chart(matrix, regions: list[str], scenarios: list[str], language: str = "en") -> bytes:
    """Region x scenario grid of the 2035 targets met (share coloured, 'met/judged' and extra cost written)."""
    share = np.full((len(regions), len(scenarios)), np.nan)
    texts = [["" for _ in scenarios] for _ in regions]
    for row in matrix.itertuples(index=False):
        i, j = regions.index(row.region), scenarios.index(row.scenario)
        share[i, j] = row.targets_met / row.targets_judged if row.targets_judged else np.nan
        texts[i][j] = (f"{row.targets_met}/{row.targets_judged}\n{row.extra_cost_bn_cny:+.1f} {_say('bn', language)}"
                       + (" †" if row.levers_cut else ""))
    figure, axis = plt.subplots(figsize=(1.25 * len(scenarios) + 3, 0.75 * len(regions) + 2.2))
    image = axis.imshow(share * 100.0, cmap="YlGn", vmin=0, vmax=100, aspect="auto")
    for i in range(len(regions)):
        for j in range(len(scenarios)):
            axis.text(j, i, texts[i][j], ha="center", va="center", fontsize=7.5)
    axis.set_xticks(range(len(scenarios)), scenarios, rotation=35, ha="right", fontsize=8)
    axis.set_yticks(range(len(regions)), [short_name("region", region, language) for region in regions], fontsize=8)
    figure.colorbar(image, ax=axis, label=_say("matrix_colour", language))
    axis.set_title(_say("matrix_title", language), fontsize=10)
    figure.tight_layout()
    return figure_bytes(figure)


def summary_chart(comparison, region: str, colours: dict[str, str], language: str = "en") -> bytes:
    """The report at a glance (used for the README picture): scorecard and costs of one region; PNG bytes."""
    return figure_bytes(summary_figure(comparison, region, colours, language))


def summary_figure(comparison, region: str, colours: dict[str, str], language: str = "en"):
    """The at-a-glance figure, laid out: scorecard (plain-language target names) left, costs right."""
    scenarios = comparison.scenarios
    labels = {target.identifier: target_label(target, region, language) for target in comparison.targets.targets}
    figure, (left, right) = plt.subplots(1, 2, figsize=(15, 0.3 * max(len(comparison.targets.targets), 10) + 2.5),
                                         gridspec_kw={"width_ratios": [1.5, 1]})
    place = short_name("region", region, language)
    scorecard_chart(comparison.scorecard, region, scenarios, axis=left, labels=labels, language=language,
                    title=_say("summary_scorecard_title", language, region=place))
    costs_figure(comparison.effectiveness, region, colours, axis=right, language=language)
    figure.suptitle(_say("summary_title", language, region=place), fontsize=13)
    figure.tight_layout(rect=(0, 0, 1, 0.95))
    return figure
