"""Named constants of the equations: fixed numbers that are not scenario parameters.

A constant is part of the model's structure, not a quantity a scenario or a
sweep varies (those are :mod:`restrans.model.parameters`): the central share
of costs the plan splits between central and local government, and each
lever's fiscal cost per unit and its central share (declared on the lever in
:mod:`restrans.model.levers`). The equations read them by name
(``constants.shared_cost_central_share``),
so the code generated from them (the numba kernel, the Vensim twin) names
them too instead of writing bare numbers. :data:`CONSTANT_VALUES` is the
array the numpy equations use by default.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from restrans.model.levers import LEVERS


@dataclass(frozen=True)
class Constant:
    """A fixed number of the equations.

    Attributes
    ----------
    name : str
        Full-word identifier (also its Vensim name).
    value : float
        The number, in ``unit``.
    unit : str
        Unit of measure.
    doc : str
        One line saying what it means.
    source : str
        Why this value: a citation or the judgement behind it.
    """

    name: str
    value: float
    unit: str
    doc: str
    source: str


def _lever_constants() -> tuple[Constant, ...]:
    """Unit cost and central share of every lever with a fiscal cost, from the lever declarations."""
    constants = []
    for lever in COSTED_LEVERS:
        unit = "bn CNY/yr" if lever.unit == "1" else f"bn CNY/yr per {lever.unit}"
        constants.append(Constant(f"{lever.name}_unit_cost", lever.cost_per_unit, unit,
                                  f"Fiscal cost of {lever.name} per unit of its value.",
                                  f"lever declaration of {lever.name} (model/levers.py): {lever.source}"))
        constants.append(Constant(f"{lever.name}_central_share", lever.central_share, "1",
                                  f"Share of the cost of {lever.name} paid by the central government.",
                                  f"lever declaration of {lever.name} (model/levers.py)"))
    return tuple(constants)


COSTED_LEVERS = tuple(lever for lever in LEVERS if lever.cost_per_unit != 0.0)
"""Levers with a direct fiscal cost (cost per unit other than 0), in :data:`LEVERS` order."""

CONSTANTS: tuple[Constant, ...] = (
    Constant("shared_cost_central_share", 0.5, "1",
             "Central share of the green-upgrade subsidy and the phase-out compensation.",
             "ASSUMPTION: split evenly, no published split found"),
) + _lever_constants()
"""Every named constant, in the order of :class:`ConstantIndex`."""

ConstantIndex = IntEnum("ConstantIndex", [constant.name for constant in CONSTANTS], start=0)
"""Position of each constant in :data:`CONSTANT_VALUES`."""

CONSTANT_VALUES: np.ndarray = np.array([constant.value for constant in CONSTANTS])
"""The constants' values as one float64 array (n_constants,), read-only."""
CONSTANT_VALUES.setflags(write=False)
