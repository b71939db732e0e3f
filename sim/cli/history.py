"""``restrans calibrate --data``: fit cities to their history and print the fit and holdout statistics."""
from __future__ import annotations

import warnings
from pathlib import Path

from restrans.sim.cli.formats import print_table
from restrans.sim.cli.terminal import check_language, console, notice, one_line_errors

DEFAULT_CITY_FOLDER = Path("outputs") / "calibrate"
DEFAULT_VALIDATION_FOLDER = Path("outputs") / "validation"


def _summary_rows(calibration):
    """(indicator, sample, n, MAPE %, Theil U) rows of one city's statistics."""
    for row in calibration.statistics.itertuples(index=False):
        yield (row.indicator, row.sample, str(row.n), f"{row.mape:.2f}", f"{row.theil_u:.3f}")


def _report_ignored(observations) -> None:
    """Notices (stderr) for the indicators the fit does not know and the rows tagged U it left out."""
    if observations.unknown_indicators:
        notice(f"{observations.file}: ignored unknown indicators: {', '.join(observations.unknown_indicators)}")
    if observations.excluded_uncertain:
        notice(f"{observations.file}: left out {observations.excluded_uncertain} rows tagged U "
               "(--include-uncertain uses them)")


def calibrate_history(data: Path, city: str | None, region_type: str | None, window: tuple[int, int, int],
                      names: tuple[str, ...] | None, out: Path | None, include_uncertain: bool,
                      language: str) -> None:
    """Fit ``city`` (or every city when ``city`` is None) and write the validation files."""
    from restrans.sim.history import city_calibration
    from restrans.sim.history.observations import load_observations

    start, fit_until, holdout_until = window
    with one_line_errors(), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # non-finite trial runs are scored, not reported
        check_language(language)
        observations = load_observations(data, include_uncertain=include_uncertain)
        _report_ignored(observations)
        if city is None:
            folder = out or DEFAULT_VALIDATION_FOLDER
            calibrations = city_calibration.calibrate_all(
                data, folder, start=start, fit_until=fit_until, holdout_until=holdout_until,
                include_uncertain=include_uncertain, language=language,
                progress=lambda done: console.print(f"fitted {done.city} ({done.archetype})", markup=False),
                observations=observations)
            rows = [(calibration.city, *row) for calibration in calibrations for row in _summary_rows(calibration)]
            print_table("validation", ["city", "indicator", "sample", "n", "MAPE %", "Theil U"], rows)
            console.print(f"wrote {folder / 'index.html'}", markup=False)
            return
        calibration = city_calibration.calibrate_city(
            data, city, archetype=region_type, start=start, fit_until=fit_until, holdout_until=holdout_until,
            names=names, include_uncertain=include_uncertain, observations=observations)
        folder = out or DEFAULT_CITY_FOLDER / city_calibration.city_folder(calibration.city)
        city_calibration.write_city(calibration, folder, language)
    parameters = [(entry["name"], f"{entry['prior']:.4g}", f"{entry['value']:.4g}", f"{entry['standard_error']:.2g}",
                   f"[{entry['lower']:.4g}, {entry['upper']:.4g}]") for entry in calibration.parameters]
    print_table(f"{calibration.city} ({calibration.archetype}): fitted {start}-{fit_until}",
                ["parameter", "prior", "fitted", "s.e.", "plausible"], parameters)
    print_table(f"{calibration.city}: statistics", ["indicator", "sample", "n", "MAPE %", "Theil U"],
                _summary_rows(calibration))
    console.print(f"wrote {folder}", markup=False)
