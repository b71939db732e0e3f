"""``restrans run`` and ``restrans export``: one scenario, its output folder, the Vensim model with its values.

A run writes ``OUT/<folder>/``; the folder is named by the scenario, the region and the overrides
(:func:`run_folder_name`), so ``run --region X`` or ``run --set ...`` never replaces the plain run, and the
manifest records the overrides. ``--no-plot`` skips ``dashboard.png`` (matplotlib is then not imported).
"""
from __future__ import annotations

import hashlib
import time
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from restrans.sim.cli.formats import OutputFormat, print_csv, print_json, print_table, wrote
from restrans.sim.cli.terminal import check_language, console, one_line_errors
from restrans.sim.scenario.errors import InputError

MAXIMUM_FOLDER_NAME = 120
"""Longest output folder name (as :func:`restrans.sim.scenario.names.check_output_name` allows)."""


class ExportFormat(str, Enum):
    mdl = "mdl"
    cin = "cin"


def parse_overrides(assignments: list[str]) -> dict[str, float]:
    """``--set NAME=VALUE`` texts as a mapping (a name given twice: the last value wins, as in the shell)."""
    from restrans.sim.scenario.files import parse_assignment

    return dict(parse_assignment(text) for text in assignments)


def run_folder_name(name: str, region: Optional[str], overrides: dict[str, float]) -> str:
    """The output folder of a run: ``NAME``, ``NAME-REGION`` with ``--region``, then ``-set-KEY-VALUE...``.

    Overrides are written in the order given (``retraining_capacity-8``, ``initial.elderly-400``); when the
    name would exceed :data:`MAXIMUM_FOLDER_NAME` characters they become ``-set-<12 hex digits>`` of their text.
    """
    folder = f"{name}-{region}" if region else name
    if not overrides:
        return folder
    words = [f"{key}-{value:g}".replace("+", "") for key, value in overrides.items()]
    readable = f"{folder}-set-{'-'.join(words)}"
    if len(readable) <= MAXIMUM_FOLDER_NAME:
        return readable
    digest = hashlib.sha256(";".join(f"{key}={value!r}" for key, value in overrides.items()).encode()).hexdigest()
    return f"{folder[:MAXIMUM_FOLDER_NAME - 17]}-set-{digest[:12]}"


def _folder(out: Path, loaded, name: Optional[str], region: Optional[str], overrides: dict[str, float]) -> Path:
    from restrans.sim.engine.output_folder import checked_folder
    from restrans.sim.scenario.names import check_output_name

    folder = name if name is not None else run_folder_name(loaded.name, region, overrides)
    check_output_name(folder, "--name", "--name", "a folder name")
    directory = out / folder
    checked_folder(directory)  # before the run: a file or a dangling link there is a fault
    return directory


def _simulate(loaded, scenario: Path, engine: str):
    from restrans.sim.engine.engines import simulate

    if loaded.budget is None:
        return simulate([loaded], engine=engine)
    from restrans.sim.compare.budget import simulate_to_budget  # equal-budget scaling, native engine only

    if engine != "native":
        raise InputError("--engine", "--engine", engine, "native for a scenario with a budget: key")
    return simulate_to_budget(loaded, str(scenario))[0]


def run(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    region: Optional[str] = typer.Option(None, "--region", help="Region preset replacing the scenario's."),
    set_values: list[str] = typer.Option([], "--set", help="Override NAME=VALUE: a parameter, a lever, "
                                         "initial.STOCK or LEVER.KIND.FIELD (e.g. retraining_capacity.ramp.to)."),
    method: Optional[str] = typer.Option(None, "--method", help="euler, rk4, RK45, DOP853, LSODA, BDF, Radau "
                                         "(any letter case)."),
    dt: Optional[float] = typer.Option(None, "--dt", help="Fixed step (yr) for euler and rk4."),
    out: Path = typer.Option(Path("outputs"), "--out", help="Parent folder of the output folder."),
    name: Optional[str] = typer.Option(None, "--name", help="Output folder name under --out (default: the "
                                       "scenario's name, then -REGION and -set-... for --region and --set)."),
    no_plot: bool = typer.Option(False, "--no-plot", help="Do not draw dashboard.png (faster)."),
    output_format: OutputFormat = typer.Option(OutputFormat.table, "--format", case_sensitive=False,
                                               help="Terminal output: table, json or csv (indicators)."),
    engine: str = typer.Option("native", "--engine", help="native, or pysd: the Vensim twin run by PySD (Euler)."),
    model_file: Optional[Path] = typer.Option(None, "--model", help="Your own Vensim/XMILE model, run by PySD."),
    language: str = typer.Option("en", "--lang", help="Language of the dashboard figure: en or zh."),
) -> None:
    """Run one scenario and write outputs/<name>/ (timeseries, indicators, manifest, dashboard)."""
    if model_file is not None:
        with one_line_errors(model_file):
            if name is not None or no_plot or output_format is not OutputFormat.table:
                raise InputError("--model", "--model", str(model_file), "without --name, --no-plot and --format")
        _run_foreign(scenario, model_file, region, set_values, method, dt, out)
        return
    with one_line_errors():
        from restrans.sim.engine.engines import check_engine
        from restrans.sim.scenario.scenario import load_scenario

        check_language(language)
        overrides = parse_overrides(set_values)
        loaded = load_scenario(scenario, region=region, overrides=overrides)
        if method is not None or dt is not None:
            loaded = loaded.with_solver(method=method, dt=dt)
        check_engine(engine, loaded.solver.method, "--method" if method else str(scenario))
        directory = _folder(out, loaded, name, region, overrides)
        started = time.perf_counter()
        results = _simulate(loaded, scenario, engine)
        wall_time = time.perf_counter() - started
        _write_run(directory, loaded, results, wall_time, engine, region, overrides, no_plot, language)
    _print_summary(results, directory, wall_time, output_format)


def _write_run(directory: Path, loaded, results, wall_time: float, engine: str, region: Optional[str],
               overrides: dict[str, float], no_plot: bool, language: str = "en") -> None:
    from restrans.sim.engine.engines import engine_provenance
    from restrans.sim.engine.outputs import build_manifest, file_sha256, write_run_outputs
    from restrans.sim.scenario.scenario import scenario_hash

    figures = {}
    if not no_plot:
        from restrans.sim.report.plots import dashboard
        from restrans.sim.report.translations import short_name

        title = f"{loaded.name} — {short_name('region', loaded.region, language)}"
        if overrides:
            title += " — " + ", ".join(f"{key} = {value:g}" for key, value in overrides.items())
        figures["dashboard.png"] = dashboard(results, title, _targets_of(loaded), loaded.region, language)
    record = {"name": loaded.name, "files": {str(p): file_sha256(p) for p in loaded.source_files},
              "scenario_hash": scenario_hash(loaded), "resolved": loaded.resolved_dict(),
              "overrides": {"region": region, "set": overrides}}
    files = ["timeseries.csv", "variables.csv", "indicators.csv", *figures, "manifest.json"]
    manifest = build_manifest([record], loaded.solver.model_dump(), wall_time, files, engine_provenance(engine))
    keep = tuple(f"{loaded.name}.{export_format.value}" for export_format in ExportFormat)  # restrans export's
    write_run_outputs(directory, results, manifest, figures, keep)


def _targets_of(loaded) -> tuple:
    """The targets marked on the dashboard: the targets file found for the scenario, as compare finds it."""
    from restrans.sim.compare.targets import find_targets, load_targets

    source = loaded.source_files[0] if loaded.source_files else None
    path = find_targets(source, loaded.source_files)[0] if source else None
    return tuple(load_targets(path).targets) if path is not None else ()


def _print_summary(results, directory: Path, wall_time: float, output_format: OutputFormat) -> None:
    frame = results.indicator_table()
    line = f"wrote {directory}/ (simulation {wall_time * 1000:.0f} ms)"
    if output_format is OutputFormat.csv:
        print_csv(frame)
    elif output_format is OutputFormat.json:
        print_json({"output_folder": str(directory), "simulation_seconds": wall_time,
                    "indicators": frame.to_dict(orient="records")})
    else:
        years = list(frame.columns[4:])
        rows = ([row.indicator, row.unit, *[f"{value:.4g}" for value in row[4:]]]
                for row in frame.itertuples(index=False))
        print_table(f"{results.run_names[0]}: indicators", ["indicator", "unit", *years], rows, right=years)
    wrote(line, output_format)


def _run_foreign(scenario: Path, model_file: Path, region: Optional[str], set_values: list[str],
                 method: Optional[str], dt: Optional[float], out: Path) -> None:
    """``run --model``: a scenario for a foreign Vensim/XMILE model, run by PySD (see sim/vensim/foreign.py)."""
    from restrans.sim.engine.output_folder import checked_folder
    from restrans.sim.engine.outputs import build_manifest, file_sha256
    from restrans.sim.vensim.foreign import ForeignModel, load_foreign_scenario, run_foreign, run_settings
    from restrans.sim.vensim.foreign_outputs import check_finite, write_foreign_outputs

    with one_line_errors(model_file):
        if region is not None:
            raise InputError("--region", "--region", region, "no region with --model (presets belong to restrans)")
        if method not in (None, "euler"):
            raise InputError("--method", "method", method, "euler (PySD integrates with Euler only)")
        foreign = ForeignModel(model_file)
        loaded = load_foreign_scenario(scenario, foreign, set_values)
        if dt is not None:
            if not dt > 0:
                raise InputError("--dt", "dt", dt, "a positive step in the model's time unit")
            loaded = loaded.model_copy(update={"solver": loaded.solver.model_copy(update={"dt": float(dt)})})
        settings = run_settings(loaded, foreign)
        directory = out / loaded.name
        checked_folder(directory)
        started = time.perf_counter()
        frame = run_foreign(foreign, settings)
        wall_time = time.perf_counter() - started
        check_finite(frame, foreign)  # the same check as sweep --model: a NaN state is a failed run
        frame.insert(0, "run", loaded.name)
        record = {"name": loaded.name, "files": {str(p): file_sha256(p) for p in loaded.source_files},
                  "resolved": loaded.model_dump(mode="json", by_alias=True, exclude={"source_files"})}
        solver = {"method": "euler", "dt": settings.dt, "start": settings.start, "end": settings.end,
                  "saveper": settings.saveper}
        manifest = build_manifest([record], solver, wall_time, ["timeseries.csv", "variables.csv", "manifest.json"],
                                  {"engine": "pysd", "pysd_version": foreign.pysd_version,
                                   "model": {"file": str(model_file), "sha256": file_sha256(model_file)}})
        write_foreign_outputs(directory, frame, foreign, manifest)
    console.print(f"wrote {directory}/ ({len(frame)} times x {frame.shape[1] - 2} variables of {model_file}; "
                  f"simulation {wall_time * 1000:.0f} ms)", markup=False)


def export(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    output_format: ExportFormat = typer.Option(ExportFormat.mdl, "--format", case_sensitive=False,
                                               help="mdl (whole model) or cin."),
    out: Optional[Path] = typer.Option(None, "--out", help="File to write (default: NAME.FORMAT in the folder "
                                       "'restrans run' writes for the same options)."),
    region: Optional[str] = typer.Option(None, "--region", help="Region preset replacing the scenario's."),
    set_values: list[str] = typer.Option([], "--set", help="Override NAME=VALUE (as for run)."),
) -> None:
    """Write the Vensim model with the scenario's values (.mdl), or a Vensim changes file (.cin) for it."""
    from restrans.sim.engine.output_folder import write_file
    from restrans.sim.scenario.scenario import load_scenario
    from restrans.sim.vensim.twin import scenario_values, write_cin, write_mdl

    with one_line_errors():
        overrides = parse_overrides(set_values)
        loaded = load_scenario(scenario, region=region, overrides=overrides)
        values = scenario_values(loaded)
        text = write_mdl(values) if output_format is ExportFormat.mdl else write_cin(values)
        folder = Path("outputs") / run_folder_name(loaded.name, region, overrides)
        target = out if out is not None else folder / f"{loaded.name}.{output_format.value}"
        write_file(target, text.encode("utf-8"))  # OutputFault: one line, exit code 1, the old file unchanged
    console.print(f"wrote {target}", markup=False)
