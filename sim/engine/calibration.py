"""Initial-equilibrium calibration of a region's reference parameters.

Several parameters are "normal values" that must agree with the 2025 stocks of
a region (like Vensim's INITIAL): the reference price, the knowledge and
infrastructure references, the national income at which per-head standards
hold, the labour productivities of successor industries and the local
sector, and the labour-force entry rate. This
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
    "reference_price", "knowledge_reference", "infrastructure_reference", "successor_labour_productivity",
    "service_productivity", "equalised_programme_spending", "labour_force_entry_rate", "national_income_reference",
    "service_income_reference",
)


def calibrated_batch(state: np.ndarray, parameters: np.ndarray, levers: np.ndarray,
                     iterations: int = 30) -> np.ndarray:
    """The parameters of a batch of runs with :data:`CALIBRATED_PARAMETERS` made consistent with each run's state.

    The references equal the 2025 stocks (price, knowledge, infrastructure,
    national income per head) and the 2025 income per resident (so households
    spend the stated share of it on local services);
    the successor and local-sector labour productivities make the jobs the
    2025 economy needs equal the 2025 employment; the 2025 local programme
    spending is the part of standard spending the levers represent; the
    labour-force entry rate keeps the 2025 participation rate steady.
    Population change is not calibrated: it follows from births, deaths and
    migration. Uncertainty sampling calls this after drawing behavioural
    parameters, so each run starts from its own consistent 2025 state.

    Parameters
    ----------
    state, parameters, levers : ndarray, shape (n, n_runs)
        Initial stocks, parameters and 2025 lever values.
    iterations : int
        Fixed-point iterations (income and local demand depend on the calibrated productivities).

    Returns
    -------
    ndarray, shape like ``parameters``
    """
    p = parameters.astype(float).copy()
    s = state
    p[ParameterIndex.reference_price] = s[StockIndex.resource_price]
    p[ParameterIndex.knowledge_reference] = s[StockIndex.knowledge]
    p[ParameterIndex.infrastructure_reference] = s[StockIndex.infrastructure_capital]
    p[ParameterIndex.national_income_reference] = s[StockIndex.national_income_per_capita]
    for _ in range(iterations):
        a = auxiliaries(state, p, levers)
        p[ParameterIndex.service_income_reference] = a["income_per_capita"]
        p[ParameterIndex.successor_labour_productivity] *= (
            a["desired_successor_employment"] / s[StockIndex.successor_employment])
        p[ParameterIndex.service_productivity] *= a["desired_service_employment"] / s[StockIndex.service_employment]
        p[ParameterIndex.equalised_programme_spending] = a["local_programmes_planned"]
    a = auxiliaries(state, p, levers)
    inactive = s[StockIndex.inactive_working_age]
    exit_rate = a["working_age_exit_rate"]
    growth = (a["child_ageing"] + a["working_age_in_migration"]) / a["working_age_population"] - exit_rate
    inflow = a["child_ageing"] + a["inactive_arrivals"] + a["discouraged_exits"]
    p[ParameterIndex.labour_force_entry_rate] = np.maximum(inflow / inactive - exit_rate - growth, 0.0)
    return p


def calibrate(state: np.ndarray, parameters: np.ndarray, levers: np.ndarray, iterations: int = 30) -> dict[str, float]:
    """Reference parameters consistent with a single initial state (see :func:`calibrated_batch`).

    Parameters
    ----------
    state, parameters, levers : ndarray, shape (n, 1)
        Initial stocks, parameters and 2025 lever values of one run.
    iterations : int
        Fixed-point iterations.

    Returns
    -------
    dict of str to float
        Values for :data:`CALIBRATED_PARAMETERS`.
    """
    p = calibrated_batch(state, parameters, levers, iterations)
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
    return calibrate(state[:, None], parameters[:, None], levers[:, None])


def read_preset(region_name: str, regions_directory=None) -> tuple[Path, dict]:
    """The file of a region preset and its YAML document (``regions_directory`` defaults to the shipped one)."""
    import yaml

    from restrans.sim.scenario.regions import REGIONS_DIRECTORY

    path = (REGIONS_DIRECTORY if regions_directory is None else Path(regions_directory)) / f"{region_name}.yaml"
    return path, yaml.safe_load(path.read_text(encoding="utf-8"))


def write_preset(path: Path, document: dict) -> Path:
    """Write a region preset's YAML ``document`` to ``path`` atomically, under the presets' two-line header.

    The one writer of the type presets: :func:`write_calibration`, the type profiles
    (:mod:`restrans.sim.history.type_profiles`) and the adopted joint fits
    (:mod:`restrans.sim.history.archetypes`) all go through it, so entries keep their order and sources.
    """
    import yaml

    from restrans.sim.engine.outputs import atomic_write_text

    header = (f"# Region preset {path.stem}: 2025 initial stocks, parameters and baseline levers.\n"
              "# Values not listed take the model defaults (restrans describe params|stocks|levers).\n")
    atomic_write_text(path, header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120))
    return path


def write_calibration(region_name: str, values: dict[str, float], regions_directory=None):
    """Store calibrated reference parameters in a preset file (atomically); returns its path.

    Other entries, their order and sources are kept; the header comment is rewritten.
    """
    path, document = read_preset(region_name, regions_directory)
    document.pop("calibration", None)
    parameters = document.setdefault("parameters", {})
    for name in CALIBRATED_PARAMETERS:
        parameters[name] = {"value": float(values[name]),
                            "source": f"Calibrated to the 2025 state (restrans calibrate {region_name})"}
    return write_preset(path, document)
