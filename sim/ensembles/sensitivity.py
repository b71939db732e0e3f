"""Global sensitivity with SALib: Sobol indices (Saltelli sample) or Morris elementary effects.

Factors are sampled in the unit hypercube and mapped through each factor's
transform (range, values or truncated distribution), so indices are those of
the factors as declared in the sweep file. :func:`sensitivity_indices` takes
any ``evaluate(values) -> {output: (n,)}``: the model path runs the sample as
sweep chunks (same executors), and a test runs the Ishigami function through
the same code.
"""
from __future__ import annotations

import io
import json
import time
import warnings
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from restrans.sim.ensembles.outcomes import whole_years
from restrans.sim.engine.outputs import atomic_write_bytes, atomic_write_text, build_manifest, file_sha256
from restrans.sim.ensembles.sweep import default_targets_path, load_targets_for
from restrans.sim.ensembles.sweep_runs import ChunkTask, RunPlan, precision_record, resolve_backend
from restrans.sim.ensembles.sweep_spec import KEY_TRAJECTORIES

SOBOL_COLUMNS = ("S1", "S1_conf", "ST", "ST_conf")
MORRIS_COLUMNS = ("mu_star", "mu_star_conf", "sigma", "mu")
RESAMPLES = 200
CONFIDENCE = 0.95
PLOT_OUTCOMES = ("unemployment_rate_2035", "successor_share_2035", "gdp_2035", "population_change_2035",
                 "untreated_subsidence_2035", "cumulative_policy_cost_2035")
CHUNK = 10_000


def unit_sample(method: str, n: int, dimensions: int, seed: int) -> np.ndarray:
    """SALib sample in [0, 1]^d: Saltelli (n (d + 2) rows, first order and total) or Morris (n (d + 1) rows)."""
    problem = _problem(dimensions)
    if method == "sobol":
        with warnings.catch_warnings():  # n need not be a power of 2
            warnings.simplefilter("ignore")
            from SALib.sample import sobol

            return sobol.sample(problem, n, calc_second_order=False, seed=seed)
    from SALib.sample import morris

    return morris.sample(problem, n, num_levels=4, seed=seed)


def _problem(dimensions: int, names: Sequence[str] | None = None) -> dict:
    names = list(names) if names is not None else [f"x{index}" for index in range(dimensions)]
    return {"num_vars": dimensions, "names": names, "bounds": [[0.0, 1.0]] * dimensions}


def _analysable(output: np.ndarray) -> bool:
    """Whether an output has indices: finite everywhere and not constant."""
    return bool(np.isfinite(output).all() and np.ptp(output) > 1e-12 * max(1.0, float(np.abs(output).max())))


def analyse(method: str, names: Sequence[str], unit: np.ndarray, output: np.ndarray, seed: int) -> pd.DataFrame | None:
    """Indices of one output, one row per factor; None if the output is constant or not finite everywhere."""
    output = np.asarray(output, dtype=float)
    if not _analysable(output):
        return None
    if method == "sobol":
        return sobol_frames(names, {"output": output}, seed)[0].drop(columns="output")
    problem = _problem(len(names), names)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        from SALib.analyze import morris

        result = morris.analyze(problem, unit, output, num_resamples=RESAMPLES, conf_level=CONFIDENCE,
                                num_levels=4, seed=seed)
    frame = pd.DataFrame({column: np.asarray(result[column], dtype=float) for column in MORRIS_COLUMNS})
    frame.insert(0, "factor", list(names))
    return frame


def sobol_frames(names: Sequence[str], outputs: dict, seed: int) -> list[pd.DataFrame]:
    """Sobol indices of every analysable output at once (:func:`restrans.sim.ensembles.sobol_estimates.sobol_indices`,
    SALib's estimators vectorised over outputs): one frame (output, factor, S1, S1_conf, ST, ST_conf) per output."""
    from restrans.sim.ensembles.sobol_estimates import sobol_indices

    kept = [name for name, output in outputs.items() if _analysable(np.asarray(output, dtype=float))]
    if not kept:
        return []
    matrix = np.column_stack([np.asarray(outputs[name], dtype=float) for name in kept])
    with np.errstate(all="ignore"):
        indices = sobol_indices(matrix, len(names), RESAMPLES, CONFIDENCE, seed)
    frames = []
    for position, name in enumerate(kept):
        frame = pd.DataFrame({column: indices[column][position] for column in SOBOL_COLUMNS})
        frame.insert(0, "factor", list(names))
        frame.insert(0, "output", name)
        frames.append(frame)
    return frames


def sensitivity_indices(factors: Sequence, method: str, n: int, seed: int,
                        evaluate: Callable[[np.ndarray], dict]) -> tuple[pd.DataFrame, np.ndarray, dict]:
    """Sample, evaluate and analyse.

    Parameters
    ----------
    factors : sequence of restrans.sim.ensembles.factors.Factor
    method : {"sobol", "morris"}
    n : int
        Base sample size (Saltelli N, or Morris trajectories).
    seed : int
    evaluate : callable
        ``evaluate(values (n_runs, n_factors)) -> {output name: (n_runs,)}``.

    Returns
    -------
    (indices, values, outputs)
        ``indices``: one row per output and factor (output, factor, and the
        method's columns); the factor values run and the outputs.
    """
    unit = unit_sample(method, n, len(factors), seed)
    values = np.column_stack([factor.transform(unit[:, index]) for index, factor in enumerate(factors)])
    outputs = evaluate(values)
    names = [factor.key for factor in factors]
    if method == "sobol":
        frames = sobol_frames(names, outputs, seed)
    else:
        frames = []
        for output, array in outputs.items():
            frame = analyse(method, names, unit, array, seed)
            if frame is not None:
                frame.insert(0, "output", output)
                frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(), values, outputs


def _model_evaluator(spec, targets, workers, scheduler, progress, precision="fast"):
    """``evaluate(values)`` running the sweep's base scenario in chunks: outcomes and key trajectories per year."""
    from restrans.sim.ensembles.executors import make_executor

    backend = resolve_backend("auto", spec.base.solver.method)
    in_kernel = backend == "compiled"  # the key trajectories at the whole years, accumulated in the kernel
    plan = RunPlan(spec.base, spec.factors, backend, targets, () if in_kernel else KEY_TRAJECTORIES,
                   precision=precision, yearly=KEY_TRAJECTORIES if in_kernel else ())

    def evaluate(values: np.ndarray) -> dict:
        results = []
        with make_executor(workers, scheduler) as executor:
            tasks = (ChunkTask(plan, index, first, values[first:first + CHUNK], executor.threads_per_task)
                     for index, first in enumerate(range(0, values.shape[0], CHUNK)))
            for result in executor.map_unordered(tasks):
                results.append(result)
                if progress:
                    progress(sum(len(r.runs) for r in results), values.shape[0])
        results.sort(key=lambda result: result.index)
        outputs = {name: np.concatenate([r.outcomes[name] for r in results]) for name in results[0].outcomes}
        years, indices = whole_years(results[0].times)
        for name in KEY_TRAJECTORIES:
            trajectory = np.concatenate([r.trajectories[name] for r in results])
            for year, index in zip(years, indices):
                outputs[f"{name}@{int(year)}"] = trajectory[:, index]
        return outputs

    return evaluate


def run_model_sensitivity(spec, method: str, n: int | None, out: Path, workers: int = 0, scheduler: str | None = None,
                          progress=None, precision: str = "fast") -> tuple[Path, int]:
    """Sensitivity of the model's outcomes to the sweep's factors; writes ``out/<name>-<method>/``.

    ``precision`` is the compiled engine's blocked kernel (``fast``: libmvec; ``exact``), recorded in the manifest.
    """
    started = time.perf_counter()
    targets = load_targets_for(default_targets_path(spec.path))
    evaluate = _model_evaluator(spec, targets, workers, scheduler or spec.scheduler, progress, precision)
    indices, values, outputs = sensitivity_indices(spec.factors, method, n or spec.n, spec.seed, evaluate)
    over_time = indices[indices.output.str.contains("@")].copy()
    per_outcome = indices[~indices.output.str.contains("@")]
    if len(over_time):
        split = over_time.output.str.split("@", expand=True)
        over_time.insert(0, "year", split[1].astype(int))
        over_time["output"] = split[0]
    directory = Path(out) / f"{spec.name}-{method}"
    atomic_write_text(directory / "indices.csv", per_outcome.to_csv(index=False, float_format="%.6g"))
    atomic_write_text(directory / "indices_over_time.csv", over_time.to_csv(index=False, float_format="%.6g"))
    sample = pd.DataFrame(values, columns=[factor.key for factor in spec.factors])
    buffer = io.BytesIO()
    sample.to_parquet(buffer, index=False)
    atomic_write_bytes(directory / "sample.parquet", buffer.getvalue())
    from restrans.sim.ensembles.sensitivity_plots import bar_chart, time_chart

    atomic_write_bytes(directory / "indices.png", bar_chart(per_outcome, method, PLOT_OUTCOMES))
    atomic_write_bytes(directory / "indices_over_time.png", time_chart(over_time, method, KEY_TRAJECTORIES))
    manifest = build_manifest(
        [{"name": spec.base.name, "files": {p: file_sha256(Path(p)) for p in spec.base.source_files}}],
        spec.base.solver.model_dump(), time.perf_counter() - started,
        ["indices.csv", "indices_over_time.csv", "sample.parquet", "indices.png", "indices_over_time.png",
         "manifest.json"],
        {"sensitivity": {"sweep_file": spec.path, "sha256": file_sha256(Path(spec.path)), "method": method,
                         "base_sample": n or spec.n, "runs": int(values.shape[0]), "resamples": RESAMPLES,
                         "confidence": CONFIDENCE, "factors": [factor.to_dict() for factor in spec.factors],
                         **precision_record(resolve_backend("auto", spec.base.solver.method), precision),
                         "outputs_without_indices": sorted(set(outputs) - set(indices.output if len(indices) else ())),
                         "why_without": "constant over the sample, or NaN in a failed run"}})
    manifest["seed"] = spec.seed
    atomic_write_text(directory / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return directory, int(values.shape[0])
