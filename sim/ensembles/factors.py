"""Factors of a sweep or a Monte Carlo ensemble: what varies, within which bounds, and how it is applied.

A factor maps a number ``u`` in [0, 1] (a design's unit hypercube) to a value
— linearly over a ``range``, onto a list of ``values``, or through the inverse
CDF of a distribution truncated to its bounds — and sets that value in a run:
a parameter, an initial stock, a lever (as a constant schedule) or one field
of a lever's schedule in the base scenario (``transfer_payment.step.at``).

A grid's size (:func:`grid_size`) is an exact Python integer, and a lever may
be varied as a constant or through fields of its schedule, not both
(:func:`check_lever_and_its_schedule`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
from scipy import stats

from restrans.model.levers import LEVERS
from restrans.model.parameters import PARAMETERS
from restrans.model.stocks import STOCKS
from restrans.sim.scenario.errors import InputError

PARAMETER_DECLARATIONS = {parameter.name: parameter for parameter in PARAMETERS}
STOCK_DECLARATIONS = {stock.name: stock for stock in STOCKS}
LEVER_DECLARATIONS = {lever.name: lever for lever in LEVERS}

SCHEDULE_FIELDS: dict[str, dict[str, str]] = {
    # schedule kind -> field as written in a file -> "value" (lever unit) or "time" (year)
    "constant": {"constant": "value"},
    "step": {"before": "value", "after": "value", "at": "time"},
    "ramp": {"from": "value", "to": "value", "start": "time", "end": "time"},
    "pulse": {"base": "value", "amount": "value", "start": "time", "duration": "duration"},
}
"""Schedule fields a sweep may vary (table points are not: vary a ramp or a step instead)."""


@dataclass(frozen=True)
class Target:
    """Where a factor's value goes.

    Attributes
    ----------
    kind : str
        ``"parameter"``, ``"initial"``, ``"lever"`` (constant schedule) or ``"schedule"`` (one field).
    name : str
        Parameter, stock or lever name.
    schedule_kind, schedule_field : str
        For ``"schedule"``: the kind of the base scenario's schedule and the field (as written in files).
    """

    kind: str
    name: str
    schedule_kind: str = ""
    schedule_field: str = ""


def truncated_inverse_cdf(kind: str, arguments: dict, lower: float, upper: float, u: np.ndarray) -> np.ndarray:
    """Values of a distribution truncated to [lower, upper] at probabilities ``u`` in [0, 1].

    Parameters
    ----------
    kind : str
        ``normal`` (mean, sd), ``lognormal`` (mean_log, sd_log), ``uniform`` or
        ``triangular`` (lower, mode, upper).
    arguments : dict
        The distribution's arguments as in a scenario's ``uncertainty:`` block.
    lower, upper : float
        Truncation bounds, in the unit of the quantity.
    u : ndarray
        Probabilities within the truncated distribution.
    """
    if kind == "normal":
        distribution = stats.norm(loc=arguments["mean"], scale=arguments["sd"])
    elif kind == "lognormal":
        distribution = stats.lognorm(s=arguments["sd_log"], scale=np.exp(arguments["mean_log"]))
    elif kind == "uniform":
        distribution = stats.uniform(loc=arguments["lower"], scale=arguments["upper"] - arguments["lower"])
    elif kind == "triangular":
        width = arguments["upper"] - arguments["lower"]
        distribution = stats.triang(c=(arguments["mode"] - arguments["lower"]) / width, loc=arguments["lower"],
                                    scale=width)
    else:
        raise ValueError(f"unknown distribution {kind!r}")
    low, high = distribution.cdf(lower), distribution.cdf(upper)
    if not high > low:
        raise ValueError(f"the {kind} distribution has no probability between {lower:g} and {upper:g}")
    values = distribution.ppf(low + np.asarray(u, dtype=float) * (high - low))
    return np.clip(values, lower, upper)


@dataclass(frozen=True)
class Factor:
    """One varied quantity.

    Attributes
    ----------
    key : str
        As written in the file: ``retraining_capacity``, ``initial.elderly``,
        ``transfer_payment.step.at``; also the column name in ``experiments.parquet``.
    target : Target
    lower, upper : float
        Bounds of the values the factor takes (unit of the target).
    kind : str
        ``"range"``, ``"values"`` or a distribution kind.
    arguments : dict
        Distribution arguments (empty for range and values).
    values : tuple of float
        The values of a ``values`` factor.
    levels : int or None
        Grid levels of this factor (None: the design's ``n``).
    """

    key: str
    target: Target
    lower: float
    upper: float
    kind: str
    arguments: dict = field(default_factory=dict)
    values: tuple[float, ...] = ()
    levels: int | None = None

    def transform(self, u: np.ndarray) -> np.ndarray:
        """Values (target unit) at unit-hypercube coordinates ``u`` in [0, 1]."""
        u = np.asarray(u, dtype=float)
        if self.kind == "range":
            return np.clip(self.lower + u * (self.upper - self.lower), self.lower, self.upper)
        if self.kind == "values":
            index = np.minimum((u * len(self.values)).astype(np.int64), len(self.values) - 1)
            return np.asarray(self.values, dtype=float)[index]
        return truncated_inverse_cdf(self.kind, self.arguments, self.lower, self.upper, u)

    def grid_values(self, levels: int) -> np.ndarray:
        """The factor's grid levels: the list of a ``values`` factor, both ends and evenly between for a range,
        the midpoints of ``levels`` equal-probability bins for a distribution."""
        if self.kind == "values":
            return np.asarray(self.values, dtype=float)
        if self.kind == "range":
            return self.transform(np.linspace(0.0, 1.0, levels))
        return self.transform((np.arange(levels) + 0.5) / levels)

    def to_dict(self) -> dict:
        """Plain-JSON description, for manifests and hashes."""
        return {"key": self.key, "target": self.target.kind, "lower": self.lower, "upper": self.upper,
                "kind": self.kind, "arguments": self.arguments, "values": list(self.values), "levels": self.levels}


def time_bounds(field_type: str, scenario) -> tuple[float, float]:
    """Bounds of a schedule time field: the scenario's horizon; durations from 1e-6 yr to the horizon length."""
    if field_type == "duration":
        return 1e-6, float(scenario.time.end - scenario.time.start)
    return float(scenario.time.start), float(scenario.time.end)


def declared_bounds(target: Target, scenario) -> tuple[float, float, str]:
    """(lower, upper, what) that a factor of ``target`` must stay within; ``what`` names them in errors."""
    if target.kind == "parameter":
        declaration = PARAMETER_DECLARATIONS[target.name]
    elif target.kind == "initial":
        declaration = STOCK_DECLARATIONS[target.name]
    else:
        declaration = LEVER_DECLARATIONS[target.name]
        field_type = SCHEDULE_FIELDS[target.schedule_kind][target.schedule_field] if target.kind == "schedule" \
            else "value"
        if field_type != "value":
            lower, upper = time_bounds(field_type, scenario)
            return lower, upper, f"the base scenario's time span [{lower:g}, {upper:g}] yr"
    return (declaration.lower, declaration.upper,
            f"the declared bounds [{declaration.lower:g}, {declaration.upper:g}] {declaration.unit}")


def grid_levels(factor: Factor, levels: int) -> int:
    """Grid levels of ``factor``: the number of its ``values``, else its own ``levels``, else ``levels``."""
    return len(factor.values) if factor.kind == "values" else factor.levels or levels


def grid_size(factors: Sequence[Factor], levels: int) -> int:
    """Runs of the full grid of ``factors``: the product of their level counts, in Python integers.

    Parameters
    ----------
    factors : sequence of Factor
    levels : int
        Levels of a factor that sets none itself (the design's ``n``).

    Returns
    -------
    int
        Runs, exact however large (64 factors of 2 levels give 2**64, not an overflowed 0).
    """
    return math.prod(grid_levels(factor, levels) for factor in factors)


def check_lever_and_its_schedule(display: str, factors: tuple[Factor, ...]) -> None:
    """Refuse a lever varied both as a constant and through a field of its schedule.

    The constant replaces the base scenario's schedule, so the field would be recorded as varied in
    ``experiments.parquet`` while having no effect on any run.

    Raises
    ------
    InputError
        One line naming the sweep file, both factors and why.
    """
    constant_factors = {factor.target.name: factor.key for factor in factors if factor.target.kind == "lever"}
    for factor in factors:
        lever = factor.target.name
        if factor.target.kind == "schedule" and lever in constant_factors:
            kind = factor.target.schedule_kind
            raise InputError(display, f"factors.{factor.key}", factor.key,
                             f"not together with factor '{constant_factors[lever]}': that factor sets lever "
                             f"'{lever}' to a constant, which replaces the base scenario's {kind} schedule, so "
                             f"'{factor.key}' would have no effect; vary the lever or fields of its schedule, not both")
