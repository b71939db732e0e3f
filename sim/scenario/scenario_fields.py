"""Field models of scenario files: lever schedules and uncertainty distributions.

Strict pydantic v2 models (unknown keys rejected, no string-to-number
coercion) used by :mod:`restrans.sim.scenario.scenario`; their errors carry the sub-key path,
value and suggestion that :class:`~restrans.sim.scenario.errors.InputError` reports.
"""
from __future__ import annotations

import math
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_serializer, model_validator
from pydantic_core import PydanticCustomError

from restrans.sim.scenario import driver_series, schedules
from restrans.sim.scenario.errors import MISSING, InputError, did_you_mean
from restrans.sim.scenario.names import check_output_name

SCHEDULE_KINDS: tuple[str, ...] = ("constant", "step", "ramp", "table", "pulse", "series")
DISTRIBUTION_KINDS: tuple[str, ...] = ("normal", "uniform", "lognormal", "triangular")
MINIMUM_MASS = 1e-9
"""Least probability a normal or lognormal must have between its truncation bounds (else refused: the draws
would come from a distribution that is practically never there, and below about 1e-16 from none at all)."""


def _error(kind: str, allowed: str, key: str = "", value: Any = MISSING, suggestion: str | None = None,
           related: tuple[str, ...] = ()):
    """A pydantic error carrying the sub-key path, value and suggestion for :class:`InputError`.

    ``related`` names the other keys (dotted, from the same model) a cross-field
    check involves: the error names the file that set any of them last.
    """
    return PydanticCustomError(kind, "{allowed}", {"allowed": allowed, "key": key, "value": value,
                                                   "suggestion": suggestion, "related": related})


def checked_output_name(name: str) -> str:
    """``name`` if :func:`~restrans.sim.scenario.names.check_output_name` accepts it, else a pydantic error
    (for the ``name`` field of scenario models: it becomes the output folder)."""
    try:
        return check_output_name(name, "", "name")
    except InputError as error:
        raise _error("output_name", error.allowed, value=name) from None


def _bounds_text(declaration) -> str:
    return f"allowed [{declaration.lower:g}, {declaration.upper:g}] {declaration.unit}"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)

    @classmethod
    def _prepare(cls, data: Any) -> Any:
        return data

    @model_validator(mode="before")
    @classmethod
    def _known_keys_only(cls, data: Any) -> Any:
        data = cls._prepare(data)
        if isinstance(data, dict):
            allowed = [field.alias or name for name, field in cls.model_fields.items()]
            for key in data:
                if key not in allowed:
                    raise _error("unknown_key", f"unknown key; allowed: {', '.join(allowed)}", str(key), key,
                                 did_you_mean(key, allowed))
        return data


class _OneOf(_Strict):
    """A mapping with exactly one key naming its kind, e.g. ``{ramp: {...}}``, plus optional option keys."""

    _OPTIONS: ClassVar[dict[str, Any]] = {}
    """Option fields (not kinds) and their defaults; an option at its default is left out when serialised."""

    @classmethod
    def _kinds(cls) -> list[str]:
        return [name for name in cls.model_fields if name not in cls._OPTIONS]

    @model_validator(mode="after")
    def _exactly_one(self):
        given = [name for name in self._kinds() if getattr(self, name) is not None]
        if len(given) != 1:
            raise _error("one_kind", f"exactly one of: {', '.join(self._kinds())}", value=given)
        return self

    @property
    def kind(self) -> str:
        """The one key that is set."""
        return next(name for name in self._kinds() if getattr(self, name) is not None)

    @model_serializer(mode="wrap")
    def _without_unset_kinds(self, handler):
        return {key: value for key, value in handler(self).items()
                if value is not None and not (key in self._OPTIONS and value == self._OPTIONS[key])}


# --- lever schedules ----------------------------------------------------------------------


class StepArgs(_Strict):
    before: float
    after: float
    at: float


class RampArgs(_Strict):
    start_value: float = Field(alias="from")
    end_value: float = Field(alias="to")
    start: float
    end: float

    @model_validator(mode="after")
    def _end_after_start(self):
        if self.end <= self.start:
            raise _error("ramp_end", f"a year after ramp start ({self.start:g})", "end", self.end, related=("start",))
        return self


class TableArgs(_Strict):
    years: list[float] = Field(min_length=1)
    values: list[float] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self):
        if len(self.values) != len(self.years):
            raise _error("table_length", f"as many values as years ({len(self.years)})", "values", self.values)
        for index in range(1, len(self.years)):
            if self.years[index] <= self.years[index - 1]:
                raise _error("table_years", f"strictly increasing years (after {self.years[index - 1]:g})",
                             f"years[{index}]", self.years[index])
        return self


class PulseArgs(_Strict):
    base: float
    amount: float
    start: float
    duration: float

    @model_validator(mode="after")
    def _positive_duration(self):
        if self.duration <= 0:
            raise _error("pulse_duration", "a duration > 0 years", "duration", self.duration)
        return self


BASES: tuple[str, ...] = ("level", "increment", "multiple")
"""How a schedule's values relate to the region's 2025 lever value (see :func:`apply_basis`)."""


def apply_basis(basis: str, values, baseline):
    """Lever values from a schedule's written values and the region's 2025 value of the lever.

    ``level``: the values themselves; ``increment``: baseline + values;
    ``multiple``: baseline x values. Works on floats and numpy arrays alike.
    """
    if basis == "increment":
        return baseline + values
    if basis == "multiple":
        return baseline * values
    return values


class LeverSchedule(_OneOf):
    """A lever's value over time; a bare number in the file means ``{constant: number}``.

    ``basis`` says whether the values are the lever's level (default), an
    increment on the region's 2025 value, or a multiple of it.
    """

    _OPTIONS: ClassVar[dict[str, Any]] = {"basis": "level"}

    constant: float | None = None
    step: StepArgs | None = None
    ramp: RampArgs | None = None
    table: TableArgs | None = None
    pulse: PulseArgs | None = None
    series: str | None = None
    basis: Literal["level", "increment", "multiple"] = "level"

    @model_validator(mode="after")
    def _known_series(self):
        names = tuple(driver_series.DRIVER_SERIES)
        if self.series is not None and self.series not in names:
            raise _error("unknown_series", f"a driver series of model/data/drivers.csv: {', '.join(names)}",
                         "series", self.series, did_you_mean(self.series, names))
        return self

    @classmethod
    def _prepare(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise _error("bool_schedule", "a number or a schedule (true/false is not a number)", value=data)
        if isinstance(data, (int, float)):
            return {"constant": data}
        if not isinstance(data, (dict, LeverSchedule)):
            raise _error("schedule_type", f"a number or a mapping with one of: {', '.join(SCHEDULE_KINDS)}",
                         value=data)
        return data

    def checked_values(self) -> list[tuple[str, float, float, str]]:
        """(sub-path, value written, value the lever takes, label) for the bounds check.

        Empty for an increment or a multiple: those are checked once the region is known.
        """
        if self.basis != "level":
            return []
        if self.constant is not None:
            return [("constant", self.constant, self.constant, "")]
        if self.step is not None:
            return [("step.before", self.step.before, self.step.before, ""),
                    ("step.after", self.step.after, self.step.after, "")]
        if self.ramp is not None:
            ramp = self.ramp
            return [("ramp.from", ramp.start_value, ramp.start_value, ""),
                    ("ramp.to", ramp.end_value, ramp.end_value, "")]
        if self.table is not None:
            return [(f"table.values[{index}]", value, value, "") for index, value in enumerate(self.table.values)]
        if self.series is not None:
            return [(f"series ({year})", value, value, "") for year, value in
                    driver_series.series_values(self.series).items()]
        top = self.pulse.base + self.pulse.amount
        return [("pulse.base", self.pulse.base, self.pulse.base, ""),
                ("pulse.amount", self.pulse.amount, top, f"base + amount = {top:g}; ")]

    def to_schedule(self, baseline: float | None = None) -> schedules.PiecewiseLinear:
        """The schedule as a :class:`restrans.sim.scenario.schedules.PiecewiseLinear` of lever values.

        ``baseline`` is the region's 2025 value of the lever, needed unless the basis is ``level``.
        """
        written = self._written_schedule()
        if self.basis == "level":
            return written
        if baseline is None:
            raise ValueError(f"a schedule with basis '{self.basis}' needs the region's 2025 lever value")
        values = tuple(float(apply_basis(self.basis, value, baseline)) for value in written.values)
        return schedules.PiecewiseLinear(written.times, values)

    def _written_schedule(self) -> schedules.PiecewiseLinear:
        if self.constant is not None:
            return schedules.constant(self.constant)
        if self.step is not None:
            return schedules.step(self.step.before, self.step.after, self.step.at)
        if self.ramp is not None:
            ramp = self.ramp
            return schedules.ramp(ramp.start_value, ramp.end_value, ramp.start, ramp.end)
        if self.table is not None:
            return schedules.table(self.table.years, self.table.values)
        if self.series is not None:
            return schedules.PiecewiseLinear(*driver_series.series_points(self.series))
        pulse = self.pulse
        return schedules.pulse(pulse.base, pulse.amount, pulse.start, pulse.duration)


# --- uncertainty ----------------------------------------------------------------------------


class _Bounded(_Strict):
    """Arguments of a distribution with ``lower`` and ``upper`` (optional for normal and lognormal)."""

    @model_validator(mode="after")
    def _lower_below_upper(self):
        lower, upper = getattr(self, "lower", None), getattr(self, "upper", None)
        if lower is not None and upper is not None and not lower < upper:
            raise _error("bounds_order", f"a number > lower ({lower:g})", "upper", upper, related=("lower",))
        return self


class NormalArgs(_Bounded):
    mean: float
    sd: float = Field(gt=0)
    lower: float | None = None
    upper: float | None = None


class LognormalArgs(_Bounded):
    mean_log: float
    sd_log: float = Field(gt=0)
    lower: float | None = None
    upper: float | None = None


class UniformArgs(_Bounded):
    lower: float
    upper: float


class TriangularArgs(_Bounded):
    lower: float
    mode: float
    upper: float

    @model_validator(mode="after")
    def _mode_between(self):
        if not self.lower <= self.mode <= self.upper:
            raise _error("triangular_order", f"lower <= mode <= upper with lower < upper "
                         f"(lower {self.lower:g}, upper {self.upper:g})", "mode", self.mode)
        return self


class Distribution(_OneOf):
    """An uncertain parameter's distribution. Without lower/upper, a normal or
    lognormal is truncated to the parameter's declared bounds (see :meth:`Scenario.uncertainty_bounds`)."""

    normal: NormalArgs | None = None
    uniform: UniformArgs | None = None
    lognormal: LognormalArgs | None = None
    triangular: TriangularArgs | None = None

    @property
    def args(self) -> _Bounded:
        return getattr(self, self.kind)

    def probability_within(self, lower: float, upper: float) -> float:
        """Probability between ``lower`` and ``upper`` (the parameter's unit), computed as the sampler does
        (difference of the CDF at the bounds); 1 for uniform and triangular, which live within their bounds."""
        from scipy import stats

        if self.kind == "normal":
            distribution = stats.norm(loc=self.normal.mean, scale=self.normal.sd)
        elif self.kind == "lognormal":
            distribution = stats.lognorm(s=self.lognormal.sd_log, scale=math.exp(self.lognormal.mean_log))
        else:
            return 1.0
        return float(distribution.cdf(upper) - distribution.cdf(lower))

    def check_mass(self, lower: float, upper: float, where: str = "") -> None:
        """Refuse a normal or lognormal with less than :data:`MINIMUM_MASS` probability in [lower, upper]."""
        mass = self.probability_within(lower, upper)
        if not mass >= MINIMUM_MASS:
            centre = (f"mean {self.normal.mean:g}, sd {self.normal.sd:g}" if self.kind == "normal" else
                      f"mean_log {self.lognormal.mean_log:g}, sd_log {self.lognormal.sd_log:g}")
            raise _error("no_mass", f"a {self.kind} distribution with probability between its bounds [{lower:g}, "
                         f"{upper:g}]; this one ({centre}) has {mass:.3g} there (at least {MINIMUM_MASS:g} needed)",
                         f"{where}{self.kind}", self.args.model_dump(exclude_none=True))

    def checked_values(self) -> list[tuple[str, float, float, str]]:
        """(sub-path, value, value, label) of the bounds (and normal mean, triangular mode) to check."""
        names = {"normal": ("mean", "lower", "upper"), "lognormal": ("lower", "upper"),
                 "uniform": ("lower", "upper"), "triangular": ("lower", "mode", "upper")}[self.kind]
        values = [(name, getattr(self.args, name)) for name in names if getattr(self.args, name) is not None]
        return [(f"{self.kind}.{name}", value, value, "within the parameter's bounds: ") for name, value in values]
