"""Where sweep chunks run: this process, local worker processes, or a Dask distributed cluster.

Every executor calls :func:`restrans.sim.ensembles.sweep_runs.run_chunk` on the same tasks and
yields results as they finish; a chunk's numbers do not depend on which
executor or worker computed it. At most a few chunks are in flight per
worker, so memory stays bounded however many chunks a sweep has. Local worker processes end when the sweep
that started them dies, even by SIGKILL (:func:`_exit_with_the_parent`); the Dask executor, whose every wait
is bounded, is :mod:`restrans.sim.ensembles.dask_executor`.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Iterable, Iterator

from restrans.sim.ensembles.dask_executor import IN_FLIGHT_PER_WORKER, SCHEDULER_TIMEOUT_SECONDS, DaskCluster
from restrans.sim.ensembles.sweep_runs import ChunkResult, ChunkTask, run_chunk


def _bounded(submit, tasks: Iterable[ChunkTask], limit: int, wait_first) -> Iterator[ChunkResult]:
    """Submit tasks keeping at most ``limit`` pending; yield each result as it completes."""
    pending = set()
    for task in tasks:
        pending.add(submit(task))
        while len(pending) >= limit:
            finished, pending = wait_first(pending)
            for future in finished:
                yield future.result()
    while pending:
        finished, pending = wait_first(pending)
        for future in finished:
            yield future.result()


class InProcess:
    """Chunks one after another in this process; the compiled kernels use every core as threads."""

    def __init__(self) -> None:
        self.threads_per_task = max(1, os.cpu_count() or 1)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def map_unordered(self, tasks: Iterable[ChunkTask]) -> Iterator[ChunkResult]:
        for task in tasks:
            yield run_chunk(task)


PARENT_POLL_SECONDS = 0.5
"""How often (s) a worker process checks that the sweep that started it is still alive."""
PR_SET_PDEATHSIG = 1
"""Linux ``prctl`` option: the signal a process gets when its parent dies."""


def _exit_with_the_parent(parent: int) -> None:
    """End this worker when the process ``parent`` dies (SIGKILL included), so no worker outlives its sweep.

    On Linux the kernel sends SIGKILL at the parent's death (``prctl(PR_SET_PDEATHSIG)``); everywhere, a
    daemon thread checks every :data:`PARENT_POLL_SECONDS` s that the parent is still this process's parent.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the watch was set up
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="restrans-parent-watch", daemon=True).start()


def _worker_initialiser(parent: int) -> None:
    """One thread per worker; Ctrl-C is the parent's to handle (it stops the workers), not each worker's; the
    worker exits when ``parent`` (the sweep's PID) dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _exit_with_the_parent(parent)


class LocalProcesses:
    """``workers`` processes on this machine (spawned, one thread each)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.threads_per_task = 1
        self._pool = None

    def __enter__(self):
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                         initializer=_worker_initialiser, initargs=(os.getpid(),))
        return self

    def __exit__(self, exception_type, *exc) -> None:
        if exception_type is None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            return
        # interrupted or failed: do not wait for the chunks in flight (they are computed again on resume)
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)

    def map_unordered(self, tasks: Iterable[ChunkTask]) -> Iterator[ChunkResult]:
        return _bounded(lambda task: self._pool.submit(run_chunk, task), tasks,
                        self.workers * IN_FLIGHT_PER_WORKER,
                        lambda pending: wait(pending, return_when=FIRST_COMPLETED))


def make_executor(workers: int = 0, scheduler: str | None = None,
                  scheduler_timeout: float = SCHEDULER_TIMEOUT_SECONDS):
    """The executor for ``--scheduler`` (Dask, every wait bounded by ``scheduler_timeout`` s), ``--workers N``
    (processes) or neither (this process)."""
    if scheduler:
        return DaskCluster(scheduler, scheduler_timeout)
    if workers and workers > 0:
        return LocalProcesses(workers)
    return InProcess()
