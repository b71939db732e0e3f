"""A sweep folder that cannot silently go wrong: locked, tied to its inputs, with verified chunks.

Shared by native sweeps (:mod:`restrans.sim.ensembles.sweep`) and sweeps of a foreign model
(:mod:`restrans.sim.vensim.foreign_sweep`). While a sweep runs, :class:`SweepFolder`:

* holds an exclusive lock on ``sweep.lock`` (``fcntl.flock`` on the open file, which also records
  the PID, host and start time): a second sweep into the same folder is refused with one line naming
  the holder; the kernel releases the lock of a killed sweep, whose stale file is taken over;
* removes temporary files (``.*.tmp``) left by a sweep killed while writing;
* records in ``sweep_state.json`` the SHA-256 of everything a chunk's numbers depend on (input files,
  model source digest, versions, backend, solver) and refuses to resume when any of them changed,
  naming it;
* writes beside each chunk file a record ``<chunk file>.json`` (its run range, size and SHA-256) and
  trusts a chunk only when file and record agree; a chunk that does not (a flipped byte, a truncated
  or swapped file) is deleted, reported in one line and computed again.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import io
import json
import os
import socket
import time
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from restrans.sim.engine.outputs import atomic_write_bytes, atomic_write_text, file_sha256
from restrans.sim.scenario.errors import InputError

STATE_FILE = "sweep_state.json"
LOCK_FILE = "sweep.lock"
HOLDER_RECORD_WAIT_SECONDS = 0.2
"""How long (s) a refused sweep waits for the holder's record (PID, host, start) when the lock file is still empty."""
Notify = Callable[[str], None]


class SweepFault(Exception):
    """A sweep that cannot go on for a reason other than bad input (one line; the command exits with code 1)."""


class SweepFolderBusy(SweepFault):
    """Another sweep holds the folder's lock."""


def chunk_path(directory: Path, index: int, kind: str) -> Path:
    """The file of chunk ``index`` of ``kind`` (``outcomes`` or ``trajectories``)."""
    return directory / "chunks" / f"{kind}-{index:06d}.{'nc' if kind == 'trajectories' else 'parquet'}"


def record_path(path: Path) -> Path:
    """The record (run range, size, SHA-256) written beside a chunk file."""
    return path.with_name(path.name + ".json")


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as the bytes of a Parquet file (pyarrow, no index; :func:`dictionary_columns` dictionary-encoded)."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow", use_dictionary=dictionary_columns(frame.columns,
                                                                                              frame.dtypes))
    return buffer.getvalue()


def table_bytes(table) -> bytes:
    """A pyarrow table as the bytes of a Parquet file (:func:`dictionary_columns` dictionary-encoded)."""
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(table, buffer, use_dictionary=dictionary_columns(table.schema.names, table.schema.types))
    return buffer.getvalue()


def dictionary_columns(names, types) -> list[str]:
    """The text columns (``status``, ``failure_reason``): only they are dictionary-encoded in Parquet files.

    Dictionary-encoding every float column (pyarrow's default) costs three quarters of the write time of an
    outcomes chunk and makes the file larger, since outcome values rarely repeat.
    """
    return [str(name) for name, kind in zip(names, types) if str(kind) in ("object", "str", "string", "large_string")]


def file_input(path: str | Path) -> dict:
    """An input file for the state: its path (for messages) and the SHA-256 of its bytes (compared)."""
    return {"file": str(path), "sha256": file_sha256(Path(path))}


def value_input(value) -> dict:
    """An input value for the state (JSON), compared as it is."""
    return {"value": value}


def simulation_source_digest() -> str:
    """SHA-256 (16 hex digits) of the sources under ``sim/`` that compute a sweep's numbers (every stage but
    ``report`` and ``cli``): an edit to how a chunk is built, integrated or summarised makes older chunks stale."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for stage in ("scenario", "engine", "compare", "ensembles", "vensim"):
        for path in sorted((root / stage).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _compared(entry: dict | None):
    return None if entry is None else entry.get("sha256", entry.get("value"))


def inputs_digest(inputs: dict) -> str:
    """SHA-256 of the compared parts of ``inputs`` (file hashes and values, not paths)."""
    text = json.dumps({name: _compared(entry) for name, entry in inputs.items()}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def changed_inputs(previous: dict, current: dict) -> dict[str, str]:
    """The inputs that differ between two states' ``inputs``: name -> what changed (file, or old and new value)."""
    changed = {}
    for name in dict.fromkeys([*current, *previous]):
        old, new = previous.get(name) or {}, current.get(name) or {}
        if _compared(old or None) != _compared(new or None):
            changed[name] = (f"{name} {new.get('file') or old.get('file')}" if "file" in new or "file" in old
                             else f"{name} {_compared(old or None)!r} -> {_compared(new or None)!r}")
    return changed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _read_holder(descriptor: int) -> dict:
    try:
        os.lseek(descriptor, 0, os.SEEK_SET)
        record = json.loads(os.read(descriptor, 4096).decode("utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _holder_text(holder: dict) -> str:
    return (f"PID {holder.get('pid', '?')} on {holder.get('host', '?')}, started {holder.get('started', '?')}"
            if holder else "a process that left no record")


class SweepFolder:
    """An output folder held by this sweep (a context manager: lock on enter, release on exit).

    Parameters
    ----------
    directory : Path
        The sweep's folder (``OUT/<name>/``); created if needed.
    state : dict
        What must match to resume: fingerprint, chunk, backend, trajectories, targets, n_runs and
        ``inputs`` (name -> :func:`file_input` or :func:`value_input`).
    kinds : tuple of str
        Chunk files each chunk has (``outcomes`` and maybe ``trajectories``).
    notify : callable, optional
        Receives one-line notices (a stale lock taken over, a chunk recomputed, temporary files removed).
    """

    def __init__(self, directory: Path, state: dict, kinds: tuple[str, ...] = ("outcomes",),
                 notify: Notify | None = None) -> None:
        self.directory = Path(directory)
        self.state = {**state, "inputs_sha256": inputs_digest(state.get("inputs", {}))}
        self.kinds = kinds
        self.notify = notify or (lambda message: None)
        self._descriptor: int | None = None

    def __enter__(self) -> "SweepFolder":
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._lock()
        except OSError as error:
            raise SweepFault(f"{self.directory}: cannot create or lock the sweep folder: "
                             f"{error.strerror or error}") from None
        try:
            self._remove_temporary_files()
            self._prepare()
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, kind, error, trace) -> None:
        try:
            if kind is not None:  # a signal can land inside an atomic write, after its file exists, before cleanup
                self._remove_temporary_files(quiet=True)
        finally:
            self._unlock()

    # --- the lock ---------------------------------------------------------------------------

    def _lock(self) -> None:
        """Take the folder's lock (flock on ``sweep.lock``); refuse if a live sweep holds it."""
        path = self.directory / LOCK_FILE
        for _ in range(10):
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                holder = _read_holder(descriptor)
                if not holder:  # the holder may be between taking the lock and writing its record
                    time.sleep(HOLDER_RECORD_WAIT_SECONDS)
                    holder = _read_holder(descriptor)
                if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN) or self._holder_alive(holder):
                    os.close(descriptor)
                    raise SweepFolderBusy(f"{self.directory}: another sweep is writing this folder "
                                          f"({_holder_text(holder)}); wait for it to finish, or use another "
                                          f"--out") from None
            try:  # the file may have been removed by its last holder between open and flock
                same = os.stat(path).st_ino == os.fstat(descriptor).st_ino
            except FileNotFoundError:
                same = False
            if not same:
                os.close(descriptor)
                continue
            self._take_over(descriptor)
            return
        raise SweepFault(f"{self.directory}: could not lock {path} (removed again and again by other sweeps)")

    @staticmethod
    def _holder_alive(holder: dict) -> bool:
        """Without flock (a filesystem that lacks it) the recorded PID decides; another host's counts as alive."""
        if not holder.get("pid"):
            return False
        if holder.get("host") != socket.gethostname():
            return True
        return int(holder["pid"]) != os.getpid() and _process_alive(int(holder["pid"]))

    def _take_over(self, descriptor: int) -> None:
        previous = _read_holder(descriptor)
        if previous.get("pid"):
            self.notify(f"{self.directory}: took over the lock left by {_holder_text(previous)}, which is no "
                        "longer running")
        record = {"pid": os.getpid(), "host": socket.gethostname(),
                  "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, (json.dumps(record) + "\n").encode("utf-8"), 0)
        os.fsync(descriptor)
        self._descriptor = descriptor

    def _unlock(self) -> None:
        if self._descriptor is None:
            return
        path = self.directory / LOCK_FILE
        try:
            if os.stat(path).st_ino == os.fstat(self._descriptor).st_ino:
                path.unlink()
        except FileNotFoundError:
            pass
        finally:
            os.close(self._descriptor)
            self._descriptor = None

    # --- the folder's contents ------------------------------------------------------------------

    def _remove_temporary_files(self, quiet: bool = False) -> None:
        """Delete ``.*.tmp`` files: with the lock held, they belong to a sweep that was killed while writing.

        ``quiet`` (a sweep stopping on an error or signal) says nothing: its one line says what happened.
        """
        leftovers = [path for folder in (self.directory, self.directory / "chunks") if folder.is_dir()
                     for path in folder.glob(".*.tmp") if path.is_file()]
        for path in leftovers:
            path.unlink(missing_ok=True)
        if leftovers and not quiet:
            self.notify(f"{self.directory}: removed {len(leftovers)} temporary file(s) left by an interrupted sweep")

    def _prepare(self) -> None:
        """Start a new sweep in an empty folder, or check that the folder holds this one (to resume it)."""
        state_path = self.directory / STATE_FILE
        if not state_path.is_file():
            if any(path.name != LOCK_FILE for path in self.directory.iterdir()):
                raise InputError("--out", str(self.directory), "not empty", "an empty or new folder for a new sweep")
            atomic_write_text(state_path, json.dumps(self.state, indent=2) + "\n")
            return
        try:
            previous = json.loads(state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise InputError(str(self.directory), "resume", STATE_FILE, f"a readable sweep state ({error}); to "
                             "start afresh use another --out or delete the folder") from None
        if not isinstance(previous, dict) or "inputs" not in previous:
            raise InputError(str(self.directory), "resume", STATE_FILE,
                             "a sweep folder that records its inputs: this one was started by an older restrans "
                             "that did not, so a resume could mix chunks of other inputs; to start afresh use "
                             "another --out or delete the folder")
        changed = changed_inputs(previous["inputs"], self.state.get("inputs", {}))
        if changed:
            raise InputError(str(self.directory), "resume", ", ".join(changed),
                             f"the same inputs as when this sweep started, so that new chunks match those on disk; "
                             f"changed since then: {'; '.join(changed.values())}; to start afresh use another --out "
                             "or delete the folder")
        differing = [key for key in self.state if key not in ("inputs", "inputs_sha256")
                     and previous.get(key) != self.state[key]]
        if differing:
            raise InputError("--out", str(self.directory), ", ".join(differing),
                             "a folder of the same sweep to resume it (same file, --chunk, backend, --trajectories "
                             "and targets), or a new folder: this one holds another sweep; use another --out or "
                             "delete it")

    def write_experiments(self, factors, blocks) -> None:
        """Write ``experiments.parquet`` (run, then every factor's value) block by block; the same bytes each time.

        ``blocks`` is the whole design (n_runs, n_factors) or an iterable of (first run, values) blocks in run
        order, one Parquet row group each, so memory is bounded by a block. The file is written to a
        temporary file that is renamed when complete.
        """
        import pyarrow
        import pyarrow.parquet as pq

        blocks = [(0, blocks)] if isinstance(blocks, np.ndarray) else blocks
        destination = self.directory / "experiments.parquet"
        temporary = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
        writer = None
        try:
            for first, values in blocks:
                columns = {"run": np.arange(first, first + values.shape[0], dtype=np.int64)}
                columns.update({factor.key: np.ascontiguousarray(values[:, index], dtype=np.float64)
                                for index, factor in enumerate(factors)})
                table = pyarrow.table(columns)
                writer = writer or pq.ParquetWriter(temporary, table.schema)
                writer.write_table(table)
            writer.close()
            os.replace(temporary, destination)
        except BaseException:
            if writer is not None:
                writer.close()
            temporary.unlink(missing_ok=True)
            raise

    # --- chunks ---------------------------------------------------------------------------------

    def write_chunk(self, index: int, kind: str, data: bytes, first_run: int, runs: int) -> None:
        """Write one chunk file, then its record (run range, size, SHA-256, the sweep's input digest)."""
        path = chunk_path(self.directory, index, kind)
        atomic_write_bytes(path, data)
        record = {"kind": kind, "index": index, "first_run": int(first_run), "runs": int(runs), "bytes": len(data),
                  "sha256": hashlib.sha256(data).hexdigest(), "sweep": self.state["inputs_sha256"],
                  "fingerprint": self.state.get("fingerprint")}
        atomic_write_text(record_path(path), json.dumps(record) + "\n")

    def _chunk_problem(self, index: int, kind: str, first_run: int, runs: int) -> str | None:
        """Why chunk ``index``'s ``kind`` file cannot be trusted, or None when it matches its record."""
        path = chunk_path(self.directory, index, kind)
        if not path.is_file():
            return "is missing" if record_path(path).is_file() else None
        if not record_path(path).is_file():
            return None  # killed between the file and its record: an unfinished chunk, computed again quietly
        try:
            record = json.loads(record_path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return "has an unreadable record"
        expected = {"kind": kind, "index": index, "first_run": first_run, "runs": runs,
                    "sweep": self.state["inputs_sha256"], "fingerprint": self.state.get("fingerprint")}
        if not isinstance(record, dict) or any(record.get(key) != value for key, value in expected.items()):
            return "has the record of another chunk or sweep (swapped?)"
        size = path.stat().st_size
        if size != record.get("bytes"):
            return f"has {size:,} bytes, not the {record.get('bytes'):,} written (truncated or replaced?)"
        if file_sha256(path) != record.get("sha256"):
            return "does not match the SHA-256 recorded when it was written (corrupted or replaced?)"
        return None

    def verified_chunks(self, n_chunks: int, chunk: int, n_runs: int) -> set[int]:
        """Indices of the chunks whose every file matches its record; the others are deleted, with a notice."""
        good = set()
        for index in range(n_chunks):
            first_run, runs = index * chunk, min(chunk, n_runs - index * chunk)
            if not any(chunk_path(self.directory, index, kind).is_file()
                       or record_path(chunk_path(self.directory, index, kind)).is_file() for kind in self.kinds):
                continue
            problems = {kind: self._chunk_problem(index, kind, first_run, runs) for kind in self.kinds}
            problems = {kind: problem for kind, problem in problems.items() if problem}
            recorded = all(record_path(chunk_path(self.directory, index, kind)).is_file() for kind in self.kinds)
            if recorded and not problems:
                good.add(index)
                continue
            for kind, problem in problems.items():
                self.notify(f"chunk {index} (runs {first_run}-{first_run + runs - 1}): "
                            f"{chunk_path(self.directory, index, kind)} {problem}; computing the chunk again")
            self.discard_chunk(index)
        return good

    def discard_chunk(self, index: int) -> None:
        """Delete every file and record of chunk ``index``."""
        for kind in ("outcomes", "trajectories"):
            path = chunk_path(self.directory, index, kind)
            record_path(path).unlink(missing_ok=True)
            path.unlink(missing_ok=True)
