"""The static page of the app, built per request in the language and with the settings of its URL.

The levers are grouped by the chapters 二–八 of the seed plan (the chapter of a lever's first seed
section); each slider shows its label, value, unit, range, seed sections and one-sentence explanation,
all from the declarations and the string table. Sliders are plain ``<input type="range">`` elements:
``app.js`` sends their moves to the server and sets them when a scenario or lesson changes them.
"""
from __future__ import annotations

import math
from html import escape
from pathlib import Path

from shiny import ui

from restrans.model.levers import LEVERS
from restrans.sim.app.catalog import Catalog
from restrans.sim.app.settings import Settings
from restrans.sim.app.views import number_text, unit_text
from restrans.sim.report.translations import LANGUAGES, MissingTranslation, chapter_of, chapters, explanation, \
    label, text

STATIC = Path(__file__).with_name("static")
SLIDER_STEPS = 1000
"""Least number of positions of a slider across the lever's declared range."""


def scenario_label(name: str, language: str) -> str:
    """A scenario's name on the page: ``app.scenario.<name>`` of the string table, else the file name."""
    try:
        return text(f"app.scenario.{name}", language)
    except MissingTranslation:
        return name


def slider_step(lower: float, upper: float) -> float:
    """A round step (a power of ten) giving at least :data:`SLIDER_STEPS` positions between the bounds."""
    return 10.0 ** math.floor(math.log10((upper - lower) / SLIDER_STEPS))


def _slider(lever, value: float, language: str) -> str:
    unit = unit_text(lever.unit, language)
    sections = " ".join(f"({section})" for section in lever.seed_sections)
    driver = f'<span class="driver">{escape(text("app.levers.driver", language))}</span>' if lever.kind == "driver" else ""
    step = slider_step(lever.lower, lever.upper)
    return (f'<div class="lever" data-lever="{lever.name}"><div class="lever-head">'
            f'<label for="lever-{lever.name}">{escape(label("lever", lever.name, language))}</label>{driver}'
            f'<output class="lever-value" id="value-{lever.name}">{escape(number_text(value))}</output>'
            f'<span class="lever-unit">{escape(unit)}</span></div>'
            f'<input type="range" class="lever-slider" id="lever-{lever.name}" data-lever="{lever.name}" '
            f'min="{lever.lower:.10g}" max="{lever.upper:.10g}" step="{step:.10g}" value="{value:.10g}">'
            f'<div class="lever-meta"><span class="range">{escape(number_text(lever.lower))} – '
            f'{escape(number_text(lever.upper))} {escape(unit)}</span>'
            f'<span class="sections" title="{escape(text("app.levers.seed", language))}">{escape(sections)}</span>'
            f'</div><p class="schedule-note">{escape(text("app.levers.scheduled", language))}</p>'
            f'<p class="lever-doc">{escape(explanation("lever", lever.name, language))}</p></div>')


def lever_groups(values: dict[str, float], language: str) -> str:
    """Every lever slider, in one folding group per chapter of the plan, each group in lever order."""
    groups = []
    for chapter, _sections in chapters():
        members = [lever for lever in LEVERS if chapter_of(lever.seed_sections[0]) == chapter]
        if not members:
            continue
        sliders = "".join(_slider(lever, values.get(lever.name, lever.baseline), language) for lever in members)
        groups.append(f'<details class="lever-group" open data-chapter="{chapter}"><summary>{chapter}、'
                      f'{escape(label("chapter", chapter, language))}</summary>{sliders}</details>')
    return "".join(groups)


def _pickers(catalog: Catalog, settings: Settings, language: str) -> list:
    lessons = {"": text("app.lesson.choose", language)}
    lessons.update({name: lesson.title.text(language) for name, lesson in catalog.lessons.items()})
    return [
        ui.input_select("region", text("app.region", language),
                        {name: label("region", name, language) for name in catalog.regions}, selected=settings.region),
        ui.input_select("scenario", text("app.scenario_picker", language),
                        {name: scenario_label(name, language) for name in catalog.scenarios},
                        selected=settings.scenario),
        ui.input_select("lesson", text("app.lesson.picker", language), lessons, selected=settings.lesson or ""),
        ui.input_action_button("lesson_start", text("app.lesson.start", language), class_="btn-primary"),
    ]


def _language_links(settings: Settings) -> str:
    links = "".join(f'<a href="#" class="language{" active" if language == settings.language else ""}" '
                    f'data-language="{language}">{escape(text("app.language_name", language))}</a>'
                    for language in LANGUAGES)
    return f'<nav class="languages">{links}</nav>'


def _toolbar(language: str) -> list:
    return [
        ui.input_action_button("pin", text("app.pin", language)),
        ui.input_action_button("clear_pins", text("app.clear_pins", language)),
        ui.input_action_button("replay", text("app.replay", language)),
        ui.input_action_button("reset", text("app.reset", language)),
        ui.download_button("download", text("app.download", language)),
        ui.input_action_button("presentation", text("app.presentation", language)),
        ui.output_ui("status", inline=True),
    ]


def _lesson_controls(language: str) -> ui.Tag:
    return ui.div(
        ui.output_ui("lesson_panel"),
        ui.div(ui.input_action_button("lesson_previous", "◀ " + text("app.lesson.previous", language)),
               ui.input_action_button("lesson_next", text("app.lesson.next", language) + " ▶", class_="btn-primary"),
               ui.input_action_button("lesson_exit", text("app.lesson.exit", language)), class_="lesson-buttons"),
        id="lesson-area", class_="lesson-area")


def page(catalog: Catalog, settings: Settings, lever_values: dict[str, float]):
    """The whole page for ``settings`` with the sliders at ``lever_values``."""
    language = settings.language
    body_class = "restrans-app" + (" in-lesson presentation" if settings.lesson else "")
    return ui.page_fluid(
        ui.head_content(ui.tags.meta(name="viewport", content="width=device-width, initial-scale=1"),
                        ui.tags.link(rel="icon", href="data:,"),
                        ui.include_css(STATIC / "app.css", method="inline")),
        ui.tags.header(ui.h1(text("app.title", language)), ui.div(*_pickers(catalog, settings, language),
                       class_="pickers"), ui.HTML(_language_links(settings)), class_="app-header"),
        ui.div(*_toolbar(language), class_="toolbar"),
        ui.div(
            ui.tags.aside(ui.h3(text("app.levers.title", language)), ui.p(text("app.levers.hint", language),
                          class_="hint"), ui.HTML(lever_groups(lever_values, language)), class_="levers"),
            ui.tags.main(_lesson_controls(language),
                         ui.tags.section(ui.h3(text("app.trajectories", language)), ui.output_ui("charts"),
                                         class_="trajectories"),
                         ui.div(ui.tags.section(ui.h3(text("app.scorecard.title", language)),
                                                ui.output_ui("scorecard"), class_="scorecard-area"),
                                ui.tags.section(ui.h3(text("app.diagram_title", language)), ui.output_ui("loops"),
                                                ui.p(text("app.diagram_hint", language), class_="hint"),
                                                class_="loops-area"), class_="lower"),
                         class_="content"),
            class_="layout"),
        ui.include_js(STATIC / "app.js", method="inline"),
        title=text("app.title", language), lang=language, class_=body_class,
    )
