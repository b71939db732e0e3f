"""Archetypes from fitted cities: each type's behavioural parameters fitted to all of its cities at once.

Rule, per region type: one parameter vector is fitted to the series of every
city of the type together (:func:`~restrans.sim.history.fitting.fit_joint`,
each city recalibrated to its own start-year rest point, fitting every
parameter that one of the cities fits), so parameters that one city's two or
three series cannot pin down are pinned down by the type's ten or so. A
fitted value is adopted when it is *informed*: a standard error no wider
than half the parameter's plausible range and a value off the range's ends
(a fit resting on a bound says the data want more than the prior allows,
not how much). An adopted value is written into the type's 2025 preset
with the source "fitted to <cities> <start>-<fit_until> (joint fit)" and the
preset's references are recalibrated; a parameter not adopted keeps its value
and its source, and :func:`derivation_table` says why. The cities' own fits
are listed beside the joint one for comparison.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

INFORMED_WIDTH = 0.5
"""Largest standard error, as a share of the plausible range, of a fit that informs a parameter."""
BOUND_TOLERANCE = 1e-6
"""A fitted value closer than this share of the plausible range to either end rests on that bound."""
FITTED_SOURCE = "fitted to"
"""How the source of an adopted value begins (a later derivation that does not inform it removes it)."""
COLUMNS = ["type", "parameter", "cities", "value", "standard_error", "prior", "lower", "upper", "city_fits",
           "adopted", "reason"]
"""Columns of :func:`derivation_table` (and of ``archetypes.csv``)."""


def informed(entry: dict) -> bool:
    """True if a fit of one parameter (``value, standard_error, lower, upper``) informs it."""
    width = entry["upper"] - entry["lower"]
    inside = min(entry["value"] - entry["lower"], entry["upper"] - entry["value"]) > BOUND_TOLERANCE * width
    return bool(np.isfinite(entry["standard_error"]) and entry["standard_error"] <= INFORMED_WIDTH * width
                and inside)


def _reason(entry: dict) -> str:
    """Why a joint fit is adopted or not."""
    width = entry["upper"] - entry["lower"]
    if informed(entry):
        return "informed: standard error within half the plausible range, value inside it"
    if not np.isfinite(entry["standard_error"]) or entry["standard_error"] > INFORMED_WIDTH * width:
        return f"not informed: standard error wider than {INFORMED_WIDTH:g} of the plausible range"
    return "rests on a bound of the plausible range: the data want more than the prior allows"


def derivation_table(calibrations) -> pd.DataFrame:
    """One row per type and fitted parameter: the joint fit of the type's cities, adopted or not (:data:`COLUMNS`).

    ``calibrations`` are :class:`~restrans.sim.history.city_calibration.CityCalibration` of one fit window.
    """
    from restrans.sim.history.fitting import fit_joint, with_parameters

    rows = []
    for archetype in sorted({calibration.archetype for calibration in calibrations}):
        members = [calibration for calibration in calibrations if calibration.archetype == archetype]
        # every parameter that one of the cities fits (a city without a hukou series fits no migration)
        names = tuple(dict.fromkeys(name for member in members for name in member.problem.names))
        problems = [with_parameters(member.problem, names) for member in members]
        # a type of one city: its joint fit is the city's own fit, already made
        result = members[0].result if len(members) == 1 else fit_joint(problems)
        problem = problems[0]
        cities = ", ".join(calibration.city for calibration in members)
        for row, name in enumerate(problem.names):
            entry = {"value": float(result.values[row]), "standard_error": float(result.standard_errors[row]),
                     "lower": float(problem.lower[row]), "upper": float(problem.upper[row])}
            city_fits = "; ".join(f"{calibration.city} {item['value']:.4g} ± {item['standard_error']:.2g}"
                                  for calibration in members for item in calibration.parameters
                                  if item["name"] == name)
            rows.append({"type": archetype, "parameter": name, "cities": cities, **entry,
                         "prior": float(problem.prior[row]), "city_fits": city_fits, "adopted": informed(entry),
                         "reason": _reason(entry)})
    return pd.DataFrame(rows, columns=COLUMNS)


def adopt(table: pd.DataFrame, start: int, fit_until: int, regions_directory=None) -> list:
    """Write the adopted joint fits of ``table`` into the type presets, remove earlier fitted values it no longer
    adopts, and recalibrate the presets; returns the files written."""
    from restrans.sim.engine.calibration import calibrated_values, read_preset, write_calibration, write_preset
    from restrans.sim.scenario.regions import REGIONS_DIRECTORY

    directory = REGIONS_DIRECTORY if regions_directory is None else regions_directory
    written = []
    for archetype, rows in table.groupby("type"):
        path, document = read_preset(archetype, directory)
        parameters = document.setdefault("parameters", {})
        for row in rows.itertuples(index=False):
            if row.adopted:
                parameters[row.parameter] = {
                    "value": float(row.value),
                    "source": f"{FITTED_SOURCE} {row.cities} {start}-{fit_until} (joint fit: {row.value:.4g} ± "
                              f"{row.standard_error:.2g}, 1 s.e.; python -m restrans.sim.history.archetypes)"}
            elif str(parameters.get(row.parameter, {}).get("source", "")).startswith(FITTED_SOURCE):
                del parameters[row.parameter]  # a fit the data no longer inform: back to the model's value
        write_preset(path, document)
        write_calibration(archetype, calibrated_values(archetype, directory), directory)
        written.append(path)
    return written


def main() -> None:
    """Fit every city of the shipped data, print the derivation table and adopt what the rule allows."""
    import warnings

    from restrans.sim.history import cities
    from restrans.sim.history.city_calibration import calibrate_city, data_cities
    from restrans.sim.history.observations import HISTORY_FILE, load_observations

    data = HISTORY_FILE
    observations = load_observations(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        calibrations = [calibrate_city(data, city, observations=observations) for city in data_cities(observations)]
    table = derivation_table(calibrations)
    print(table.to_string(index=False))
    for path in adopt(table, 2010, 2017):
        print(f"wrote {path}")
    cities.main()  # the city presets carry their type's values


if __name__ == "__main__":
    main()
