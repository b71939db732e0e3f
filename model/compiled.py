"""Compiled equations (numba) over a batch: derivatives and auxiliaries, cached on disk, split over threads.

Optional: needs ``numba`` (``pip install restrans[fast]``); :data:`AVAILABLE`
says whether it is importable (``RESTRANS_NUMBA=0`` switches it off). The
per-run equations are not written here: :func:`run_derivatives` is generated
from the trace of :mod:`restrans.model.system` by
:func:`restrans.model.graph.emit_numba.numba_source`, written as a real module
into the kernel cache (:func:`cache_directory`, keyed by a digest of the model
sources, so numba's on-disk cache works and an edit to any equation makes a
new kernel) and imported from there. A test checks every auxiliary and
derivative against the numpy path to 1e-12 relative over the declared bounds.

Shapes as in :mod:`restrans.model.system`: state ``(n_stocks, n_runs)``, parameters
``(n_parameters, n_runs)``, levers ``(n_levers, n_runs)``, all float64.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from enum import IntEnum
from pathlib import Path

import numpy as np

from restrans.model.variables import AUXILIARIES

try:  # optional dependency (the "fast" extra)
    import numba
except ImportError:  # pragma: no cover - exercised where numba is absent
    numba = None

AVAILABLE: bool = numba is not None and os.environ.get("RESTRANS_NUMBA", "1") != "0"
"""True when numba is importable and not switched off by ``RESTRANS_NUMBA=0``."""

AuxiliaryIndex = IntEnum("AuxiliaryIndex", list(AUXILIARIES), start=0)
"""Row of each auxiliary in the array :func:`auxiliary_array` returns."""

N_AUXILIARIES: int = len(AUXILIARIES)
KERNEL_FILE = "generated_kernel.py"
"""Name of the generated scalar kernel module in :func:`cache_directory`."""
BLOCKED_KERNEL_FILE = "generated_blocked_kernel.py"
"""Name of the generated blocked kernels' module (runs in blocks of lanes, exact and fast) in :func:`cache_directory`.

Its fast kernels depend on the vector library this machine has, so the file
name carries it (``generated_blocked_kernel-libmvec-d4.py``; see :func:`kernel_file`)."""
PRECISIONS: tuple[str, ...] = ("exact", "fast")
"""Precisions of the blocked kernels: ``exact`` (bit-identical to the scalar kernel) and ``fast`` (libmvec)."""


# --- batches ------------------------------------------------------------------------------------------------------


@functools.cache
def model_digest() -> str:
    """SHA-256 (16 hex digits) of every source of :mod:`restrans.model`, emitters included, as first read.

    Compiled code or a generated kernel cached under another digest is stale.
    The digest is read once per process: the kernels in memory are those of
    the sources imported, so a process that outlives an edit of the model
    keeps caching under the old digest. Read again, it put code compiled
    against the old generated module into the new digest's cache, and every
    later process failed on it (ModuleNotFoundError for the old module).
    """
    directory = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*.py")):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_directory() -> Path:
    """Where compiled kernels are cached: ``$RESTRANS_CACHE_DIR`` or ``~/.cache/restrans``, then ``numba-<digest>``.

    numba checks only the kernel's own file for changes; the digest of every
    model source in the folder name makes a change to any equation recompile.
    """
    base = os.environ.get("RESTRANS_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "restrans")
    return Path(base) / f"numba-{model_digest()}"


def cached_kernel(function):
    """``function`` compiled by numba (nogil), cached on disk in :func:`cache_directory`."""
    previous = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = str(cache_directory())
    try:
        return numba.njit(nogil=True, cache=True, error_model="numpy")(function)
    finally:
        numba.config.CACHE_DIR = previous


def run_in_threads(kernel, n_columns: int, threads: int, *arguments) -> None:
    """Call ``kernel(start, stop, *arguments)`` on contiguous slices of the columns, ``threads`` at a time.

    The kernels release the GIL, so Python threads run them in parallel. There
    are 8 slices per thread, taken as threads free up, so a thread slowed by
    another process on the machine does not hold the others back. Each column
    is computed alone: the result does not depend on ``threads``.
    """
    threads = max(1, min(int(threads), n_columns))
    if threads == 1:
        kernel(0, n_columns, *arguments)
        return
    bounds = np.linspace(0, n_columns, min(n_columns, 8 * threads) + 1).astype(np.int64)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(kernel, int(first), int(last), *arguments)
                   for first, last in zip(bounds[:-1], bounds[1:]) if last > first]
        for future in futures:
            future.result()


def _derivatives_batch(start, stop, state, parameters, levers, rates):
    """Rates of runs ``start`` … ``stop - 1`` into ``rates`` (n_stocks, n_runs)."""
    work = np.empty(N_AUXILIARIES)
    for run in range(start, stop):
        run_derivatives(state[:, run], parameters[:, run], levers[:, run], work, rates[:, run])


def _auxiliaries_batch(start, stop, state, parameters, levers, out):
    """Auxiliaries of columns ``start`` … ``stop - 1`` into ``out`` (n_auxiliaries, n_columns).

    Calls :func:`run_derivatives` (the rates are computed and dropped) so the
    model's machine code is shared with the solvers'.
    """
    work, rates = np.empty(N_AUXILIARIES), np.empty(state.shape[0])
    for column in range(start, stop):
        run_derivatives(state[:, column], parameters[:, column], levers[:, column], work, rates)
        out[:, column] = work


def kernel_source(kind: str = "scalar") -> str:
    """Source of a generated kernel module for the current model (traced and emitted, about 0.1 s).

    ``kind`` is ``"scalar"`` (one run: :func:`~restrans.model.graph.emit_numba.numba_source`) or
    ``"blocked"`` (runs in blocks of lanes: :func:`~restrans.model.graph.emit_blocked.blocked_source`).
    """
    from restrans.model.constants import CONSTANTS
    from restrans.model.graph.emit_blocked import blocked_source
    from restrans.model.graph.emit_numba import numba_source
    from restrans.model.graph.model_graph import trace

    emitter = {"scalar": numba_source, "blocked": blocked_source}[kind]
    return emitter(trace(), {constant.name: constant.value for constant in CONSTANTS},
                   f"Model digest {model_digest()}; rewritten whenever a source of restrans.model changes.")


def _write_kernel(path: Path, kind: str) -> None:
    """Write the generated kernel to ``path`` atomically (concurrent processes write the same text)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".kernel-", suffix=".py")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(kernel_source(kind))
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def kernel_file(kind: str = "scalar") -> str:
    """File name of a generated kernel module in :func:`cache_directory` (``kind`` as for :func:`kernel_source`)."""
    if kind == "scalar":
        return KERNEL_FILE
    from restrans.model.graph.vector_math import VECTOR_TAG

    return BLOCKED_KERNEL_FILE.replace(".py", f"-{VECTOR_TAG}.py")


def load_kernel(kind: str = "scalar"):
    """A generated kernel module (``kind`` as for :func:`kernel_source`), written into the cache first if absent.

    Where the cache folder cannot be written (a read-only home), the kernel
    goes to a folder of the system's temporary directory instead, and
    ``RESTRANS_CACHE_DIR`` is set to it for this process, so the compiled
    engine still works (its compiled code is then cached there too).
    """
    file_name = kernel_file(kind)
    path = cache_directory() / file_name
    if not path.exists():
        try:
            _write_kernel(path, kind)
        except OSError:
            fallback = Path(tempfile.gettempdir()) / f"restrans-{os.getuid()}" / path.parent.name
            os.environ["RESTRANS_CACHE_DIR"] = str(fallback.parent)
            path = fallback / file_name
            if not path.exists():
                _write_kernel(path, kind)
    name = f"restrans_{Path(file_name).stem.replace('-', '_')}_{model_digest()}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    previous = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = str(cache_directory())
    try:
        sys.modules[name] = module
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    finally:
        numba.config.CACHE_DIR = previous
    return module


if AVAILABLE:
    run_derivatives = load_kernel().run_derivatives
    _blocked = load_kernel("blocked")
    BLOCK_LANES, BLOCK_ROWS, VECTOR_LIBRARY = _blocked.LANES, _blocked.BLOCK_ROWS, _blocked.VECTOR_LIBRARY
    BLOCK_PARAMETER_ROW, BLOCK_LEVER_ROW, BLOCK_OUTPUT_ROW = (_blocked.PARAMETER_ROW, _blocked.LEVER_ROW,
                                                              _blocked.OUTPUT_ROW)
    run_block_exact, run_block_fast = _blocked.run_block_exact, _blocked.run_block_fast
    block_auxiliaries_exact, block_auxiliaries_fast = _blocked.block_auxiliaries_exact, _blocked.block_auxiliaries_fast
    _derivatives_kernel = cached_kernel(_derivatives_batch)
    _auxiliaries_kernel = cached_kernel(_auxiliaries_batch)


def _require() -> None:
    if not AVAILABLE:
        raise RuntimeError("the compiled engine needs numba: pip install 'restrans[fast]'")


def derivatives(time, state, parameters, levers, out=None, threads: int = 1):
    """Rate of change of every stock, like :func:`restrans.model.system.derivatives`, compiled.

    Parameters
    ----------
    time : float
        Model time (yr), unused: levers carry all time dependence.
    state, parameters, levers : ndarray, shape (n_stocks | n_parameters | n_levers, n_runs)
        As for :func:`restrans.model.system.derivatives`, float64.
    out : ndarray, optional
        Float64 array shaped like ``state`` to write the rates into.
    threads : int
        Threads to split the runs across.

    Returns
    -------
    ndarray, shape (n_stocks, n_runs)
        d(stock)/dt in each stock's unit per year.
    """
    _require()
    state = np.asarray(state, dtype=np.float64)
    n_runs = state.shape[1]
    rates = np.empty_like(state) if out is None else out
    run_in_threads(_derivatives_kernel, n_runs, threads, state, _columns(parameters, n_runs),
                   _columns(levers, n_runs), rates)
    return rates


def _columns(array, n_columns: int) -> np.ndarray:
    """``array`` (rows, ...) as float64 (rows, n_columns), broadcasting where needed."""
    array = np.asarray(array, dtype=np.float64)
    return np.broadcast_to(array.reshape(array.shape[0], -1), (array.shape[0], n_columns))


def auxiliary_array(state, parameters, levers, threads: int = 1) -> np.ndarray:
    """Every auxiliary as one array (n_auxiliaries, ...) in :class:`AuxiliaryIndex` order.

    ``state`` (n_stocks, ...) with any trailing shape; ``parameters`` and
    ``levers`` broadcast against it. Units as in :data:`restrans.model.variables.AUXILIARIES`.
    """
    _require()
    state = np.asarray(state, dtype=np.float64)
    trailing = state.shape[1:]
    n_columns = int(np.prod(trailing, dtype=np.int64))
    parameters = np.broadcast_to(np.asarray(parameters, dtype=np.float64), (len(parameters),) + trailing)
    levers = np.broadcast_to(np.asarray(levers, dtype=np.float64), (len(levers),) + trailing)
    out = np.empty((N_AUXILIARIES, n_columns))
    run_in_threads(_auxiliaries_kernel, n_columns, threads, state.reshape(state.shape[0], n_columns),
                   parameters.reshape(len(parameters), n_columns), levers.reshape(len(levers), n_columns),
                   out)
    return out.reshape((N_AUXILIARIES,) + trailing)


def auxiliaries(state, parameters, levers, threads: int = 1) -> dict:
    """Every flow and auxiliary by name, like :func:`restrans.model.system.auxiliaries`, compiled."""
    values = auxiliary_array(state, parameters, levers, threads)
    return {name: values[index] for index, name in enumerate(AUXILIARIES)}
