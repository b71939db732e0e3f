"""Run a sweep in chunks on an executor, write each finished chunk atomically, resume after a kill.

Output folder (``outputs/<sweep name>/`` by default)::

    experiments.parquet   one row per run: run, then every factor's value (written after the chunks, block by block)
    outcomes.parquet      one row per run: run, status, failure_reason, outcome columns (restrans.sim.ensembles.outcomes)
    trajectories.nc       with --trajectories: (run, time) per variable, HDF5-chunked by runs
    manifest.json         sweep file and hash, resolved sweep, seed, backend, chunking, counts, wall time
    chunks/               one file per finished chunk and its record (runs, SHA-256); kept so that a killed sweep resumes
    sweep_state.json      what must match to resume: the sweep and the hashes of everything its numbers depend on
    sweep.lock            while a sweep runs: its PID, host and start time (an exclusive flock)

A chunk file appears only complete (temporary file, then rename). Started
again with the same command, a sweep skips the chunks already on disk whose
records verify (the others are computed again, with a notice); the final files
are assembled from the verified chunk files in run order, so they equal an
uninterrupted sweep's bit for bit, whatever executor computed which chunk. The
folder's lock, its resume check and the chunk records are
:mod:`restrans.sim.ensembles.sweep_folder`. The design is never held whole: each task gets its runs' values
from :class:`restrans.sim.ensembles.designs.Design`, so memory is bounded by the chunk size at any ``n``.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow
import pyarrow.compute as pc
import pyarrow.parquet as pq

from restrans.sim.ensembles.dask_executor import SCHEDULER_TIMEOUT_SECONDS
from restrans.sim.ensembles.executors import make_executor
from restrans.sim.ensembles.outcomes import outcome_columns, whole_years
from restrans.sim.engine.outputs import atomic_write_text, build_manifest, file_sha256, package_version
from restrans.sim.ensembles.sweep_folder import (STATE_FILE, Notify, SweepFault, SweepFolder, chunk_path, file_input,
                                                 dictionary_columns, parquet_bytes, simulation_source_digest,
                                                 table_bytes, value_input)
from restrans.sim.ensembles.sweep_runs import ChunkResult, ChunkTask, RunPlan, precision_record, resolve_backend
from restrans.sim.ensembles.designs import Design
from restrans.sim.ensembles.sweep_spec import SweepSpec, sweep_design

__all__ = ["STATE_FILE", "SweepFault", "SweepOptions", "chunk_path", "compute_chunks", "concatenate_parquet",
           "parquet_bytes", "run_sweep"]
Progress = Callable[[int, int], None]
EXPERIMENT_BLOCK_RUNS = 131_072
"""Runs per row group of ``experiments.parquet``, written block by block (independent of ``--chunk``)."""
VERIFY_ATTEMPTS = 2
"""Times the missing chunks are computed and verified before a sweep gives up (a disk that corrupts writes)."""


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
    scheduler_timeout : float
        Bound (s) on connecting to the Dask scheduler, on its answers and on a cluster without workers.
    precision : str
        ``fast`` (libmvec transcendentals, within 1e-11 of the numpy equations) or ``exact`` (bit-identical to the
        scalar kernel): the compiled backend's blocked kernel; recorded in the manifest.
    """

    out: Path = Path("outputs")
    chunk: int | None = None
    workers: int = 0
    scheduler: str | None = None
    trajectories: bool = False
    backend: str = "auto"
    targets: Path | None = None
    scheduler_timeout: float = SCHEDULER_TIMEOUT_SECONDS
    precision: str = "fast"


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


def native_inputs(spec: SweepSpec, targets_path: Path | None, backend: str, precision: str = "fast") -> dict:
    """Everything a chunk's numbers depend on, for the resume check (name -> file hash or value).

    The sweep file and the base scenario's ``extends`` chain (file contents), the targets file, the
    region preset, the digests of the model's sources and of the simulation code, the restrans and
    numerical library versions, the backend and the solver settings.
    """
    from restrans.model.compiled import model_digest
    from restrans.sim.scenario.regions import REGIONS_DIRECTORY

    inputs = {"sweep file": file_input(spec.path)}
    for position, path in enumerate(spec.base.source_files):
        inputs["base scenario" if position == 0 else f"base scenario extends ({position})"] = file_input(path)
    inputs["targets file"] = file_input(targets_path) if targets_path is not None else value_input(None)
    inputs["region preset"] = file_input(REGIONS_DIRECTORY / f"{spec.base.region}.yaml")
    solver = spec.base.solver
    inputs.update({"model source": value_input(model_digest()),
                   "simulation source": value_input(simulation_source_digest()),
                   "restrans version": value_input(package_version()),
                   "numpy version": value_input(np.__version__), "backend": value_input(backend),
                   "precision": value_input(precision_record(backend, precision)),
                   "solver": value_input({"method": solver.method, "dt": solver.dt, "rtol": solver.rtol,
                                          "atol": solver.atol})})
    if backend == "compiled":
        import numba

        inputs["numba version"] = value_input(numba.__version__)
    return inputs


def _state(spec: SweepSpec, chunk: int, backend: str, options: SweepOptions, targets: tuple) -> dict:
    return {"fingerprint": spec.fingerprint(), "chunk": chunk, "backend": backend,
            "trajectories": options.trajectories, "targets": [target.identifier for target in targets],
            "n_runs": spec.n_runs, "inputs": native_inputs(spec, options.targets, backend, options.precision)}


def _outcome_table(result: ChunkResult, columns: list[str]) -> pyarrow.Table:
    """The chunk's rows of ``outcomes.parquet`` (run, status, failure_reason, the outcome columns), built from the
    arrays without a pandas frame (which took as long as writing the file)."""
    data = {"run": result.runs.astype(np.int64),
            "status": pyarrow.array(["failed" if reason else "ok" for reason in result.failure_reasons],
                                    pyarrow.string()),
            "failure_reason": pyarrow.array(list(result.failure_reasons), pyarrow.string())}
    data.update({column: np.asarray(result.outcomes[column], dtype=np.float64) for column in columns})
    return pyarrow.table(data)


def _write_chunk(folder: SweepFolder, result: ChunkResult, columns: list[str]) -> None:
    """Write one finished chunk with its records: trajectories first, then outcomes."""
    first_run, runs = int(result.runs[0]), len(result.runs)
    if result.trajectories:
        from restrans.sim.ensembles.trajectories import chunk_dataset_bytes

        folder.write_chunk(result.index, "trajectories",
                           chunk_dataset_bytes(result.runs, result.times, result.trajectories), first_run, runs)
    folder.write_chunk(result.index, "outcomes", table_bytes(_outcome_table(result, columns)), first_run, runs)


def _tasks(plan: RunPlan, design: Design, chunk: int, done: set[int], threads: int):
    """The tasks of the chunks not in ``done``, each with its runs' values only (generated when it is sent)."""
    for index, first in enumerate(range(0, design.n_runs, chunk)):
        if index not in done:
            yield ChunkTask(plan, index, first, design.values(first, chunk), threads)


def compute_chunks(folder: SweepFolder, n_runs: int, chunk: int, compute: Callable[[set[int]], None],
                   progress: Progress | None = None) -> int:
    """Verify the chunks on disk, compute the others with ``compute(done)``, verify all again; returns n_chunks.

    A chunk that fails verification (see :meth:`SweepFolder.verified_chunks`) is computed again; after
    :data:`VERIFY_ATTEMPTS` rounds that still leave one unverified, :class:`SweepFault`.
    """
    n_chunks = -(-n_runs // chunk)
    done = folder.verified_chunks(n_chunks, chunk, n_runs)
    for _ in range(VERIFY_ATTEMPTS):
        if progress:
            progress(sum(min(chunk, n_runs - index * chunk) for index in done), n_runs)
        if len(done) == n_chunks:
            return n_chunks
        compute(done)
        done = folder.verified_chunks(n_chunks, chunk, n_runs)
    if len(done) < n_chunks:
        raise SweepFault(f"{folder.directory}: chunk(s) {sorted(set(range(n_chunks)) - done)[:5]} failed "
                         "verification again right after being written; check the disk")
    return n_chunks


def run_sweep(spec: SweepSpec, options: SweepOptions, progress: Progress | None = None,
              notify: Notify | None = None) -> Path:
    """Run (or resume) a sweep; returns its output folder.

    Parameters
    ----------
    spec : SweepSpec
    options : SweepOptions
    progress : callable, optional
        ``progress(runs_done, runs_total)`` after each chunk (and once at the start).
    notify : callable, optional
        ``notify(line)`` for one-line notices: a chunk recomputed, a stale lock or temporary files removed.

    Raises
    ------
    InputError
        The folder holds another sweep, or one whose inputs changed since it started.
    SweepFault
        Another sweep holds the folder's lock, chunks keep failing verification, or the Dask scheduler does not
        answer, has no worker or is lost (every wait bounded by ``options.scheduler_timeout``).
    """
    started = time.perf_counter()
    chunk = options.chunk or spec.chunk
    backend = resolve_backend(options.backend, spec.base.solver.method)
    targets = load_targets_for(options.targets)
    directory = Path(options.out) / spec.name
    design = sweep_design(spec)
    plan = RunPlan(spec.base, spec.factors, backend, targets, spec.trajectories if options.trajectories else (),
                   precision=options.precision)
    years, _ = whole_years(spec.base.output_times())
    columns = outcome_columns(years, targets, spec.base.region)
    kinds = ("trajectories", "outcomes") if options.trajectories else ("outcomes",)
    with SweepFolder(directory, _state(spec, chunk, backend, options, targets), kinds, notify) as folder:
        executor = make_executor(options.workers, options.scheduler or spec.scheduler, options.scheduler_timeout)
        counter = {"runs": 0}

        def compute(done: set[int]) -> None:
            counter["runs"] = sum(min(chunk, design.n_runs - index * chunk) for index in done)
            with executor:
                for result in executor.map_unordered(_tasks(plan, design, chunk, done, executor.threads_per_task)):
                    _write_chunk(folder, result, columns)
                    counter["runs"] += len(result.runs)
                    if progress:
                        progress(counter["runs"], design.n_runs)

        n_chunks = compute_chunks(folder, design.n_runs, chunk, compute, progress)
        folder.write_experiments(spec.factors, design.blocks(EXPERIMENT_BLOCK_RUNS))
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
                       "chunk": chunk, "chunks": n_chunks, "backend": backend,
                       **precision_record(backend, options.precision), "failed_runs": failed,
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
                writer = pq.ParquetWriter(temporary, table.schema,
                                          use_dictionary=dictionary_columns(table.schema.names, table.schema.types))
            writer.write_table(table)
        writer.close()
        os.replace(temporary, destination)
    except pyarrow.ArrowException as error:
        if writer is not None:
            writer.close()
        temporary.unlink(missing_ok=True)
        raise SweepFault(f"{destination.parent}: could not read a chunk while assembling {destination.name} "
                         f"({' '.join(str(error).split())[:160]}); run the same command again to recompute it") \
            from None
    except BaseException:
        if writer is not None:
            writer.close()
        temporary.unlink(missing_ok=True)
        raise
    return failed
