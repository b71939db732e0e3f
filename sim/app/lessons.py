"""Guided lessons: data files (``scenarios/lessons/*.yaml``), validated, stepped through by the app.

A lesson is a sequence of steps. Each step has a short text, the levers it sets (lever schedules as in a
scenario file, added to those of the steps before it), the trajectories to watch, a question that asks
the class to predict before the result is shown, then the reveal and a one-paragraph explanation naming
the feedback loop at work (a loop of the README's table). Every text is bilingual (``{en: ..., zh: ...}``).

The file is validated with pydantic (unknown keys rejected, both languages required); a bad file raises
:class:`~restrans.sim.scenario.errors.InputError`: one line naming the file, the key path, the value
and what is allowed, which the command line prints with exit code 2.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator

from restrans.model.indicators import INDICATORS
from restrans.model.stocks import STOCKS
from restrans.model.variables import AUXILIARIES
from restrans.sim.report.translations import LANGUAGES, load_table
from restrans.sim.scenario.errors import MISSING, InputError, allowed_text, did_you_mean, read_yaml_mapping
from restrans.sim.scenario.regions import available_regions
from restrans.sim.scenario.scenario import _check_bound, _check_names
from restrans.sim.scenario.scenario_fields import LeverSchedule, _error, _Strict

MAXIMUM_LESSON_BYTES = 200_000
"""A lesson file larger than this is refused (lessons are short texts)."""


def known_loops() -> tuple[str, ...]:
    """The feedback loops a step may name: those of the string table (the README's loop table)."""
    return tuple(load_table().get("names", {}).get("loop", {}))


def known_variables() -> tuple[str, ...]:
    """Every variable a step may ask the class to watch: those with a name in the string table.

    Stocks and indicators (``names.stock``, ``names.indicator``) and the auxiliaries the app names
    (``app.variable``); another auxiliary needs its ``app.variable`` entry first.
    """
    named = load_table().get("app", {}).get("variable", {})
    return tuple(dict.fromkeys([*(stock.name for stock in STOCKS), *INDICATORS,
                                *(name for name in AUXILIARIES if name in named)]))


class Bilingual(_Strict):
    """A text in every language of :data:`~restrans.sim.report.translations.LANGUAGES`."""

    en: str
    zh: str

    @field_validator("en", "zh")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value.strip():
            raise _error("empty_text", "a non-empty text", value=value)
        return " ".join(value.split())

    def text(self, language: str) -> str:
        return getattr(self, language)


class Step(_Strict):
    """One step of a lesson; its ``levers`` add to those of the steps before it."""

    title: Bilingual
    text: Bilingual
    levers: dict[str, LeverSchedule] = Field(default_factory=dict)
    watch: list[str] = Field(min_length=1)
    question: Bilingual
    reveal: Bilingual
    explanation: Bilingual
    loop: str

    @field_validator("levers", mode="before")
    @classmethod
    def _known_levers(cls, entries: Any) -> Any:
        from restrans.model.levers import LEVERS

        return _check_names(entries, {lever.name: lever for lever in LEVERS}, "lever", "model/levers.py")

    @field_validator("levers")
    @classmethod
    def _levers_in_bounds(cls, levers: dict[str, LeverSchedule]) -> dict[str, LeverSchedule]:
        from restrans.model.levers import LEVERS

        declarations = {lever.name: lever for lever in LEVERS}
        for name, schedule in levers.items():
            for path, value, checked, text in schedule.checked_values():
                _check_bound(f"{name}.{path}", value, checked, declarations[name], text)
        return levers

    @field_validator("watch")
    @classmethod
    def _known_watch(cls, names: list[str]) -> list[str]:
        known = known_variables()
        for index, name in enumerate(names):
            if name not in known:
                raise _error("unknown_variable", "a stock or indicator of the model, or an auxiliary named under "
                             "app.variable in sim/report/strings.yaml", f"[{index}]", name, did_you_mean(name, known))
        return names

    @field_validator("loop")
    @classmethod
    def _known_loop(cls, name: str) -> str:
        if name not in known_loops():
            raise _error("unknown_loop", f"a feedback loop of the README: {', '.join(known_loops())}", "", name,
                         did_you_mean(name, known_loops()))
        return name

    def lever_entries(self) -> dict[str, dict]:
        """The step's lever schedules as scenario-file entries."""
        return {name: schedule.model_dump(mode="json", by_alias=True) for name, schedule in self.levers.items()}


class Lesson(_Strict):
    """A validated lesson file."""

    title: Bilingual
    summary: Bilingual
    region: str
    scenario: str = "baseline"
    steps: list[Step] = Field(min_length=1)

    @field_validator("region")
    @classmethod
    def _known_region(cls, region: str) -> str:
        regions = available_regions()
        if region not in regions:
            raise _error("unknown_region", f"a region preset: {', '.join(regions)}", "", region,
                         did_you_mean(region, regions))
        return region

    def levers_until(self, step: int, phase: str) -> dict[str, dict]:
        """Lever schedules set by steps 0..``step`` (``reveal``) or 0..``step``-1 (``predict``)."""
        last = step + 1 if phase == "reveal" else step
        levers: dict[str, dict] = {}
        for entry in self.steps[:last]:
            levers.update(entry.lever_entries())
        return levers


def _lesson_error(error: ValidationError, display: str) -> InputError:
    first = error.errors()[0]
    context = first.get("ctx") or {}
    location = [str(part) if isinstance(part, str) else f"[{part}]" for part in first["loc"]]
    if context.get("key"):
        location.append(str(context["key"]))
    value = MISSING if first["type"] == "missing" else context.get("value", first.get("input"))
    key = ".".join(location).replace(".[", "[") or "(top level)"
    return InputError(display, key, value, allowed_text(first, value), context.get("suggestion"))


def load_lesson(path: str | Path, scenarios: tuple[str, ...] = ()) -> Lesson:
    """Read and validate one lesson file.

    Parameters
    ----------
    path : str or Path
    scenarios : tuple of str
        Scenario file stems the lesson may start from (empty: not checked).

    Raises
    ------
    InputError
        One line naming the file, the key path, the value and what is allowed.
    """
    path = Path(path)
    if path.is_file() and path.stat().st_size > MAXIMUM_LESSON_BYTES:
        raise InputError(str(path), "(file)", path.stat().st_size, f"at most {MAXIMUM_LESSON_BYTES} bytes")
    data = read_yaml_mapping(path, str(path), "a lesson (title, summary, region, steps)")
    try:
        lesson = Lesson.model_validate(data)
    except ValidationError as error:
        raise _lesson_error(error, str(path)) from None
    if scenarios and lesson.scenario not in scenarios:
        raise InputError(str(path), "scenario", lesson.scenario, f"a scenario file: {', '.join(scenarios)}",
                         did_you_mean(lesson.scenario, scenarios))
    return lesson


def load_lessons(directory: str | Path, scenarios: tuple[str, ...] = ()) -> dict[str, Lesson]:
    """Every lesson of ``directory`` (``*.yaml``, sorted by file name), by file stem; stops at the first bad file."""
    directory = Path(directory)
    if not directory.is_dir():
        return {}
    return {path.stem: load_lesson(path, scenarios) for path in sorted(directory.glob("*.yaml"))}


def lesson_texts(lesson: Lesson) -> list[tuple[str, Bilingual]]:
    """Every text of a lesson with its key path (for the check that each has both languages)."""
    texts = [("title", lesson.title), ("summary", lesson.summary)]
    for index, step in enumerate(lesson.steps):
        texts += [(f"steps[{index}].{name}", getattr(step, name))
                  for name in ("title", "text", "question", "reveal", "explanation")]
    return texts


__all__ = ["LANGUAGES", "Bilingual", "Lesson", "Step", "known_loops", "lesson_texts", "load_lesson", "load_lessons"]
