"""Scenarios for a modeler's own Vensim or XMILE model, run through PySD.

``restrans run SCENARIO --model town.mdl`` reads the scenario file with the
same rules as for restrans (YAML, ``extends``, one-line errors) but checks its
``parameters``, ``levers`` and ``uncertainty`` against the *model's own*
constants and its ``initial`` against the model's stocks, with did-you-mean
suggestions. Names may be written as in the model ("mine capacity") or as
PySD's Python names ("mine_capacity"). Values are checked against the
``[min,max]`` range the model declares, if any. ``time`` and ``solver.dt``
default to the model's INITIAL TIME, FINAL TIME, SAVEPER and TIME STEP; the
method is Euler (PySD's only one).

A model file is code: PySD translates it to Python and runs it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError, field_validator, model_validator

from restrans.sim.engine import pysd_engine
from restrans.sim.engine.pysd_errors import MAXIMUM_MODEL_BYTES, ModelRunError, translation_error
from restrans.sim.ensembles.sweep_folder import SweepFault
from restrans.sim.scenario.errors import InputError, did_you_mean
from restrans.sim.scenario.scenario import _input_error, _Resolver, parse_assignment
from restrans.sim.scenario.scenario_fields import Distribution, LeverSchedule, _error, _Strict, checked_output_name

CONTROL_NAMES = ("initial_time", "final_time", "time_step", "saveper")
_NOT_FOR_FOREIGN = ("region", "budget")


@dataclass(frozen=True)
class Element:
    """A named element of a foreign model.

    Attributes
    ----------
    name : str
        The name in the model file ("mine capacity").
    python_name : str
        PySD's name ("mine_capacity").
    unit, doc : str
    lower, upper : float
        The range the model declares (-inf / inf where it declares none).
    """

    name: str
    python_name: str
    unit: str
    doc: str
    lower: float = -math.inf
    upper: float = math.inf


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _limits(value: Any) -> tuple[float, float]:
    lower, upper = value if isinstance(value, tuple) and len(value) == 2 else (math.nan, math.nan)
    lower = -math.inf if lower is None or math.isnan(lower) else float(lower)
    upper = math.inf if upper is None or math.isnan(upper) else float(upper)
    return lower, upper


class ForeignModelFault(ModelRunError, SweepFault):
    """A foreign model whose equations fail while PySD loads it: one line naming the model file, exit code 1
    from ``run --model`` and ``sweep --model`` alike."""


class ForeignModel:
    """A Vensim or XMILE model loaded through PySD, with its constants, stocks and control values.

    Parameters
    ----------
    path : Path
        The model file (``.mdl``, ``.xmile``, ``.xml`` or ``.stmx``).
    cache : Path, optional
        Folder of PySD translations.

    Raises
    ------
    InputError
        The file is missing, has another suffix, is larger than
        :data:`~restrans.sim.engine.pysd_errors.MAXIMUM_MODEL_BYTES`, has a comment or a unit that PySD would
        turn into code (a triple quote or a backslash), or PySD cannot translate it (one line naming the
        file and, where PySD says it, the variable).
    ForeignModelFault
        An equation fails while PySD computes the initial values (e.g. a 0/0).
    """

    def __init__(self, path: Path, cache: Path | None = None):
        self.path, self.display = Path(path), str(path)
        if self.path.suffix.lower() not in pysd_engine.MODEL_SUFFIXES:
            raise InputError("--model", "(file)", self.display,
                             f"a Vensim or XMILE model file ({', '.join(pysd_engine.MODEL_SUFFIXES)})")
        if not self.path.is_file():
            raise InputError("--model", "(file)", self.display, "an existing model file; this one was not found")
        size = self.path.stat().st_size
        if size > MAXIMUM_MODEL_BYTES:
            raise InputError(self.display, "(file)", f"{size / 2 ** 20:.1f} MiB", f"a model file of at most "
                             f"{MAXIMUM_MODEL_BYTES / 2 ** 20:g} MiB (PySD would take minutes or more on it)")
        try:
            translated = pysd_engine.translate(self.path, cache)
        except InputError:  # e.g. a comment that would run as code in PySD's Python (sim/engine/model_text.py)
            raise
        except Exception as error:  # PySD raises many kinds on a model it cannot read
            raise translation_error(error, self.display) from None
        try:
            self.model = pysd_engine.load_translated(translated)
        except ModelRunError as error:  # an initial value fails (a 0/0): a fault of the model, exit code 1
            raise ForeignModelFault(error.reason, error.variable, error.time, self.display) from None
        self.constants, self.stocks, self.variables = self._elements()
        self._used = False
        self.pysd_version = pysd_engine.version()
        time = self.model.time
        self.control = {name: float(getattr(time, name)()) for name in CONTROL_NAMES}

    def reset(self) -> None:
        """Back to the model file's own values: PySD keeps the constants a previous run set."""
        if self._used:
            with pysd_engine.quiet():
                self.model.reload()
        self._used = True

    def _elements(self) -> tuple[dict[str, Element], dict[str, Element], dict[str, Element]]:
        constants, stocks, variables = {}, {}, {}
        for record in self.model.doc.to_dict("records"):
            python_name, kind = record["Py Name"], _text(record["Type"])
            if python_name in CONTROL_NAMES or python_name == "time" or kind in ("", "Lookup"):
                continue
            lower, upper = _limits(record["Limits"])
            element = Element(record["Real Name"], python_name, _text(record["Units"]), _text(record["Comment"]),
                              lower, upper)
            variables[python_name] = element
            if record["Subscripts"]:
                continue
            if kind == "Constant":
                constants[python_name] = element
            elif kind == "Stateful" and _text(record["Subtype"]) == "Integ":
                stocks[python_name] = element
        return constants, stocks, variables

    def resolve(self, name: Any, elements: Mapping[str, Element]) -> Element | None:
        """The element called ``name`` (model name or Python name, case and ``_``/space insensitive)."""
        if not isinstance(name, str):
            return None
        wanted = " ".join(name.replace("_", " ").lower().split())
        for element in elements.values():
            if wanted in (" ".join(element.name.replace("_", " ").lower().split()),
                          element.python_name.replace("_", " ")):
                return element
        return None

    def constant(self, name: Any, file: str, key: str) -> Element:
        """The constant called ``name``, or an :class:`InputError` naming ``file`` and ``key`` (e.g. a sweep factor)."""
        element = self.resolve(name, self.constants)
        if element is None:
            allowed, suggestion = self.unknown_name(name, self.constants, "constant")
            raise InputError(file, key, name, allowed, suggestion)
        return element

    def unknown_name(self, name: Any, elements: Mapping[str, Element], word: str) -> tuple[str, str | None]:
        """(allowed text, suggestion) for a name that is not one of ``elements``."""
        names = sorted(element.name for element in elements.values())
        listed = ": " + ", ".join(names) if len(names) <= 12 else f" (one of {len(names)})"
        suggestion = did_you_mean(name, names + [element.python_name for element in elements.values()])
        return f"unknown {word} of {self.display}; allowed{listed}", suggestion


def _check_elements(entries: Any, info, word: str) -> Any:
    if isinstance(entries, dict) and info is not None:
        model: ForeignModel = info.context["model"]
        elements = model.stocks if word == "stock" else model.constants
        for name in entries:
            if model.resolve(name, elements) is None:
                allowed, suggestion = model.unknown_name(name, elements, word)
                raise _error(f"unknown_{word}", allowed, str(name), name, suggestion)
    return entries


def _check_range(path: str, value: float, element: Element) -> None:
    if not element.lower <= value <= element.upper:
        raise _error("out_of_bounds", f"allowed [{element.lower:g}, {element.upper:g}] {element.unit} "
                     f"(the range the model declares)", path, value)


class ForeignTime(_Strict):
    start: float | None = None
    end: float | None = None
    saveper: float | None = Field(None, gt=0)


class ForeignSolver(_Strict):
    method: str = "euler"
    dt: float | None = Field(None, gt=0)

    @field_validator("method")
    @classmethod
    def _euler_only(cls, method: str) -> str:
        if method != "euler":
            raise _error("pysd_method", "euler (PySD integrates with Euler only)", value=method)
        return method


class ForeignScenario(_Strict):
    """A validated scenario for a foreign model; names are resolved to the model's Python names."""

    name: str
    description: str = ""
    time: ForeignTime = Field(default_factory=ForeignTime)
    solver: ForeignSolver = Field(default_factory=ForeignSolver)
    parameters: dict[str, float] = Field(default_factory=dict)
    initial: dict[str, float] = Field(default_factory=dict)
    levers: dict[str, LeverSchedule] = Field(default_factory=dict)
    uncertainty: dict[str, Distribution] = Field(default_factory=dict)
    source_files: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _output_name(cls, name: str) -> str:
        return checked_output_name(name)

    @field_validator("parameters", "levers", "uncertainty", mode="before")
    @classmethod
    def _known_constants(cls, entries: Any, info) -> Any:
        return _check_elements(entries, info, "constant")

    @field_validator("initial", mode="before")
    @classmethod
    def _known_stocks(cls, entries: Any, info) -> Any:
        return _check_elements(entries, info, "stock")

    @model_validator(mode="after")
    def _values_in_range(self, info):
        model: ForeignModel = info.context["model"]
        levers = {model.resolve(name, model.constants).python_name: name for name in self.levers}
        for name in self.parameters:
            python_name = model.resolve(name, model.constants).python_name
            if python_name in levers:
                raise _error("parameter_and_lever", "a constant set under parameters or under levers, not both",
                             f"parameters.{name}", name, related=(f"levers.{levers[python_name]}",))
        for name, value in self.parameters.items():
            _check_range(f"parameters.{name}", value, model.resolve(name, model.constants))
        for name, value in self.initial.items():
            _check_range(f"initial.{name}", value, model.resolve(name, model.stocks))
        for name, schedule in self.levers.items():
            if schedule.basis != "level":
                raise _error("foreign_basis", "level (a foreign model has no region preset to be relative to)",
                             f"levers.{name}.basis", schedule.basis)
            for path, value, checked, _label in schedule.checked_values():
                _check_range(f"levers.{name}.{path}", checked, model.resolve(name, model.constants))
        return self


@dataclass(frozen=True)
class ForeignRun:
    """What one foreign run needs: PySD names and values, and the time settings (model time unit)."""

    constants: dict[str, float | object]
    initial: dict[str, float]
    start: float
    end: float
    dt: float
    saveper: float


def load_foreign_scenario(path: str | Path, model: ForeignModel,
                          assignments: list[str] | None = None) -> ForeignScenario:
    """Read and validate a scenario for ``model``; ``--set NAME=VALUE`` sets a constant (or ``initial.STOCK``).

    Raises
    ------
    InputError
        Anything wrong, as one line naming the file, key, value, what is allowed and a suggestion.
    """
    display = str(path)
    resolver = _Resolver()
    data = resolver.read(Path(path), display)
    for key in _NOT_FOR_FOREIGN:
        if key in data:
            raise InputError(resolver.file_for([(key,)], display), key, data[key],
                             "no such key for a foreign model (region presets and budgets belong to restrans)")
    if "name" not in resolver.top_level_keys:
        data["name"] = Path(path).stem
    for text in assignments or []:
        name, value = parse_assignment(text)
        section, key = ("initial", name[len("initial."):]) if name.startswith("initial.") else ("parameters", name)
        elements = model.stocks if section == "initial" else model.constants
        if model.resolve(key, elements) is None:
            allowed, suggestion = model.unknown_name(key, elements, "stock" if section == "initial" else "constant")
            raise InputError("--set", name, name, allowed, suggestion)
        data = resolver.merge(data, {section: {key: value}}, "--set")
    data["source_files"] = resolver.source_files
    try:
        return ForeignScenario.model_validate(data, context={"model": model})
    except ValidationError as error:
        raise _input_error(error, resolver, display) from None


def run_settings(scenario: ForeignScenario, model: ForeignModel) -> ForeignRun:
    """PySD names and values of a validated foreign scenario; levers that vary in time are Series on the dt grid."""
    control = model.control
    start = control["initial_time"] if scenario.time.start is None else scenario.time.start
    end = control["final_time"] if scenario.time.end is None else scenario.time.end
    dt = control["time_step"] if scenario.solver.dt is None else scenario.solver.dt
    saveper = control["saveper"] if scenario.time.saveper is None else scenario.time.saveper
    where = scenario.source_files[0] if scenario.source_files else "--model"
    if not end > start:
        raise InputError(where, "time.end", end, f"a time after time.start ({start:g})")
    steps, per_save = (end - start) / dt, saveper / dt
    if any(abs(count - round(count)) > 1e-9 * max(count, 1.0) for count in (steps, per_save)):
        raise InputError(where, "solver.dt", dt, f"a step dividing the run length ({end - start:g}) and "
                         f"saveper ({saveper:g}) a whole number of times")
    constants: dict[str, float | object] = {model.resolve(name, model.constants).python_name: value
                                            for name, value in scenario.parameters.items()}
    grid = pysd_engine.grid_times(start, end, dt)
    for name, schedule in scenario.levers.items():
        function = schedule.to_schedule()
        values = np.array([function.value_at(float(time)) for time in grid])
        python_name = model.resolve(name, model.constants).python_name
        constants[python_name] = float(values[0]) if function.is_constant else pd.Series(values, index=grid)
    initial = {model.resolve(name, model.stocks).python_name: value for name, value in scenario.initial.items()}
    return ForeignRun(constants, initial, start, end, dt, saveper)


def output_times(settings: ForeignRun) -> np.ndarray:
    """Saved times: start, start + saveper, ... end (model time unit), on the dt grid."""
    count = int(round((settings.end - settings.start) / settings.saveper))
    steps_per_save = int(round(settings.saveper / settings.dt))
    return settings.start + np.arange(count + 1) * steps_per_save * settings.dt


def run_foreign(model: ForeignModel, settings: ForeignRun, extra: Mapping[str, float] | None = None) -> pd.DataFrame:
    """One run: a ``time`` column and one column per model variable (model names), at :func:`output_times`.

    ``extra`` sets more constants (PySD names) on top of the scenario's, e.g. a sweep's sampled values.
    """
    model.reset()
    return run_again_with_same_constants(model, settings, extra or {})


def run_foreign_batch(model: ForeignModel, settings: ForeignRun, samples: list[Mapping[str, float]],
                      columns: list[str] | None = None) -> dict[str, np.ndarray]:
    """Many runs of one scenario, each with other values of the same constants (for sweeps on a foreign model).

    Parameters
    ----------
    model, settings
        The model and its scenario's :func:`run_settings`.
    samples : list of mapping of str to float
        One mapping per run, all with the same keys: PySD names of constants (see
        :meth:`ForeignModel.resolve`) to their values in that run.
    columns : list of str, optional
        Model names of the variables to keep (default all).

    Returns
    -------
    dict of str to ndarray
        ``time`` (n_times,) and each variable (n_times, n_runs).
    """
    keys = {frozenset(sample) for sample in samples}
    if len(keys) > 1:
        raise ValueError("every sample of a foreign batch must set the same constants")
    frames = [run_foreign(model, settings, sample) if index == 0 else run_again_with_same_constants(model, settings, sample)
              for index, sample in enumerate(samples)]
    names = columns if columns is not None else [name for name in frames[0].columns if name != "time"]
    result = {"time": frames[0]["time"].to_numpy()}
    result.update({name: np.stack([frame[name].to_numpy(float) for frame in frames], axis=1) for name in names})
    return result


def run_again_with_same_constants(model: ForeignModel, settings: ForeignRun, sample: Mapping[str, float]) -> pd.DataFrame:
    """A further run that sets the same constants as the previous one (no reload needed)."""
    columns = sorted(element.name for element in model.variables.values())
    times = output_times(settings)
    frame = pysd_engine.run(model.model, {**settings.constants, **sample}, settings.initial, settings.start,
                            settings.end, settings.dt, settings.saveper, times, columns)
    frame = frame.reset_index(drop=True)  # subscripted variables come as one column per element
    frame.insert(0, "time", times)
    return frame


from restrans.sim.vensim.foreign_outputs import check_finite, variable_frame, write_foreign_outputs  # noqa: E402,F401
