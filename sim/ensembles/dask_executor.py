"""Sweep chunks on an existing Dask distributed cluster, with every wait bounded.

:class:`DaskCluster` never waits without a bound (``timeout`` seconds, ``--scheduler-timeout``, default
:data:`SCHEDULER_TIMEOUT_SECONDS`):

* connecting: before the client is made, one ``identity`` request must be answered within the timeout, so a
  listener that accepts and says nothing (not a Dask scheduler; distributed's own handshake waits for it
  forever) is refused in one line;
* workers: a scheduler that has no worker for ``timeout`` seconds, at the start or later, stops the sweep
  in one line instead of waiting at 0 runs/s;
* a scheduler that dies or is unreachable mid-sweep (futures cancelled or lost) stops the sweep in one line.

Each of these is a :class:`restrans.sim.ensembles.sweep_folder.SweepFault` (exit code 1): the chunks already
written stay on disk, and the same command resumes the sweep.
"""
from __future__ import annotations

import asyncio
import logging
import concurrent.futures
import time
from typing import Iterable, Iterator

from restrans.sim.ensembles.sweep_folder import SweepFault
from restrans.sim.ensembles.sweep_runs import ChunkResult, ChunkTask, run_chunk
from restrans.sim.scenario.errors import InputError

SCHEDULER_TIMEOUT_SECONDS = 60.0
"""Default bound (s) on connecting to a scheduler, on its answer, and on a cluster without workers."""
POLL_SECONDS = 1.0
"""How often (s) a sweep waiting for results checks that the cluster still has workers."""
IN_FLIGHT_PER_WORKER = 2
RESUME_HINT = "the finished chunks are kept; run the same command again to resume"
QUIET_LOGGERS: tuple[str, ...] = ("distributed.client", "distributed.comm", "distributed.core", "distributed.batched",
                                  "distributed.utils")
"""Loggers of distributed silenced while a sweep uses the cluster: a lost scheduler is reported in one line."""


def _one_line(error: BaseException) -> str:
    return " ".join(f"{type(error).__name__}: {error}".split())[:200]


async def _identity(address: str, seconds: float) -> dict:
    """The scheduler's answer to ``identity``, within ``seconds`` (else :class:`asyncio.TimeoutError`)."""
    from distributed.comm import connect

    async def ask() -> dict:
        comm = await connect(address, timeout=seconds)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    return await asyncio.wait_for(ask(), seconds)


def check_scheduler(address: str, seconds: float) -> dict:
    """Ask the scheduler at ``address`` who it is, waiting at most ``seconds``; its identity (a dict).

    Raises
    ------
    SweepFault
        Nothing answers like a Dask scheduler within ``seconds`` (one line naming the address and the bound).
    """
    started = time.monotonic()
    try:
        identity = asyncio.run(_identity(address, seconds))
    except (asyncio.TimeoutError, TimeoutError):
        raise SweepFault(f"--scheduler {address}: no answer from a Dask scheduler within {seconds:g} s (is it a "
                         "Dask scheduler? start one with: dask scheduler)") from None
    except (OSError, ValueError, TypeError) as error:
        raise SweepFault(f"--scheduler {address}: could not reach a Dask scheduler in "
                         f"{time.monotonic() - started:.0f} s ({_one_line(error)})") from None
    if not isinstance(identity, dict) or identity.get("type") != "Scheduler":
        raise SweepFault(f"--scheduler {address}: answered, but not as a Dask scheduler ({str(identity)[:80]})")
    return identity


class DaskCluster:
    """An existing Dask distributed scheduler at ``address`` (``tcp://host:port``); workers need restrans installed.

    Parameters
    ----------
    address : str
    timeout : float
        Bound (s) on connecting, on the scheduler's answers and on having no worker.
    """

    def __init__(self, address: str, timeout: float = SCHEDULER_TIMEOUT_SECONDS) -> None:
        self.address = address
        self.timeout = float(timeout)
        self.threads_per_task = 1
        self._client = None
        self._quiet: list = []

    def __enter__(self):
        try:
            from distributed import Client
        except ImportError:
            raise InputError("--scheduler", "scheduler", self.address,
                             "dask[distributed] installed: pip install 'restrans[ensembles]'") from None
        check_scheduler(self.address, self.timeout)
        self._quiet = [(logger, logger.level) for logger in map(logging.getLogger, QUIET_LOGGERS)]
        for logger, _ in self._quiet:
            logger.setLevel(logging.CRITICAL)
        try:
            self._client = Client(self.address, timeout=f"{self.timeout}s")
            self._client.wait_for_workers(1, timeout=self.timeout)
        except (OSError, TimeoutError, asyncio.TimeoutError) as error:
            self._close()
            if "worker" in str(error).lower():
                raise SweepFault(self._no_workers_text()) from None
            raise SweepFault(f"--scheduler {self.address}: could not connect ({_one_line(error)})") from None
        return self

    def __exit__(self, *exc) -> None:
        self._close()

    def _close(self) -> None:
        if self._client is not None:
            try:
                self._client.close(timeout=self.timeout)
            except Exception:  # noqa: BLE001 - a scheduler already gone: nothing left to close
                pass
            self._client = None
        for logger, level in self._quiet:
            logger.setLevel(level)
        self._quiet = []

    def _no_workers_text(self) -> str:
        return (f"--scheduler {self.address}: the Dask scheduler has had no worker for {self.timeout:g} s (start "
                f"workers with: dask worker {self.address}); {RESUME_HINT}")

    def _workers(self) -> int:
        """Threads of the cluster's workers as the client last heard (0: none)."""
        workers = (self._client.scheduler_info() or {}).get("workers", {})
        return sum(info.get("nthreads", 1) for info in workers.values())

    def _wait_first(self, pending: set) -> tuple[set, set]:
        """Wait for a future to finish; :class:`SweepFault` after ``timeout`` s without any worker."""
        from distributed import wait as dask_wait

        without_workers = None
        while True:
            try:
                finished = dask_wait(list(pending), timeout=POLL_SECONDS, return_when="FIRST_COMPLETED")
            except (TimeoutError, asyncio.TimeoutError):
                finished = None
            if finished is not None and finished.done:
                return set(finished.done), set(finished.not_done)
            if self._client.status in ("closed", "closing"):
                raise SweepFault(f"--scheduler {self.address}: lost the Dask scheduler mid-sweep; {RESUME_HINT}")
            if self._workers():
                without_workers = None
            elif without_workers is None:
                without_workers = time.monotonic()
            elif time.monotonic() - without_workers > self.timeout:
                raise SweepFault(self._no_workers_text())

    def map_unordered(self, tasks: Iterable[ChunkTask]) -> Iterator[ChunkResult]:
        limit = max(1, self._workers()) * IN_FLIGHT_PER_WORKER
        pending: set = set()
        tasks = iter(tasks)
        try:
            while True:
                for task in tasks:
                    pending.add(self._client.submit(run_chunk, task, pure=False,
                                                    key=f"restrans-chunk-{task.index}-{id(task)}"))
                    if len(pending) >= limit:
                        break
                if not pending:
                    return
                finished, pending = self._wait_first(pending)
                for future in finished:
                    yield future.result()
        except (concurrent.futures.CancelledError, asyncio.CancelledError, OSError) as error:
            raise SweepFault(f"--scheduler {self.address}: lost the Dask scheduler mid-sweep "
                             f"({_one_line(error)}); {RESUME_HINT}") from None
