"""Declarations shared by every model element: unit, bounds, doc and source.

Each element of the model (parameter, stock, lever, lookup) is declared once as
one of these frozen records. They are data: nothing here computes.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Parameter:
    """A constant of the model.

    Attributes
    ----------
    name : str
        Full-word identifier, used in scenario files.
    default : float
        Value when neither the region preset nor the scenario sets it.
    unit : str
        Unit of measure, e.g. ``"1/yr"``, ``"km2/Mt"``.
    lower, upper : float
        Closed bounds; a scenario value outside them is rejected.
    doc : str
        One line saying what the constant means.
    source : str
        A citation, a row of ``domain-facts.md`` or ``ASSUMPTION: ...``.
    sector : str
        Model sector the constant belongs to.
    symbol : str
        Textbook symbol, for documentation only.
    plausible_lower, plausible_upper : float
        The range a referee would accept for a typical region (inside the
        validity bounds): uncertainty and sensitivity sampling use it by
        default. Equal to the default when the value is fixed by definition.
    plausible_source : str
        Where the plausible range comes from (a citation or ``ASSUMPTION: ...``).
    sampled : bool
        False for values that describe the region itself or are calibrated to
        its 2025 state (area, reference values): sampling keeps the preset's value.
    """

    name: str
    default: float
    unit: str
    lower: float
    upper: float
    doc: str
    source: str
    sector: str
    symbol: str = ""
    plausible_lower: float = float("nan")
    plausible_upper: float = float("nan")
    plausible_source: str = ""
    sampled: bool = True

    def plausible_range_at(self, value: float) -> tuple[float, float]:
        """The plausible range around ``value`` (a preset's or scenario's own value of this parameter).

        At the default it is the declared range; elsewhere the same range relative to the default
        (a preset's 300 CNY/t mines get 240-360 where the default 500 has 400-600), within the validity bounds.
        """
        low, high = self.plausible_lower, self.plausible_upper
        if value != self.default and self.default != 0.0:
            low, high = value * low / self.default, value * high / self.default
        return max(min(low, high), self.lower), min(max(low, high), self.upper)


@dataclass(frozen=True)
class Stock:
    """A state variable (level) of the model.

    Attributes
    ----------
    name, unit, doc, source, sector : str
        As for :class:`Parameter`; ``source`` justifies the default initial value.
    initial : float
        Default 2025 value when the region preset does not set it.
    lower, upper : float
        Plausible range of initial values (presets and scenarios are checked).
    """

    name: str
    unit: str
    initial: float
    lower: float
    upper: float
    doc: str
    source: str
    sector: str


@dataclass(frozen=True)
class Lever:
    """A policy lever: a quantity the scenario sets over time through a schedule.

    Attributes
    ----------
    name, unit, doc, source : str
        As for :class:`Parameter`; ``source`` justifies the baseline value.
    baseline : float
        Policy as of 2025.
    lower, upper : float
        Allowed range of the lever's value at any time.
    seed_sections : tuple of str
        Measures of the seed plan (四 … 二十四) that the lever implements.
    cost_per_unit : float
        Fiscal cost in bn CNY/yr per unit of the lever's value (0 if the lever
        has no direct fiscal cost or its cost is computed in the model).
    central_share : float
        Fraction of the fiscal cost paid by the central government.
    kind : str
        ``"policy"`` for a measure of the plan, ``"driver"`` for an exogenous
        driver (e.g. the price path) that scenarios may set.
    """

    name: str
    unit: str
    baseline: float
    lower: float
    upper: float
    doc: str
    source: str
    seed_sections: tuple[str, ...]
    cost_per_unit: float = 0.0
    central_share: float = 0.0
    kind: str = "policy"


@dataclass(frozen=True)
class Lookup:
    """A table function y(x), piecewise linear, flat beyond its ends.

    Attributes
    ----------
    name, x_unit, y_unit, doc, source : str
        Identification and provenance.
    x, y : tuple of float
        Breakpoints; ``x`` strictly increasing.
    """

    name: str
    x_unit: str
    y_unit: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    doc: str
    source: str
    lower: float = field(default=float("-inf"))
    upper: float = field(default=float("inf"))
