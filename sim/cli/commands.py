"""The ``restrans`` command — the only module that prints.

Bad input (InputError) gives one line on stderr and exit code 2, with nothing
written; a fault — a solver failure, a run of a foreign model that stops or
goes non-finite, outputs that cannot be written (disk full, read-only folder,
a file or a dangling link where the folder should be) — one line and exit
code 1, with the previous outputs unchanged.
"""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from restrans.sim.scenario.errors import InputError
from restrans.sim.engine.output_folder import OutputFault, checked_folder
from restrans.sim.engine.pysd_errors import ModelRunError
from restrans.sim.engine.solver import SolverError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="restrans: system-dynamics model of China's resource-based regions in transition.")
console = Console()
error_console = Console(stderr=True, highlight=False, soft_wrap=True)


def _print_version(value: bool) -> None:
    """``--version``: the installed restrans version (as recorded in every manifest), then exit."""
    if value:
        from restrans.sim.engine.outputs import package_version

        typer.echo(f"restrans {package_version()}")
        raise typer.Exit()


@app.callback()
def _options(version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                          help="Print the restrans version and exit.")) -> None:
    """restrans: system-dynamics model of China's resource-based regions in transition."""


class Topic(str, Enum):
    params = "params"
    stocks = "stocks"
    levers = "levers"
    regions = "regions"


class Format(str, Enum):
    table = "table"
    markdown = "markdown"
    csv = "csv"


def _fail(message: str, code: int) -> None:
    error_console.print(f"restrans: error: {message}", markup=False)
    raise typer.Exit(code)


@contextmanager
def _one_line_errors(model_file: Optional[Path] = None):
    """Bad input: one line, exit code 2; a fault (solver, model run, writing outputs): one line, exit code 1."""
    try:
        yield
    except InputError as error:
        _fail(str(error), 2)
    except (SolverError, OutputFault) as error:
        _fail(str(error), 1)
    except ModelRunError as error:
        where = "" if error.model_file else f"{model_file if model_file is not None else 'the Vensim twin'}: "
        _fail(f"{where}{error}; nothing was written", 1)


def _check_language(language: str) -> None:
    """Bad ``--lang``: InputError (exit 2); Chinese without the CJK font: one line, exit code 1, before any run."""
    from restrans.sim.report.fonts import FontMissing, font_settings
    from restrans.sim.report.translations import check_language

    check_language(language)
    try:
        font_settings(language)
    except FontMissing as error:
        _fail(f"{error}; nothing was written", 1)


def _load(path: Path, region: Optional[str], assignments: list[str]):
    from restrans.sim.scenario.scenario import load_scenario, parse_assignment

    overrides = dict(parse_assignment(text) for text in assignments)
    return load_scenario(path, region=region, overrides=overrides)


@app.command()
def run(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    region: Optional[str] = typer.Option(None, "--region", help="Region preset replacing the scenario's."),
    set_values: list[str] = typer.Option([], "--set", help="Override NAME=VALUE (parameter, lever, initial.STOCK)."),
    method: Optional[str] = typer.Option(None, "--method", help="euler, rk4, RK45, DOP853, LSODA, BDF, Radau."),
    dt: Optional[float] = typer.Option(None, "--dt", help="Fixed step (yr) for euler and rk4."),
    out: Path = typer.Option(Path("outputs"), "--out", help="Parent folder of the output folder."),
    engine: str = typer.Option("native", "--engine", help="native, or pysd: the Vensim twin run by PySD (Euler)."),
    model_file: Optional[Path] = typer.Option(None, "--model", help="Your own Vensim/XMILE model, run by PySD."),
    language: str = typer.Option("en", "--lang", help="Language of the dashboard figure: en or zh."),
) -> None:
    """Run one scenario and write outputs/<name>/ (timeseries, indicators, manifest, dashboard)."""
    from restrans.sim.engine.engines import check_engine, engine_provenance, simulate
    from restrans.sim.engine.outputs import build_manifest, file_sha256, write_run_outputs
    from restrans.sim.report.plots import dashboard
    from restrans.sim.report.translations import short_name
    from restrans.sim.scenario.scenario import scenario_hash

    if model_file is not None:
        _run_foreign(scenario, model_file, region, set_values, method, dt, out)
        return
    with _one_line_errors():
        _check_language(language)
        loaded = _load(scenario, region, set_values)
        if method is not None or dt is not None:
            loaded = loaded.with_solver(method=method, dt=dt)
        check_engine(engine, loaded.solver.method, "--method" if method else str(scenario))
        directory = out / loaded.name
        checked_folder(directory)  # before the run: a file or a dangling link there is a fault
        started = time.perf_counter()
        if loaded.budget is not None:  # equal-budget scaling (sim/budget.py), native engine only
            from restrans.sim.compare.budget import simulate_to_budget

            if engine != "native":
                raise InputError("--engine", "--engine", engine, "native for a scenario with a budget: key")
            results, _scaling = simulate_to_budget(loaded, str(scenario))
        else:
            results = simulate([loaded], engine=engine)
        wall_time = time.perf_counter() - started
        figure = dashboard(results, f"{loaded.name} — {short_name('region', loaded.region, language)}", language)
        record = {"name": loaded.name, "files": {str(p): file_sha256(p) for p in loaded.source_files},
                  "scenario_hash": scenario_hash(loaded), "resolved": loaded.resolved_dict()}
        files = ["timeseries.csv", "variables.csv", "indicators.csv", "dashboard.png", "manifest.json"]
        manifest = build_manifest([record], loaded.solver.model_dump(), wall_time, files, engine_provenance(engine))
        write_run_outputs(directory, results, manifest, {"dashboard.png": figure}, _export_files(loaded.name))
    _print_summary(results, directory, wall_time)


def _export_files(name: str) -> tuple[str, ...]:
    """Files ``restrans export`` writes into a run's folder by default: a new run keeps them."""
    return tuple(f"{name}.{output_format.value}" for output_format in ExportFormat)


def _print_summary(results, directory: Path, wall_time: float) -> None:
    table = Table(title=f"{results.run_names[0]}: indicators", show_lines=False)
    frame = results.indicator_table()
    for column in ["indicator", "unit", *frame.columns[4:]]:
        table.add_column(column, justify="right" if column[0].isdigit() else "left")
    for row in frame.itertuples(index=False):
        table.add_row(row.indicator, row.unit, *[f"{value:.4g}" for value in row[4:]])
    console.print(table)
    console.print(f"wrote {directory}/ (simulation {wall_time * 1000:.0f} ms)")


def _run_foreign(scenario: Path, model_file: Path, region: Optional[str], set_values: list[str],
                 method: Optional[str], dt: Optional[float], out: Path) -> None:
    """``run --model``: a scenario for a foreign Vensim/XMILE model, run by PySD (see sim/foreign.py)."""
    from restrans.sim.vensim.foreign import ForeignModel, load_foreign_scenario, run_foreign, run_settings
    from restrans.sim.vensim.foreign_outputs import check_finite, write_foreign_outputs
    from restrans.sim.engine.outputs import build_manifest, file_sha256

    with _one_line_errors(model_file):
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
                  f"simulation {wall_time * 1000:.0f} ms)")


class ExportFormat(str, Enum):
    mdl = "mdl"
    cin = "cin"


@app.command()
def export(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    output_format: ExportFormat = typer.Option(ExportFormat.mdl, "--format", help="mdl (whole model) or cin."),
    out: Optional[Path] = typer.Option(None, "--out", help="File to write (default outputs/<name>/<name>.<format>)."),
    region: Optional[str] = typer.Option(None, "--region", help="Region preset replacing the scenario's."),
    set_values: list[str] = typer.Option([], "--set", help="Override NAME=VALUE (parameter, lever, initial.STOCK)."),
) -> None:
    """Write the Vensim model with the scenario's values (.mdl), or a Vensim changes file (.cin) for it."""
    from restrans.sim.engine.output_folder import write_file
    from restrans.sim.vensim.twin import scenario_values, write_cin, write_mdl

    with _one_line_errors():
        loaded = _load(scenario, region, set_values)
        values = scenario_values(loaded)
        text = write_mdl(values) if output_format is ExportFormat.mdl else write_cin(values)
        target = out if out is not None else Path("outputs") / loaded.name / f"{loaded.name}.{output_format.value}"
        write_file(target, text.encode("utf-8"))  # OutputFault: one line, exit code 1, the old file unchanged
    console.print(f"wrote {target}")


@app.command()
def validate(scenarios: list[Path] = typer.Argument(..., help="Scenario files to check.")) -> None:
    """Check scenario files without running them; exit code 2 on the first bad one."""
    from restrans.sim.scenario.scenario import load_scenario

    for path in scenarios:
        try:
            loaded = load_scenario(path)
        except InputError as error:
            _fail(str(error), 2)
        console.print(f"ok  {path}  ({loaded.name}, region {loaded.region})")


@app.command()
def describe(
    topic: Topic = typer.Argument(..., help="params, stocks, levers or regions."),
    output_format: Format = typer.Option(Format.table, "--format", help="table, markdown or csv."),
    language: str = typer.Option("en", "--lang", help="en, or zh: adds each element's Chinese label and explanation."),
) -> None:
    """List the model's declarations with unit, bounds, doc and source."""
    from restrans.sim.cli.describe import describe_markdown, describe_table
    from restrans.sim.report.translations import check_language

    with _one_line_errors():
        check_language(language)
    if output_format is Format.markdown:
        sys.stdout.write(describe_markdown(topic.value, language))
        return
    frame = describe_table(topic.value, language)
    if output_format is Format.csv:
        sys.stdout.write(frame.to_csv(index=False))
        return
    table = Table(title=f"restrans {topic.value}", show_lines=False)
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*[str(value) for value in row])
    console.print(table)


@app.command()
def calibrate(
    region: str = typer.Argument(..., help="Region preset name (restrans describe regions)."),
    write: bool = typer.Option(False, "--write", help="Store the calibrated values in the preset file."),
) -> None:
    """Recompute a preset's reference parameters from its 2025 state (after editing its initial stocks)."""
    from restrans.sim.engine.calibration import calibrated_values, write_calibration
    from restrans.sim.scenario.regions import load_region

    try:
        preset = load_region(region)
        values = calibrated_values(region)
    except InputError as error:
        _fail(str(error), 2)
    table = Table(title=f"calibration of {region}")
    for column in ("parameter", "preset", "calibrated"):
        table.add_column(column)
    for name, value in values.items():
        current = preset.parameters.get(name)
        table.add_row(name, "—" if current is None else f"{current:.10g}", f"{value:.10g}")
    console.print(table)
    if write:
        console.print(f"wrote {write_calibration(region, values)}")


@app.command()
def compare(
    scenarios: list[Path] = typer.Argument(..., help="Scenario files; the first is the baseline."),
    region: Optional[str] = typer.Option(None, "--region", help="Run every scenario for this region preset."),
    regions: Optional[str] = typer.Option(None, "--regions", help="'all' or R1,R2,...: adds the region x mix matrix."),
    budget: Optional[float] = typer.Option(None, "--budget", help="Scale every scenario but the first to this "
                                           "extra cost 2025-2035 (bn CNY above policy as of 2025)."),
    targets: Optional[Path] = typer.Option(None, "--targets", help="Targets file (default: targets.yaml beside "
                                           "the first scenario)."),
    method: Optional[str] = typer.Option(None, "--method", help="euler, rk4, RK45, DOP853, LSODA, BDF, Radau."),
    dt: Optional[float] = typer.Option(None, "--dt", help="Fixed step (yr) for euler and rk4."),
    out: Path = typer.Option(Path("outputs"), "--out", help="Parent folder of the output folder."),
    name: str = typer.Option("compare", "--name", help="Output folder name under --out."),
    engine: str = typer.Option("native", "--engine", help="native, or pysd: the Vensim twin run by PySD (Euler)."),
    language: str = typer.Option("en", "--lang", help="Language of the report and its figures: en or zh."),
) -> None:
    """Run scenarios (x regions) as one batch; write the comparison, scorecard and report to outputs/<name>/."""
    from restrans.sim.compare.comparison import run_comparison
    from restrans.sim.report.compare_outputs import REPORT, write_comparison
    from restrans.sim.scenario.names import check_output_name

    with _one_line_errors():
        _check_language(language)
        check_output_name(name, "--name", "--name", "a folder name")
        directory = out / name
        checked_folder(directory)  # before the runs: a file or a dangling link there is a fault
        comparison = run_comparison(scenarios, region, regions, budget, targets, method, dt, engine)
        write_comparison(directory, comparison, language)  # staged, then swapped in whole
    _print_comparison(comparison)
    console.print(f"wrote {directory}/ ({len(comparison.specs)} runs in one batch, {comparison.wall_time:.1f} s)")
    console.print(f"report: {directory / REPORT}", soft_wrap=True)


def _print_comparison(comparison) -> None:
    region = comparison.regions[0]
    table = Table(title=f"{region}: 2035 targets met; policy cost 2025-2035 (bn CNY); thousand CNY per job-year")
    for column in ("scenario", "met", "total", "central", "local", "extra", "job-yr"):
        table.add_column(column, justify="left" if column == "scenario" else "right", no_wrap=column == "scenario")
    costs = comparison.effectiveness[comparison.effectiveness["region"] == region]
    ranking = comparison.ranking[comparison.ranking["region"] == region].set_index("scenario")
    for row in costs.itertuples(index=False):
        met = (f"{ranking.loc[row.scenario, 'targets_met']}/{ranking.loc[row.scenario, 'targets_judged']}"
               if comparison.targets else "—")
        per_job = row.cost_per_job_year_thousand_cny
        table.add_row(row.scenario, met, f"{row.cost_bn_cny:.1f}", f"{row.central_cost_bn_cny:.1f}",
                      f"{row.local_cost_bn_cny:.1f}", f"{row.extra_cost_bn_cny:+.1f}",
                      "—" if per_job != per_job else f"{per_job:.0f}")
    console.print(table)


from restrans.sim.cli.ensembles import register as _register_ensemble_commands  # noqa: E402

_register_ensemble_commands(app)  # sweep, uncertainty, sensitivity (sim/cli_ensembles.py)

from restrans.sim.cli.classroom import register as _register_classroom  # noqa: E402

_register_classroom(app)  # restrans app (sim/app/)


def main() -> None:
    """Entry point of the ``restrans`` console script."""
    app()
