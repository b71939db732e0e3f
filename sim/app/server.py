"""The reactive side of the app: settings in, runs out, on every change.

One :class:`~restrans.sim.app.settings.Settings` value per session decides everything shown. A slider
move, a picker, a lesson button or the URL of the first request changes it; every change re-runs the
model (a batch of one, compiled when possible), redraws the trajectories, the scorecard, the lesson
panel and the loop diagram, and writes the settings into the URL (``history.replaceState``).
"""
from __future__ import annotations

from dataclasses import replace

from shiny import reactive, render, ui

from restrans.sim.app.catalog import Catalog
from restrans.sim.app.diagram import loop_diagram
from restrans.sim.app.lesson_view import lesson_panel as panel_html
from restrans.sim.app.settings import Settings, parse_query, scenario_yaml
from restrans.sim.app.views import MAXIMUM_PINS, change_text, charts_html, diagram_changes, scorecard_html
from restrans.sim.report.translations import text
from restrans.sim.engine.solver import SolverError
from restrans.sim.scenario.errors import InputError


class SessionState:
    """The reactive values of one browser session."""

    def __init__(self, catalog: Catalog, default: Settings):
        self.catalog = catalog
        self.settings = reactive.value(default)
        self.previous = reactive.value(None)
        self.replaying = reactive.value(False)
        self.pins = reactive.value(())
        self.started = False

    def change(self, new: Settings) -> None:
        """Make ``new`` the settings; the old ones become the run that *replay last change* shows.

        Settings whose run cannot be built (a lesson's relative schedule beyond a lever's bounds in this
        region, a solver failure) are refused with a notification naming the problem; the page stays.
        """
        old = self.settings.get()
        if new == old:
            return
        try:
            self.catalog.summary(new, "current")
        except (InputError, SolverError) as error:
            ui.notification_show(str(error), type="error", duration=8)
            return
        self.previous.set(old)
        self.replaying.set(False)
        self.settings.set(new)


def _step(settings: Settings, lesson, forward: bool) -> Settings:
    """The lesson position after *next* (``forward``) or *previous*: predict -> reveal -> next step."""
    last = len(lesson.steps) - 1
    if forward:
        if settings.phase == "predict":
            return replace(settings, phase="reveal")
        return replace(settings, step=settings.step + 1, phase="predict") if settings.step < last else settings
    if settings.phase == "reveal":
        return replace(settings, phase="predict")
    return replace(settings, step=settings.step - 1, phase="reveal") if settings.step > 0 else settings


def _navigation(state: SessionState, button, forward: bool) -> None:
    """*Next* (``forward``) or *previous* in the lesson, on each press of ``button``."""

    @reactive.effect
    @reactive.event(button)
    def _move():
        settings = state.settings.get()
        if settings.lesson is not None:
            state.change(_step(settings, state.catalog.lessons[settings.lesson], forward))


def _lesson_events(input, state: SessionState) -> None:
    catalog = state.catalog

    @reactive.effect
    @reactive.event(input.lesson_start)
    def _start():
        name = input.lesson()
        if name in catalog.lessons:
            lesson = catalog.lessons[name]
            state.change(replace(state.settings.get(), lesson=name, step=0, phase="predict", region=lesson.region,
                                 scenario=lesson.scenario, levers=()))

    for button, forward in ((input.lesson_next, True), (input.lesson_previous, False)):
        _navigation(state, button, forward)

    @reactive.effect
    @reactive.event(input.lesson_exit)
    def _exit():
        state.change(replace(state.settings.get(), lesson=None, step=0, phase="predict"))


def _setting_events(input, state: SessionState) -> None:
    @reactive.effect
    @reactive.event(input.lever_input)
    def _lever():
        move = input.lever_input()
        try:
            state.change(state.settings.get().with_lever(str(move["name"]), float(move["value"])))
        except (KeyError, TypeError, ValueError):
            return

    @reactive.effect
    @reactive.event(input.region)
    def _region():
        if state.started and input.region() in state.catalog.regions:
            state.change(replace(state.settings.get(), region=input.region()))

    @reactive.effect
    @reactive.event(input.scenario)
    def _scenario():
        if state.started and input.scenario() in state.catalog.scenarios and \
                input.scenario() != state.settings.get().scenario:
            state.change(replace(state.settings.get(), scenario=input.scenario(), levers=()))

    @reactive.effect
    @reactive.event(input.reset)
    def _reset():
        state.change(state.settings.get().without_levers())


def _pin_events(input, state: SessionState, current) -> None:
    @reactive.effect
    @reactive.event(input.pin)
    def _pin():
        settings = state.settings.get()
        pins = state.pins.get()
        label = text("app.pin_label", settings.language).format(number=len(pins) + 1)
        state.pins.set((*pins, replace(current(), label=label))[-MAXIMUM_PINS:])

    @reactive.effect
    @reactive.event(input.clear_pins)
    def _clear():
        state.pins.set(())

    @reactive.effect
    @reactive.event(input.replay)
    def _replay():
        if state.previous.get() is not None:
            state.replaying.set(True)


def server_function(catalog: Catalog, default_language: str):
    """The Shiny server function of an app over ``catalog``."""

    def server(input, output, session):
        state = SessionState(catalog, catalog.default_settings(default_language))

        @reactive.effect
        def _from_url():
            if not state.started:
                query = session.input[".clientdata_url_search"]()
                with reactive.isolate():
                    settings, _ignored = parse_query(query, catalog.choices(), state.settings.get())
                    state.change(settings)
                    state.previous.set(None)  # the page as the link gave it: no change to replay yet
                state.started = True

        @reactive.calc
        def current():
            return catalog.summary(state.settings.get(), "current")

        _setting_events(input, state)
        _lesson_events(input, state)
        _pin_events(input, state, current)
        _outputs(input, output, session, state, current)

    return server


def _previous_summary(state: SessionState):
    settings = state.settings.get()
    if settings.lesson is not None and settings.phase == "reveal":
        return state.catalog.summary(settings, "before", "predict")
    previous = state.previous.get()
    if state.replaying.get() and previous is not None:
        return state.catalog.summary(previous, "previous")
    return None


def _outputs(input, output, session, state: SessionState, current) -> None:
    catalog = state.catalog

    @reactive.effect
    async def _sync_page():
        settings, summary = state.settings.get(), current()
        scheduled = [name for name, schedule in catalog.scenario(settings).levers.items()
                     if "constant" not in schedule.model_dump(by_alias=True)]
        await session.send_custom_message("restrans_state", {
            "query": settings.query(), "levers": summary.levers, "moved": [name for name, _ in settings.levers],
            "scheduled": scheduled,
            "lesson": settings.lesson is not None, "region": settings.region, "scenario": settings.scenario})

    @render.ui
    def charts():
        settings = state.settings.get()
        watched, legend = (), "app.legend.previous"
        if settings.lesson is not None:
            watched = tuple(catalog.lessons[settings.lesson].steps[settings.step].watch)
            legend = "app.legend.before_step"
        html = charts_html(current(), catalog.baseline(settings.region), list(state.pins.get()),
                           _previous_summary(state), catalog.targets, settings.region, settings.language, watched,
                           legend)
        css = "replay" if state.replaying.get() else ""
        return ui.HTML(f'<div class="charts {css}">{html}</div>')

    @render.ui
    def scorecard():
        settings = state.settings.get()
        return ui.HTML(scorecard_html(current(), catalog.baseline(settings.region), list(state.pins.get()),
                                      settings.language))

    @render.ui
    def loops():
        settings = state.settings.get()
        loop = catalog.lessons[settings.lesson].steps[settings.step].loop if settings.lesson else None
        changes = diagram_changes(current(), catalog.baseline(settings.region), settings.language)
        return ui.HTML(loop_diagram(settings.language, loop, changes))

    @render.ui
    def lesson_panel():
        settings = state.settings.get()
        if settings.lesson is None:
            return ui.HTML("")
        before = catalog.summary(settings, "before", "predict")
        runs = (before, current(), catalog.baseline(settings.region))
        return ui.HTML(panel_html(catalog.lessons[settings.lesson], settings.lesson, settings.step,
                                  settings.phase, runs, settings.language))

    _status_outputs(output, state, current)


def _status_outputs(output, state: SessionState, current) -> None:
    """The text of the last change, and the download of the settings as a scenario file."""
    catalog = state.catalog

    @render.ui
    def status():
        settings, previous = state.settings.get(), state.previous.get()
        if previous is None:
            return ui.HTML("")
        before = catalog.summary(previous, "previous").levers
        change = change_text(before, current().levers, settings.language)
        if not change:
            return ui.HTML("")
        return ui.span(text("app.last_change", settings.language) + " " + change, class_="last-change")

    @render.download(filename=lambda: f"{state.settings.get().scenario}_app.yaml", media_type="text/yaml")
    def download():
        settings = state.settings.get()
        scenario = catalog.scenario(settings)
        yield scenario_yaml(scenario, text("app.export_description", settings.language).format(
            scenario=settings.scenario, region=settings.region))

