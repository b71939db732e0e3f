"""Archetypes from fitted cities: each type's behavioural parameters re-derived from the fits of its cities.

Rule, per region type and fitted parameter: the median of the type's city
fits is adopted when at least half of them *inform* it — a standard error no
wider than half the parameter's plausible range and a value off the range's
ends (a fit resting on a bound says the data want more than the prior allows,
not how much). An adopted value is written into the type's 2025 preset with
the source "fitted to <cities> <start>-<fit_until> (median of n)" and the
preset's references are recalibrated; a parameter not adopted keeps its
value and its source, and :func:`derivation_table` says why.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

INFORMED_WIDTH = 0.5
"""Largest standard error, as a share of the plausible range, of a fit that informs a parameter."""
BOUND_TOLERANCE = 1e-6
"""A fitted value closer than this share of the plausible range to either end rests on that bound."""


def informed(entry: dict) -> bool:
    """True if a city's fit of one parameter (an entry of ``CityCalibration.parameters``) informs it."""
    width = entry["upper"] - entry["lower"]
    inside = min(entry["value"] - entry["lower"], entry["upper"] - entry["value"]) > BOUND_TOLERANCE * width
    return bool(np.isfinite(entry["standard_error"]) and entry["standard_error"] <= INFORMED_WIDTH * width
                and inside)


def derivation_table(calibrations) -> pd.DataFrame:
    """One row per type and fitted parameter: cities, how many inform it, their median, adopted or not.

    Columns ``type, parameter, cities, informed, median, prior, adopted, reason``.
    """
    rows = []
    types = sorted({calibration.archetype for calibration in calibrations})
    for archetype in types:
        members = [calibration for calibration in calibrations if calibration.archetype == archetype]
        names = sorted({entry["name"] for calibration in members for entry in calibration.parameters})
        for name in names:
            entries = [(calibration.city, entry) for calibration in members for entry in calibration.parameters
                       if entry["name"] == name]
            good = [entry for _, entry in entries if informed(entry)]
            adopted = 2 * len(good) >= len(entries) and bool(good)
            reason = ("informed by at least half of the type's fits" if adopted else
                      f"{len(entries) - len(good)} of {len(entries)} fits rest on a bound of the plausible range or "
                      f"have a standard error wider than {INFORMED_WIDTH:g} of it")
            rows.append({"type": archetype, "parameter": name, "cities": ", ".join(city for city, _ in entries),
                         "informed": len(good), "median": float(np.median([entry["value"] for entry in good]))
                         if good else float("nan"), "prior": entries[0][1]["prior"], "adopted": adopted,
                         "reason": reason})
    return pd.DataFrame(rows, columns=["type", "parameter", "cities", "informed", "median", "prior", "adopted",
                                       "reason"])


def adopt(table: pd.DataFrame, start: int, fit_until: int, regions_directory=None) -> list:
    """Write the adopted medians of ``table`` into the type presets (recalibrated); returns the files written."""
    import yaml

    from restrans.sim.engine.calibration import calibrated_values, write_calibration
    from restrans.sim.engine.outputs import atomic_write_text
    from restrans.sim.scenario.regions import REGIONS_DIRECTORY

    directory = REGIONS_DIRECTORY if regions_directory is None else regions_directory
    written = []
    for archetype, rows in table[table["adopted"]].groupby("type"):
        path = directory / f"{archetype}.yaml"
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for row in rows.itertuples(index=False):
            document.setdefault("parameters", {})[row.parameter] = {
                "value": float(row.median),
                "source": f"fitted to {row.cities} {start}-{fit_until} (median of {row.informed}; "
                          "restrans calibrate --data, python -m restrans.sim.history.archetypes)"}
        text = path.read_text(encoding="utf-8").split("\n", 2)
        atomic_write_text(path, "\n".join(text[:2]) + "\n" + yaml.safe_dump(document, allow_unicode=True,
                                                                             sort_keys=False, width=120))
        write_calibration(archetype, calibrated_values(archetype, directory), directory)
        written.append(path)
    return written


def main() -> None:
    """Fit every city of the shipped data, print the derivation table and adopt what the rule allows."""
    import warnings

    from restrans.sim.history.city_calibration import calibrate_city, data_cities
    from restrans.sim.history.observations import load_observations
    from restrans.sim.scenario.regions import REGIONS_DIRECTORY

    data = REGIONS_DIRECTORY.parent / "data" / "history.csv"
    observations = load_observations(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        calibrations = [calibrate_city(data, city, observations=observations) for city in data_cities(observations)]
    table = derivation_table(calibrations)
    print(table.to_string(index=False))
    for path in adopt(table, 2010, 2017):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
