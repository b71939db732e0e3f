"""The ensemble pipeline end to end, for ``benchmarks/bench_solvers.py``: sweep, Sobol, Dask 1 vs 2 workers.

Each command runs as the user runs it (``restrans sweep``, ``restrans
sensitivity``) in a child process that reports its peak resident memory
(VmHWM) when it exits; the Dask rows run the same outcomes-only sweep on a
LocalCluster of 1 and of 2 worker processes (one thread each), after a small
sweep that loads the kernels in every worker. Every command uses the default
precision (``fast``) and the example sweep ``scenarios/sweeps/retraining_lhs.yaml``.
"""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SWEEP = ROOT / "scenarios" / "sweeps" / "retraining_lhs.yaml"
SOBOL_BASE_SAMPLE = 2048
"""Saltelli base sample of the first Sobol row: 2048 x (6 factors + 2) = 16,384 runs (the second row: 8 times as
many, where the fixed costs — imports, figures — weigh less)."""
DASK_RUNS = 500_000

_CHILD = ("import atexit, sys\n"
          "status = sys.argv.pop(1)\n"
          "atexit.register(lambda: open(status, 'w').write(open('/proc/self/status').read()))\n"
          "sys.argv[0] = 'restrans'\n"
          "from restrans.sim.cli.commands import main\n"
          "main()\n")
"""``restrans`` in a child that writes its /proc status (VmHWM: peak resident memory) when it exits."""


def _sweep_file(folder: Path, n_runs: int) -> Path:
    """The example sweep with ``n_runs`` runs and an absolute base path, in ``folder``."""
    text = SWEEP.read_text(encoding="utf-8").replace("base: ../retraining_programme.yaml",
                                                    f"base: {ROOT / 'scenarios' / 'retraining_programme.yaml'}")
    path = folder / "bench_sweep.yaml"
    path.write_text(text.replace("n: 10000", f"n: {n_runs}"), encoding="utf-8")
    return path


def _command(folder: Path, *arguments: str) -> dict:
    """Wall time (s) and peak resident memory (GiB) of ``restrans ARGUMENTS`` in a child process."""
    status = folder / "status.txt"
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", _CHILD, str(status), *arguments], cwd=ROOT,
                               capture_output=True, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"})
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"benchmark command failed: {completed.stderr.strip().splitlines()[-1:]}")
    peak_kib = next(int(line.split()[1]) for line in status.read_text().splitlines() if line.startswith("VmHWM:"))
    return {"seconds": seconds, "peak_gib": peak_kib / 1024**2, "stdout": completed.stdout}


def sweep_row(n_runs: int) -> dict:
    """``restrans sweep`` of ``n_runs`` runs, outcomes only (chunks of 10,000, in-process)."""
    with tempfile.TemporaryDirectory() as folder:
        result = _command(Path(folder), "sweep", str(_sweep_file(Path(folder), n_runs)), "--out", folder,
                          "--chunk", "10000")
    return {"measure": f"sweep, {n_runs:,} runs, outcomes only", "wall s": result["seconds"],
            "runs/s end to end": n_runs / result["seconds"], "peak RSS GiB": f"{result['peak_gib']:.3f}",
            "note": "restrans sweep, in-process, chunks of 10,000, 2 threads"}


def sobol_row(base_sample: int) -> dict:
    """``restrans sensitivity --method sobol`` with a Saltelli base sample of ``base_sample``."""
    with tempfile.TemporaryDirectory() as folder:
        result = _command(Path(folder), "sensitivity", str(_sweep_file(Path(folder), 10_000)), "--method", "sobol",
                          "--n", str(base_sample), "--out", folder)
    runs = int(result["stdout"].split(" runs;")[0].split()[-1].replace(",", ""))
    return {"measure": f"Sobol sensitivity, {runs:,} runs", "wall s": result["seconds"],
            "runs/s end to end": runs / result["seconds"], "peak RSS GiB": f"{result['peak_gib']:.3f}",
            "note": "restrans sensitivity --method sobol: sample, runs, indices (every outcome, key trajectories "
                    "per year), figures"}


def dask_rows(n_runs: int) -> list[dict]:
    """The same outcomes-only sweep on a Dask LocalCluster of 1 and of 2 worker processes."""
    import distributed

    from restrans.sim.ensembles.sweep import SweepOptions, run_sweep
    from restrans.sim.ensembles.sweep_spec import load_sweep

    spec = load_sweep(SWEEP)
    rows, seconds = [], {}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as folder, distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            options = SweepOptions(out=Path(folder), chunk=10_000, scheduler=cluster.scheduler_address)
            run_sweep(dataclasses.replace(spec, name="warm_up", n=200), dataclasses.replace(options, chunk=100))
            started = time.perf_counter()
            run_sweep(dataclasses.replace(spec, n=n_runs), options)
            seconds[workers] = time.perf_counter() - started
        rows.append({"measure": f"Dask LocalCluster, {workers} worker{'s' if workers > 1 else ''}, {n_runs:,} runs",
                     "wall s": seconds[workers], "runs/s end to end": n_runs / seconds[workers], "peak RSS GiB": "",
                     "note": "one thread per worker" + (f"; {seconds[1] / seconds[2]:.2f}x one worker"
                                                        if workers == 2 else "")})
    return rows


def print_pipeline(sweep_runs: int, quick: bool) -> None:
    """Print the pipeline table (rows as :func:`bench_solvers.print_table` lays them out)."""
    from bench_solvers import print_table

    import logging

    logging.getLogger("distributed").setLevel(logging.ERROR)
    rows = [sweep_row(sweep_runs)] + [sobol_row(sample // 8 if quick else sample)
                                      for sample in (SOBOL_BASE_SAMPLE, 8 * SOBOL_BASE_SAMPLE)]
    rows += dask_rows(DASK_RUNS // 10 if quick else DASK_RUNS)
    print("Pipeline end to end (precision fast, the default):")
    print_table(rows)
