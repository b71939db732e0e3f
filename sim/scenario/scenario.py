"""Scenario files: read YAML, resolve ``extends``, apply overrides, validate.

Reading the files and the ``extends`` chain lives in :mod:`~restrans.sim.scenario.files`;
its public names are importable from here too.

:func:`load_scenario` returns a validated, fully resolved :class:`Scenario`
(pydantic v2, unknown keys rejected, no string-to-number coercion). Every
problem raises :class:`~restrans.sim.scenario.errors.InputError` with one line naming the file,
the key path, the value, what is allowed and, for names, a did-you-mean.
Levers the scenario does not name are left out: the caller fills them from the
region preset or the model baseline.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Mapping

import numpy as np
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from restrans.model.levers import LEVERS
from restrans.model.parameters import PARAMETERS
from restrans.model.stocks import STOCKS
from restrans.sim.scenario import schedules
from restrans.sim.scenario.errors import InputError, did_you_mean
from restrans.sim.scenario.files import FILE_KEYS, _input_error, _Resolver, parse_assignment  # noqa: F401
from restrans.sim.scenario.overrides import override_section, schedule_with_field
from restrans.sim.scenario.regions import available_regions, is_known_region, unknown_region_error  # noqa: F401
from restrans.sim.scenario.scenario_fields import (DISTRIBUTION_KINDS, SCHEDULE_KINDS, Distribution, LeverSchedule,  # noqa: F401
                                 _bounds_text, _error, _Strict, checked_output_name)

METHODS: tuple[str, ...] = ("euler", "rk4", "RK45", "DOP853", "LSODA", "BDF", "Radau")
FIXED_STEP_METHODS: tuple[str, ...] = ("euler", "rk4")
MAXIMUM_STEPS = 200_000
"""Most steps a fixed-step run may take ((end - start) / dt): 10 years at dt = 5e-5 yr; a smaller step would
take minutes per run without changing the result beyond rounding."""
DEFAULT_REGION = "coal_mature"
"""Region of a scenario that names none (the model defaults describe a mature coal city)."""

_PARAMETERS = {parameter.name: parameter for parameter in PARAMETERS}
_STOCKS = {stock.name: stock for stock in STOCKS}
_LEVERS = {lever.name: lever for lever in LEVERS}
_TOLERANCE = 1e-9


# --- the scenario ---------------------------------------------------------------------------


class TimeSpec(_Strict):
    start: float = Field(2025.0, ge=1900, le=2200)
    end: float = Field(2035.0, ge=1900, le=2200)
    saveper: float = Field(0.25, gt=0)

    @model_validator(mode="after")
    def _end_after_start(self):
        if self.end <= self.start:
            raise _error("time_order", f"a year after time.start ({self.start:g})", "end", self.end,
                         related=("start",))
        return self


class SolverSpec(_Strict):
    method: str = "euler"
    dt: float = Field(0.0625, gt=0)
    rtol: float = Field(1e-6, gt=0)
    atol: float = Field(1e-6, gt=0)

    @field_validator("method")
    @classmethod
    def _known_method(cls, method: str) -> str:
        """A method name in any letter case (``rk45``, ``EULER``), stored as spelled in :data:`METHODS`."""
        method = {known.lower(): known for known in METHODS}.get(method.lower(), method)
        if method not in METHODS:
            raise _error("unknown_method", f"one of: {', '.join(METHODS)}", value=method,
                         suggestion=did_you_mean(method, METHODS))
        return method


def _candidate_times(time: TimeSpec) -> np.ndarray:
    start, end, saveper = time.start, time.end, time.saveper
    count = int(np.floor((end - start) / saveper + _TOLERANCE))
    years = np.arange(np.ceil(start - _TOLERANCE), np.floor(end + _TOLERANCE) + 1.0)
    return np.concatenate([start + saveper * np.arange(count + 1), years, [end]])


def _check_step(time: TimeSpec, solver: SolverSpec) -> None:
    """dt must not exceed saveper; for fixed-step methods every output time must be on the dt grid."""
    dt, saveper, method = solver.dt, time.saveper, solver.method
    if dt > saveper:
        raise _error("dt_too_large", f"a step <= time.saveper ({saveper:g})", "solver.dt", dt,
                     related=("time.saveper",))
    if method in FIXED_STEP_METHODS and (time.end - time.start) / dt > MAXIMUM_STEPS:
        raise _error("too_many_steps", f"a step giving at most {MAXIMUM_STEPS:,} steps of method '{method}' over "
                     f"{time.start:g}-{time.end:g} (dt >= {(time.end - time.start) / MAXIMUM_STEPS:g} yr)",
                     "solver.dt", dt, related=("solver.method", "time.start", "time.end"))
    if method in FIXED_STEP_METHODS:
        steps = (_candidate_times(time) - time.start) / dt
        if np.any(np.abs(steps - np.round(steps)) > 1e-6):
            raise _error("dt_grid", f"for fixed-step method '{method}', a step that divides time.saveper "
                         f"({saveper:g}), whole years and the run length (e.g. 0.25, 0.125, 0.0625)",
                         "solver.dt", dt, related=("solver.method", "time.saveper", "time.start", "time.end"))


def _check_names(entries: Any, declarations: Mapping, word: str, where: str) -> Any:
    if isinstance(entries, dict):
        for name in entries:
            if not isinstance(name, str) or name not in declarations:
                raise _error(f"unknown_{word}", f"unknown {word}; allowed: one of the {len(declarations)} "
                             f"{word}s in {where}", str(name), name, did_you_mean(name, declarations))
    return entries


def _check_bounds(values: Mapping[str, float], declarations: Mapping) -> None:
    for name, value in values.items():
        _check_bound(name, value, value, declarations[name])


def _check_bound(path: str, value: float, checked: float, declaration, label: str = "") -> None:
    if not declaration.lower <= checked <= declaration.upper:
        raise _error("out_of_bounds", label + _bounds_text(declaration), path, value)


class Scenario(_Strict):
    """A validated, fully resolved scenario (``extends`` and overrides applied)."""

    name: str
    description: str = ""
    region: str = DEFAULT_REGION
    time: TimeSpec = Field(default_factory=TimeSpec)
    solver: SolverSpec = Field(default_factory=SolverSpec)
    parameters: dict[str, float] = Field(default_factory=dict)
    initial: dict[str, float] = Field(default_factory=dict)
    levers: dict[str, LeverSchedule] = Field(default_factory=dict)
    uncertainty: dict[str, Distribution] = Field(default_factory=dict)
    budget: float | None = Field(None, gt=0)
    source_files: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _output_name(cls, name: str) -> str:
        return checked_output_name(name)

    @field_validator("region")
    @classmethod
    def _known_region(cls, region: str, info) -> str:
        directory = (info.context or {}).get("regions_directory")
        if not is_known_region(region, directory):
            error = unknown_region_error("", "region", region, directory)
            raise _error("unknown_region", error.allowed, value=region, suggestion=error.suggestion)
        return region

    @field_validator("parameters", "uncertainty", mode="before")
    @classmethod
    def _known_parameters(cls, entries: Any) -> Any:
        return _check_names(entries, _PARAMETERS, "parameter", "model/parameters.py")

    @field_validator("initial", mode="before")
    @classmethod
    def _known_stocks(cls, entries: Any) -> Any:
        return _check_names(entries, _STOCKS, "stock", "model/stocks.py")

    @field_validator("levers", mode="before")
    @classmethod
    def _known_levers(cls, entries: Any) -> Any:
        return _check_names(entries, _LEVERS, "lever", "model/levers.py")

    @field_validator("parameters")
    @classmethod
    def _parameters_in_bounds(cls, values: dict[str, float]) -> dict[str, float]:
        _check_bounds(values, _PARAMETERS)
        return values

    @field_validator("initial")
    @classmethod
    def _initial_in_bounds(cls, values: dict[str, float]) -> dict[str, float]:
        _check_bounds(values, _STOCKS)
        return values

    @field_validator("levers")
    @classmethod
    def _levers_in_bounds(cls, levers: dict[str, LeverSchedule]) -> dict[str, LeverSchedule]:
        for name, schedule in levers.items():
            for path, value, checked, label in schedule.checked_values():
                _check_bound(f"{name}.{path}", value, checked, _LEVERS[name], label)
        return levers

    @field_validator("uncertainty")
    @classmethod
    def _uncertainty_in_bounds(cls, uncertainty: dict[str, Distribution]) -> dict[str, Distribution]:
        for name, distribution in uncertainty.items():
            for path, value, checked, label in distribution.checked_values():
                _check_bound(f"{name}.{path}", value, checked, _PARAMETERS[name], label)
            args, declaration = distribution.args, _PARAMETERS[name]
            lower, upper = getattr(args, "lower", None), getattr(args, "upper", None)
            distribution.check_mass(declaration.lower if lower is None else lower,
                                    declaration.upper if upper is None else upper, f"{name}.")
        return uncertainty

    @model_validator(mode="after")
    def _step_fits_output(self):
        _check_step(self.time, self.solver)
        return self

    def with_solver(self, method: str | None = None, dt: float | None = None) -> Scenario:
        """A copy with another solver method and/or step (command-line ``--method``, ``--dt``)."""
        solver = self.solver.model_dump()
        solver.update({key: value for key, value in (("method", method), ("dt", dt)) if value is not None})
        argument = "--method" if method is not None else "--dt"
        try:
            checked = SolverSpec.model_validate(solver)
            _check_step(self.time, checked)
        except ValidationError as error:
            raise _input_error(error, _Resolver(), argument, ("solver",)) from None
        except PydanticCustomError as error:
            raise InputError(argument, f"solver.{error.context['key'].split('.')[-1]}", error.context["value"],
                             error.context["allowed"]) from None
        return self.model_copy(update={"solver": checked})

    def _candidate_times(self) -> np.ndarray:
        return _candidate_times(self.time)

    def output_times(self) -> np.ndarray:
        """Times to report: start..end every saveper, the end, and every whole year; sorted, unique.

        For fixed-step methods every time is exactly ``start + k * dt``.
        """
        times = self._candidate_times()
        if self.solver.method in FIXED_STEP_METHODS:
            times = self.time.start + np.round((times - self.time.start) / self.solver.dt) * self.solver.dt
        whole = np.round(times)
        times = np.where(np.abs(times - whole) <= _TOLERANCE, whole, times)
        times = np.sort(times)
        keep = np.concatenate([[True], np.diff(times) > _TOLERANCE * np.maximum(1.0, np.abs(times[1:]))])
        return times[keep]

    def lever_schedule(self, name: str, default: float | None = None) -> schedules.PiecewiseLinear:
        """The schedule of lever ``name``; ``constant(default)`` if the scenario does not set it.

        ``default`` is the region's 2025 value of the lever: the base of a schedule
        whose basis is ``increment`` or ``multiple``. The values are checked
        against the lever's bounds (InputError naming the scenario file).
        Raises KeyError if the lever is not set and no default is given.
        """
        if name in self.levers:
            schedule = self.levers[name]
            if schedule.basis != "level" and default is None:
                raise KeyError(f"lever {name!r} of scenario {self.name!r} is relative to a region value not given")
            resolved = schedule.to_schedule(default)
            declaration = _LEVERS[name]
            for value in resolved.values:
                if not declaration.lower <= value <= declaration.upper:
                    raise InputError(self.source_files[0] if self.source_files else self.name, f"levers.{name}",
                                     value, f"{_bounds_text(declaration)} after applying basis "
                                     f"'{schedule.basis}' to the region's 2025 value {default:g}")
            return resolved
        if default is None:
            raise KeyError(f"scenario {self.name!r} does not set lever {name!r}")
        return schedules.constant(default)

    def uncertainty_bounds(self, name: str) -> tuple[float, float]:
        """Effective (lower, upper) of an uncertain parameter: its own bounds, else the declared ones."""
        args, declaration = self.uncertainty[name].args, _PARAMETERS[name]
        lower, upper = getattr(args, "lower", None), getattr(args, "upper", None)
        return (declaration.lower if lower is None else lower, declaration.upper if upper is None else upper)

    def resolved_dict(self) -> dict:
        """The fully resolved scenario as plain JSON types (``source_files`` left out: paths vary by machine)."""
        return self.model_dump(mode="json", by_alias=True, exclude={"source_files"})


def scenario_hash(scenario: Scenario) -> str:
    """sha256 hex digest of the canonical JSON of :meth:`Scenario.resolved_dict`."""
    text = json.dumps(scenario.resolved_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- loading a file -------------------------------------------------------------------------


def load_scenario(path: str | Path, region: str | None = None, overrides: Mapping[str, float] | None = None,
                  *, regions_directory: str | Path | None = None) -> Scenario:
    """Read, resolve ``extends``, apply ``region`` and ``--set`` overrides, validate.

    Parameters
    ----------
    path : str or Path
        The scenario file.
    region : str, optional
        Replaces the file's region (errors name ``--region``).
    overrides : mapping of str to float, optional
        ``--set`` values: a parameter name, a lever name (a constant schedule),
        ``initial.STOCK`` or a number field of a lever's schedule in the file,
        ``LEVER.KIND.FIELD`` (errors name ``--set``; :mod:`~restrans.sim.scenario.overrides`).
    regions_directory : str or Path, optional
        Where region presets live (default ``model/regions``).

    Raises
    ------
    InputError
        Anything wrong, as one line naming the file, key path, value and what is allowed.
    """
    display = str(path)
    resolver = _Resolver()
    data = resolver.read(Path(path), display)
    if "name" not in resolver.top_level_keys:
        data["name"] = Path(path).stem
        resolver.provenance[("name",)] = (0, display)
    if region is not None:
        data = resolver.merge(data, {"region": region}, "--region")
    for name, value in (overrides or {}).items():
        section, key = override_section(name)
        if section == "schedule":
            section, value = "levers", schedule_with_field(data, name, value)
        if isinstance(data.get(section, {}), dict):
            data = resolver.merge(data, {section: {key: value}}, "--set")
    data["source_files"] = resolver.source_files
    try:
        return Scenario.model_validate(data, context={"regions_directory": regions_directory})
    except ValidationError as error:
        raise _input_error(error, resolver, display) from None
