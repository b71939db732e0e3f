"""``restrans compare``: scenarios (x regions) as one batch; the terminal shows every region's table and answer.

The output folder is written whole or not at all (:func:`restrans.sim.report.compare_outputs.write_comparison`).
The terminal names the targets file used and why (given, beside the first scenario, beside a file it extends,
or the default), as the manifest does.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from restrans.sim.cli.formats import OutputFormat, print_csv, print_json, print_table, wrote
from restrans.sim.cli.terminal import check_language, console, notice, one_line_errors

COLUMNS: tuple[str, ...] = ("scenario", "met", "total", "central", "local", "extra", "job-yr")


def compare(
    scenarios: list[Path] = typer.Argument(..., help="Scenario files; the first is the baseline."),
    region: Optional[str] = typer.Option(None, "--region", help="Run every scenario for this region preset."),
    regions: Optional[str] = typer.Option(None, "--regions", help="'all' or R1,R2,...: adds the region x mix matrix."),
    budget: Optional[float] = typer.Option(None, "--budget", help="Scale every scenario but the first to this "
                                           "extra cost 2025-2035 (bn CNY above policy as of 2025)."),
    targets: Optional[Path] = typer.Option(None, "--targets", help="Targets file (default: targets.yaml beside "
                                           "the first scenario, else beside a file it extends, else "
                                           "scenarios/targets.yaml)."),
    set_values: list[str] = typer.Option([], "--set", help="Override NAME=VALUE in every scenario (as for run)."),
    method: Optional[str] = typer.Option(None, "--method", help="euler, rk4, RK45, DOP853, LSODA, BDF, Radau "
                                         "(any letter case)."),
    dt: Optional[float] = typer.Option(None, "--dt", help="Fixed step (yr) for euler and rk4."),
    out: Path = typer.Option(Path("outputs"), "--out", help="Parent folder of the output folder."),
    name: str = typer.Option("compare", "--name", help="Output folder name under --out."),
    output_format: OutputFormat = typer.Option(OutputFormat.table, "--format", case_sensitive=False,
                                               help="Terminal output: table, json or csv (the per-region rows)."),
    engine: str = typer.Option("native", "--engine", help="native, or pysd: the Vensim twin run by PySD (Euler)."),
    language: str = typer.Option("en", "--lang", help="Language of the report and its figures: en or zh."),
) -> None:
    """Run scenarios (x regions) as one batch; write the comparison, scorecard and report to outputs/<name>/."""
    with one_line_errors():
        from restrans.sim.cli.run import parse_overrides
        from restrans.sim.compare.comparison import run_comparison
        from restrans.sim.engine.output_folder import checked_folder
        from restrans.sim.report.compare_outputs import REPORT, write_comparison
        from restrans.sim.scenario.names import check_output_name

        check_language(language)
        check_output_name(name, "--name", "--name", "a folder name")
        overrides = parse_overrides(set_values)
        directory = out / name
        checked_folder(directory)  # before the runs: a file or a dangling link there is a fault
        comparison = run_comparison(scenarios, region, regions, budget, targets, method, dt, engine, overrides)
        write_comparison(directory, comparison, language)  # staged, then swapped in whole
    _print_comparison(comparison, directory / REPORT, output_format)
    wrote(f"wrote {directory}/ ({len(comparison.specs)} runs in one batch, {comparison.wall_time:.1f} s); "
          f"report: {directory / REPORT}", output_format)


def region_rows(comparison, region: str) -> list[dict]:
    """One row per scenario of ``region``: targets met and judged, policy costs (bn CNY), cost per job-year."""
    costs = comparison.effectiveness[comparison.effectiveness["region"] == region]
    ranking = comparison.ranking[comparison.ranking["region"] == region].set_index("scenario")
    rows = []
    for row in costs.itertuples(index=False):
        judged = comparison.targets is not None and row.scenario in ranking.index
        rows.append({"region": region, "scenario": row.scenario,
                     "targets_met": int(ranking.loc[row.scenario, "targets_met"]) if judged else None,
                     "targets_judged": int(ranking.loc[row.scenario, "targets_judged"]) if judged else None,
                     "cost_bn_cny": row.cost_bn_cny, "central_cost_bn_cny": row.central_cost_bn_cny,
                     "local_cost_bn_cny": row.local_cost_bn_cny, "extra_cost_bn_cny": row.extra_cost_bn_cny,
                     "cost_per_job_year_thousand_cny": row.cost_per_job_year_thousand_cny})
    return rows


def _cells(row: dict) -> list[str]:
    per_job = row["cost_per_job_year_thousand_cny"]
    met = "—" if row["targets_met"] is None else f"{row['targets_met']}/{row['targets_judged']}"
    return [row["scenario"], met, f"{row['cost_bn_cny']:.1f}", f"{row['central_cost_bn_cny']:.1f}",
            f"{row['local_cost_bn_cny']:.1f}", f"{row['extra_cost_bn_cny']:+.1f}",
            "—" if per_job != per_job else f"{per_job:.0f}"]


def _print_comparison(comparison, report: Path, output_format: OutputFormat) -> None:
    """Every region's table and the answer sentence (or JSON / CSV of the same rows)."""
    import pandas as pd

    from restrans.sim.report.report import answer

    rows = [row for region in comparison.regions for row in region_rows(comparison, region)]
    answers = {region: answer(comparison, region).replace("**", "") for region in comparison.regions}
    targets = comparison.targets.path if comparison.targets else None
    if output_format is OutputFormat.csv:
        print_csv(pd.DataFrame(rows))
    elif output_format is OutputFormat.json:
        print_json({"baseline": comparison.baseline, "regions": comparison.regions, "rows": rows,
                    "answers": answers, "targets": {"file": targets, "why": comparison.targets_reason},
                    "report": str(report)})
    else:
        for region in comparison.regions:
            print_table(f"{region}: 2035 targets met; policy cost 2025-2035 (bn CNY); thousand CNY per job-year",
                        COLUMNS, (_cells(row) for row in rows if row["region"] == region), right=COLUMNS[1:])
            console.print(answers[region], markup=False, soft_wrap=True)
            console.print()
    if targets is not None:
        wrote(f"targets: {targets} ({comparison.targets_reason})", output_format)
    else:
        notice(f"no scorecard: {comparison.targets_reason}; pass --targets FILE")
