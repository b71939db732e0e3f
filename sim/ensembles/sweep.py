"""Run a sweep in chunks on an executor, write each finished chunk atomically, resume after a kill.

Output folder (``outputs/<sweep name>/`` by default)::

    experiments.parquet   one row per run: run, then every factor's value
    outcomes.parquet      one row per run: run, status, failure_reason, outcome columns (restrans.sim.ensembles.outcomes)
    trajectories.nc       with --trajectories: (run, time) per variable, HDF5-chunked by runs
    manifest.json         sweep file and hash, resolved sweep, seed, backend, chunking, counts, wall time
    chunks/               one file per finished chunk; kept so that a killed sweep resumes

A chunk file appears only complete (temporary file, then rename). Started
again with the same command, a sweep skips the chunks already on disk; the
final files are assembled from the chunk files in run order, so they equal an
uninterrupted sweep's bit for bit, whatever executor computed which chunk.
"""
from __future__ import annotations

import io
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq

from restrans.sim.scenario.errors import InputError
from restrans.sim.ensembles.executors import make_executor
from restrans.sim.ensembles.outcomes import outcome_columns, whole_years
from restrans.sim.engine.outputs import atomic_write_bytes, atomic_write_text, build_manifest, file_sha256
from restrans.sim.ensembles.sweep_runs import ChunkResult, ChunkTask, RunPlan, resolve_backend
from restrans.sim.ensembles.sweep_spec import SweepSpec, design_values

STATE_FILE = "sweep_state.json"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SweepOptions:
    """How to run a sweep (none of these change its numbers, except ``backend``'s last bits).

    Attributes
    ----------
    out : Path
        Parent folder; the sweep writes ``out/<name>/``.
    chunk : int or None
        Runs per chunk (None: the file's ``chunk``).
    workers : int
        Local worker processes (0: in this process).
    scheduler : str or None
        Dask scheduler address (overrides ``workers``).
    trajectories : bool
        Also write ``trajectories.nc``.
    backend : str
        ``auto``, ``compiled`` or ``numpy``.
    targets : Path or None
        Targets file for the target outcome columns (None: none).
    """

    out: Path = Path("outputs")
    chunk: int | None = None
    workers: int = 0
    scheduler: str | None = None
    trajectories: bool = False
    backend: str = "auto"
    targets: Path | None = None


def load_targets_for(path: Path | None) -> tuple:
    """Targets of ``path`` (``scenarios/targets.yaml`` format), or none."""
    if path is None:
        return ()
    from restrans.sim.compare.targets import load_targets

    return tuple(load_targets(path).targets)


def default_targets_path(spec_path: str) -> Path | None:
    """``targets.yaml`` in the sweep file's parent scenarios folder, if there is one."""
    for folder in (Path(spec_path).parent, Path(spec_path).parent.parent):
        if (folder / "targets.yaml").is_file():
            return folder / "targets.yaml"
    return None


def _state(spec: SweepSpec, chunk: int, backend: str, trajectories: bool, targets: tuple) -> dict:
    return {"fingerprint": spec.fingerprint(), "chunk": chunk, "backend": backend, "trajectories": trajectories,
            "targets": [target.identifier for target in targets], "n_runs": spec.n_runs}


def prepare_sweep_folder(directory: Path, state: dict) -> None:
    """Create the folder, or check that it holds the same sweep (to resume), else refuse."""
    state_path = directory / STATE_FILE
    if state_path.is_file():
        previous = json.loads(state_path.read_text(encoding="utf-8"))
        if previous != state:
            changed = [key for key in state if previous.get(key) != state[key]]
            raise InputError("--out", str(directory), ", ".join(changed),
                             "a folder of the same sweep to resume it (same file, --chunk, backend, --trajectories "
                             "and targets), or a new folder: this one holds another sweep; use another --out or "
                             "delete it")
        return
    if directory.exists() and any(directory.iterdir()):
        raise InputError("--out", str(directory), "not empty", "an empty or new folder for a new sweep")
    atomic_write_text(state_path, json.dumps(state, indent=2) + "\n")


def start_sweep_folder(directory: Path, state: dict, factors, values: np.ndarray,
                       chunk: int) -> tuple[int, set[int], int]:
    """Prepare (or resume) a sweep folder and write ``experiments.parquet`` once.

    Returns the number of chunks, the indices of chunks already finished and the
    number of runs they hold.
    """
    prepare_sweep_folder(directory, state)
    experiments = directory / "experiments.parquet"
    if not experiments.is_file():
        frame = pd.DataFrame(values, columns=[factor.key for factor in factors])
        frame.insert(0, "run", np.arange(values.shape[0], dtype=np.int64))
        atomic_write_bytes(experiments, parquet_bytes(frame))
    n_chunks = -(-values.shape[0] // chunk)
    done = {index for index in range(n_chunks) if chunk_path(directory, index, "outcomes").is_file()}
    runs_done = sum(min(chunk, values.shape[0] - index * chunk) for index in done)
    return n_chunks, done, runs_done


def chunk_path(directory: Path, index: int, kind: str) -> Path:
    return directory / "chunks" / f"{kind}-{index:06d}.{'nc' if kind == 'trajectories' else 'parquet'}"


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()


def _outcome_frame(result: ChunkResult, columns: list[str]) -> pd.DataFrame:
    data = {"run": result.runs.astype(np.int64),
            "status": np.where([bool(reason) for reason in result.failure_reasons], "failed", "ok"),
            "failure_reason": result.failure_reasons}
    data.update({column: result.outcomes[column] for column in columns})
    return pd.DataFrame(data)


def _write_chunk(directory: Path, result: ChunkResult, columns: list[str]) -> None:
    """Write one finished chunk: trajectories first, then outcomes (whose presence marks the chunk done)."""
    if result.trajectories:
        from restrans.sim.ensembles.trajectories import chunk_dataset_bytes

        atomic_write_bytes(chunk_path(directory, result.index, "trajectories"),
                           chunk_dataset_bytes(result.runs, result.times, result.trajectories))
    atomic_write_bytes(chunk_path(directory, result.index, "outcomes"),
                       parquet_bytes(_outcome_frame(result, columns)))


def _tasks(spec: SweepSpec, plan: RunPlan, values: np.ndarray, chunk: int, done: set[int], threads: int):
    for index, first in enumerate(range(0, values.shape[0], chunk)):
        if index not in done:
            yield ChunkTask(plan, index, first, values[first:first + chunk], threads)


def run_sweep(spec: SweepSpec, options: SweepOptions, progress: Progress | None = None) -> Path:
    """Run (or resume) a sweep; returns its output folder.

    Parameters
    ----------
    spec : SweepSpec
    options : SweepOptions
    progress : callable, optional
        ``progress(runs_done, runs_total)`` after each chunk (and once at the start).
    """
    started = time.perf_counter()
    chunk = options.chunk or spec.chunk
    backend = resolve_backend(options.backend, spec.base.solver.method)
    targets = load_targets_for(options.targets)
    directory = Path(options.out) / spec.name
    values = design_values(spec)
    n_chunks, done, runs_done = start_sweep_folder(
        directory, _state(spec, chunk, backend, options.trajectories, targets), spec.factors, values, chunk)
    plan = RunPlan(spec.base, spec.factors, backend, targets, spec.trajectories if options.trajectories else ())
    years, _ = whole_years(spec.base.output_times())
    columns = outcome_columns(years, targets, spec.base.region)
    if progress:
        progress(runs_done, values.shape[0])
    executor = make_executor(options.workers, options.scheduler or spec.scheduler)
    with executor:
        for result in executor.map_unordered(_tasks(spec, plan, values, chunk, done, executor.threads_per_task)):
            _write_chunk(directory, result, columns)
            runs_done += len(result.runs)
            if progress:
                progress(runs_done, values.shape[0])
    _assemble(directory, spec, options, n_chunks, backend, chunk, targets, time.perf_counter() - started)
    return directory


def _assemble(directory: Path, spec: SweepSpec, options: SweepOptions, n_chunks: int, backend: str, chunk: int,
              targets: tuple, wall_time: float) -> None:
    """Concatenate the chunk files in run order into the final files, chunk by chunk (bounded memory)."""
    failed = concatenate_parquet([chunk_path(directory, index, "outcomes") for index in range(n_chunks)],
                                  directory / "outcomes.parquet")
    files = ["experiments.parquet", "outcomes.parquet", "manifest.json"]
    if options.trajectories:
        from restrans.sim.ensembles.trajectories import concatenate_chunks

        concatenate_chunks([chunk_path(directory, index, "trajectories") for index in range(n_chunks)],
                           directory / "trajectories.nc", chunk)
        files.insert(2, "trajectories.nc")
    record = {"name": spec.base.name, "files": {path: file_sha256(Path(path)) for path in spec.base.source_files}}
    extra = {"sweep": {"file": spec.path, "sha256": file_sha256(Path(spec.path)), "fingerprint": spec.fingerprint(),
                       "resolved": spec.resolved_dict(), "design": spec.method, "n_runs": spec.n_runs,
                       "chunk": chunk, "chunks": n_chunks, "backend": backend, "failed_runs": failed,
                       "targets": [target.identifier for target in targets],
                       "executor": "dask" if (options.scheduler or spec.scheduler) else
                       (f"{options.workers} processes" if options.workers else "in-process")},
             "seed": spec.seed}
    solver = {"method": spec.base.solver.method, "dt": spec.base.solver.dt}
    manifest = build_manifest([record], solver, wall_time, files, extra)
    atomic_write_text(directory / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def concatenate_parquet(paths: list[Path], destination: Path) -> int:
    """Stream ``paths`` into one Parquet file (temporary file, then rename); returns the number of failed runs."""
    failed = 0
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
    writer = None
    try:
        for path in paths:
            table = pq.read_table(path)
            failed += int(pc.sum(pc.equal(table["status"], "failed")).as_py() or 0)
            if writer is None:
                writer = pq.ParquetWriter(temporary, table.schema)
            writer.write_table(table)
        writer.close()
        os.replace(temporary, destination)
    except BaseException:
        if writer is not None:
            writer.close()
        temporary.unlink(missing_ok=True)
        raise
    return failed
