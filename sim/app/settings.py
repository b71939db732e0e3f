"""What the page is set to, as data: region, scenario, lesson step and moved sliders; its URL; its scenario file.

:class:`Settings` is everything that decides the current run and what the page shows. It encodes to a
URL query string (:meth:`Settings.query`) and back (:func:`parse_query`), so a shared link or a reload
restores the page. :func:`build_scenario` turns it into a validated
:class:`~restrans.sim.scenario.scenario.Scenario` (scenario file <- the lesson's levers up to the
current step <- the moved sliders), and :func:`scenario_yaml` writes that scenario as a self-contained
scenario file that ``restrans run`` accepts unchanged.
"""
from __future__ import annotations

import copy
import functools
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping
from urllib.parse import parse_qsl, urlencode

import yaml

from restrans.model.levers import LEVERS
from restrans.sim.report.translations import LANGUAGES
from restrans.sim.scenario.scenario import Scenario, load_scenario

PHASES: tuple[str, ...] = ("predict", "reveal")
"""The two phases of a lesson step: the class predicts, then the result is shown."""

_LEVERS = {lever.name: lever for lever in LEVERS}


@dataclass(frozen=True)
class Settings:
    """The state of the page that a URL carries.

    Attributes
    ----------
    language : str
        ``en`` or ``zh``.
    region : str
        Region preset.
    scenario : str
        Scenario file stem in the scenarios folder.
    levers : tuple of (str, float)
        Sliders moved away from the scenario: lever name and constant value from the start (lever unit),
        sorted by name.
    lesson : str or None
        Lesson file stem, None outside a lesson.
    step : int
        Current lesson step, from 0.
    phase : str
        ``predict`` or ``reveal``.
    """

    language: str = "en"
    region: str = "coal_declining"
    scenario: str = "baseline"
    levers: tuple = ()
    lesson: str | None = None
    step: int = 0
    phase: str = "predict"

    @property
    def lever_values(self) -> dict[str, float]:
        return dict(self.levers)

    def with_lever(self, name: str, value: float) -> Settings:
        """These settings with lever ``name`` moved to ``value``."""
        values = self.lever_values
        values[name] = float(value)
        return replace(self, levers=tuple(sorted(values.items())))

    def without_levers(self) -> Settings:
        return replace(self, levers=())

    def query(self) -> str:
        """The URL query string (without ``?``): fixed keys first, then each moved lever."""
        pairs = [("lang", self.language), ("region", self.region), ("scenario", self.scenario)]
        if self.lesson is not None:
            pairs += [("lesson", self.lesson), ("step", str(self.step + 1)), ("phase", self.phase)]
        pairs += [(name, repr(float(value))) for name, value in self.levers]
        return urlencode(pairs)


@dataclass(frozen=True)
class Choices:
    """What a URL may name: the known regions, scenarios and lessons (with their step counts)."""

    regions: tuple[str, ...]
    scenarios: tuple[str, ...]
    lesson_steps: Mapping[str, int] = field(default_factory=dict)
    lesson_starts: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Region and scenario each lesson starts from (a URL naming only the lesson gets them)."""


def _lever_value(name: str, text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    lever = _LEVERS[name]
    return value if math.isfinite(value) and lever.lower <= value <= lever.upper else None


def parse_query(query: str, choices: Choices, default: Settings) -> tuple[Settings, list[str]]:
    """Settings from a URL query string, and the keys that were ignored (unknown or out of range).

    A link someone edited by hand must not break the page: a bad entry is left out and named.
    """
    values, ignored = {}, []
    known = {"lang": LANGUAGES, "region": choices.regions, "scenario": choices.scenarios,
             "lesson": tuple(choices.lesson_steps), "phase": PHASES}
    levers = {}
    for key, text in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        if key in known and text in known[key]:
            values[key] = text
        elif key == "step" and text.isdigit() and int(text) >= 1:
            values[key] = int(text) - 1
        elif key in _LEVERS and _lever_value(key, text) is not None:
            levers[key] = _lever_value(key, text)
        else:
            ignored.append(key)
    settings = replace(default, language=values.get("lang", default.language),
                       region=values.get("region", default.region),
                       scenario=values.get("scenario", default.scenario),
                       levers=tuple(sorted(levers.items())), lesson=values.get("lesson"),
                       step=values.get("step", 0), phase=values.get("phase", "predict"))
    if settings.lesson is None:
        return replace(settings, step=0, phase="predict"), ignored
    region, scenario = choices.lesson_starts.get(settings.lesson, (settings.region, settings.scenario))
    return replace(settings, step=min(settings.step, choices.lesson_steps[settings.lesson] - 1),
                   region=values.get("region", region), scenario=values.get("scenario", scenario)), ignored


def build_scenario(scenario_path: Path, settings: Settings, lesson_levers: Mapping[str, dict] | None = None,
                   name: str | None = None) -> Scenario:
    """The validated scenario of the page.

    Parameters
    ----------
    scenario_path : Path
        The scenario file the settings name.
    settings : Settings
        Its region replaces the file's; its moved levers are constants from the start.
    lesson_levers : mapping of str to dict, optional
        Lever schedules (as in a scenario file) the lesson has set up to the current step.
    name : str, optional
        Name of the result (default ``<scenario>_app``).

    Raises
    ------
    restrans.sim.scenario.errors.InputError
        A bad scenario file; a schedule relative to the region's value (``basis``) that leaves the lever's
        bounds is found when the scenario is run.
    """
    data = copy.deepcopy(_resolved(str(scenario_path), settings.region, Path(scenario_path).stat().st_mtime_ns))
    data.pop("budget", None)  # the app runs the scenario's levers as written, not scaled to a budget
    data["name"] = name or f"{settings.scenario}_app"
    data["levers"] = {**data["levers"], **(lesson_levers or {}),
                      **{lever: {"constant": float(value)} for lever, value in settings.levers}}
    return Scenario.model_validate(data, context={"regions_directory": None})


@functools.lru_cache(maxsize=64)
def _resolved(path: str, region: str, modified: int) -> dict:
    """The resolved scenario file under ``region`` (read again when the file's time ``modified`` changes)."""
    return load_scenario(path, region=region).resolved_dict()


def scenario_yaml(scenario: Scenario, description: str) -> str:
    """A self-contained scenario file (no ``extends``) of ``scenario``: ``restrans run`` accepts it unchanged."""
    data = scenario.resolved_dict()
    data.pop("budget", None)
    data["description"] = description
    for key in ("parameters", "initial", "uncertainty"):
        if not data.get(key):
            data.pop(key, None)
    header = "# Exported from restrans app: run it with `restrans run FILE`.\n"
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
