"""PySD timing of the Vensim twin against the native engine, measured in one invocation.

``benchmarks/bench_solvers.py`` imports this module when it exists and prints
:func:`rows` with its own table; ``python benchmarks/pysd_timing.py`` prints
them alone. Everything is measured in the same process: the baseline scenario
(coal_declining, 2025-2035, Euler, dt = 1/16 yr, 161 steps, 41 saved times).

* single run: the native engine (integration and auxiliaries) against PySD
  running ``model/vensim/restrans.mdl`` (stocks and auxiliaries from PySD),
  the translation and load of the twin excluded (reported on its own row);
* batch of 10,000 runs: the native engine integrates all 10,000 runs as one
  batch (stocks only, auxiliaries are evaluated at every step either way);
  PySD has no batch axis, so its batch time is the measured mean per run of a
  few dozen runs times 10,000 (extrapolated, and said so in the row).

The ratios are PySD seconds / native seconds: how many times faster the native
engine is.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from restrans.sim.engine import engines  # noqa: E402
from restrans.sim.scenario.scenario import load_scenario  # noqa: E402
from restrans.sim.scenario.schedules import LeverSchedules, constant  # noqa: E402
from restrans.sim.engine.simulate import Batch, build_batch, integrate  # noqa: E402

BATCH_RUNS = 10_000
PYSD_SAMPLE_RUNS = 24
NATIVE_REPEATS = 5


def _baseline_batch() -> Batch:
    return build_batch([load_scenario(ROOT / "scenarios" / "baseline.yaml")])


def _tiled(batch: Batch, n_runs: int) -> Batch:
    """``batch`` (one run) repeated ``n_runs`` times, with its levers constant in time."""
    levers = batch.schedules.evaluate(batch.start)[:, 0]
    schedules = LeverSchedules([[constant(float(value))] * n_runs for value in levers])
    return Batch(np.tile(batch.initial_state, (1, n_runs)), np.tile(batch.parameters, (1, n_runs)), schedules,
                 [f"run{index}" for index in range(n_runs)], batch.start, batch.end, batch.output_times,
                 batch.method, batch.dt, batch.rtol, batch.atol)


def _best(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(pysd_runs: int = PYSD_SAMPLE_RUNS, batch_runs: int = BATCH_RUNS) -> dict[str, float]:
    """Seconds: twin load, native single run, PySD runs (mean and spread), native batch of ``batch_runs``."""
    batch = _baseline_batch()
    started = time.perf_counter()
    runner = engines.twin_runner()
    load_seconds = time.perf_counter() - started
    engines.simulate_batch(batch, "native")
    native_single = _best(lambda: engines.simulate_batch(batch, "native"), NATIVE_REPEATS)
    pysd_times = []
    for _ in range(pysd_runs):
        started = time.perf_counter()
        runner.run_batch(batch)
        pysd_times.append(time.perf_counter() - started)
    big = _tiled(batch, batch_runs)
    native_batch = _best(lambda: integrate(big), 1)
    return {"load": load_seconds, "native_single": native_single, "pysd_mean": statistics.fmean(pysd_times),
            "pysd_min": min(pysd_times), "pysd_max": max(pysd_times), "native_batch": native_batch,
            "pysd_runs": float(pysd_runs), "batch_runs": float(batch_runs)}


def rows(measured: dict[str, float] | None = None) -> list[dict[str, str]]:
    """Table rows (measure, native, PySD, PySD/native, note), measuring now unless ``measured`` is given."""
    m = measure() if measured is None else measured
    runs, batch_runs = int(m["pysd_runs"]), int(m["batch_runs"])
    pysd_batch = m["pysd_mean"] * batch_runs
    return [
        {"measure": "twin translation (cached) + load", "native": "-", "pysd": f"{m['load']:.2f} s",
         "pysd/native": "-", "note": "once per process; first translation about 10 s, then cached"},
        {"measure": "single run, 2025-2035, dt 1/16", "native": f"{m['native_single'] * 1e3:.1f} ms",
         "pysd": f"{m['pysd_mean']:.3f} s", "pysd/native": f"{m['pysd_mean'] / m['native_single']:.0f}x",
         "note": f"PySD mean of {runs} runs (min {m['pysd_min']:.3f} s, max {m['pysd_max']:.3f} s); "
                 f"native best of {NATIVE_REPEATS}"},
        {"measure": f"batch of {batch_runs:,} runs", "native": f"{m['native_batch']:.2f} s",
         "pysd": f"{pysd_batch:.0f} s (extrapolated)", "pysd/native": f"{pysd_batch / m['native_batch']:.0f}x",
         "note": f"native: one vectorised batch, measured; PySD: {runs}-run mean x {batch_runs:,} (a Python loop)"},
    ]


def main() -> None:
    """Print :func:`rows` as an aligned table."""
    table = rows()
    columns = list(table[0])
    widths = {column: max(len(column), *(len(row[column]) for row in table)) for column in columns}
    sys.stdout.write("  ".join(column.ljust(widths[column]) for column in columns) + "\n")
    for row in table:
        sys.stdout.write("  ".join(row[column].ljust(widths[column]) for column in columns) + "\n")


if __name__ == "__main__":
    main()
