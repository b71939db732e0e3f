"""The comparison report's content: tables as text cells, the answer, and the Markdown summary.

:mod:`restrans.sim.report.report_html` renders the same tables as a self-contained HTML page.
Numbers are shown with four significant digits; fractions in percent (see
:func:`restrans.sim.report.compare_plots.display`); money in bn CNY (2025 prices).
"""
from __future__ import annotations

import math
import re

import pandas as pd

from restrans.model.indicators import INDICATORS
from restrans.model.levers import LEVERS
from restrans.model.parameters import PARAMETERS, ParameterIndex
from restrans.sim.compare.comparison import MINIMUM_GAIN, Comparison, closest_mix
from restrans.sim.report.compare_plots import cell_text, display, first_year, target_label

KEY_ASSUMPTIONS: tuple[str, ...] = (
    "subsidy_leverage", "park_leverage", "crowding_out_strength", "knowledge_elasticity", "successor_skill_match",
    "retraining_enrolment_time", "migration_service_sensitivity", "opening_productivity_effect",
    "business_environment_elasticity", "exploration_spending_scale", "restoration_cost",
    "subsidence_governance_cost", "unemployment_benefit", "public_service_reference")
"""Parameters, most of them ASSUMPTION, that decide what the mixes achieve and cost (shown in the report)."""

COST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("cost_bn_cny", "total cost (bn CNY)"), ("central_cost_bn_cny", "central (bn CNY)"),
    ("local_cost_bn_cny", "local (bn CNY)"), ("extra_cost_bn_cny", "extra vs baseline (bn CNY)"),
    ("extra_central_bn_cny", "extra central (bn CNY)"), ("extra_local_bn_cny", "extra local (bn CNY)"),
    ("job_years_gained_thousand", "job-years gained (thousand)"),
    ("cost_per_job_year_thousand_cny", "cost per job-year (thousand CNY)"),
    ("land_restored_gained_km2", "extra land restored (km²)"),
    ("cost_per_km2_restored_million_cny", "cost per km² restored (million CNY)"),
    ("successor_share_gained_points", "successor share gained (points, 2035)"),
    ("cost_per_share_point_bn_cny", "cost per share point (bn CNY)"),
)

HOW_TO_READ = (
    "Each scenario is a policy mix from scenarios/ run 2025–2035 for a region preset; the first scenario "
    "(baseline: policy as of 2025) is the reference for every difference and every extra cost.",
    "The scorecard judges each target of scenarios/targets.yaml in its year: ✓ met, ✗ missed, – not applicable "
    "to this kind of region. Under the symbol: the indicator value, the margin to the threshold (positive = "
    "better than the target) and the first year the target is met. 2025 targets are judged on the 2025 state, "
    "which no policy can change any more: their first year met says when the gap closes.",
    "Costs are public spending on the levers, summed 2025–2035 and split between the central and the local "
    "government (bn CNY, 2025 prices). 'Extra' is the cost above the baseline of the same region.",
    "Cost-effectiveness divides the extra cost by what it buys: job-years (employment above the baseline summed "
    "over 2025–2035), km² of land restored, percentage points of successor share in 2035. It is shown only "
    f"where the mix costs more and gains at least {MINIMUM_GAIN['job_years']:g} thousand job-years, "
    f"{MINIMUM_GAIN['land']:g} km² or {MINIMUM_GAIN['share_points']:g} point. A mix that buys several things "
    "at once is charged its whole cost in each ratio, so compare ratios across mixes, not across columns.",
    "The model is a stylised system-dynamics model: many parameters are judgement values (ASSUMPTION, see "
    "'Assumptions that matter most'). Read differences between mixes and their direction, not the decimals.",
)


def number(value: float) -> str:
    """Four significant digits; '—' for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "—"
    return f"{value:.4g}"


def shown(indicator: str, value: float) -> str:
    """An indicator value in display units (percent for fractions), four significant digits."""
    scale, _unit = display(indicator)
    return number(value * scale)


def display_unit(indicator: str) -> str:
    """Unit shown for an indicator ('index' for dimensionless indices)."""
    unit = display(indicator)[1]
    return "index" if unit == "1" else unit


def region_scenarios(comparison: Comparison, region: str) -> list[str]:
    return [spec.label for spec in comparison.specs if spec.region == region]


def lever_text(comparison: Comparison, region: str, scenario: str) -> str:
    """'lever: baseline → value unit; ...' for the levers a run changes."""
    block = comparison.levers[(comparison.levers["region"] == region) & (comparison.levers["scenario"] == scenario)]
    texts = [f"{row.lever}: {row.baseline} → {row.value}" + ("" if row.unit == "1" else f" {row.unit}")
             for row in block.itertuples()]
    return "; ".join(texts) or "(no lever changed)"


def scenario_rows(comparison: Comparison, region: str) -> list[dict]:
    """Scenario, description and lever changes in ``region``."""
    rows = []
    for spec in comparison.specs:
        if spec.region != region:
            continue
        description = re.sub(r"\s*Levers:.*$", "", " ".join(spec.scenario.description.split()))
        if spec.scaling is not None:
            description += (f" Scaled to an extra cost of {spec.scaling.budget:g} bn CNY: lever changes × "
                            f"{spec.scaling.factor:.4g}.")
        rows.append({"scenario": spec.label, "description": description,
                     "levers": lever_text(comparison, region, spec.label)})
    return rows


def scorecard_cells(comparison: Comparison, region: str) -> tuple[list[dict], list[str]]:
    """Rows of target, threshold and one cell per scenario: (status, symbol text, detail text)."""
    scenarios = region_scenarios(comparison, region)
    block = comparison.scorecard[comparison.scorecard["region"] == region]
    rows = []
    for target in comparison.targets.targets if comparison.targets else ():
        entries = block[block["target"] == target.identifier].set_index("scenario")
        threshold = target.threshold_for(region)
        relation = "≥" if target.direction == "at_least" else "≤"
        row = {"target": target.identifier, "label": target_label(target, region), "indicator": target.indicator,
               "year": target.year,
               "threshold": "n/a" if threshold is None else
               f"{relation} {shown(target.indicator, threshold)} {display_unit(target.indicator)}", "cells": {}}
        for scenario in scenarios:
            entry = entries.loc[scenario]
            year = first_year(entry["first_year_met"])
            detail = "" if entry["status"] not in ("met", "missed") else (
                f"{shown(target.indicator, entry['value'])} ({'+' if entry['margin'] >= 0 else '−'}"
                f"{shown(target.indicator, abs(entry['margin']))})" + (f", first met {year}" if year else ""))
            row["cells"][scenario] = (entry["status"], cell_text(entry["status"], None)[0], detail)
        rows.append(row)
    return rows, scenarios


def indicator_rows(comparison: Comparison, region: str, year: str) -> tuple[list[dict], list[str]]:
    """Per indicator: display unit and, per scenario, (value text, difference text) at ``year``."""
    scenarios = region_scenarios(comparison, region)
    block = comparison.indicators[comparison.indicators["region"] == region]
    rows = []
    for indicator in INDICATORS:
        entries = block[block["indicator"] == indicator].set_index("scenario")
        cells = {scenario: (shown(indicator, entries.loc[scenario, year]),
                            shown(indicator, entries.loc[scenario, f"difference_{year}"])) for scenario in scenarios}
        rows.append({"indicator": indicator, "unit": display_unit(indicator), "cells": cells})
    return rows, scenarios


def cost_rows(comparison: Comparison, region: str) -> list[dict]:
    block = comparison.effectiveness[comparison.effectiveness["region"] == region]
    return [{"scenario": row["scenario"], **{label: number(row[column]) for column, label in COST_COLUMNS}}
            for _, row in block.iterrows()]


def matrix_rows(comparison: Comparison) -> tuple[list[dict], list[str]]:
    scenarios = comparison.scenarios
    rows = []
    for region in comparison.regions:
        block = comparison.matrix[comparison.matrix["region"] == region].set_index("scenario")
        rows.append({"region": region, "cells": {
            scenario: f"{block.loc[scenario, 'targets_met']}/{block.loc[scenario, 'targets_judged']} "
                      f"({block.loc[scenario, 'extra_cost_bn_cny']:+.1f} bn)"
                      + (" †" if block.loc[scenario, "levers_cut"] else "") for scenario in scenarios}})
    return rows, scenarios


def assumption_rows(comparison: Comparison, region: str) -> list[dict]:
    """Key parameters with their value in ``region`` (from the batch), unit, meaning and source."""
    run = next(index for index, spec in enumerate(comparison.specs) if spec.region == region)
    declared = {parameter.name: parameter for parameter in PARAMETERS}
    rows = []
    for name in KEY_ASSUMPTIONS:
        if name in declared:
            parameter = declared[name]
            rows.append({"parameter": name, "value": number(comparison.results.parameters[ParameterIndex[name], run]),
                         "unit": parameter.unit, "meaning": parameter.doc, "source": parameter.source})
    return rows


def lever_cost_rows(comparison: Comparison) -> list[dict]:
    """Fiscal cost assumptions of the levers the scenarios change."""
    used = set(comparison.levers["lever"])
    return [{"lever": lever.name, "unit": lever.unit, "cost (bn CNY/yr per unit)": f"{lever.cost_per_unit:g}",
             "central share": f"{lever.central_share:g}", "seed": " ".join(lever.seed_sections),
             "source": lever.source} for lever in LEVERS if lever.name in used]


def answer(comparison: Comparison, region: str) -> str:
    """One paragraph: which mix gets ``region`` closest to the 2035 goals, and at what cost."""
    best = closest_mix(comparison, region)
    ranking = comparison.ranking[comparison.ranking["region"] == region].set_index("scenario")
    if best is None:
        return f"{region}: no targets file, so no ranking (see the indicators and costs)."
    costs = comparison.effectiveness[comparison.effectiveness["region"] == region].set_index("scenario")
    row, base = costs.loc[best["scenario"]], ranking.loc[comparison.baseline]
    per_job = row["cost_per_job_year_thousand_cny"]
    cheapest = costs.iloc[1:]["cost_per_job_year_thousand_cny"].dropna()
    extra = row["extra_cost_bn_cny"]
    money = (f"at an extra {extra:.1f} bn CNY over 2025–2035 ({row['extra_central_bn_cny']:.1f} central, "
             f"{row['extra_local_bn_cny']:.1f} local)" if extra >= 0 else
             f"while spending {-extra:.1f} bn CNY less than the baseline over 2025–2035 (it cuts levers the "
             "preset sets higher; see the notes)")
    text = (f"In {region}, **{best['scenario']}** gets closest to the 2035 goals: {best['targets_met']} of "
            f"{best['targets_judged']} 2035 targets met (baseline {base['targets_met']}), {money}")
    text += f", {number(per_job)} thousand CNY per job-year gained." if not math.isnan(per_job) else "."
    if not cheapest.empty:
        text += (f" Cheapest per job-year: **{cheapest.idxmin()}** ({number(cheapest.min())} thousand CNY per "
                 f"job-year).")
    missed = comparison.scorecard[(comparison.scorecard["region"] == region)
                                  & (comparison.scorecard["scenario"] == best["scenario"])
                                  & (comparison.scorecard["year"] == 2035)
                                  & (comparison.scorecard["status"] == "missed")]["target"].tolist()
    if missed:
        text += f" Still missed by {best['scenario']}: {', '.join(missed)}."
    if any(note.startswith(f"In {region}, '{best['scenario']}' spends more local money") for note in comparison.notes):
        text += " Its local share exceeds the region's own revenue (see the notes)."
    return text


def _markdown_table(header: list[str], rows: list[list[str]]) -> str:
    def clean(cell) -> str:
        return str(cell).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(map(clean, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(map(clean, row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def markdown_summary(comparison: Comparison, files: list[str]) -> str:
    """The Markdown summary: answer, scenarios, scorecard, indicators at 2035, costs, matrix, files."""
    focus = comparison.regions[0]
    parts = [f"# restrans compare — {', '.join(comparison.regions)}\n",
             "\n".join(answer(comparison, region) + "\n" for region in comparison.regions),
             "The full report with figures is `report.html` in this folder.\n",
             f"## Scenarios and what they change ({focus})\n",
             _markdown_table(["scenario", "levers changed (baseline → value)"],
                             [[row["scenario"], row["levers"]] for row in scenario_rows(comparison, focus)])]
    if comparison.targets:
        rows, scenarios = scorecard_cells(comparison, focus)
        parts += [f"## Scorecard, {focus}\n",
                  "✓ met / ✗ missed / – n/a in the target year; value (margin to the threshold) and first year "
                  "met.\n",
                  _markdown_table(["target", "threshold", *scenarios],
                                  [[row["target"], row["threshold"],
                                    *[f"{cell[1]} {cell[2]}".strip() for cell in row["cells"].values()]]
                                   for row in rows])]
    rows, scenarios = indicator_rows(comparison, focus, "2035")
    parts += [f"## Indicators in 2035, {focus}\n",
              "Values in the unit shown (fractions in %); all milestones and differences are in comparison.csv.\n",
              _markdown_table(["indicator", "unit", *scenarios],
                              [[row["indicator"], row["unit"], *[cell[0] for cell in row["cells"].values()]]
                               for row in rows])]
    cost = cost_rows(comparison, focus)
    parts += [f"## Costs and cost-effectiveness, {focus} (2025–2035)\n",
              _markdown_table(list(cost[0].keys()), [list(row.values()) for row in cost])]
    if len(comparison.regions) > 1:
        rows, scenarios = matrix_rows(comparison)
        parts += ["## Region × mix: 2035 targets met / judged (extra cost)\n",
                  "† the mix sets a lever below this preset's 2025 value (see the notes).\n",
                  _markdown_table(["region", *scenarios], [[row["region"], *row["cells"].values()] for row in rows])]
    if comparison.notes:
        parts += ["## Notes\n", "\n".join(f"- {note}" for note in comparison.notes) + "\n"]
    parts += ["## Files\n", "\n".join(f"- `{name}`" for name in files) + "\n"]
    return "\n".join(part for part in parts if part)
