"""Setting up one city's fit: its preset and history scenario, its observations split into fit and holdout.

A city with a shipped preset (``model/regions/cities/``) and history scenario
(``scenarios/history/<city>.yaml``) uses them; a city that has neither is
built from the data and ``--type`` (:mod:`restrans.sim.history.cities`) and
replays the national history only (``scenarios/history/national.yaml``).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from restrans.model.levers import LEVERS
from restrans.model.parameters import ParameterIndex
from restrans.model.stocks import StockIndex
from restrans.sim.engine.simulate import region_arrays
from restrans.sim.history.cities import CITY_TYPES, city_state, preset_name
from restrans.sim.history.fitting import HistoryProblem, default_parameters, fitted_mask, plausible_bounds
from restrans.sim.history.observables import observed_series, relative_industry_price
from restrans.sim.history.secondary_sector import mines_coal
from restrans.sim.scenario.errors import InputError
from restrans.sim.scenario.regions import available_cities, load_region
from restrans.sim.scenario.scenario import load_scenario

HISTORY_SCENARIOS: Path = Path(__file__).resolve().parents[2] / "scenarios" / "history"
"""The history scenarios of a source checkout (the national one is the fallback for a new city)."""


def history_scenario_path(city: str, scenarios: Path = HISTORY_SCENARIOS) -> Path:
    """The city's own history scenario if it exists, else the national one."""
    own = scenarios / f"{preset_name(city)}.yaml"
    return own if own.is_file() else scenarios / "national.yaml"


def city_inputs(table: pd.DataFrame, city: str, archetype: str | None, start: int, scenarios: Path):
    """Start state, parameters and lever schedules of ``city``; its archetype (region type).

    The shipped preset is used when it exists and starts in ``start`` and no
    other ``--type`` is asked; otherwise the state is built from the data.
    """
    scenario = load_scenario(history_scenario_path(city, scenarios))
    name = preset_name(city)
    shipped = name in available_cities()
    if shipped and load_region(name).year == start and archetype in (None, load_region(name).archetype):
        region = load_region(name)
        state, parameters, levers = region_arrays(region)
        archetype = region.archetype
    else:
        if archetype is None:
            archetype = CITY_TYPES.get(city, (None, ""))[0]
        if archetype is None:
            raise InputError("--type", "type", None, f"a region type for {city}, which has no preset: one of "
                             f"coal_declining, coal_mature, coal_growing, coal_regenerating, forest_declining")
        state, parameters, levers, _ = city_state(table, city, archetype, start)
    for key, value in scenario.initial.items():
        state[StockIndex[key]] = value
    for key, value in scenario.parameters.items():
        parameters[ParameterIndex[key]] = value
    schedules = [scenario.lever_schedule(lever.name, float(levers[index])) for index, lever in enumerate(LEVERS)]
    return state, parameters, schedules, archetype, scenario


def build_problem(table: pd.DataFrame, city: str, *, archetype: str | None = None, start: int = 2010,
                  fit_until: int = 2017, holdout_until: int = 2021, names: tuple[str, ...] | None = None,
                  skip_years: dict[str, set[int]] | None = None,
                  scenarios: Path = HISTORY_SCENARIOS) -> tuple[HistoryProblem, str]:
    """The fit of ``city``: observations up to ``fit_until`` fitted, the rest up to ``holdout_until`` held out.

    ``skip_years`` maps a data indicator to the years across its statistical breaks (:func:`observed_series`).
    Returns the problem and the city's region type.
    """
    rows = table[table["city"] == city]
    state, parameters, schedules, archetype, scenario = city_inputs(table, city, archetype, start, scenarios)
    observations = observed_series(rows, start, holdout_until, skip_years)
    if not mines_coal(archetype):
        observations = observations[observations["indicator"] != "coal_output"]
    observations = observations.assign(sample=np.where(observations["year"] <= fit_until, "fit", "holdout"))
    if not fitted_mask(observations).any():
        raise InputError("--data", city, f"{start}-{fit_until}",
                         "observations of population, real growth, secondary share or coal output in the fit window")
    names = tuple(names or default_parameters(archetype, observations))
    prior, lower, upper = plausible_bounds(names, parameters)
    method, dt = scenario.solver.method, float(scenario.solver.dt)
    times = np.arange(start, holdout_until + 1, dtype=float)
    problem = HistoryProblem(state, parameters, schedules, times, method, dt, names, prior, lower, upper,
                             observations.reset_index(drop=True), relative_industry_price(times, start))
    return problem, archetype
