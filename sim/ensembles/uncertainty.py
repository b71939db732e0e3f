"""Monte Carlo uncertainty: each scenario's ``uncertainty:`` block drawn ``n`` times, run in chunks.

Writes ``<out>/<name>/``: ``bands.csv`` (scenario, variable, time, the 5, 25,
50, 75 and 95 % quantiles over the runs), ``target_probabilities.csv`` (share
of runs meeting each 2035 target, per scenario), ``outcomes.parquet`` (every
run's outcomes, with its drawn values), ``fan_charts.png`` and
``manifest.json``. Every scenario uses the same seed, so its runs share the
random numbers (differences between scenarios are not sampling noise).
"""
from __future__ import annotations

import io
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from restrans.sim.scenario.errors import InputError
from restrans.sim.scenario.names import check_output_name
from restrans.sim.ensembles.executors import make_executor
from restrans.sim.ensembles.factors import Factor, Target
from restrans.sim.engine.outputs import build_manifest, file_sha256, write_folder
from restrans.sim.engine.results import variable_units
from restrans.sim.scenario.scenario import load_scenario, scenario_hash
from restrans.sim.ensembles.sweep import load_targets_for
from restrans.sim.ensembles.sweep_runs import ChunkTask, RunPlan, precision_record, resolve_backend
from restrans.sim.ensembles.sweep_spec import KEY_TRAJECTORIES, unit_design

QUANTILES: tuple[float, ...] = (5.0, 25.0, 50.0, 75.0, 95.0)
FAN_VARIABLES: tuple[str, ...] = KEY_TRAJECTORIES[:6]
CHUNK = 10_000


def plausible_factors(scenario) -> tuple[Factor, ...]:
    """The default uncertainty: every sampled parameter uniform over its plausible range.

    A parameter the region preset or the scenario sets keeps the range relative to its default, around its
    own value (:meth:`restrans.model.metadata.Parameter.plausible_range_at`).
    """
    from restrans.model.parameters import PARAMETERS
    from restrans.sim.engine.simulate import build_batch

    values = build_batch([scenario]).parameters[:, 0]
    factors = []
    for parameter, value in zip(PARAMETERS, values):
        if not parameter.sampled:
            continue
        low, high = parameter.plausible_range_at(float(value))
        factors.append(Factor(parameter.name, Target("parameter", parameter.name), float(low), float(high), "range"))
    return tuple(factors)


def uncertainty_factors(scenario, display: str) -> tuple[Factor, ...]:
    """One factor per uncertain parameter, truncated to its effective bounds; without an ``uncertainty:`` block,
    every parameter's plausible range (:func:`plausible_factors`)."""
    if not scenario.uncertainty:
        return plausible_factors(scenario)
    factors = []
    for name, distribution in scenario.uncertainty.items():
        lower, upper = scenario.uncertainty_bounds(name)
        arguments = {key: value for key, value in distribution.args.model_dump().items() if value is not None}
        factors.append(Factor(name, Target("parameter", name), float(lower), float(upper), distribution.kind,
                              arguments))
    return tuple(factors)


def _run_scenario(scenario, factors, n, seed, targets, workers, scheduler, progress, offset, total, precision="fast"):
    """Outcomes frame and trajectories (name -> (n, n_times)) of one scenario's Monte Carlo runs."""
    unit = unit_design("montecarlo", n, len(factors), seed)
    values = np.column_stack([factor.transform(unit[:, index]) for index, factor in enumerate(factors)])
    plan = RunPlan(scenario, factors, resolve_backend("auto", scenario.solver.method), targets, FAN_VARIABLES,
                   calibrate=not scenario.uncertainty, precision=precision)
    results = []
    with make_executor(workers, scheduler) as executor:
        tasks = (ChunkTask(plan, index, first, values[first:first + CHUNK], executor.threads_per_task)
                 for index, first in enumerate(range(0, n, CHUNK)))
        for result in executor.map_unordered(tasks):
            results.append(result)
            offset += len(result.runs)
            if progress:
                progress(offset, total)
    results.sort(key=lambda result: result.index)
    frame = pd.DataFrame({name: np.concatenate([r.outcomes[name] for r in results]) for name in results[0].outcomes})
    reasons = sum((r.failure_reasons for r in results), [])
    frame.insert(0, "failure_reason", reasons)
    frame.insert(0, "status", np.where([bool(reason) for reason in reasons], "failed", "ok"))
    for index, factor in enumerate(factors):
        frame.insert(index, factor.key, values[:, index])
    frame.insert(0, "run", np.arange(n))
    frame.insert(0, "scenario", scenario.name)
    trajectories = {name: np.concatenate([r.trajectories[name] for r in results]) for name in FAN_VARIABLES}
    return frame, trajectories, results[0].times, offset


def _bands(scenario: str, times: np.ndarray, trajectories: dict) -> pd.DataFrame:
    rows = []
    for name, values in trajectories.items():
        with np.errstate(all="ignore"):
            quantiles = np.nanpercentile(values, QUANTILES, axis=0)
        for index, time_value in enumerate(times):
            rows.append([scenario, name, float(time_value), *quantiles[:, index]])
    return pd.DataFrame(rows, columns=["scenario", "variable", "time", *[f"p{q:g}" for q in QUANTILES]])


def _probabilities(scenario, frame: pd.DataFrame, targets) -> pd.DataFrame:
    rows = []
    for target in targets:
        column = f"target_{target.identifier}_met"
        if target.year != 2035:
            continue
        threshold = target.threshold_for(scenario.region)
        met = frame[column].to_numpy(dtype=float) if column in frame else np.full(len(frame), np.nan)
        valid = np.isfinite(met)
        rows.append({"scenario": scenario.name, "region": scenario.region, "target": target.identifier,
                     "indicator": target.indicator, "direction": target.direction, "threshold": threshold,
                     "probability": float(met[valid].mean()) if valid.any() else np.nan,
                     "runs": int(valid.sum()), "failed_runs": int((~valid).sum())})
    return pd.DataFrame(rows)


def _fan_panel(axis, times, bands: pd.DataFrame, scenarios: list[str], variable: str, colours, language: str) -> None:
    """One panel of the fan chart: each scenario's bands and median in its colour, titled in ``language``."""
    from restrans.sim.report.compare_plots import display, year_ticks
    from restrans.sim.report.translations import label, variable_label

    units = variable_units()
    scale, unit = display(variable) if variable in units else (1.0, "")
    for index, scenario in enumerate(scenarios):
        rows = bands[(bands.scenario == scenario) & (bands.variable == variable)]
        colour = colours[index % len(colours)]
        axis.fill_between(rows.time, rows.p25 * scale, rows.p75 * scale, color=colour, alpha=0.18, linewidth=0)
        for column, style in (("p25", "-"), ("p75", "-"), ("p5", "--"), ("p95", "--")):
            axis.plot(rows.time, rows[column] * scale, color=colour, linewidth=0.8, linestyle=style)
        axis.plot(rows.time, rows.p50 * scale, color=colour, linewidth=2.0)
    axis.set_title(variable_label(variable, language), fontsize=11)
    axis.set_ylabel(label("unit", unit, language, default=unit) if unit else "")
    axis.grid(alpha=0.3)
    year_ticks(axis, np.asarray(times, dtype=float))


def _fan_title(regions: list[str] | None, n: int | None, seed: int | None, language: str) -> str:
    """'Monte Carlo uncertainty bands: <regions>; n = <n> runs per scenario; seed <seed>' in ``language``."""
    from restrans.sim.report.translations import phrase, short_name, text

    where = ", ".join(dict.fromkeys(short_name("region", region, language) for region in regions)) if regions else ""
    parts = (where, phrase("report.figure.fan_runs", language, n=f"{n:,}") if n else "",
             phrase("report.figure.fan_seed", language, seed=seed) if seed is not None else "")
    stated = text("report.figure.fan_separator", language).join(part for part in parts if part)
    title = text("report.figure.fan_title", language)
    return phrase("report.figure.fan_stated", language, title=title, stated=stated) if stated else title


def fan_chart(times: np.ndarray, bands: pd.DataFrame, scenarios: list[str], regions: list[str] | None = None,
              n: int | None = None, seed: int | None = None, language: str = "en") -> bytes:
    """Median, 25-75 % and 5-95 % bands of the key trajectories, one colour per scenario (PNG bytes), in ``language``.

    Bands keep their scenario's colour where they overlap: the 25-75 % band is a light fill with solid edges,
    the 5-95 % band dashed edges only, the median a thick line, all in the colour the legend shows. The title
    states the regions, the runs per scenario ``n`` and the ``seed``.

    Raises
    ------
    restrans.sim.report.fonts.FontMissing
        ``language`` is Chinese and the declared CJK font is not installed.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from restrans.sim.report.fonts import figure_fonts
    from restrans.sim.report.plots import figure_bytes, plt
    from restrans.sim.report.translations import text

    with figure_fonts(language):
        figure, axes = plt.subplots(2, 3, figsize=(14, 8), sharex=True)
        colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        for axis, variable in zip(axes.flat, FAN_VARIABLES):
            _fan_panel(axis, times, bands, scenarios, variable, colours, language)
        for axis in axes[1]:
            axis.set_xlabel(text("report.figure.year", language))
        handles = [Line2D([], [], color=colours[index % len(colours)], linewidth=2.0)
                   for index in range(len(scenarios))]
        handles += [Patch(facecolor="grey", alpha=0.18, edgecolor="grey"), Line2D([], [], color="grey", linestyle="--")]
        figure.legend(handles, [*scenarios, text("report.figure.fan_inner_band", language),
                                text("report.figure.fan_outer_band", language)],
                      loc="lower center", ncol=min(6, len(handles)), fontsize=9, frameon=False,
                      title=text("report.figure.fan_median", language))
        figure.suptitle(_fan_title(regions, n, seed, language), fontsize=13)
        figure.tight_layout(rect=(0, 0.1, 1, 1))
        return figure_bytes(figure)


def run_uncertainty(paths: list[Path], n: int, seed: int, out: Path, name: str, targets_path: Path | None,
                    workers: int = 0, scheduler: str | None = None, progress=None, language: str = "en",
                    precision: str = "fast"):
    """Run every scenario's Monte Carlo and write the outputs; returns (folder, probabilities frame or None).

    ``precision`` is the compiled engine's blocked kernel (``fast``: libmvec; ``exact``), recorded in the manifest.

    Raises
    ------
    InputError
        ``name`` is not one folder name under ``out`` (:func:`restrans.sim.scenario.names.check_output_name`,
        checked before anything runs), or a scenario or the targets file is bad.
    """
    started = time.perf_counter()
    check_output_name(name, "--name", "--name", "a folder name")
    scenarios = [load_scenario(path) for path in paths]
    factors = [uncertainty_factors(scenario, str(path)) for scenario, path in zip(scenarios, paths)]
    names = [scenario.name for scenario in scenarios]
    if len(set(names)) != len(names):
        raise InputError(str(paths[-1]), "name", names[-1], "scenarios with different names")
    targets = load_targets_for(targets_path)
    frames, bands, probabilities, done = [], [], [], 0
    for scenario, scenario_factors in zip(scenarios, factors):
        frame, trajectories, times, done = _run_scenario(scenario, scenario_factors, n, seed, targets, workers,
                                                         scheduler, progress, done, n * len(scenarios), precision)
        frames.append(frame)
        bands.append(_bands(scenario.name, times, trajectories))
        probabilities.append(_probabilities(scenario, frame, targets))
    directory = Path(out) / name
    band_frame = pd.concat(bands, ignore_index=True)
    probability_frame = pd.concat(probabilities, ignore_index=True) if targets else None
    buffer = io.BytesIO()
    pd.concat(frames, ignore_index=True).to_parquet(buffer, index=False)
    contents = {"outcomes.parquet": buffer.getvalue(),
                "bands.csv": band_frame.to_csv(index=False, float_format="%.10g").encode("utf-8")}
    if probability_frame is not None:
        contents["target_probabilities.csv"] = probability_frame.to_csv(index=False).encode("utf-8")
    contents["fan_charts.png"] = fan_chart(times, band_frame, names, [s.region for s in scenarios], n, seed,
                                           language)  # labels in ``language``
    files = [*contents, "manifest.json"]
    records = [{"name": s.name, "files": {p: file_sha256(Path(p)) for p in s.source_files},
                "scenario_hash": scenario_hash(s), "uncertainty": [f.to_dict() for f in fs]}
               for s, fs in zip(scenarios, factors)]
    manifest = build_manifest(records, scenarios[0].solver.model_dump(), time.perf_counter() - started, files,
                              {"n_per_scenario": n, "design": "montecarlo (same seed for every scenario)",
                               "targets_file": str(targets_path) if targets_path else None,
                               **precision_record(resolve_backend("auto", scenarios[0].solver.method), precision)})
    manifest["seed"] = seed
    contents["manifest.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    write_folder(directory, contents)  # staged, swapped in whole (OutputFault when writing fails)
    return directory, probability_frame
