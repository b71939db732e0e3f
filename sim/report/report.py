"""The comparison report's content: tables as text cells, the answer, and the Markdown summary.

:mod:`restrans.sim.report.report_html` renders the same tables as a self-contained HTML page.
Numbers are shown with four significant digits; fractions in percent (see
:func:`restrans.sim.report.compare_plots.display`); money in bn CNY (2025 prices).
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from restrans import model
from restrans.model.indicators import INDICATORS
from restrans.model.levers import LEVERS
from restrans.model.parameters import PARAMETERS, ParameterIndex
from restrans.sim.compare.comparison import MINIMUM_GAIN, Comparison, closest_mix
from restrans.sim.report.compare_plots import cell_text, display, first_year, target_label
from restrans.sim.report.translations import explanation, label, named, phrase, text

KEY_ASSUMPTIONS: tuple[str, ...] = (
    "subsidy_leverage", "park_leverage", "crowding_out_strength", "knowledge_elasticity", "successor_skill_match",
    "retraining_enrolment_time", "migration_service_sensitivity", "opening_attraction_effect",
    "business_environment_elasticity", "reference_exploration_spending", "restoration_cost",
    "subsidence_governance_cost", "unemployment_benefit", "public_service_reference", "debt_limit_ratio",
    "frictional_unemployment_rate", "laid_off_service_match")
"""Parameters, most of them ASSUMPTION, that decide what the mixes achieve and cost (shown in the report)."""

COST_COLUMNS: tuple[str, ...] = (
    "cost_bn_cny", "central_cost_bn_cny", "local_cost_bn_cny", "extra_cost_bn_cny", "extra_central_bn_cny",
    "extra_local_bn_cny", "job_years_gained_thousand", "cost_per_job_year_thousand_cny", "land_restored_gained_km2",
    "cost_per_km2_restored_million_cny", "successor_share_gained_points", "cost_per_share_point_bn_cny",
)
"""Columns of cost_effectiveness.csv shown in the report; their headings are ``report.cost.<column>``."""

SHIPPED_SCENARIOS: Path = Path(model.__file__).resolve().parent.parent / "scenarios"
"""The repository's scenarios/ folder: its files have a Chinese description in the table of strings."""

HOW_TO_READ: tuple[str, ...] = ("scenarios", "scorecard", "costs", "effectiveness", "model")
"""The items of "How to read this report", keys under ``report.how_to_read``."""


def how_to_read(language: str) -> list[str]:
    """The items of "How to read this report" in ``language``."""
    return [phrase(f"report.how_to_read.{item}", language, **MINIMUM_GAIN) for item in HOW_TO_READ]


def unit_text(unit: str, language: str) -> str:
    """A unit of measure in ``language``."""
    return label("unit", unit, language, default=unit)


def number(value: float) -> str:
    """Four significant digits; '—' for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "—"
    return f"{value:.4g}"


def shown(indicator: str, value: float) -> str:
    """An indicator value in display units (percent for fractions), four significant digits."""
    scale, _unit = display(indicator)
    return number(value * scale)


def display_unit(indicator: str, language: str = "en") -> str:
    """Unit shown for an indicator ('index' for dimensionless indices)."""
    unit = display(indicator)[1]
    return unit_text("index" if unit == "1" else unit, language)


def region_scenarios(comparison: Comparison, region: str) -> list[str]:
    return [spec.label for spec in comparison.specs if spec.region == region]


def lever_text(comparison: Comparison, region: str, scenario: str, language: str = "en") -> str:
    """'lever: baseline → value unit; ...' for the levers a run changes."""
    block = comparison.levers[(comparison.levers["region"] == region) & (comparison.levers["scenario"] == scenario)]
    texts = [f"{named('lever', row.lever, language)}: {row.baseline} → {row.value}"
             + ("" if row.unit == "1" else f" {unit_text(row.unit, language)}") for row in block.itertuples()]
    return "; ".join(texts) or text("report.no_lever_changed", language)


def scenario_description(spec, language: str) -> str:
    """The description of a run's scenario: the file's own, or the table's translation for a shipped scenario."""
    description = re.sub(r"\s*Levers:.*$", "", " ".join(spec.scenario.description.split()))
    shipped = Path(spec.path).resolve().parent == SHIPPED_SCENARIOS.resolve()
    return explanation("scenario", spec.scenario.name, language, default=description) if shipped else description


def scenario_rows(comparison: Comparison, region: str, language: str = "en") -> list[dict]:
    """Scenario, description and lever changes in ``region``."""
    rows = []
    for spec in comparison.specs:
        if spec.region != region:
            continue
        description = scenario_description(spec, language)
        if spec.scaling is not None:
            description += phrase("report.scaled", language, budget=spec.scaling.budget, factor=spec.scaling.factor)
        rows.append({"scenario": spec.label, "description": description,
                     "levers": lever_text(comparison, region, spec.label, language)})
    return rows


def scorecard_cells(comparison: Comparison, region: str, language: str = "en") -> tuple[list[dict], list[str]]:
    """Rows of target, threshold and one cell per scenario: (status, symbol text, detail text).

    A row's ``target`` is the identifier, ``name`` the name as tables show it in ``language``
    (:func:`restrans.sim.report.translations.named`) and ``label`` the target in plain words
    (:func:`restrans.sim.report.compare_plots.target_label`).
    """
    scenarios = region_scenarios(comparison, region)
    block = comparison.scorecard[comparison.scorecard["region"] == region]
    rows = []
    for target in comparison.targets.targets if comparison.targets else ():
        entries = block[block["target"] == target.identifier].set_index("scenario")
        threshold = target.threshold_for(region)
        relation = "≥" if target.direction == "at_least" else "≤"
        row = {"target": target.identifier, "name": named("target", target.identifier, language),
               "label": target_label(target, region, language), "indicator": target.indicator,
               "year": target.year, "threshold": text("report.not_applicable", language) if threshold is None else
               f"{relation} {shown(target.indicator, threshold)} {display_unit(target.indicator, language)}",
               "cells": {}}
        for scenario in scenarios:
            entry = entries.loc[scenario]
            year = first_year(entry["first_year_met"])
            detail = "" if entry["status"] not in ("met", "missed") else (
                f"{shown(target.indicator, entry['value'])} ({'+' if entry['margin'] >= 0 else '−'}"
                f"{shown(target.indicator, abs(entry['margin']))})"
                + (phrase("report.first_met", language, year=year) if year else ""))
            row["cells"][scenario] = (entry["status"], cell_text(entry["status"], None)[0], detail)
        rows.append(row)
    return rows, scenarios


def indicator_rows(comparison: Comparison, region: str, year: str, language: str = "en") -> tuple[list[dict], list[str]]:
    """Per indicator: display unit and, per scenario, (value text, difference text) at ``year``."""
    scenarios = region_scenarios(comparison, region)
    block = comparison.indicators[comparison.indicators["region"] == region]
    rows = []
    for indicator in INDICATORS:
        entries = block[block["indicator"] == indicator].set_index("scenario")
        cells = {scenario: (shown(indicator, entries.loc[scenario, year]),
                            shown(indicator, entries.loc[scenario, f"difference_{year}"])) for scenario in scenarios}
        rows.append({"indicator": named("indicator", indicator, language), "unit": display_unit(indicator, language),
                     "cells": cells})
    return rows, scenarios


def cost_rows(comparison: Comparison, region: str, language: str = "en") -> list[dict]:
    """Per scenario: the cost and cost-effectiveness columns, headed in ``language``."""
    block = comparison.effectiveness[comparison.effectiveness["region"] == region]
    headings = {column: text(f"report.cost.{column}", language) for column in COST_COLUMNS}
    return [{text("report.column.scenario", language): row["scenario"],
             **{headings[column]: number(row[column]) for column in COST_COLUMNS}} for _, row in block.iterrows()]


def matrix_rows(comparison: Comparison, language: str = "en") -> tuple[list[dict], list[str]]:
    scenarios = comparison.scenarios
    rows = []
    for region in comparison.regions:
        block = comparison.matrix[comparison.matrix["region"] == region].set_index("scenario")
        rows.append({"region": named("region", region, language), "cells": {
            scenario: f"{block.loc[scenario, 'targets_met']}/{block.loc[scenario, 'targets_judged']} "
                      f"({block.loc[scenario, 'extra_cost_bn_cny']:+.1f} {text('report.figure.bn', language)})"
                      + (" †" if block.loc[scenario, "levers_cut"] else "") for scenario in scenarios}})
    return rows, scenarios


def assumption_rows(comparison: Comparison, region: str, language: str = "en") -> list[dict]:
    """Key parameters with their value in ``region`` (from the batch), unit, meaning and source."""
    run = next(index for index, spec in enumerate(comparison.specs) if spec.region == region)
    declared = {parameter.name: parameter for parameter in PARAMETERS}
    rows = []
    for name in KEY_ASSUMPTIONS:
        if name in declared:
            parameter = declared[name]
            rows.append({"parameter": named("parameter", name, language),
                         "value": number(comparison.results.parameters[ParameterIndex[name], run]),
                         "unit": unit_text(parameter.unit, language),
                         "meaning": explanation("parameter", name, language, default=parameter.doc),
                         "source": parameter.source})
    return rows


def lever_cost_rows(comparison: Comparison, language: str = "en") -> list[dict]:
    """Fiscal cost assumptions of the levers the scenarios change."""
    used = set(comparison.levers["lever"])
    heading = {key: text(f"report.column.{key}", language)
               for key in ("lever", "unit", "cost_per_unit", "central_share", "seed", "source")}
    return [{heading["lever"]: named("lever", lever.name, language), heading["unit"]: unit_text(lever.unit, language),
             heading["cost_per_unit"]: f"{lever.cost_per_unit:g}", heading["central_share"]: f"{lever.central_share:g}",
             heading["seed"]: " ".join(lever.seed_sections), heading["source"]: lever.source}
            for lever in LEVERS if lever.name in used]


def _money(row, language: str) -> str:
    extra = row["extra_cost_bn_cny"]
    if extra >= 0:
        return phrase("report.answer.money_extra", language, extra=extra, central=row["extra_central_bn_cny"],
                      local=row["extra_local_bn_cny"])
    return phrase("report.answer.money_less", language, saved=-extra)


def answer(comparison: Comparison, region: str, language: str = "en") -> str:
    """One paragraph: which mix gets ``region`` closest to the 2035 goals, and at what cost."""
    best = closest_mix(comparison, region)
    ranking = comparison.ranking[comparison.ranking["region"] == region].set_index("scenario")
    place = named("region", region, language)
    if best is None:
        return phrase("report.answer.no_targets", language, region=place)
    costs = comparison.effectiveness[comparison.effectiveness["region"] == region].set_index("scenario")
    row, base = costs.loc[best["scenario"]], ranking.loc[comparison.baseline]
    per_job = row["cost_per_job_year_thousand_cny"]
    cheapest = costs.iloc[1:]["cost_per_job_year_thousand_cny"].dropna()
    result = phrase("report.answer.closest", language, region=place, scenario=best["scenario"],
                    met=best["targets_met"], judged=best["targets_judged"], baseline_met=base["targets_met"],
                    money=_money(row, language))
    result += (phrase("report.answer.per_job_year", language, cost=number(per_job)) if not math.isnan(per_job)
               else text("report.answer.full_stop", language))
    if not cheapest.empty:
        result += phrase("report.answer.cheapest", language, scenario=cheapest.idxmin(), cost=number(cheapest.min()))
    missed = comparison.scorecard[(comparison.scorecard["region"] == region)
                                  & (comparison.scorecard["scenario"] == best["scenario"])
                                  & (comparison.scorecard["year"] == 2035)
                                  & (comparison.scorecard["status"] == "missed")]["target"].tolist()
    if missed:
        result += phrase("report.answer.still_missed", language, scenario=best["scenario"],
                         targets=", ".join(named("target", target, language) for target in missed))
    if any(note.startswith(f"In {region}, '{best['scenario']}' spends more local money") for note in comparison.notes):
        result += text("report.answer.local_share", language)
    return result


def _markdown_table(header: list[str], rows: list[list[str]]) -> str:
    def clean(cell) -> str:
        return str(cell).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(map(clean, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(map(clean, row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def markdown_summary(comparison: Comparison, files: list[str], language: str = "en") -> str:
    """The Markdown summary: answer, scenarios, scorecard, indicators at 2035, costs, matrix, files."""
    focus = comparison.regions[0]
    place = named("region", focus, language)

    def say(key: str, **fields) -> str:
        return phrase(f"report.{key}", language, **fields)

    def column(key: str) -> str:
        return text(f"report.column.{key}", language)
    parts = [f"# {say('markdown_title', regions=', '.join(comparison.regions))}\n",
             "\n".join(answer(comparison, region, language) + "\n" for region in comparison.regions),
             say("full_report") + "\n", f"## {say('scenarios_heading', region=place)}\n",
             _markdown_table([column("scenario"), say("markdown_levers_column")],
                             [[row["scenario"], row["levers"]] for row in scenario_rows(comparison, focus, language)])]
    if comparison.targets:
        rows, scenarios = scorecard_cells(comparison, focus, language)
        parts += [f"## {say('scorecard_heading', region=place)}\n", say("markdown_scorecard_help") + "\n",
                  _markdown_table([column("target"), column("threshold"), *scenarios],
                                  [[row["name"], row["threshold"],
                                    *[f"{cell[1]} {cell[2]}".strip() for cell in row["cells"].values()]]
                                   for row in rows])]
    rows, scenarios = indicator_rows(comparison, focus, "2035", language)
    parts += [f"## {say('indicators_heading', year='2035', region=place)}\n", say("markdown_indicators_help") + "\n",
              _markdown_table([column("indicator"), column("unit"), *scenarios],
                              [[row["indicator"], row["unit"], *[cell[0] for cell in row["cells"].values()]]
                               for row in rows])]
    cost = cost_rows(comparison, focus, language)
    parts += [f"## {say('markdown_costs_heading', region=place)}\n",
              _markdown_table(list(cost[0].keys()), [list(row.values()) for row in cost])]
    if len(comparison.regions) > 1:
        rows, scenarios = matrix_rows(comparison, language)
        parts += [f"## {say('markdown_matrix_heading')}\n", say("markdown_matrix_help") + "\n",
                  _markdown_table([column("region"), *scenarios],
                                  [[row["region"], *row["cells"].values()] for row in rows])]
    if comparison.notes:
        parts += [f"## {say('notes_heading')}\n", "\n".join(f"- {note}" for note in comparison.notes) + "\n"]
    parts += [f"## {say('files')}\n", "\n".join(f"- `{name}`" for name in files) + "\n"]
    return "\n".join(part for part in parts if part)
