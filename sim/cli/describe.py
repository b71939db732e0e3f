"""Tables describing the model's declarations: parameters, stocks, levers, regions."""
from __future__ import annotations

import pandas as pd

from restrans.model.levers import LEVERS, OUTSIDE_BOUNDARY, SEED_SECTIONS
from restrans.model.parameters import PARAMETERS
from restrans.model.stocks import STOCKS
from restrans.sim.report.translations import LANGUAGES, explanation, label
from restrans.sim.scenario.regions import available_cities, available_regions, load_region

TOPICS: tuple[str, ...] = ("params", "stocks", "levers", "regions")
KINDS: dict[str, str] = {"params": "parameter", "stocks": "stock", "levers": "lever", "regions": "region"}
"""The kind of each topic's elements in the table of strings (:mod:`restrans.sim.report.translations`)."""


def _bounds(lower: float, upper: float) -> str:
    return f"[{lower:g}, {upper:g}]"


PRESET_SECTIONS: dict[str, str] = {"params": "parameters", "stocks": "initial", "levers": "levers"}
"""The section of a region preset that sets each topic's elements."""


def describe_table(topic: str, language: str = "en", region: str | None = None) -> pd.DataFrame:
    """One row per declared element of ``topic`` (one of :data:`TOPICS`).

    In a language other than English, ``label (zh)`` and ``explanation (zh)`` columns in that language follow the
    name (empty where the table of strings has none, e.g. most parameters). With ``region`` (a preset name; params,
    stocks and levers), two more columns give the preset's value of each element and its source ("model default"
    where the preset keeps the default): where a type's parameter was fitted to its cities, the source says so.
    """
    frame = _declarations(topic)
    if region is not None:
        preset = load_region(region)
        section = PRESET_SECTIONS[topic]
        values = getattr(preset, section)
        names = frame.iloc[:, 0]
        defaults = frame.iloc[:, 2 if topic != "levers" else 4]
        frame[f"{region} value"] = [f"{values[name]:g}" if name in values else default
                                    for name, default in zip(names, defaults)]
        frame[f"{region} source"] = [preset.sources.get(f"{section}.{name}", "model default") for name in names]
    if language != LANGUAGES[0]:
        kind, names = KINDS[topic], frame.iloc[:, 0]
        frame.insert(1, f"label ({language})", [label(kind, name, language, default="") for name in names])
        frame.insert(2, f"explanation ({language})", [explanation(kind, name, language, default="") for name in names])
    return frame


def _declarations(topic: str) -> pd.DataFrame:
    if topic == "params":
        rows = [(p.name, p.sector, f"{p.default:g}", p.unit, _bounds(p.lower, p.upper),
                 _bounds(p.plausible_lower, p.plausible_upper), p.doc, p.source, p.plausible_source)
                for p in PARAMETERS]
        return pd.DataFrame(rows, columns=["parameter", "sector", "default", "unit", "bounds", "plausible range",
                                           "doc", "source", "plausible range source"])
    if topic == "stocks":
        rows = [(s.name, s.sector, f"{s.initial:g}", s.unit, _bounds(s.lower, s.upper), s.doc, s.source)
                for s in STOCKS]
        return pd.DataFrame(rows, columns=["stock", "sector", "initial", "unit", "bounds", "doc", "source"])
    if topic == "levers":
        rows = [(lv.name, " ".join(lv.seed_sections), lv.unit, _bounds(lv.lower, lv.upper), f"{lv.baseline:g}",
                 f"{lv.cost_per_unit:g}", f"{lv.central_share:g}", lv.kind, lv.doc, lv.source) for lv in LEVERS]
        return pd.DataFrame(rows, columns=["lever", "seed sections", "unit", "bounds", "baseline",
                                           "cost (bn CNY/yr per unit)", "central share", "kind", "doc", "source"])
    if topic == "regions":
        presets = [load_region(name) for name in available_regions() + available_cities()]
        rows = [(r.name, r.label, r.archetype or r.name, r.year, len(r.initial), len(r.parameters), len(r.levers),
                 r.description) for r in presets]
        return pd.DataFrame(rows, columns=["region", "label", "type", "start year", "initial stocks set",
                                           "parameters set", "levers set", "description"])
    raise ValueError(f"unknown topic {topic!r}")


def seed_coverage(language: str = "en") -> pd.DataFrame:
    """Each seed measure (四)–(二十四) with the levers that implement it, or why none does."""
    rows = []
    for section in SEED_SECTIONS:
        levers = [lever.name for lever in LEVERS if section in lever.seed_sections]
        name = f"({section})" if language == LANGUAGES[0] else f"({section}) {label('section', section, language)}"
        rows.append((name, ", ".join(levers) if levers else "—", OUTSIDE_BOUNDARY.get(section, "")))
    return pd.DataFrame(rows, columns=["seed measure", "levers", "outside the model boundary because"])


def markdown_table(frame: pd.DataFrame) -> str:
    """GitHub-flavoured Markdown table (no extra dependency)."""
    def cell(value) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(c) for c in frame.columns) + " |",
             "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def describe_markdown(topic: str, language: str = "en", region: str | None = None) -> str:
    """Markdown document for ``topic`` (with ``region``'s values and sources); for levers, also the seed coverage."""
    command = (f"restrans describe {topic} --format markdown" + ("" if language == LANGUAGES[0] else f" --lang {language}")
               + ("" if region is None else f" --region {region}"))
    text = f"# restrans {topic}\n\nGenerated by `{command}`; do not edit.\n\n"
    text += markdown_table(describe_table(topic, language, region))
    if topic == "levers":
        text += "\n## Seed measures and their levers\n\n" + markdown_table(seed_coverage(language))
    return text
