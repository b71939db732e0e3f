"""Solver benchmark: the compiled kernels by batch size and threads, accuracy, and the ensemble pipeline.

Everything is measured in one invocation, so the ratios are fair::

    python benchmarks/bench_solvers.py            # about 6-10 minutes on 2 cores
    python benchmarks/bench_solvers.py --quick    # smaller sweeps and fewer repeats, for a smoke test

Runs are the first runs of ``scenarios/sweeps/retraining_lhs.yaml`` (its LHS
design: the retraining ramp and four other factors differ per run), 2025-2035,
dt = 1/16 yr, output every 0.25 yr. "runs/s" is the integration of the stocks
(trajectories at every output time). The kernels, all generated from the
traced equations:

* ``scalar``: one run at a time (the compiled engine before issue 14);
* ``blocked exact``: runs in blocks of 16 lanes in one flat block array, each
  level's arithmetic one loop LLVM vectorises across runs, libm
  transcendentals; bit-identical to ``scalar``;
* ``blocked fast``: the same with glibc libmvec's vector exp/expm1/log/pow;
  within 1e-11 of the numpy equations (the accuracy table shows how close).

In each row the three kernels are timed in turn, repeat after repeat, and the
best time of each is kept, so a load that comes and goes hits them alike;
"vs scalar" is the ratio to the scalar kernel in that row. The pipeline rows
(:mod:`bench_pipeline`) are the whole commands: a 1,000,000-run outcomes-only
sweep (wall, runs/s end to end, peak resident memory), a Sobol sensitivity
analysis, and a sweep on a Dask LocalCluster of 1 and of 2 workers; then the
PySD timing (:mod:`pysd_timing`). The load average is printed before and after:
other processes on the machine make every number slower.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "benchmarks"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from restrans.model import compiled  # noqa: E402
from restrans.sim.engine import fast_solver  # noqa: E402
from restrans.sim.engine.simulate import Batch, build_batch, integrate  # noqa: E402
from restrans.sim.ensembles.sweep_runs import RunPlan, build_chunk  # noqa: E402
from restrans.sim.ensembles.sweep_spec import design_values, load_sweep  # noqa: E402

SWEEP = ROOT / "scenarios" / "sweeps" / "retraining_lhs.yaml"
VARIANTS: tuple[tuple[str, str, str], ...] = (("scalar", "scalar", "exact"), ("blocked exact", "blocked", "exact"),
                                              ("blocked fast", "blocked", "fast"))
"""(label, kernel, precision) of each compiled variant."""
EULER_BATCHES = (1, 100, 10_000, 100_000)
RK4_BATCHES = (10_000,)
THREADS = (1, 2)


def batch_inputs(n_runs: int):
    """(state, parameters, schedules, times, dt) of the first ``n_runs`` runs of the example sweep's design."""
    spec = load_sweep(SWEEP)
    spec = dataclasses.replace(spec, n=max(n_runs, 2))
    state, parameters, schedules, _failures = build_chunk(RunPlan(spec.base, spec.factors, "numpy"),
                                                          design_values(spec)[:n_runs])
    return state, parameters, schedules, spec.base.output_times(), float(spec.base.solver.dt)


def _repeats(n_runs: int, quick: bool) -> int:
    if quick:
        return 1 if n_runs >= 10_000 else 3
    return {1: 30, 100: 10, 10_000: 3}.get(n_runs, 1)


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def kernel_row(inputs, method: str, threads: int, repeats: int) -> dict:
    """Best seconds of each variant on one batch, the variants timed in turn on every repeat."""
    state, parameters, schedules, times, dt = inputs
    calls = {label: (lambda kernel=kernel, precision=precision: fast_solver.integrate(
        state, parameters, schedules, times, method, dt, threads, kernel, precision))
        for label, kernel, precision in VARIANTS}
    best = {label: float("inf") for label in calls}
    for _ in range(repeats):
        for label, call in calls.items():
            best[label] = min(best[label], _timed(call))
    n_runs = state.shape[1]
    n_steps = int(round((times[-1] - times[0]) / dt)) * (4 if method == "rk4" else 1)
    row = {"method": method, "batch": n_runs, "threads": threads}
    row.update({f"{label} runs/s": n_runs / best[label] for label in best})
    row.update({f"{label} vs scalar": f"{best['scalar'] / best[label]:.2f}x" for label in list(best)[1:]})
    row["fast wall ns/evaluation"] = best["blocked fast"] / (n_runs * n_steps) * 1e9
    return row


def kernel_rows(quick: bool) -> list[dict]:
    """One row per method, batch size and thread count."""
    warm = batch_inputs(1)
    for _label, kernel, precision in VARIANTS:  # compile or load the cached kernels before timing
        for method in ("euler", "rk4"):
            fast_solver.integrate(*warm[:4], method, warm[4], 1, kernel, precision)
    rows = []
    for method, sizes in (("euler", EULER_BATCHES), ("rk4", RK4_BATCHES)):
        for size in sizes:
            inputs = batch_inputs(size)
            for threads in THREADS:
                rows.append(kernel_row(inputs, method, threads, _repeats(size, quick)))
    return rows


def numpy_row(n_runs: int = 10_000) -> dict:
    """The numpy equations (vectorised over the batch), Euler, for scale."""
    state, parameters, schedules, times, dt = batch_inputs(n_runs)
    batch = Batch(state, parameters, schedules, [""] * n_runs, float(times[0]), float(times[-1]), times, "euler",
                  dt, 1e-6, 1e-6)
    return {"batch": n_runs, "runs/s": n_runs / _timed(lambda: integrate(batch))}


def _relative(actual: np.ndarray, expected: np.ndarray) -> float:
    """Largest difference relative to the larger magnitude (as the tests measure it)."""
    scale = np.maximum(np.abs(actual), np.abs(expected))
    finite = np.isfinite(expected) & (scale > 0)
    return float(np.max(np.abs(actual - expected)[finite] / scale[finite]))


def accuracy_rows() -> list[dict]:
    """Each variant against the numpy equations on every preset x scenario (the tests' batch)."""
    from tests.test_graph import _every_preset_and_scenario

    rows = []
    for method in ("euler", "rk4"):
        batch = build_batch(_every_preset_and_scenario(), method=method)
        reference = integrate(batch)
        results = {label: fast_solver.integrate(batch.initial_state, batch.parameters, batch.schedules,
                                                batch.output_times, method, batch.dt, 2, kernel, precision)
                   for label, kernel, precision in VARIANTS}
        for label, result in results.items():
            rows.append({"method": method, "kernel": label, "runs": batch.initial_state.shape[1],
                         "vs numpy, 2035 stocks": f"{_relative(result[-1], reference[-1]):.1e}",
                         "vs numpy, trajectories": f"{_relative(result, reference):.1e}",
                         "vs scalar": "bit-identical" if np.array_equal(result, results["scalar"], equal_nan=True)
                         else f"{_relative(result, results['scalar']):.1e}"})
    return rows


def cell(value) -> str:
    """Table text of a value: thousands separators for large numbers, 3 significant digits for small ones."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def print_table(rows: list[dict]) -> None:
    """``rows`` as a Markdown table (every row has the first row's columns)."""
    columns = list(rows[0])
    text = [[cell(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[index]) for line in text)) for index, column in enumerate(columns)]
    print("| " + " | ".join(column.ljust(width) for column, width in zip(columns, widths)) + " |")
    print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    for line in text:
        print("| " + " | ".join(value.ljust(width) for value, width in zip(line, widths)) + " |")


def _load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, a 100,000-run sweep, smaller Sobol")
    parser.add_argument("--sweep-runs", type=int, default=None, help="runs of the outcomes-only sweep (1,000,000)")
    parser.add_argument("--no-pysd", action="store_true", help="skip the PySD timing")
    arguments = parser.parse_args()
    import bench_pipeline

    print(f"restrans solver benchmark: {os.cpu_count()} cores, load average before {_load()}; "
          f"2025-2035, dt = 1/16 yr, saveper 0.25 yr; fast mode: {compiled.VECTOR_LIBRARY or 'libm'}\n")
    print("Compiled kernels (runs/s integrating the stocks; 'vs scalar' measured in the same row):")
    print_table(kernel_rows(arguments.quick))
    numpy = numpy_row()
    print(f"\nnumpy equations (vectorised over the batch), Euler, batch {numpy['batch']:,}: "
          f"{numpy['runs/s']:,.0f} runs/s\n")
    print("Accuracy against the numpy equations (largest difference relative to the larger magnitude):")
    print_table(accuracy_rows())
    print()
    bench_pipeline.print_pipeline(arguments.sweep_runs or (100_000 if arguments.quick else 1_000_000),
                                  arguments.quick)
    if not arguments.no_pysd:
        import pysd_timing

        print("\nPySD timing (benchmarks/pysd_timing.py):")
        print_table(pysd_timing.rows())
    print(f"\nload average after: {_load()} (other processes on the machine make every number slower)")


if __name__ == "__main__":
    main()
