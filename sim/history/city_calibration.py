"""``restrans calibrate --data``: fit a city, hold the rest out, write the four validation files.

For one city: read the data (:func:`~restrans.sim.history.observations.load_observations`),
set up the fit (:func:`~restrans.sim.history.problems.build_problem`), fit
(:func:`~restrans.sim.history.fitting.fit`), and write into one folder, all or
nothing: ``fitted.yaml`` (the city preset with the fitted values, each with its
standard error in the source), ``validation.csv``, ``statistics.csv`` and
``validation.html``. :func:`calibrate_all` does every city of the data and adds
the combined ``index.html``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from restrans.model.parameters import PARAMETERS, ParameterIndex
from restrans.sim.engine.calibration import CALIBRATED_PARAMETERS, calibrated_batch
from restrans.sim.engine.outputs import write_folder
from restrans.sim.history.archetypes import derivation_table
from restrans.sim.history.cities import CITY_TYPES, city_document, preset_name
from restrans.sim.history.fitting import FitResult, HistoryProblem, fit, predictions
from restrans.sim.history.observations import STATISTICAL_BREAKS, load_observations, select, years_across_break
from restrans.sim.history.problems import build_problem
from restrans.sim.history.statistics import statistics_table
from restrans.sim.history.validation_report import REAL_GDP_INDICATOR, render_validation_html
from restrans.sim.scenario.errors import InputError, did_you_mean
from restrans.sim.scenario.regions import available_cities, available_regions

SKIPPED_SOURCES = ("pop_registered", "pop_resident_census", "secondary_share_gdp")
"""Data series whose years across a documented statistical break are left out (real growth is a rate:
level breaks do not enter it)."""


@dataclass(frozen=True)
class CityCalibration:
    """A city's fit and what it is compared with (see :func:`calibrate_city`)."""

    city: str
    archetype: str
    start: int
    fit_until: int
    validation: pd.DataFrame
    statistics: pd.DataFrame
    parameters: list[dict]
    result: FitResult
    preset: dict
    problem: HistoryProblem


def check_window(start: int, fit_until: int, holdout_until: int) -> None:
    """Refuse a fit window that is empty or a holdout that ends before it."""
    if not start < fit_until:
        raise InputError("--fit-until", "fit-until", fit_until, f"a year after --start ({start})")
    if not fit_until <= holdout_until:
        raise InputError("--holdout-until", "holdout-until", holdout_until, f"a year from --fit-until ({fit_until}) on")


def checked_parameters(names: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """``names`` if each is a behavioural parameter of the model (not a calibrated reference)."""
    if not names:
        return None
    known = [parameter.name for parameter in PARAMETERS if parameter.name not in CALIBRATED_PARAMETERS]
    for name in names:
        if name not in known:
            raise InputError("--params", "params", name, "parameters of restrans describe params (not the "
                             f"references calibrated to the start state: {', '.join(CALIBRATED_PARAMETERS)})",
                             did_you_mean(name, known))
    return tuple(names)


def calibrate_city(data: str | Path, city: str, *, archetype: str | None = None, start: int = 2010,
                   fit_until: int = 2017, holdout_until: int = 2021, names: tuple[str, ...] | None = None,
                   include_uncertain: bool = False, observations=None) -> CityCalibration:
    """Fit ``city`` of the history file ``data`` (see the module docstring).

    Raises
    ------
    InputError
        Bad data file, unknown city without ``archetype``, unknown parameter or type, empty fit window.
    """
    check_window(start, fit_until, holdout_until)
    names = checked_parameters(names)
    types = available_regions()
    if archetype is not None and archetype not in types:
        raise InputError("--type", "type", archetype, f"one of {', '.join(types)}", did_you_mean(archetype, types))
    observations = observations or load_observations(data, include_uncertain=include_uncertain)
    rows = select(observations, city, start=start, end=holdout_until)
    city = str(rows["city"].iloc[0])
    skip = {source: years_across_break(city, source) for source in SKIPPED_SOURCES}
    problem, archetype = build_problem(observations.table, city, archetype=archetype, start=start,
                                       fit_until=fit_until, holdout_until=holdout_until, names=names,
                                       skip_years=skip)
    result = fit(problem)
    simulated = predictions(problem, result.values[:, None])[:, 0]
    frame = problem.observations
    validation = pd.DataFrame({
        "city": city, "indicator": frame["source"].replace({"gdp_growth": REAL_GDP_INDICATOR}),
        "year": frame["year"].astype(int), "observed": frame["observed"], "simulated": simulated,
        "sample": frame["sample"]})
    parameters = [{"name": name, "unit": PARAMETERS[ParameterIndex[name]].unit, "prior": float(prior),
                   "lower": float(lower), "upper": float(upper), "value": float(value), "standard_error": float(error),
                   "source": f"fitted to {city} {start}-{fit_until}"}
                  for name, prior, lower, upper, value, error in zip(problem.names, problem.prior, problem.lower,
                                                                     problem.upper, result.values,
                                                                     result.standard_errors)]
    preset = fitted_preset(observations.table, city, archetype, start, problem, parameters)
    finite = validation[np.isfinite(validation["simulated"])]  # a run that failed shows as a gap, not a number
    return CityCalibration(city, archetype, start, fit_until, validation, statistics_table(finite), parameters,
                           result, preset, problem)


def fitted_preset(table, city, archetype, start, problem, parameters) -> dict:
    """The city preset document with the fitted values (standard errors in their sources), recalibrated."""
    document = city_document(table, city, archetype, start)
    values = problem.parameters.copy()
    for entry in parameters:
        values[ParameterIndex[entry["name"]]] = entry["value"]
    levers = np.array([schedule.value_at(float(start)) for schedule in problem.schedules])
    calibrated = calibrated_batch(problem.state[:, None], values[:, None], levers[:, None])[:, 0]
    for entry in parameters:
        document["parameters"][entry["name"]] = {
            "value": entry["value"],
            "source": (f"{entry['source']} (restrans calibrate): {entry['value']:.6g} ± {entry['standard_error']:.3g} "
                       f"(1 s.e., Jacobian); prior {entry['prior']:.6g}, plausible [{entry['lower']:.6g}, "
                       f"{entry['upper']:.6g}]")}
    for name in CALIBRATED_PARAMETERS:
        document["parameters"][name]["value"] = float(calibrated[ParameterIndex[name]])
    return document


def output_files(calibration: CityCalibration, language: str = "en") -> dict[str, bytes]:
    """The four files of a city's calibration folder, by name."""
    html = render_validation_html(city=calibration.city, validation=calibration.validation,
                                  statistics=calibration.statistics, parameters=calibration.parameters,
                                  breaks=STATISTICAL_BREAKS, fit_until=calibration.fit_until, language=language)
    header = (f"# {calibration.city}: preset with parameters fitted to {calibration.start}-{calibration.fit_until} "
              "(restrans calibrate --data); copy to model/regions/cities/ to use it.\n")
    return {
        "fitted.yaml": (header + yaml.safe_dump(calibration.preset, allow_unicode=True, sort_keys=False,
                                                width=120)).encode("utf-8"),
        "validation.csv": calibration.validation.to_csv(index=False).encode("utf-8"),
        "statistics.csv": calibration.statistics.to_csv(index=False).encode("utf-8"),
        "validation.html": html.encode("utf-8"),
    }


def write_city(calibration: CityCalibration, directory: Path, language: str = "en") -> list[Path]:
    """Write the city's folder whole (an OutputFault leaves a previous folder unchanged)."""
    return write_folder(Path(directory), output_files(calibration, language))


def data_cities(observations) -> list[str]:
    """The cities of a history file that have a census population (the start state needs it)."""
    table = observations.table
    census = table[table["indicator"] == "pop_resident_census"]
    return sorted(set(census["city"]))


def default_type(city: str) -> str | None:
    """The region type of a city of the shipped data, else None."""
    return CITY_TYPES.get(city, (None, ""))[0]


def city_folder(city: str) -> str:
    """Name of a city's folder in a combined validation (the preset name)."""
    return preset_name(city)


def calibrate_all(data: str | Path, directory: Path, *, start: int = 2010, fit_until: int = 2017,
                  holdout_until: int = 2021, include_uncertain: bool = False, language: str = "en",
                  progress=None, observations=None) -> list[CityCalibration]:
    """Calibrate every city of ``data`` with a census population and a known type; write ``directory`` whole:
    one folder per city, the combined ``index.html`` and ``statistics.csv``, and ``archetypes.csv`` (the
    re-derivation of the type presets, :mod:`restrans.sim.history.archetypes`); see :func:`calibrate_city`."""
    from restrans.sim.history.validation_report import render_validation_index

    check_window(start, fit_until, holdout_until)
    observations = observations or load_observations(data, include_uncertain=include_uncertain)
    calibrations = []
    for city in data_cities(observations):
        if default_type(city) is None and preset_name(city) not in available_cities():
            continue
        calibrations.append(calibrate_city(data, city, start=start, fit_until=fit_until,
                                           holdout_until=holdout_until, observations=observations))
        if progress is not None:
            progress(calibrations[-1])
    contents: dict[str, bytes] = {}
    for calibration in calibrations:
        for name, data_bytes in output_files(calibration, language).items():
            contents[f"{city_folder(calibration.city)}/{name}"] = data_bytes
    summaries = [{"city": calibration.city, "type": calibration.archetype,
                  "report": f"{city_folder(calibration.city)}/validation.html", "statistics": calibration.statistics}
                 for calibration in calibrations]
    contents["index.html"] = render_validation_index(summaries, language).encode("utf-8")
    combined = pd.concat([calibration.statistics for calibration in calibrations], ignore_index=True)
    contents["statistics.csv"] = combined.to_csv(index=False).encode("utf-8")
    contents["archetypes.csv"] = derivation_table(calibrations).to_csv(index=False).encode("utf-8")
    write_folder(Path(directory), contents)
    return calibrations
