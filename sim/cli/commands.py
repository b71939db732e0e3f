"""The ``restrans`` command: the typer app, ``--version``, ``validate``, ``describe`` and ``calibrate``.

The other commands live beside it (``run``/``export`` in :mod:`restrans.sim.cli.run`, ``compare`` in
:mod:`restrans.sim.cli.compare`, the ensemble commands in :mod:`restrans.sim.cli.ensembles`); only
:mod:`restrans.sim.cli` prints. Bad input and every usage error give one line on stderr and exit code 2, with
nothing written; a fault (a solver failure, a foreign model run that stops or goes non-finite, outputs that
cannot be written) one line and exit code 1, with the previous outputs unchanged
(:mod:`restrans.sim.cli.terminal`).
"""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from restrans.sim.cli.compare import compare
from restrans.sim.cli.formats import OutputFormat, print_json, print_table
from restrans.sim.cli.run import export, run
from restrans.sim.cli.terminal import console, fail as _fail, one_line_errors, run_command
from restrans.sim.scenario.errors import InputError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="restrans: system-dynamics model of China's resource-based regions in transition.")


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


class DescribeFormat(str, Enum):
    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"


def _input_kind(path: Path) -> str:
    """``targets``, ``sweep`` or ``scenario``: what an input file is, by its top-level keys."""
    from restrans.sim.scenario.errors import read_yaml_mapping

    keys = set(read_yaml_mapping(path, str(path), "a mapping (a scenario, sweep or targets file)"))
    if "targets" in keys and keys <= {"targets", "description"}:
        return "targets"
    return "sweep" if keys & {"base", "factors", "design"} else "scenario"


def _validated(path: Path) -> dict:
    """Validate one scenario, sweep or targets file; what it is and holds, as plain values."""
    kind = _input_kind(path)
    if kind == "targets":
        from restrans.sim.compare.targets import load_targets

        return {"file": str(path), "kind": kind, "targets": len(load_targets(path).targets)}
    if kind == "sweep":
        from restrans.sim.ensembles.sweep_spec import load_sweep

        spec = load_sweep(path)
        return {"file": str(path), "kind": kind, "name": spec.name, "runs": int(spec.n_runs)}
    from restrans.sim.scenario.scenario import load_scenario

    loaded = load_scenario(path)
    return {"file": str(path), "kind": kind, "name": loaded.name, "region": loaded.region}


def validate(
    files: list[Path] = typer.Argument(..., help="Scenario, sweep or targets files to check."),
    output_format: OutputFormat = typer.Option(OutputFormat.table, "--format", case_sensitive=False,
                                               help="table, json or csv."),
) -> None:
    """Check scenario, sweep and targets files without running them; exit code 2 on the first bad one."""
    checked = []
    for path in files:
        try:
            checked.append(_validated(path))
        except InputError as error:
            _fail(str(error), 2)
        if output_format is OutputFormat.table:
            item = checked[-1]
            what = {"targets": lambda: f"targets file, {item['targets']} targets",
                    "sweep": lambda: f"sweep {item['name']}, {item['runs']:,} runs",
                    "scenario": lambda: f"{item['name']}, region {item['region']}"}[item["kind"]]()
            console.print(f"ok  {path}  ({what})", markup=False)
    if output_format is OutputFormat.json:
        print_json(checked)
    elif output_format is OutputFormat.csv:
        import pandas as pd

        sys.stdout.write(pd.DataFrame(checked).to_csv(index=False))


def describe(
    topic: Topic = typer.Argument(..., help="params, stocks, levers or regions."),
    output_format: DescribeFormat = typer.Option(DescribeFormat.table, "--format", case_sensitive=False,
                                                 help="table, markdown, csv or json."),
    language: str = typer.Option("en", "--lang", help="en, or zh: adds each element's Chinese label and explanation."),
    region: str = typer.Option(None, "--region", help="A preset (restrans describe regions): add its value "
                                         "and source of each parameter, stock or lever."),
) -> None:
    """List the model's declarations with unit, bounds, doc and source."""
    from restrans.sim.cli.describe import describe_markdown, describe_table
    from restrans.sim.report.translations import check_language

    with one_line_errors():
        check_language(language)
        if region is not None and topic.value == "regions":
            raise InputError("--region", "region", region, "params, stocks or levers with --region")
        if output_format is DescribeFormat.markdown:
            sys.stdout.write(describe_markdown(topic.value, language, region))
            return
        frame = describe_table(topic.value, language, region)  # an unknown region: one line, exit 2
    if output_format is DescribeFormat.csv:
        sys.stdout.write(frame.to_csv(index=False))
    elif output_format is DescribeFormat.json:
        print_json(frame.to_dict(orient="records"))
    else:
        print_table(f"restrans {topic.value}", list(frame.columns), frame.itertuples(index=False), wrap=True)


def calibrate(
    region: str = typer.Argument(None, help="Region preset name (restrans describe regions); not with --data."),
    write: bool = typer.Option(False, "--write", help="Store the calibrated values in the preset file."),
    data: Path = typer.Option(None, "--data", help="History file (columns of model/data/history.csv): fit a "
                              "city's behavioural parameters to it."),
    city: str = typer.Option(None, "--city", help="City of the data to fit (with --data)."),
    all_cities: bool = typer.Option(False, "--all", help="Fit every city of the data, with a combined index.html."),
    region_type: str = typer.Option(None, "--type", help="Region type of a city without a preset."),
    start: int = typer.Option(2010, "--start", help="Year of the start state (census year)."),
    fit_until: int = typer.Option(2017, "--fit-until", help="Last year fitted; later years are held out."),
    holdout_until: int = typer.Option(2021, "--holdout-until", help="Last year held out."),
    params: str = typer.Option(None, "--params", help="Comma-separated parameters to fit (default: the type's set)."),
    out: Path = typer.Option(None, "--out", help="Output folder (default outputs/calibrate/<city> or "
                             "outputs/validation with --all)."),
    include_uncertain: bool = typer.Option(False, "--include-uncertain", help="Use rows tagged U too."),
    language: str = typer.Option("en", "--lang", help="en or zh (the validation pages)."),
) -> None:
    """Recompute a preset's reference parameters from its start state, or (--data) fit a city to its history."""
    if data is not None or city is not None or all_cities:
        _calibrate_history(region, data, city, all_cities, region_type, (start, fit_until, holdout_until), params,
                           out, include_uncertain, language)
        return
    from restrans.sim.engine.calibration import calibrated_values, write_calibration
    from restrans.sim.scenario.regions import load_region

    if region is None:
        _fail("restrans calibrate: give a region preset, or --data FILE with --city NAME or --all", 2)
    try:
        preset = load_region(region)
        values = calibrated_values(region)
    except InputError as error:
        _fail(str(error), 2)
    rows = [(name, "—" if preset.parameters.get(name) is None else f"{preset.parameters[name]:.10g}",
             f"{value:.10g}") for name, value in values.items()]
    print_table(f"calibration of {region}", ["parameter", "preset", "calibrated"], rows)
    if write:
        console.print(f"wrote {write_calibration(region, values)}", markup=False)


def _calibrate_history(region, data, city, all_cities, region_type, window, params, out, include_uncertain,
                       language) -> None:
    """``restrans calibrate --data``: one city (``--city``) or all (``--all``); prints the statistics."""
    from restrans.sim.cli.history import calibrate_history

    if region is not None:
        _fail(f"restrans calibrate: a region preset ({region}) and --data do not go together", 2)
    if data is None or (city is None) == (not all_cities):
        _fail("restrans calibrate --data FILE needs exactly one of --city NAME and --all", 2)
    names = tuple(name.strip() for name in params.split(",") if name.strip()) if params else None
    calibrate_history(data, city, region_type, window, names, out, include_uncertain, language)


from restrans.sim.cli.ensembles import register as _register_ensemble_commands  # noqa: E402

app.command()(run)  # sim/cli/run.py
app.command()(export)
app.command()(compare)  # sim/cli/compare.py
app.command()(validate)
app.command()(describe)
app.command()(calibrate)
_register_ensemble_commands(app)  # sweep, uncertainty, sensitivity (sim/cli/ensembles.py)

from restrans.sim.cli.classroom import register as _register_classroom  # noqa: E402

_register_classroom(app)  # restrans app (sim/app/)


def main() -> None:
    """Entry point of the ``restrans`` console script: every usage error is one line and exit code 2."""
    sys.exit(run_command(app))
