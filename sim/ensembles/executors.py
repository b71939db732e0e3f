"""Where sweep chunks run: this process, local worker processes, or a Dask distributed cluster.

Every executor calls :func:`restrans.sim.ensembles.sweep_runs.run_chunk` on the same tasks and
yields results as they finish; a chunk's numbers do not depend on which
executor or worker computed it. At most a few chunks are in flight per
worker, so memory stays bounded however many chunks a sweep has.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Iterable, Iterator

from restrans.sim.scenario.errors import InputError
from restrans.sim.ensembles.sweep_runs import ChunkResult, ChunkTask, run_chunk

IN_FLIGHT_PER_WORKER = 2


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


def _worker_initialiser() -> None:
    """One thread per worker; Ctrl-C is the parent's to handle (it stops the workers), not each worker's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


class LocalProcesses:
    """``workers`` processes on this machine (spawned, one thread each)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.threads_per_task = 1
        self._pool = None

    def __enter__(self):
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                         initializer=_worker_initialiser)
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


class DaskCluster:
    """An existing Dask distributed scheduler at ``address`` (``tcp://host:port``); workers need restrans installed."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.threads_per_task = 1
        self._client = None

    def __enter__(self):
        try:
            from distributed import Client
        except ImportError:
            raise InputError("--scheduler", "scheduler", self.address,
                             "dask[distributed] installed: pip install 'restrans[ensembles]'") from None
        try:
            self._client = Client(self.address, timeout="20s")
        except OSError as error:
            raise InputError("--scheduler", "scheduler", self.address,
                             f"the address of a running Dask scheduler (could not connect: {error})") from None
        return self

    def __exit__(self, *exc) -> None:
        self._client.close()

    def map_unordered(self, tasks: Iterable[ChunkTask]) -> Iterator[ChunkResult]:
        from distributed import wait as dask_wait

        workers = max(1, sum(info.get("nthreads", 1) for info in
                             self._client.scheduler_info().get("workers", {}).values()))

        def wait_first(pending):
            finished = dask_wait(list(pending), return_when="FIRST_COMPLETED")
            return set(finished.done), set(finished.not_done)

        def submit(task):
            return self._client.submit(run_chunk, task, pure=False, key=f"restrans-chunk-{task.index}-{id(task)}")

        return _bounded(submit, tasks, workers * IN_FLIGHT_PER_WORKER, wait_first)


def make_executor(workers: int = 0, scheduler: str | None = None):
    """The executor for ``--scheduler`` (Dask), ``--workers N`` (processes) or neither (this process)."""
    if scheduler:
        return DaskCluster(scheduler)
    if workers and workers > 0:
        return LocalProcesses(workers)
    return InProcess()
