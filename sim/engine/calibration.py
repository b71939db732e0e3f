"""Initial-equilibrium calibration of a region's reference parameters.

Several parameters are "normal values" that must agree with the 2025 stocks of
a region (like Vensim's INITIAL): the reference income, the service jobs per
resident, the knowledge and infrastructure references, the successor labour
productivity, the labour-force entry rate and the in-migration base rate. This
module computes them from the initial state so that a region starts without
spurious jumps; region presets store the results and a test checks they agree.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from restrans.model.parameters import ParameterIndex
from restrans.model.stocks import StockIndex
from restrans.model.system import auxiliaries

CALIBRATED_PARAMETERS: tuple[str, ...] = (
    "reference_price", "reference_income", "service_jobs_per_capita", "knowledge_reference",
    "infrastructure_reference", "successor_labour_productivity", "labour_force_entry_rate",
    "base_in_migration_rate",
)


def calibrate(state: np.ndarray, parameters: np.ndarray, levers: np.ndarray,
              population_growth_rate: float, iterations: int = 8) -> dict[str, float]:
    """Reference parameters consistent with a single initial state.

    Parameters
    ----------
    state, parameters, levers : ndarray, shape (n, 1)
        Initial stocks, parameters and 2025 lever values of one run.
    population_growth_rate : float
        Target 2025 population change (births - deaths + net migration) as a share of
        population (1/yr), e.g. -0.008; the in-migration base rate is set to reach it.
    iterations : int
        Fixed-point iterations (income depends on the calibrated references).

    Returns
    -------
    dict of str to float
        Values for :data:`CALIBRATED_PARAMETERS`.
    """
    p = parameters.copy()
    s = state[:, 0]
    p[ParameterIndex.reference_price] = s[StockIndex.resource_price]
    p[ParameterIndex.knowledge_reference] = s[StockIndex.knowledge]
    p[ParameterIndex.infrastructure_reference] = s[StockIndex.infrastructure_capital]
    for _ in range(iterations):
        a = auxiliaries(state, p, levers)
        p[ParameterIndex.successor_labour_productivity] *= (
            a["desired_successor_employment"][0] / s[StockIndex.successor_employment])
        p[ParameterIndex.reference_income] = a["income_per_capita"][0]
        p[ParameterIndex.service_jobs_per_capita] = s[StockIndex.service_employment] / s[StockIndex.population]
        inactive = a["inactive_population"][0]
        p[ParameterIndex.labour_force_entry_rate] = p[ParameterIndex.retirement_rate, 0] * a["labour_force"][0] / inactive
        target_in = a["out_migration"][0] + population_growth_rate * s[StockIndex.population] - (
            a["births"][0] - a["deaths"][0])
        p[ParameterIndex.base_in_migration_rate] = max(target_in, 0.0) / (
            np.exp(a["migration_attractiveness"][0]) * s[StockIndex.population])
    return {name: float(p[ParameterIndex[name], 0]) for name in CALIBRATED_PARAMETERS}


def calibrated_values(region_name: str, regions_directory=None) -> dict[str, float]:
    """Reference parameters of a region preset recomputed from its 2025 state (see :func:`calibrate`).

    Parameters
    ----------
    region_name : str
        Name of a preset in ``regions_directory`` (default: the shipped presets).
    regions_directory : path, optional

    Returns
    -------
    dict of str to float
        Values for :data:`CALIBRATED_PARAMETERS`, in their declared units.
    """
    from restrans.sim.scenario.regions import load_region
    from restrans.sim.engine.simulate import region_arrays

    preset = load_region(region_name, regions_directory)
    state, parameters, levers = region_arrays(preset)
    return calibrate(state[:, None], parameters[:, None], levers[:, None],
                     preset.calibration.get("population_growth_rate", 0.0))


def write_calibration(region_name: str, values: dict[str, float], regions_directory=None):
    """Store calibrated reference parameters in a preset file (atomically); returns its path.

    Other entries, their order and sources are kept; the header comment is rewritten.
    """
    import yaml

    from restrans.sim.engine.outputs import atomic_write_text
    from restrans.sim.scenario.regions import REGIONS_DIRECTORY

    path = (REGIONS_DIRECTORY if regions_directory is None else Path(regions_directory)) / f"{region_name}.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    growth = document.get("calibration", {}).get("population_growth_rate", 0.0)
    parameters = document.setdefault("parameters", {})
    for name in CALIBRATED_PARAMETERS:
        parameters[name] = {"value": float(values[name]),
                            "source": f"Calibrated to the 2025 state (restrans calibrate {region_name}; "
                                      f"population growth {growth * 100:+.1f} %/yr)"}
    header = (f"# Region preset {region_name}: 2025 initial stocks, parameters and baseline levers.\n"
              "# Values not listed take the model defaults (restrans describe params|stocks|levers).\n")
    atomic_write_text(path, header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120))
    return path
