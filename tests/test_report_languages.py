"""The comparison report in Chinese (``restrans compare --lang zh``): same numbers, every word translated."""
from __future__ import annotations

import json
import re
import warnings

import pytest

from restrans.sim.compare.comparison import run_comparison
from restrans.sim.report.compare_outputs import REPORT, SUMMARY, write_comparison
from restrans.sim.report.translations import label, text
from tests.conftest import DATA, SCENARIOS

SCENARIO_NAMES = ("baseline", "livelihood_first")
REGION = "coal_declining"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    comparison = run_comparison([SCENARIOS / f"{name}.yaml" for name in SCENARIO_NAMES], region=REGION)
    folders = {}
    for language in ("en", "zh"):
        folders[language] = tmp_path_factory.mktemp(language)
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message=r"Glyph \d+ .* missing from font")
            write_comparison(folders[language], comparison, language)
    return folders


def test_the_chinese_page_is_declared_chinese_and_uses_the_table(reports):
    page = (reports["zh"] / REPORT).read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in page
    for key in ("report.the_answer", "report.how_to_read_heading", "report.assumptions_heading"):
        assert text(key, "zh") in page, key
    assert text("report.how_to_read_heading", "en") not in page
    for kind, name in (("region", REGION), ("lever", "retraining_capacity"), ("indicator", "unemployment_rate"),
                       ("target", "unemployment_2035"), ("unit", "thousand persons/yr")):
        assert label(kind, name, "zh") in page, (kind, name)


def test_the_english_page_is_unchanged_in_its_language(reports):
    page = (reports["en"] / REPORT).read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "How to read this report" in page
    assert label("lever", "retraining_capacity", "zh") not in page


def test_tables_are_the_same_in_both_languages(reports):
    for name in ("comparison.csv", "cost_effectiveness.csv", "scorecard.csv", "levers.csv"):
        assert (reports["en"] / name).read_bytes() == (reports["zh"] / name).read_bytes(), name
    for language in ("en", "zh"):
        assert json.loads((reports[language] / "manifest.json").read_text())["language"] == language


def test_chinese_summary_keeps_the_identifiers_beside_the_labels(reports):
    summary = (reports["zh"] / SUMMARY).read_text(encoding="utf-8")
    assert f"{label('indicator', 'gdp', 'zh')} (gdp)" in summary
    assert re.search(r"^## .*[\u4e00-\u9fff]", summary, flags=re.MULTILINE)


def test_chinese_figures_differ_from_the_english_ones(reports):
    for name in ("trajectories_coal_declining.png", "summary.png"):
        english, chinese = (reports[language] / "figures" / name for language in ("en", "zh"))
        assert chinese.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert english.read_bytes() != chinese.read_bytes(), name


def _invoke(*arguments):
    from typer.testing import CliRunner

    from restrans.sim.cli.commands import app
    return CliRunner().invoke(app, [str(argument) for argument in arguments], catch_exceptions=False)


def test_compare_lang_zh_writes_the_chinese_report(tmp_path):
    result = _invoke("compare", SCENARIOS / "baseline.yaml", "--region", REGION, "--lang", "zh", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert '<html lang="zh-Hans">' in (tmp_path / "compare" / REPORT).read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["fr", "ZH", ""])
def test_an_unknown_language_is_one_line_exit_2_and_nothing_written(tmp_path, language):
    result = _invoke("compare", SCENARIOS / "baseline.yaml", "--lang", language, "--out", tmp_path)
    assert result.exit_code == 2
    assert result.output.strip() == f"restrans: error: --lang: language: {language!r} — one of en, zh"
    assert list(tmp_path.iterdir()) == []


def test_a_missing_cjk_font_is_one_line_exit_1_and_nothing_written(tmp_path, monkeypatch):
    from restrans.sim.report import fonts
    monkeypatch.setattr(fonts, "CJK_FONT", "No Such CJK Font")
    monkeypatch.setattr(fonts.font_settings, "__defaults__", ("No Such CJK Font",))
    result = _invoke("compare", SCENARIOS / "baseline.yaml", "--lang", "zh", "--out", tmp_path)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "No Such CJK Font" in lines[0] and "fonts-noto-cjk" in lines[0], result.output
    assert list(tmp_path.iterdir()) == []


def test_run_lang_zh_draws_the_dashboard_in_chinese(tmp_path):
    for language in ("en", "zh"):
        result = _invoke("run", SCENARIOS / "baseline.yaml", "--lang", language, "--out", tmp_path / language)
        assert result.exit_code == 0, result.output
    english, chinese = ((tmp_path / language / "baseline" / "dashboard.png").read_bytes() for language in ("en", "zh"))
    assert chinese[:8] == b"\x89PNG\r\n\x1a\n" and chinese != english
    assert ((tmp_path / "en" / "baseline" / "timeseries.csv").read_bytes()
            == (tmp_path / "zh" / "baseline" / "timeseries.csv").read_bytes())


def test_run_with_an_unknown_language_is_one_line_exit_2_and_nothing_written(tmp_path):
    result = _invoke("run", SCENARIOS / "baseline.yaml", "--lang", "en_GB", "--out", tmp_path)
    assert result.exit_code == 2
    assert result.output.strip() == "restrans: error: --lang: language: 'en_GB' — one of en, zh"
    assert list(tmp_path.iterdir()) == []


def test_uncertainty_lang_zh_draws_the_fan_chart_in_chinese(tmp_path):
    scenario = DATA / "sweeps" / "uncertain_a.yaml"
    for language in ("en", "zh"):
        result = _invoke("uncertainty", scenario, "--n", "20", "--seed", "3", "--lang", language, "--out", tmp_path,
                         "--name", language)
        assert result.exit_code == 0, result.output
    english, chinese = ((tmp_path / language / "fan_charts.png").read_bytes() for language in ("en", "zh"))
    assert chinese[:8] == b"\x89PNG\r\n\x1a\n" and chinese != english
    assert (tmp_path / "en" / "bands.csv").read_bytes() == (tmp_path / "zh" / "bands.csv").read_bytes()
    result = _invoke("uncertainty", scenario, "--n", "20", "--seed", "3", "--lang", "jp", "--out", tmp_path,
                     "--name", "jp")
    assert result.exit_code == 2 and "--lang: language: 'jp' — one of en, zh" in result.output
    assert not (tmp_path / "jp").exists()


def test_describe_lang_zh_adds_the_chinese_label_and_explanation_of_every_lever():
    import io

    import pandas as pd

    from restrans.model.levers import LEVERS
    result = _invoke("describe", "levers", "--format", "csv", "--lang", "zh")
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.output))
    assert list(frame.columns[:3]) == ["lever", "label (zh)", "explanation (zh)"]
    assert list(frame["lever"]) == [lever.name for lever in LEVERS]
    assert list(frame["label (zh)"]) == [label("lever", lever.name, "zh") for lever in LEVERS]
    assert frame["explanation (zh)"].str.contains(r"[\u4e00-\u9fff]").all()
    english = _invoke("describe", "levers", "--format", "csv").output
    assert "label (zh)" not in english
    bad = _invoke("describe", "levers", "--lang", "cn")
    assert bad.exit_code == 2 and bad.output.strip() == "restrans: error: --lang: language: 'cn' — one of en, zh"
