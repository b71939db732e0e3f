"""``restrans sweep SWEEPFILE --model town.mdl``: a sweep of a modeler's own Vensim/XMILE model, run by PySD.

The sweep file is a restrans sweep file whose ``base:`` is a scenario for the
foreign model (as for ``restrans run --model``) and whose factors name the
model's constants (model or PySD names), checked against the model with
did-you-mean and against the range the model declares::

    name: town_lhs
    base: ../faster_hiring.yaml
    design: {method: lhs, n: 4, seed: 7}
    factors:
      mine capacity: {range: [40, 100]}
      productivity: {values: [0.8, 1.0, 1.2]}
    chunk: 100                 # runs per chunk file (default 100; --chunk overrides)

The runs go through PySD one by one, in chunks: each finished chunk is written
atomically under ``chunks/`` with a record of its runs and SHA-256, so a killed
sweep resumes where it stopped when started again with the same command; the
folder is locked and tied to its inputs as a native sweep's is
(:mod:`restrans.sim.ensembles.sweep_folder`). Output folder ``OUT/<name>/``:
``experiments.parquet`` (run, factors), ``outcomes.parquet`` (run, status,
failure_reason, then every stock of the model at the start, the middle and
the end time: ``<stock>_<time>``) and ``manifest.json``.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from restrans.sim.scenario.errors import MISSING, InputError, did_you_mean, read_yaml_mapping
from restrans.sim.ensembles.factors import Factor, Target, grid_size
from restrans.sim.scenario.names import check_output_name
from restrans.sim.vensim.foreign import ForeignModel, ForeignRun, run_again_with_same_constants, load_foreign_scenario, output_times, run_foreign, \
    run_settings
from restrans.sim.ensembles.sweep_spec import check_grid_size, read_design, read_whole_number, design_values, factor_from_data

TOP_LEVEL_KEYS: tuple[str, ...] = ("name", "description", "base", "design", "factors", "chunk")
DEFAULT_CHUNK = 100


@dataclass(frozen=True)
class ForeignSweep:
    """A validated sweep of a foreign model (duck-types :class:`restrans.sim.ensembles.sweep_spec.SweepSpec` for ``design_values``)."""

    name: str
    description: str
    path: str
    model: ForeignModel
    base: object  # restrans.sim.vensim.foreign.ForeignScenario
    settings: ForeignRun
    method: str
    n: int
    seed: int
    factors: tuple[Factor, ...]
    chunk: int

    @property
    def n_runs(self) -> int:
        if self.method == "grid":
            return grid_size(self.factors, self.n)
        return self.n

    def resolved_dict(self) -> dict:
        return {"name": self.name, "model": str(self.model.path), "model_sha256": _sha256(self.model.path),
                "base": self.base.model_dump(mode="json", by_alias=True, exclude={"source_files"}),
                "method": self.method, "n": self.n, "seed": self.seed,
                "factors": [factor.to_dict() for factor in self.factors]}

    def fingerprint(self) -> str:
        text = json.dumps(self.resolved_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _factor(display: str, key: object, data: object, model: ForeignModel) -> Factor:
    if not isinstance(key, str):
        raise InputError(display, f"factors.{key}", key, "a constant of the model (text)")
    element = model.constant(key, display, f"factors.{key}")
    what = (f"the range the model declares [{element.lower:g}, {element.upper:g}] {element.unit}".rstrip()
            if np.isfinite(element.lower) or np.isfinite(element.upper) else "the model's range")
    return factor_from_data(display, key, data, Target("constant", element.python_name),
                            (element.lower, element.upper, what))


def load_foreign_sweep(path: str | Path, model: ForeignModel) -> ForeignSweep:
    """Read and validate a sweep file for ``model``; every problem is one :class:`InputError` line."""
    display = str(path)
    data = read_yaml_mapping(path, display, "a mapping of sweep keys (base, design, factors, ...)")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            extra = " (trajectories and dask are not available with --model)" if key in ("trajectories", "dask") \
                else ""
            raise InputError(display, str(key), key, f"unknown key; allowed: {', '.join(TOP_LEVEL_KEYS)}{extra}",
                             did_you_mean(key, TOP_LEVEL_KEYS))
    if not isinstance(data.get("base"), str) or not data["base"].strip():
        raise InputError(display, "base", data.get("base", MISSING),
                         "a path to a scenario file of the model, relative to this file")
    base_path = Path(path).parent / data["base"]
    if not base_path.is_file():
        raise InputError(display, "base", data["base"], f"an existing scenario file (not found: {base_path})")
    base = load_foreign_scenario(base_path, model)
    settings = run_settings(base, model)
    name = check_output_name(data.get("name", Path(path).stem), display, "name")
    method, n, seed = read_design(display, data.get("design"))
    factors_data = data.get("factors")
    if not isinstance(factors_data, dict) or not factors_data:
        raise InputError(display, "factors", factors_data if factors_data is not None else MISSING,
                         "a non-empty mapping of constant name -> {range: [lower, upper]} or a distribution")
    factors = tuple(_factor(display, key, value, model) for key, value in factors_data.items())
    targets = [factor.target.name for factor in factors]
    for factor in factors:
        if targets.count(factor.target.name) > 1:
            raise InputError(display, f"factors.{factor.key}", factor.key, "each constant varied by one factor only")
    chunk = DEFAULT_CHUNK if data.get("chunk") is None else read_whole_number(display, "chunk", data["chunk"], 1, 10**7)
    check_grid_size(display, method, n, factors)
    return ForeignSweep(name, str(data.get("description") or ""), display, model, base, settings, method, n, seed,
                        factors, chunk)


def outcome_times(settings: ForeignRun) -> tuple[float, float, float]:
    """Start, middle (the saved time nearest the midpoint, the earlier on a tie) and end of the run."""
    times = output_times(settings)
    middle = times[int(np.argmin(np.abs(times - (times[0] + times[-1]) / 2)))]
    return float(times[0]), float(middle), float(times[-1])


def outcome_columns(sweep: ForeignSweep) -> list[str]:
    """``<stock>_<time>`` for every stock of the model (model names, sorted) at :func:`outcome_times`."""
    stocks = sorted(element.name for element in sweep.model.stocks.values())
    return [f"{stock}_{moment:g}" for stock in stocks for moment in outcome_times(sweep.settings)]


def sample_of(sweep: ForeignSweep, row: np.ndarray) -> dict[str, float]:
    """PySD names -> values of one run's factor values."""
    return {factor.target.name: float(value) for factor, value in zip(sweep.factors, row)}


def run_chunk(sweep: ForeignSweep, first_run: int, values: np.ndarray) -> pd.DataFrame:
    """Outcomes of runs ``first_run``… (one row per row of ``values``); a run PySD cannot finish, or whose
    stocks become non-finite, is kept with status ``failed``, a reason and NaN outcomes."""
    stocks = sorted(element.name for element in sweep.model.stocks.values())
    moments = outcome_times(sweep.settings)
    rows, statuses, reasons = [], [], []
    fresh = True  # after a failure PySD may hold half-set values: reload before the next run
    for row in values:
        outcome = [np.nan] * (len(stocks) * len(moments))
        reason = ""
        try:
            sample = sample_of(sweep, row)
            frame = run_foreign(sweep.model, sweep.settings, sample) if fresh else \
                run_again_with_same_constants(sweep.model, sweep.settings, sample)
            fresh = False
            states = frame[stocks].to_numpy(float)
            bad = ~np.isfinite(states).all(axis=1)
            if bad.any():
                reason = (f"euler failed at t={frame['time'].iloc[int(np.argmax(bad))]:g}: state became "
                          "non-finite")
            else:
                indexed = frame.set_index("time")
                outcome = [float(indexed[stock].loc[moment]) for stock in stocks for moment in moments]
        except Exception as error:  # PySD raises many kinds; the run fails, the sweep goes on
            reason = f"PySD failed: {' '.join(str(error).split())[:200] or type(error).__name__}"
            fresh = True
        rows.append(outcome)
        statuses.append("failed" if reason else "ok")
        reasons.append(reason)
    frame = pd.DataFrame(rows, columns=outcome_columns(sweep), dtype=float)
    frame.insert(0, "failure_reason", reasons)
    frame.insert(0, "status", statuses)
    frame.insert(0, "run", np.arange(first_run, first_run + len(values), dtype=np.int64))
    return frame


def foreign_inputs(sweep: ForeignSweep) -> dict:
    """Everything a chunk's numbers depend on (for the resume check): the sweep file, the base scenario's
    chain and the model file (contents), the simulation code's digest, the PySD and restrans versions and the
    run settings."""
    from restrans.sim.engine.outputs import package_version
    from restrans.sim.ensembles.sweep_folder import file_input, simulation_source_digest, value_input

    inputs = {"sweep file": file_input(sweep.path)}
    for position, path in enumerate(sweep.base.source_files):
        inputs["base scenario" if position == 0 else f"base scenario extends ({position})"] = file_input(path)
    settings = sweep.settings
    inputs.update({"model file": file_input(sweep.model.path), "pysd version": value_input(sweep.model.pysd_version),
                   "simulation source": value_input(simulation_source_digest()),
                   "restrans version": value_input(package_version()), "numpy version": value_input(np.__version__),
                   "backend": value_input("pysd"),
                   "solver": value_input({"method": "euler", "dt": settings.dt, "start": settings.start,
                                          "end": settings.end, "saveper": settings.saveper})})
    return inputs


def run_foreign_sweep(sweep: ForeignSweep, out: Path, chunk: int | None = None,
                      progress: Callable[[int, int], None] | None = None,
                      notify: Callable[[str], None] | None = None) -> Path:
    """Run (or resume) ``sweep`` into ``out/<name>/``; returns the folder.

    The folder is locked, checked and verified as a native sweep's is
    (:class:`restrans.sim.ensembles.sweep_folder.SweepFolder`); ``notify(line)`` receives its notices.
    """
    from restrans.sim.ensembles.sweep import compute_chunks
    from restrans.sim.ensembles.sweep_folder import SweepFolder, parquet_bytes

    started = time.perf_counter()
    chunk = chunk or sweep.chunk
    directory = Path(out) / sweep.name
    state = {"fingerprint": sweep.fingerprint(), "chunk": chunk, "backend": "pysd", "trajectories": False,
             "targets": [], "n_runs": sweep.n_runs, "inputs": foreign_inputs(sweep)}
    values = design_values(sweep)
    with SweepFolder(directory, state, ("outcomes",), notify) as folder:
        folder.write_experiments(sweep.factors, values)

        def compute(done: set[int]) -> None:
            runs_done = sum(min(chunk, values.shape[0] - index * chunk) for index in done)
            for index in sorted(set(range(-(-values.shape[0] // chunk))) - done):
                first = index * chunk
                result = run_chunk(sweep, first, values[first:first + chunk])
                folder.write_chunk(index, "outcomes", parquet_bytes(result), first, len(result))
                runs_done += len(result)
                if progress:
                    progress(runs_done, values.shape[0])

        n_chunks = compute_chunks(folder, values.shape[0], chunk, compute, progress)
        _write_outputs(sweep, directory, n_chunks, chunk, started)
    return directory


def _write_outputs(sweep: ForeignSweep, directory: Path, n_chunks: int, chunk: int, started: float) -> None:
    """Assemble ``outcomes.parquet`` from the verified chunks and write ``manifest.json``.

    ``started`` is the :func:`time.perf_counter` reading (s) when the sweep started (for its wall time).
    """
    from restrans.sim.engine.outputs import atomic_write_text, build_manifest, file_sha256
    from restrans.sim.ensembles.sweep import concatenate_parquet
    from restrans.sim.ensembles.sweep_folder import chunk_path

    failed = concatenate_parquet([chunk_path(directory, index, "outcomes") for index in range(n_chunks)],
                                  directory / "outcomes.parquet")
    record = {"name": sweep.base.name, "files": {path: file_sha256(Path(path)) for path in sweep.base.source_files}}
    settings = sweep.settings
    solver = {"method": "euler", "dt": settings.dt, "start": settings.start, "end": settings.end,
              "saveper": settings.saveper}
    extra = {"engine": "pysd", "pysd_version": sweep.model.pysd_version,
             "model": {"file": str(sweep.model.path), "sha256": file_sha256(sweep.model.path)},
             "sweep": {"file": sweep.path, "sha256": file_sha256(Path(sweep.path)),
                       "fingerprint": sweep.fingerprint(), "resolved": sweep.resolved_dict(),
                       "design": sweep.method, "n_runs": sweep.n_runs, "chunk": chunk, "chunks": n_chunks,
                       "backend": "pysd", "failed_runs": failed, "targets": [], "executor": "in-process"},
             "seed": sweep.seed}
    manifest = build_manifest([record], solver, time.perf_counter() - started,
                              ["experiments.parquet", "outcomes.parquet", "manifest.json"], extra)
    atomic_write_text(directory / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
