"""What the app can show, read once at start: scenario files, region presets, targets and lessons.

:class:`Catalog` also runs the page's scenarios (:meth:`Catalog.summary`) and keeps the baseline of
each region, which never changes while the app runs (the fixed ghost line).
"""
from __future__ import annotations

import functools
from pathlib import Path

from restrans.sim.app.diagram import node_variables
from restrans.sim.app.lessons import Lesson, load_lessons
from restrans.sim.app.runs import RunSummary, simulate_one, summarise
from restrans.sim.app.settings import Choices, Settings, build_scenario
from restrans.sim.compare.targets import load_targets
from restrans.sim.scenario.errors import InputError
from restrans.sim.scenario.regions import available_regions

BASELINE = "baseline"
"""The scenario file (stem) of the ghost line: policy as of 2025."""


class Catalog:
    """The scenarios folder as the app sees it.

    Parameters
    ----------
    scenarios_directory : Path
        Holds the scenario files (every ``*.yaml`` but ``targets.yaml``), ``targets.yaml`` and
        ``lessons/*.yaml``.
    backend : str
        ``auto``, ``compiled`` or ``numpy``.

    Raises
    ------
    InputError
        The folder, its baseline or targets file, or a lesson file is missing or invalid.
    """

    def __init__(self, scenarios_directory: Path, backend: str = "auto"):
        directory = Path(scenarios_directory)
        if not directory.is_dir():
            raise InputError(str(directory), "(folder)", str(directory), "a folder of scenario files (scenarios/)")
        self.directory = directory
        self.backend = backend
        self.scenarios = tuple(sorted(path.stem for path in directory.glob("*.yaml") if path.stem != "targets"))
        if BASELINE not in self.scenarios:
            raise InputError(str(directory), "(folder)", str(directory), f"a folder holding {BASELINE}.yaml")
        self.regions = available_regions()
        self.targets = load_targets(directory / "targets.yaml").targets
        self.lessons: dict[str, Lesson] = load_lessons(directory / "lessons", self.scenarios)
        self.watched = tuple(dict.fromkeys([*(name for lesson in self.lessons.values() for step in lesson.steps
                                              for name in step.watch), *node_variables().values()]))
        self.summary = functools.lru_cache(maxsize=256)(self._summary)

    def choices(self) -> Choices:
        return Choices(self.regions, self.scenarios, {name: len(lesson.steps) for name, lesson in self.lessons.items()},
                       {name: (lesson.region, lesson.scenario) for name, lesson in self.lessons.items()})

    def path(self, scenario: str) -> Path:
        return self.directory / f"{scenario}.yaml"

    def lesson_levers(self, settings: Settings, phase: str | None = None) -> dict:
        """The lever schedules the settings' lesson has set so far (``phase`` overrides the settings')."""
        if settings.lesson is None:
            return {}
        return self.lessons[settings.lesson].levers_until(settings.step, phase or settings.phase)

    def scenario(self, settings: Settings, phase: str | None = None):
        """The validated scenario of ``settings`` (see :func:`~restrans.sim.app.settings.build_scenario`)."""
        levers = self.lesson_levers(settings, phase)
        return build_scenario(self.path(settings.scenario), settings, levers)

    def _summary(self, settings: Settings, label: str, phase: str | None = None) -> RunSummary:
        scenario = self.scenario(settings, phase)
        return summarise(simulate_one(scenario, self.backend), label, settings.region, self.targets, self.watched)

    def baseline(self, region: str) -> RunSummary:
        """The fixed ghost line of ``region``: ``baseline.yaml`` with no lever moved."""
        return self.summary(Settings(region=region, scenario=BASELINE), "baseline")

    def default_settings(self, language: str) -> Settings:
        return Settings(language=language, region=load_baseline_region(self.path(BASELINE)), scenario=BASELINE)


@functools.lru_cache(maxsize=8)
def load_baseline_region(path: Path) -> str:
    """The region the baseline file names (the app's starting region)."""
    from restrans.sim.scenario.scenario import load_scenario

    return load_scenario(path).region
