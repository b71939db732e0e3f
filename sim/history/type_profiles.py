"""Farm share, wage level and traded services of cities and region types, from the data (``model/data/history.csv``).

A city's farm output is its primary industry's share of GDP (CSMAR table) times its GDP; its wage level is
the average wage of its urban units over the national average of 2010. A region type takes the median of
its cities: the latest farm share each city reports and their 2010 wage levels (relative wages persist; the
data hold no later national average). A city's traded services close its model GDP to the observed; a type
takes the median share of GDP of its cities. :func:`main` writes all three into the five type presets and
recalibrates them; ``tests/test_income_structure.py`` checks the presets are current.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from restrans.model.parameters import ParameterIndex
from restrans.model.stocks import StockIndex
from restrans.model.system import auxiliaries
from restrans.sim.engine.calibration import calibrated_batch
from restrans.sim.history.observables import observed_value
from restrans.sim.history.observations import HISTORY_FILE, load_observations

WAGE_YEAR = 2010
"""Year of the wage levels: the one year with the national average in the data."""
FARM_ITERATIONS = 40
"""Fixed-point iterations of farm output and traded services (:func:`stocks_for_shares`, :func:`traded_services_for_gdp`)."""
SECANT_STEPS = 12
"""Secant steps of :func:`traded_services_for_gdp`."""
SOURCE_TABLE = "model/data/history.csv"


def calibrated_gdp(state: np.ndarray, parameters: np.ndarray, levers: np.ndarray) -> float:
    """GDP (bn CNY/yr) of one state (shape (n_stocks,)) at its calibrated references."""
    calibrated = calibrated_batch(state[:, None], parameters[:, None], levers[:, None])
    return float(auxiliaries(state[:, None], calibrated, levers[:, None])["gdp"][0])


def primary_share(table: pd.DataFrame, city: str, year: int | None = None) -> tuple[float, int] | None:
    """The city's primary share of GDP (1) in ``year``, else in the nearest year reported (the latest year it
    reports when ``year`` is None); with that year. None when the data hold no share of the city."""
    rows = table[(table["city"] == city) & (table["indicator"] == "primary_share_gdp")]
    if rows.empty:
        return None
    years = rows["year"].to_numpy()
    chosen = rows.iloc[int(np.argmax(years) if year is None else np.argmin(np.abs(years - year)))]
    return float(chosen["value"]) / 100.0, int(chosen["year"])


def wage_level(table: pd.DataFrame, city: str, year: int = WAGE_YEAR) -> float | None:
    """Average wage of the city's urban units over the national average in ``year`` (1), if both are in the data."""
    own = observed_value(table, city, "average_wage_urban_units", year)
    national = observed_value(table, "China", "average_wage_urban_units", year)
    return None if own is None or national is None else own / national


def set_wage_level(table: pd.DataFrame, city: str, parameters: np.ndarray, sources: dict) -> None:
    """The city's wage level from the data (its urban units' average wage over the nation's), else the type's."""
    level = wage_level(table, city)
    if level is not None:
        parameters[ParameterIndex.wage_level] = level
        sources["parameters.wage_level"] = (f"average wage of the city's urban units / the national one in "
                                            f"{WAGE_YEAR} ({SOURCE_TABLE})")


def type_profile(table: pd.DataFrame, cities: list[str]) -> dict[str, tuple[float, str]]:
    """Median farm share and wage level of ``cities`` (a type's), each with its source text."""
    shares = {city: primary_share(table, city) for city in cities}
    shares = {city: value for city, value in shares.items() if value is not None}
    levels = {city: wage_level(table, city) for city in cities}
    levels = {city: value for city, value in levels.items() if value is not None}
    share_text = ", ".join(f"{city} {100 * value:.1f} % ({year})" for city, (value, year) in shares.items())
    level_text = ", ".join(f"{city} {value:.3f}" for city, value in levels.items())
    return {
        "farm_share": (float(np.median([value for value, _ in shares.values()])),
                       f"median primary share of GDP of the type's cities, latest year ({share_text}; CSMAR table "
                       f"in {SOURCE_TABLE})"),
        "wage_level": (float(np.median(list(levels.values()))),
                       f"median {WAGE_YEAR} wage level of the type's cities ({level_text}: average wage of urban "
                       f"units / national 37,147 CNY, {SOURCE_TABLE})"),
    }


def stocks_for_shares(state: np.ndarray, parameters: np.ndarray, levers: np.ndarray,
                      shares: dict[str, float]) -> dict[str, float]:
    """Farm output and traded services (bn CNY/yr) equal to their ``shares`` of the GDP they are part of.

    Both raise the local sector's value added and, through wages, household demand, so the GDP they are shares
    of depends on them: a fixed point, reached in :data:`FARM_ITERATIONS` steps (shares summing below 0.7
    contract), at the state's calibrated references.
    """
    trial = state.astype(float).copy()
    for _ in range(FARM_ITERATIONS):
        gdp = calibrated_gdp(trial, parameters, levers)
        for name, share in shares.items():
            trial[StockIndex[name]] = share * gdp
    return {name: float(trial[StockIndex[name]]) for name in shares}


def traded_services_for_gdp(state: np.ndarray, parameters: np.ndarray, levers: np.ndarray,
                            target_gdp: float) -> float:
    """Traded services (bn CNY/yr) that bring the state's GDP, at its calibrated references, to ``target_gdp``.

    Zero where the GDP is already above the target without them (a city cannot sell negative services). GDP is
    close to linear in them (each unit adds 1.2-1.4 through local wages and spending), so secant steps from zero
    converge in a few evaluations (at most :data:`SECANT_STEPS`, stopping at 1e-12 of the target).
    """
    def gap(value: float) -> float:
        trial = state.astype(float).copy()
        trial[StockIndex.traded_services] = value
        return target_gdp - calibrated_gdp(trial, parameters, levers)

    low = 0.0
    low_gap = gap(low)
    if low_gap <= 0.0:
        return 0.0
    high, high_gap = low_gap, gap(low_gap)
    for _ in range(SECANT_STEPS):
        if abs(high_gap) <= 1e-12 * target_gdp or high_gap == low_gap:
            break
        low, low_gap, high = high, high_gap, high - high_gap * (high - low) / (high_gap - low_gap)
        high_gap = gap(high)
    return max(high, 0.0)


def traded_share(state: np.ndarray, parameters: np.ndarray, levers: np.ndarray) -> float:
    """Traded services over GDP (1) of a state at its calibrated references."""
    return float(state[StockIndex.traded_services]) / calibrated_gdp(state, parameters, levers)


def _cities_traded_share(table, cities, archetype) -> tuple[float, str]:
    """Median traded-services share of GDP of ``cities`` in their start states (built on ``archetype``)."""
    from restrans.sim.history.cities import city_state

    shares = {}
    for city in cities:
        state, parameters, levers, _ = city_state(table, city, archetype)
        shares[city] = traded_share(state, parameters, levers)
    text = ", ".join(f"{city} {100 * value:.1f} %" for city, value in shares.items())
    return float(np.median(list(shares.values()))), f"median share of GDP of the type's cities in 2010 ({text})"


def write_type(archetype: str, table: pd.DataFrame, cities: list[str]) -> float:
    """Write farm output, traded services and wage level into the type preset, recalibrate; the traded share."""
    from restrans.sim.engine.calibration import calibrated_values, read_preset, write_calibration, write_preset
    from restrans.sim.engine.simulate import region_arrays
    from restrans.sim.scenario.regions import load_region

    profile = type_profile(table, cities)
    traded, traded_source = _cities_traded_share(table, cities, archetype)
    path, document = read_preset(archetype)
    level, level_source = profile["wage_level"]
    document.setdefault("parameters", {})["wage_level"] = {"value": level, "source": level_source}
    state, parameters, levers = region_arrays(load_region(archetype))
    parameters[ParameterIndex.wage_level] = level  # the farm and traded stocks below are at the new wage level
    farm, farm_source = profile["farm_share"]
    values = stocks_for_shares(state, parameters, levers, {"farm_output": farm, "traded_services": traded})
    document["initial"]["farm_output"] = {"value": values["farm_output"],
                                          "source": f"{100 * farm:.1f} % of GDP: the {farm_source}"}
    document["initial"]["traded_services"] = {"value": values["traded_services"],
                                              "source": f"{100 * traded:.1f} % of GDP: the {traded_source}"}
    write_preset(path, document)
    write_calibration(archetype, calibrated_values(archetype), None)
    return traded


TYPE_ROUNDS = 10
"""Most rounds of :func:`main`: a city starts at its type's debt ratio, which its traded services move."""
TYPE_TOLERANCE = 1e-12
"""Largest change of a type's traded share (1) at which the rounds stop."""


def main() -> None:
    """Write each type preset's farm output, traded services and wage level from its cities, recalibrated.

    City states are built from their type without its traded services (:func:`~restrans.sim.history.cities.
    city_state`), so these do not scale the city; they move it only through the type's debt ratio, a weak loop
    that rounds close (each shrinks the change about a hundredfold).
    """
    from restrans.sim.history.cities import CITY_TYPES

    table = load_observations(HISTORY_FILE).table  # rows tagged U left out, as in restrans calibrate
    previous: dict[str, float] = {}
    for round_number in range(TYPE_ROUNDS):
        shares = {archetype: write_type(archetype, table, [city for city, (kind, _) in CITY_TYPES.items()
                                                           if kind == archetype])
                  for archetype in sorted({archetype for archetype, _ in CITY_TYPES.values()})}
        change = max(abs(share - previous.get(name, np.inf)) for name, share in shares.items())
        print(f"round {round_number + 1}: traded shares {', '.join(f'{k} {100 * v:.4f} %' for k, v in shares.items())}; "
              f"largest change {change:.1e}")
        if change <= TYPE_TOLERANCE:
            break
        previous = shares


if __name__ == "__main__":
    main()
