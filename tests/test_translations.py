"""The table of strings (sim/report/strings.yaml) has English and Chinese for everything a person reads.

The names to translate are read from what exists at run time: the declarations of :mod:`restrans.model`,
``scenarios/targets.yaml``, ``model/regions/*.yaml`` and the feedback-loop table of the README. A
missing string fails with its key path and language, e.g. ``names.lever.new_lever.label.zh``.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from restrans.model.indicators import INDICATORS
from restrans.model.levers import LEVERS, SEED_SECTIONS
from restrans.model.parameters import PARAMETERS
from restrans.model.stocks import STOCKS
from restrans.sim.report import translations
from restrans.sim.report.report import KEY_ASSUMPTIONS
from restrans.sim.scenario.errors import InputError

ROOT = Path(__file__).resolve().parent.parent


def readme_loops() -> list[str]:
    """The loop names of the README's "Feedback loops" table, in snake_case (``decline spiral`` -> ``decline_spiral``)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Feedback loops", 1)[1].split("\n#", 1)[0]
    rows = [line.split("|") for line in section.splitlines() if line.startswith("|")]
    names = [row[2].strip() for row in rows[2:]]
    return [re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") for name in names]


def declared_names() -> dict[str, list[str]]:
    """Every element a person reads the name of, by kind, as it exists now."""
    targets = yaml.safe_load((ROOT / "scenarios" / "targets.yaml").read_text(encoding="utf-8"))["targets"]
    parameters = {parameter.name: parameter for parameter in PARAMETERS}
    units = {lever.unit for lever in LEVERS} | {entry[0] for entry in INDICATORS.values()} | {
        stock.unit for stock in STOCKS} | {parameters[name].unit for name in KEY_ASSUMPTIONS}
    scenarios = [yaml.safe_load(path.read_text(encoding="utf-8"))["name"]
                 for path in sorted((ROOT / "scenarios").glob("*.yaml")) if path.name != "targets.yaml"]
    return {
        "lever": [lever.name for lever in LEVERS],
        "indicator": list(INDICATORS),
        "target": list(targets),
        "region": sorted(path.stem for path in (ROOT / "model" / "regions").glob("*.yaml")),
        "section": list(SEED_SECTIONS),
        "loop": readme_loops(),
        "stock": [stock.name for stock in STOCKS],
        "group": sorted({entry[1] for entry in INDICATORS.values()}),
        "unit": sorted(units),
        "scenario": scenarios,
        "parameter": list(KEY_ASSUMPTIONS),
    }


def test_the_declarations_are_found():
    names = declared_names()
    assert len(names["lever"]) == len(LEVERS) and len(names["indicator"]) == len(INDICATORS)
    assert len(names["target"]) >= 10, names["target"]
    assert len(names["region"]) >= 5 and len(names["loop"]) >= 9, (names["region"], names["loop"])
    assert "decline_spiral" in names["loop"]
    assert {"baseline", "livelihood_first"} <= set(names["scenario"]), names["scenario"]


def test_every_declared_name_and_every_string_has_both_languages():
    missing = translations.missing_translations(declared_names())
    assert not missing, ("sim/report/strings.yaml lacks these strings (key.language):\n  " + "\n  ".join(missing))


def test_a_missing_chinese_label_is_reported_by_key_and_language():
    table = copy.deepcopy(dict(translations.load_table()))
    del table["names"]["lever"]["retraining_capacity"]["label"]["zh"]
    table["names"]["indicator"].pop("gdp")
    table["report"]["title"] = {"en": "only English"}
    table["report"]["comma"] = {"en": "End", "or go back.": None, "zh": "结束"}  # an unquoted ", " in flow style
    missing = translations.missing_translations(declared_names(), table)
    assert "names.lever.retraining_capacity.label.zh" in missing
    assert {"names.indicator.gdp.label.en", "names.indicator.gdp.label.zh",
            "names.indicator.gdp.explanation.zh"} <= set(missing)
    assert "names.indicator.gdp.explanation.en" not in missing  # the declared doc is the English
    assert "report.title.zh" in missing and "report.title.en" not in missing
    assert "report.comma: keys ['or go back.'] besides en, zh (quote a text with ', ' in it)" in missing


def test_a_new_lever_without_strings_fails_the_check():
    declared = declared_names()
    declared["lever"].append("local_debt_ceiling")
    missing = [key for key in translations.missing_translations(declared) if key.startswith("names.")]
    assert missing == [f"names.lever.local_debt_ceiling.{field}.{language}"
                       for field in ("label", "explanation") for language in ("en", "zh")]


def test_labels_and_explanations_differ_by_language():
    assert translations.label("lever", "retraining_capacity", "zh") == "再就业培训能力"
    assert translations.label("lever", "retraining_capacity", "en") == "Retraining places"
    retraining = next(lever for lever in LEVERS if lever.name == "retraining_capacity")
    assert translations.explanation("lever", "retraining_capacity", "en") == retraining.doc
    assert re.search(r"[\u4e00-\u9fff]", translations.explanation("loop", "decline_spiral", "zh"))
    assert translations.label("section", "二十一", "zh") == "着力稳定和促进就业"


def test_every_chinese_name_is_written_in_chinese():
    names = translations.load_table()["names"]
    latin_only = [f"names.{kind}.{name}.{field}.zh" for kind in ("lever", "indicator", "target", "region", "loop",
                                                                  "stock", "section", "chapter")
                  for name, entry in names[kind].items() for field in translations.FIELDS
                  if field in entry and not re.search(r"[\u4e00-\u9fff]", entry[field]["zh"])]
    assert not latin_only, latin_only


def test_chapters_hold_every_seed_measure_once_in_order():
    sections = [section for _, members in translations.chapters() for section in members]
    assert sections == list(SEED_SECTIONS)
    assert [chapter for chapter, _ in translations.chapters()] == ["二", "三", "四", "五", "六", "七", "八"]
    assert translations.chapter_of("二十一") == "七"
    with pytest.raises(KeyError, match="一"):
        translations.chapter_of("一")


def test_unknown_language_and_missing_keys_are_one_clear_line():
    with pytest.raises(InputError) as raised:
        translations.text("report.title", "fr")
    assert str(raised.value) == "--lang: language: 'fr' — one of en, zh"
    with pytest.raises(InputError):
        translations.label("lever", "retraining_capacity", "de")
    with pytest.raises(translations.MissingTranslation, match=r"names\.lever\.no_such_lever\.label\.zh"):
        translations.label("lever", "no_such_lever", "zh")
    assert translations.label("target", "my_own_target", "zh", default="my_own_target") == "my_own_target"
    with pytest.raises(translations.MissingTranslation, match="report.no_such_key — no such key"):
        translations.text("report.no_such_key", "en")
    with pytest.raises(ValueError, match="unknown kind 'levers'"):
        translations.label("levers", "retraining_capacity", "en")



def test_every_key_the_report_asks_for_is_in_the_table():
    from restrans.sim.report import compare_plots, report
    keys = [f"report.figure.panel.{name}" for name in compare_plots.TRAJECTORY_PANELS]
    keys += [f"report.figure.{key}{suffix}" for _, key in compare_plots.EFFECTIVENESS_PANELS for suffix in ("", "_unit")]
    keys += [f"report.cost.{column}" for column in report.COST_COLUMNS]
    keys += [f"report.how_to_read.{item}" for item in report.HOW_TO_READ]
    absent = []
    for key in keys:
        for language in translations.LANGUAGES:
            try:
                translations.text(key, language)
            except translations.MissingTranslation:
                absent.append(f"{key}.{language}")
    assert not absent, absent
