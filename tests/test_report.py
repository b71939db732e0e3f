"""The comparison report: self-contained HTML with every scenario and embedded figures; Markdown = tables."""
from __future__ import annotations

import base64
import re

import pandas as pd
import pytest

from restrans.model.indicators import INDICATORS
from restrans.sim.compare.comparison import run_comparison
from restrans.sim.report.compare_outputs import REPORT, SUMMARY, write_comparison
from restrans.sim.report.compare_plots import display
from restrans.sim.report.report import COST_COLUMNS, KEY_ASSUMPTIONS
from restrans.sim.report.translations import text
from tests.conftest import SCENARIOS

SCENARIO_NAMES = ("baseline", "green_restoration", "livelihood_first")
REGIONS = ("coal_declining", "coal_growing")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    directory = tmp_path_factory.mktemp("report")
    comparison = run_comparison([SCENARIOS / f"{name}.yaml" for name in SCENARIO_NAMES], regions=",".join(REGIONS))
    write_comparison(directory, comparison)
    return directory, (directory / REPORT).read_text(encoding="utf-8"), (directory / SUMMARY).read_text("utf-8")


def test_html_names_every_scenario_and_region(report):
    _, page, _ = report
    for name in (*SCENARIO_NAMES, *REGIONS):
        assert name in page
    for heading in ("The answer", "How to read this report", "Scorecard", "Trajectories",
                    "Costs and cost-effectiveness", "Region × mix matrix", "Assumptions that matter most"):
        assert heading in page


def test_every_figure_is_embedded_as_a_png_data_uri(report):
    directory, page, _ = report
    sources = re.findall(r'<img src="([^"]*)"', page)
    assert len(sources) == page.count("<img") == len(list((directory / "figures").glob("*.png")))
    for source in sources:
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"


def test_html_has_no_external_link_script_or_resource(report):
    _, page, _ = report
    lowered = page.lower()
    for forbidden in ("http://", "https://", "<script", "<link", "@import", "url(", "<iframe"):
        assert forbidden not in lowered, forbidden
    assert re.findall(r'src="(?!data:)', page) == []
    directory = report[0]
    links = re.findall(r'href="([^"]*)"', page)  # the clickable file list: files of this folder only
    assert links and all((directory / link).is_file() or link == "manifest.json" or link == "report.html"
                         for link in links)
    assert not any(link.startswith(("/", ".")) or ":" in link for link in links)


def markdown_table(text: str, heading: str) -> pd.DataFrame:
    """The first Markdown table after ``heading``, cells as strings."""
    lines = text.split(heading, 1)[1].splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return pd.DataFrame(rows[2:], columns=rows[0])


def test_markdown_indicator_numbers_equal_the_indicators_table(report):
    directory, _, summary = report
    table = markdown_table(summary, f"## Indicators in 2035, {REGIONS[0]}")
    csv = pd.read_csv(directory / "comparison.csv")
    csv = csv[(csv["region"] == REGIONS[0])].set_index(["scenario", "indicator"])
    assert list(table["indicator"]) == list(INDICATORS)
    for _, row in table.iterrows():
        scale, _unit = display(row["indicator"])
        for scenario in SCENARIO_NAMES:
            expected = float(f"{csv.loc[(scenario, row['indicator']), '2035'] * scale:.4g}")
            assert float(row[scenario]) == expected, (scenario, row["indicator"])


def test_markdown_cost_numbers_equal_the_cost_table(report):
    directory, _, summary = report
    table = markdown_table(summary, f"## Costs and cost-effectiveness, {REGIONS[0]}").set_index("scenario")
    csv = pd.read_csv(directory / "cost_effectiveness.csv")
    csv = csv[csv["region"] == REGIONS[0]].set_index("scenario")
    for column in COST_COLUMNS:
        label = text(f"report.cost.{column}", "en")
        for scenario in SCENARIO_NAMES:
            value = csv.loc[scenario, column]
            shown = table.loc[scenario, label]
            if pd.isna(value):
                assert shown == "—", (scenario, column)
            else:
                assert float(shown) == float(f"{value:.4g}"), (scenario, column)


def test_markdown_scorecard_symbols_equal_the_scorecard_table(report):
    directory, _, summary = report
    table = markdown_table(summary, f"## Scorecard, {REGIONS[0]}").set_index("target")
    csv = pd.read_csv(directory / "scorecard.csv")
    csv = csv[csv["region"] == REGIONS[0]].set_index(["target", "scenario"])
    symbols = {"met": "✓", "missed": "✗", "not applicable": "–"}
    for target in table.index:
        for scenario in SCENARIO_NAMES:
            assert table.loc[target, scenario][0] == symbols[csv.loc[(target, scenario), "status"]]


def test_report_lists_key_assumptions_with_their_values(report):
    _, page, _ = report
    for name in KEY_ASSUMPTIONS[:5]:
        assert f"<td class=\"text\">{name}</td>" in page
    assert "ASSUMPTION" in page
