"""The sector functions of :mod:`model`, compiled with numba for :mod:`restrans.model.compiled_equations`.

Each function of a sector module (``restrans.model.resources`` …) is compiled as it is,
with its helpers (``saturation``, ``saturating_minimum``, ``evaluate_lookup``)
replaced by compiled scalar versions that give the same bits. Every compiled
function is bound to an explicit module name ``<sector>_<function>``; without
numba the names are the plain Python functions.
"""
from __future__ import annotations

import collections
import os
import types

import numpy as np

from restrans.model import ecology, economy, fiscal, functions, labour, lookups, resources

try:  # optional dependency (the "fast" extra)
    import numba
except ImportError:  # pragma: no cover - exercised where numba is absent
    numba = None

AVAILABLE: bool = numba is not None and os.environ.get("RESTRANS_NUMBA", "1") != "0"
"""True when numba is importable and not switched off by ``RESTRANS_NUMBA=0``."""


def _compiled(function, **replacements):
    """``function`` compiled by numba, with the named module globals replaced by compiled helpers."""
    namespace = dict(function.__globals__)
    namespace.update(replacements)
    clone = types.FunctionType(function.__code__, namespace, function.__name__, function.__defaults__,
                               function.__closure__)
    return numba.njit(nogil=True, error_model="numpy")(clone)


_SECTOR_FUNCTIONS = {
    resources: ("effective_price", "recovery_rate", "capacity_utilisation", "extraction", "mining_margin",
                "capacity_reserve_life", "discovery", "regrowth", "capacity_investment"),
    ecology: ("green_share", "subsidence_creation", "land_disturbance", "treatment", "land_conversion",
              "environment_quality", "emissions"),
    economy: ("mining_output_value", "knowledge_effect", "processing_input_use", "processing_potential_output",
              "land_effect", "new_industry_potential_output", "successor_labour_demand", "labour_fill",
              "investment_attraction", "crowding_out", "new_industry_investment", "processing_investment",
              "knowledge_creation"),
    labour: ("vacancy_rate", "separations", "mining_layoff_time", "retraining", "service_labour_demand",
             "migration_attractiveness", "income_per_capita", "hires_from_pool"),
    fiscal: ("local_revenue", "public_service_index", "fiscal_self_sufficiency", "restoration_levy_income",
             "unemployment_benefits"),
}
"""Sector functions the kernel calls, bound below to module names ``<sector>_<function>``."""


def _interpolate(x, x_points, y_points):
    """``np.interp(x, x_points, y_points)`` for a scalar ``x``, step for step as numpy's C code does it.

    numba's own ``np.interp`` builds arrays on every call; this is 10 times
    faster and gives the same bits (a test checks it against numpy).
    """
    last = len(x_points) - 1
    if np.isnan(x):
        return x
    if x < x_points[0]:
        return y_points[0]
    if x > x_points[last]:
        return y_points[last]
    if x == x_points[last]:
        return y_points[last]
    j = 0
    while x_points[j + 1] <= x:
        j += 1
    if x_points[j] == x:
        return y_points[j]
    slope = (y_points[j + 1] - y_points[j]) / (x_points[j + 1] - x_points[j])
    result = slope * (x - x_points[j]) + y_points[j]
    if np.isnan(result):
        result = slope * (x - x_points[j + 1]) + y_points[j + 1]
        if np.isnan(result) and y_points[j] == y_points[j + 1]:
            result = y_points[j]
    return result


def _saturation_scalar(ratio):
    """:func:`restrans.model.functions.saturation` for one number, skipping ``exp`` where the result is exactly 1.0.

    ``1 - exp(-min(ratio, 40))`` is exactly 1.0 in double precision from ratio 40 on
    (``exp(-40) < 2**-54``), so the branch gives the same bits and saves the call.
    """
    if ratio >= 40.0:
        return 1.0
    return 1.0 - np.exp(-ratio)


def _compile_sectors() -> dict:
    """Every function of :data:`_SECTOR_FUNCTIONS` compiled, with its helpers compiled too."""
    saturation = numba.njit(nogil=True, error_model="numpy")(_saturation_scalar)
    helpers = {
        "saturation": saturation,
        "saturating_minimum": _compiled(functions.saturating_minimum, saturation=saturation),
        "evaluate_lookup": numba.njit(nogil=True, error_model="numpy")(_interpolate),
        # a dataclass cannot be a numba global; a namedtuple of the same points can
        "RESERVE_LIFE_INVESTMENT_EFFECT": collections.namedtuple("Table", "x y")(
            lookups.RESERVE_LIFE_INVESTMENT_EFFECT.x, lookups.RESERVE_LIFE_INVESTMENT_EFFECT.y),
    }
    compiled = {}
    for module, names in _SECTOR_FUNCTIONS.items():
        for name in names:
            compiled[f"{module.__name__.rsplit('.', 1)[-1]}_{name}"] = _compiled(getattr(module, name), **helpers)
    return compiled


def _plain_sectors() -> dict:
    """The sector functions uncompiled (numba absent): the same names, plain Python."""
    return {f"{module.__name__.rsplit('.', 1)[-1]}_{name}": getattr(module, name)
            for module, names in _SECTOR_FUNCTIONS.items() for name in names}


_SECTORS = _compile_sectors() if AVAILABLE else _plain_sectors()

resources_effective_price = _SECTORS["resources_effective_price"]
resources_recovery_rate = _SECTORS["resources_recovery_rate"]
resources_capacity_utilisation = _SECTORS["resources_capacity_utilisation"]
resources_extraction = _SECTORS["resources_extraction"]
resources_mining_margin = _SECTORS["resources_mining_margin"]
resources_capacity_reserve_life = _SECTORS["resources_capacity_reserve_life"]
resources_discovery = _SECTORS["resources_discovery"]
resources_regrowth = _SECTORS["resources_regrowth"]
resources_capacity_investment = _SECTORS["resources_capacity_investment"]
ecology_green_share = _SECTORS["ecology_green_share"]
ecology_subsidence_creation = _SECTORS["ecology_subsidence_creation"]
ecology_land_disturbance = _SECTORS["ecology_land_disturbance"]
ecology_treatment = _SECTORS["ecology_treatment"]
ecology_land_conversion = _SECTORS["ecology_land_conversion"]
ecology_environment_quality = _SECTORS["ecology_environment_quality"]
ecology_emissions = _SECTORS["ecology_emissions"]
economy_mining_output_value = _SECTORS["economy_mining_output_value"]
economy_knowledge_effect = _SECTORS["economy_knowledge_effect"]
economy_processing_input_use = _SECTORS["economy_processing_input_use"]
economy_processing_potential_output = _SECTORS["economy_processing_potential_output"]
economy_land_effect = _SECTORS["economy_land_effect"]
economy_new_industry_potential_output = _SECTORS["economy_new_industry_potential_output"]
economy_successor_labour_demand = _SECTORS["economy_successor_labour_demand"]
economy_labour_fill = _SECTORS["economy_labour_fill"]
economy_investment_attraction = _SECTORS["economy_investment_attraction"]
economy_crowding_out = _SECTORS["economy_crowding_out"]
economy_new_industry_investment = _SECTORS["economy_new_industry_investment"]
economy_processing_investment = _SECTORS["economy_processing_investment"]
economy_knowledge_creation = _SECTORS["economy_knowledge_creation"]
labour_vacancy_rate = _SECTORS["labour_vacancy_rate"]
labour_separations = _SECTORS["labour_separations"]
labour_mining_layoff_time = _SECTORS["labour_mining_layoff_time"]
labour_retraining = _SECTORS["labour_retraining"]
labour_service_labour_demand = _SECTORS["labour_service_labour_demand"]
labour_migration_attractiveness = _SECTORS["labour_migration_attractiveness"]
labour_income_per_capita = _SECTORS["labour_income_per_capita"]
labour_hires_from_pool = _SECTORS["labour_hires_from_pool"]
fiscal_local_revenue = _SECTORS["fiscal_local_revenue"]
fiscal_public_service_index = _SECTORS["fiscal_public_service_index"]
fiscal_fiscal_self_sufficiency = _SECTORS["fiscal_fiscal_self_sufficiency"]
fiscal_restoration_levy_income = _SECTORS["fiscal_restoration_levy_income"]
fiscal_unemployment_benefits = _SECTORS["fiscal_unemployment_benefits"]
