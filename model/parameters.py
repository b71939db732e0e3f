"""Every constant of the model, declared once with unit, bounds, plausible range, doc and source.

The declarations live in one table per sector (``parameters_<sector>.py``);
this module puts them in the fixed order of axis 0 of a parameter array
(shape ``(n_parameters, n_runs)``). :class:`ParameterIndex` names the
positions. Defaults describe a mature coal city; region presets override them.
Each parameter has validity bounds (what the equations can compute) and a
plausible range (what a referee would accept for a typical region), which
uncertainty and sensitivity analyses sample by default.
"""
from __future__ import annotations

from enum import IntEnum

from restrans.model.metadata import Parameter
from restrans.model.parameters_economy import ECONOMY_PARAMETERS, OPENNESS_PARAMETERS
from restrans.model.parameters_fiscal import FISCAL_PARAMETERS
from restrans.model.parameters_people import LABOUR_PARAMETERS, POPULATION_PARAMETERS
from restrans.model.parameters_resources import ECOLOGY_PARAMETERS, RESOURCE_PARAMETERS

PARAMETERS: tuple[Parameter, ...] = (RESOURCE_PARAMETERS + ECONOMY_PARAMETERS + OPENNESS_PARAMETERS
                                     + LABOUR_PARAMETERS + POPULATION_PARAMETERS + ECOLOGY_PARAMETERS
                                     + FISCAL_PARAMETERS)

ParameterIndex = IntEnum("ParameterIndex", [parameter.name for parameter in PARAMETERS], start=0)
"""Position of each parameter on axis 0 of a parameter array."""

PARAMETER_NAMES: tuple[str, ...] = tuple(parameter.name for parameter in PARAMETERS)
N_PARAMETERS: int = len(PARAMETERS)
