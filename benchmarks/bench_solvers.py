"""Solver benchmark: runs per second by batch size, peak memory of a 1,000,000-run sweep, solve_ivp per run.

Everything is measured in one invocation, so the ratios are fair::

    python benchmarks/bench_solvers.py            # about 4-6 minutes on 2 cores
    python benchmarks/bench_solvers.py --quick    # smaller sweep and fewer repeats, for a smoke test

Runs are the first runs of ``scenarios/sweeps/retraining_lhs.yaml`` (its LHS
design: the retraining ramp and four other factors differ per run), 2025-2035,
dt = 1/16 yr, output every 0.25 yr. "runs/s" is the integration of the
stocks (what a sweep does per chunk before its outcomes); the sweep row is
the whole pipeline (design, integration, outcomes, Parquet chunks) in a
separate process whose peak resident memory the kernel reports.

Engines: ``compiled`` (numba kernels generated from the traced equations,
runs split over threads; the first use compiles or loads the cache, not
timed) with its two kernels, ``blocked`` (runs in blocks of 16 lanes,
vectorised across runs, bit-identical to scalar; the default from one block
on) and ``scalar`` (one run at a time), and ``numpy`` (the reference
equations, vectorised over the batch). "vs scalar" is the ratio to the
scalar kernel at the same method, batch and threads, measured in the same
process. Another timing can add rows: if
``benchmarks/pysd_timing.py`` exists, its ``rows()`` (list of dicts) are printed
as a second table in the same invocation.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from restrans.sim.engine import fast_solver  # noqa: E402
from restrans.sim.engine.simulate import Batch, integrate  # noqa: E402
from restrans.sim.engine.solver import solve  # noqa: E402
from restrans.sim.ensembles.sweep_runs import RunPlan, build_chunk  # noqa: E402
from restrans.sim.ensembles.sweep_spec import design_values, load_sweep  # noqa: E402

SWEEP = ROOT / "scenarios" / "sweeps" / "retraining_lhs.yaml"
BATCH_SIZES = (1, 100, 10_000, 100_000)
SOLVE_IVP_RUNS = 20
THREADS = os.cpu_count() or 1


def _inputs(n_runs: int):
    """(state, parameters, schedules, times, dt) of the first ``n_runs`` runs of the example sweep's design."""
    spec = load_sweep(SWEEP)
    spec = dataclasses.replace(spec, n=max(n_runs, 2))
    values = design_values(spec)[:n_runs]
    state, parameters, schedules, _failures = build_chunk(RunPlan(spec.base, spec.factors, "numpy"), values)
    return state, parameters, schedules, spec.base.output_times(), float(spec.base.solver.dt), spec.base


def _best(function, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _repeats(n_runs: int, quick: bool) -> int:
    return 1 if quick or n_runs >= 100_000 else (3 if n_runs >= 10_000 else 5)


def _engine_call(engine: str, method: str, inputs, threads: int):
    state, parameters, schedules, times, dt, base = inputs
    if engine.startswith("compiled"):
        kernel = engine.split()[1]
        return lambda: fast_solver.integrate(state, parameters, schedules, times, method, dt, threads, kernel)
    batch = Batch(state, parameters, schedules, [""] * state.shape[1], float(times[0]), float(times[-1]), times,
                  method, dt, 1e-6, 1e-6)
    return lambda: integrate(batch)


def solver_rows(quick: bool, full: bool) -> list[dict]:
    """runs/s per engine, method and batch size."""
    engines = [(f"compiled {kernel}", threads) for kernel in ("blocked", "scalar") for threads in (THREADS, 1)
               ] if fast_solver.AVAILABLE else []
    engines.append(("numpy", 1))
    rows = []
    inputs_by_size = {size: _inputs(size) for size in BATCH_SIZES}
    if fast_solver.AVAILABLE:  # compile or load the cached kernels before timing
        for kernel in ("blocked", "scalar"):
            for method in ("euler", "rk4"):
                fast_solver.integrate(*inputs_by_size[1][:4], method, inputs_by_size[1][4], kernel=kernel)
    for engine, threads in engines:
        for method in ("euler", "rk4"):
            for size in BATCH_SIZES:
                label = (f"{engine} ({threads} thread{'s' if threads > 1 else ''})" if engine.startswith("compiled")
                         else engine)
                if engine == "numpy" and size >= 100_000 and not full:
                    rows.append({"engine": label, "method": method, "batch": size, "seconds": None, "runs/s": None,
                                 "note": "not run (about 40 s Euler, 160 s RK4): --full"})
                    continue
                seconds = _best(_engine_call(engine, method, inputs_by_size[size], threads), _repeats(size, quick))
                rows.append({"engine": label, "method": method, "batch": size, "seconds": seconds,
                             "runs/s": size / seconds, "note": ""})
    return _with_ratio_to_scalar(rows)


def _with_ratio_to_scalar(rows: list[dict]) -> list[dict]:
    """Each compiled row with its speed as a multiple of the scalar kernel's at the same method, batch, threads."""
    scalar = {(row["engine"].replace("scalar", ""), row["method"], row["batch"]): row["runs/s"]
              for row in rows if "scalar" in row["engine"]}
    for row in rows:
        reference = scalar.get((row["engine"].replace("blocked", ""), row["method"], row["batch"]))
        row["vs scalar"] = (f"{row['runs/s'] / reference:.2f}x" if reference and row["runs/s"]
                            and row["engine"].startswith("compiled") else "")
    return rows


def solve_ivp_row() -> dict:
    """Per-run time of a Python loop of scipy solve_ivp (RK45, rtol = atol = 1e-6) over the same runs."""
    state, parameters, schedules, times, dt, base = _inputs(SOLVE_IVP_RUNS)
    from restrans.model.system import derivatives

    def loop():
        for run in range(SOLVE_IVP_RUNS):
            selected = schedules.select(np.array([run]))
            column = parameters[:, run:run + 1]
            solve(lambda t, y: derivatives(t, y, column, selected.evaluate(t)), state[:, run:run + 1],
                  float(times[0]), float(times[-1]), times, method="RK45",
                  breakpoints=tuple(selected.breakpoints(float(times[0]), float(times[-1]))), rtol=1e-6, atol=1e-6)

    seconds = _best(loop, 1)
    return {"runs": SOLVE_IVP_RUNS, "seconds_per_run": seconds / SOLVE_IVP_RUNS}


_CHILD = ("import atexit, sys\n"
          "status = sys.argv.pop(1)\n"
          "atexit.register(lambda: open(status, 'w').write(open('/proc/self/status').read()))\n"
          "sys.argv[0] = 'restrans'\n"
          "from restrans.sim.cli.commands import main\n"
          "main()\n")
"""``restrans`` in a child that writes its /proc status (VmHWM: peak resident memory) when it exits."""


def sweep_memory_row(n_runs: int) -> dict:
    """Wall time and peak resident memory (VmHWM) of ``restrans sweep`` of ``n_runs`` runs, outcomes only."""
    with tempfile.TemporaryDirectory() as folder:
        text = SWEEP.read_text(encoding="utf-8").replace("base: ../retraining_programme.yaml",
                                                        f"base: {ROOT / 'scenarios' / 'retraining_programme.yaml'}")
        text = text.replace("n: 10000", f"n: {n_runs}")
        sweep_file, status = Path(folder) / "bench_sweep.yaml", Path(folder) / "status.txt"
        sweep_file.write_text(text, encoding="utf-8")
        command = [sys.executable, "-c", _CHILD, str(status), "sweep", str(sweep_file), "--out", folder,
                   "--chunk", "10000"]
        started = time.perf_counter()
        completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                   env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"})
        seconds = time.perf_counter() - started
        if completed.returncode != 0:
            raise RuntimeError(f"benchmark sweep failed: {completed.stderr.strip().splitlines()[-1:]}")
        peak_kib = next(int(line.split()[1]) for line in status.read_text().splitlines() if line.startswith("VmHWM:"))
    return {"runs": n_runs, "seconds": seconds, "peak_gib": peak_kib / 1024**2}


def _print_table(rows: list[dict]) -> None:
    columns = list(rows[0])
    text = [[("" if row[c] is None else (f"{row[c]:,.0f}" if isinstance(row[c], float) and row[c] >= 100 else
              (f"{row[c]:.4g}" if isinstance(row[c], float) else (f"{row[c]:,}" if isinstance(row[c], int)
                                                                   else str(row[c]))))) for c in columns]
            for row in rows]
    widths = [max(len(column), *(len(line[index]) for line in text)) for index, column in enumerate(columns)]
    print("| " + " | ".join(column.ljust(width) for column, width in zip(columns, widths)) + " |")
    print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    for line in text:
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(line, widths)) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat per size and a 100,000-run sweep")
    parser.add_argument("--full", action="store_true", help="also time the numpy engine at 100,000 runs")
    parser.add_argument("--sweep-runs", type=int, default=None, help="runs of the memory sweep (default 1,000,000)")
    arguments = parser.parse_args()
    sweep_runs = arguments.sweep_runs or (100_000 if arguments.quick else 1_000_000)
    print(f"restrans solver benchmark: {os.cpu_count()} cores, load average before "
          f"{', '.join(f'{value:.2f}' for value in os.getloadavg())}; 2025-2035, dt = 1/16 yr, saveper 0.25 yr")
    ivp = solve_ivp_row()
    rows = solver_rows(arguments.quick, arguments.full)
    for row in rows:
        row["vs solve_ivp loop"] = None if row["runs/s"] is None else ivp["seconds_per_run"] * row["runs/s"]
        row["vs solve_ivp loop"] = None if row["vs solve_ivp loop"] is None else f"{row['vs solve_ivp loop']:,.0f}x"
    _print_table(rows)
    print(f"\nscipy solve_ivp (RK45, rtol = atol = 1e-6) in a Python loop over {ivp['runs']} of the same runs: "
          f"{ivp['seconds_per_run'] * 1e3:.1f} ms per run ({1 / ivp['seconds_per_run']:.1f} runs/s)")
    memory = sweep_memory_row(sweep_runs)
    print(f"sweep of {memory['runs']:,} runs, outcomes only (restrans sweep, chunks of 10,000, in-process, backend "
          f"{'compiled' if fast_solver.AVAILABLE else 'numpy'}): {memory['seconds']:.1f} s wall "
          f"({memory['runs'] / memory['seconds']:,.0f} runs/s end to end), peak memory {memory['peak_gib']:.2f} GiB")
    print(f"load average after: {', '.join(f'{value:.2f}' for value in os.getloadavg())} "
          "(other processes on the machine make every number slower)")
    if importlib.util.find_spec("pysd_timing") is not None or (ROOT / "benchmarks" / "pysd_timing.py").is_file():
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import pysd_timing

        print("\nPySD timing (benchmarks/pysd_timing.py):")
        _print_table(pysd_timing.rows())


if __name__ == "__main__":
    main()
