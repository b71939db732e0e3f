"""The ``restrans`` command — the only module that prints.

Bad input (InputError) gives one line on stderr and exit code 2, with nothing
written; a solver failure gives one line and exit code 1.
"""
from __future__ import annotations

import sys
import time
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from sim.errors import InputError
from sim.solver import SolverError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="restrans: system-dynamics model of China's resource-based regions in transition.")
console = Console()
error_console = Console(stderr=True, highlight=False, soft_wrap=True)


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


def _load(path: Path, region: Optional[str], assignments: list[str]):
    from sim.scenario import load_scenario, parse_assignment

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
) -> None:
    """Run one scenario and write outputs/<name>/ (timeseries, indicators, manifest, dashboard)."""
    from sim.outputs import build_manifest, file_sha256, write_run_outputs
    from sim.plots import dashboard
    from sim.scenario import scenario_hash
    from sim.simulate import simulate

    try:
        loaded = _load(scenario, region, set_values)
        if method is not None or dt is not None:
            loaded = loaded.with_solver(method=method, dt=dt)
        started = time.perf_counter()
        results = simulate([loaded])
        wall_time = time.perf_counter() - started
    except InputError as error:
        _fail(str(error), 2)
    except SolverError as error:
        _fail(str(error), 1)
    directory = out / loaded.name
    figure = dashboard(results, f"{loaded.name} — {loaded.region}")
    record = {"name": loaded.name, "files": {str(p): file_sha256(p) for p in loaded.source_files},
              "scenario_hash": scenario_hash(loaded), "resolved": loaded.resolved_dict()}
    manifest = build_manifest([record], loaded.solver.model_dump(), wall_time,
                              ["timeseries.csv", "variables.csv", "indicators.csv", "dashboard.png", "manifest.json"])
    write_run_outputs(directory, results, manifest, {"dashboard.png": figure})
    _print_summary(results, directory, wall_time)


def _print_summary(results, directory: Path, wall_time: float) -> None:
    table = Table(title=f"{results.run_names[0]}: indicators", show_lines=False)
    frame = results.indicator_table()
    for column in ["indicator", "unit", *frame.columns[4:]]:
        table.add_column(column, justify="right" if column[0].isdigit() else "left")
    for row in frame.itertuples(index=False):
        table.add_row(row.indicator, row.unit, *[f"{value:.4g}" for value in row[4:]])
    console.print(table)
    console.print(f"wrote {directory}/ (simulation {wall_time * 1000:.0f} ms)")


@app.command()
def validate(scenarios: list[Path] = typer.Argument(..., help="Scenario files to check.")) -> None:
    """Check scenario files without running them; exit code 2 on the first bad one."""
    from sim.scenario import load_scenario

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
) -> None:
    """List the model's declarations with unit, bounds, doc and source."""
    from sim.describe import describe_markdown, describe_table

    if output_format is Format.markdown:
        sys.stdout.write(describe_markdown(topic.value))
        return
    frame = describe_table(topic.value)
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
    from sim.calibration import calibrated_values, write_calibration
    from sim.regions import load_region

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


def main() -> None:
    """Entry point of the ``restrans`` console script."""
    app()
