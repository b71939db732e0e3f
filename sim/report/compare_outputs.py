"""Write a comparison to a folder: tables, figures, the HTML report, the Markdown summary, the manifest.

Everything is computed first and then written into a staging folder that
replaces the output folder whole when every file is written
(:func:`restrans.sim.engine.outputs.write_folder`): bad input, a failure while
building the report or a fault while writing (disk full) leaves the previous
folder as it was, and a new comparison leaves no file of an older one behind
(``matrix.csv`` and other regions' figures).
"""
from __future__ import annotations

import json
from pathlib import Path

from restrans.sim.report import compare_plots
from restrans.sim.compare.comparison import Comparison
from restrans.sim.engine.outputs import (build_manifest, file_sha256, git_commit, package_version, timeseries_frame,
                                        write_folder)
from restrans.sim.report.report import markdown_summary
from restrans.sim.report.fonts import figure_fonts
from restrans.sim.report.report_html import render_html
from restrans.sim.report.translations import check_language
from restrans.sim.engine.results import variable_table
from restrans.sim.scenario.scenario import scenario_hash

REPORT = "report.html"
SUMMARY = "summary.md"


def comparison_figures(comparison: Comparison, language: str = "en") -> dict[str, bytes]:
    """Every figure of the report, by file name, labelled in ``language``.

    Raises
    ------
    restrans.sim.report.fonts.FontMissing
        ``language`` is Chinese and the declared CJK font is not installed.
    """
    colours = compare_plots.scenario_colours(comparison.scenarios)
    targets = comparison.targets.targets if comparison.targets else ()
    figures = {}
    with figure_fonts(language):
        for region in comparison.regions:
            runs = [(index, spec.label) for index, spec in enumerate(comparison.specs) if spec.region == region]
            figures[f"trajectories_{region}.png"] = compare_plots.trajectories(comparison.results, runs, region, targets,
                                                                               colours, language)
            figures[f"costs_{region}.png"] = compare_plots.costs_chart(comparison.effectiveness, region, colours,
                                                                       language=language)
            figures[f"effectiveness_{region}.png"] = compare_plots.effectiveness_chart(comparison.effectiveness,
                                                                                       region, colours, language)
        if len(comparison.regions) > 1:
            figures["matrix.png"] = compare_plots.matrix_chart(comparison.matrix, comparison.regions,
                                                               comparison.scenarios, language)
        if comparison.targets:
            figures["summary.png"] = compare_plots.summary_chart(comparison, comparison.regions[0], colours, language)
    return figures


def _tables(comparison: Comparison) -> dict[str, str]:
    labels = [(spec.region, spec.label) for spec in comparison.specs]  # separate region and scenario columns
    tables = {"comparison.csv": comparison.indicators, "cost_effectiveness.csv": comparison.effectiveness,
              "levers.csv": comparison.levers, "timeseries.csv": timeseries_frame(comparison.results, labels),
              "variables.csv": variable_table()}
    if comparison.targets:
        tables.update({"scorecard.csv": comparison.scorecard, "ranking.csv": comparison.ranking})
    if len(comparison.regions) > 1:
        tables["matrix.csv"] = comparison.matrix
    return {name: frame.to_csv(index=False, float_format="%.10g") for name, frame in tables.items()}


def _manifest(comparison: Comparison, files: list[str], language: str) -> dict:
    records = []
    for spec in comparison.specs:
        record = {"name": spec.label, "region": spec.region, "file": spec.path,
                  "files": {str(path): file_sha256(path) for path in spec.scenario.source_files},
                  "scenario_hash": scenario_hash(spec.scenario), "resolved": spec.scenario.resolved_dict()}
        if spec.scaling is not None:
            record["budget"] = {"budget_bn_cny": spec.scaling.budget, "factor": spec.scaling.factor,
                                "extra_cost_bn_cny": spec.scaling.extra_cost,
                                "reference_cost_bn_cny": spec.scaling.reference_cost,
                                "reference": "same scenario with every policy lever at its 2025 value"}
        records.append(record)
    extra = {"regions": comparison.regions, "baseline": comparison.baseline, "language": language,
             "overrides": {"set": comparison.overrides}}
    extra["targets"] = {"file": None, "why": comparison.targets_reason}
    if comparison.targets:
        extra["targets"].update({"file": comparison.targets.path, "sha256": file_sha256(comparison.targets.path)})
    return build_manifest(records, comparison.specs[0].scenario.solver.model_dump(), comparison.wall_time, files,
                          extra)


def write_comparison(directory: Path, comparison: Comparison, language: str = "en") -> list[Path]:
    """Write every output of a comparison as the whole of ``directory``; returns the paths written.

    The report, the summary and the figures are in ``language`` (:data:`restrans.sim.report.translations.LANGUAGES`);
    the tables and the manifest are the same in every language.

    Raises
    ------
    restrans.sim.scenario.errors.InputError
        ``language`` is not one of the languages.
    restrans.sim.report.fonts.FontMissing
        Chinese figures without the declared CJK font.
    restrans.sim.engine.output_folder.OutputFault
        Writing failed (disk full, read-only folder, a file in the way); ``directory`` is as it was.
    """
    directory = Path(directory)
    check_language(language)
    figures = comparison_figures(comparison, language)
    tables = _tables(comparison)
    names = [*tables, *(f"figures/{name}" for name in figures), REPORT, SUMMARY, "manifest.json"]
    provenance = {"restrans": package_version(), "git commit": git_commit(Path(__file__).parent)[:12],
                  "solver": f"{comparison.specs[0].scenario.solver.method}, dt "
                            f"{comparison.specs[0].scenario.solver.dt:g} yr"}
    contents: dict[str, bytes] = {name: text.encode("utf-8") for name, text in tables.items()}
    contents.update({f"figures/{name}": image for name, image in figures.items()})
    contents[REPORT] = render_html(comparison, figures, names, provenance, language).encode("utf-8")
    contents[SUMMARY] = markdown_summary(comparison, names, language).encode("utf-8")
    contents["manifest.json"] = (json.dumps(_manifest(comparison, names, language), indent=2, ensure_ascii=False)
                                 + "\n").encode("utf-8")
    return write_folder(directory, contents)
