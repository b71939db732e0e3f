"""Guards of the ensemble commands against what would take forever or contradicts itself (one line each).

* ``--workers`` above the cores this process may use;
* ``--backend`` other than ``auto``/``pysd`` together with ``--engine pysd``;
* a ``--precision`` other than ``fast`` or ``exact``;
* a PySD sweep expected to take longer than :data:`CONFIRM_SECONDS`: asked on a terminal, else refused
  without ``--yes``, with the expected time.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from restrans.sim.scenario.errors import InputError, did_you_mean

PYSD_SECONDS_PER_RUN = 1.0
"""Expected wall time of one 2025-2035 PySD run of the Vensim twin (s); ``python benchmarks/pysd_timing.py``
measures it (about 1 s on the two-core development machine)."""
CONFIRM_SECONDS = 180.0
"""A PySD sweep expected to take longer than this (s) needs a confirmation or ``--yes``."""


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def check_workers(workers: int) -> None:
    """Refuse more local worker processes than cores: they would only compete for them."""
    cores = available_cores()
    if workers > cores:
        raise InputError("--workers", "--workers", workers, f"at most {cores} (the cores this machine gives "
                         "restrans); 0 runs in this process")


def check_precision(precision: str) -> None:
    """Refuse a ``--precision`` other than fast or exact (with a did-you-mean)."""
    from restrans.sim.ensembles.sweep_runs import PRECISIONS

    if precision not in PRECISIONS:
        raise InputError("--precision", "--precision", precision, f"one of: {', '.join(PRECISIONS)}",
                         did_you_mean(precision, PRECISIONS))


def check_backend_and_engine(backend: str, engine: str) -> None:
    """Refuse ``--engine pysd`` with a native backend (``--backend numpy``/``compiled``)."""
    if engine == "pysd" and backend not in ("auto", "pysd"):
        raise InputError("--backend", "--backend", backend, "auto or pysd with --engine pysd (PySD runs the "
                         "Vensim twin; numpy and compiled are the native engine)")


def duration_text(seconds: float) -> str:
    """``45 s``, ``12 min`` or ``3.5 h``."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


def confirm_pysd_runs(runs: int, yes: bool) -> None:
    """Ask before a PySD sweep longer than :data:`CONFIRM_SECONDS`; without a terminal, refuse unless ``yes``."""
    seconds = runs * PYSD_SECONDS_PER_RUN
    if yes or seconds <= CONFIRM_SECONDS:
        return
    expected = (f"about {duration_text(seconds)} ({runs:,} runs one at a time through PySD at about "
                f"{PYSD_SECONDS_PER_RUN:g} s each)")
    if sys.stdin.isatty() and sys.stderr.isatty():
        if typer.confirm(f"This sweep takes {expected}. Run it?", default=False, err=True):
            return
        raise InputError("--yes", "(confirmation)", "no", f"a confirmed run: the sweep takes {expected}")
    raise InputError("--yes", "--yes", False, f"--yes to run a sweep that takes {expected} (or fewer runs, or "
                     "the native engine)")


def uncertainty_targets(explicit: Optional[Path], first_scenario: Path) -> tuple[Optional[Path], str]:
    """The targets file of ``uncertainty`` and why: ``--targets``, else as for compare (beside the scenario,
    beside a file it extends, the default)."""
    from restrans.sim.compare.targets import find_targets
    from restrans.sim.scenario.scenario import load_scenario

    if explicit is not None:
        if not explicit.is_file():
            raise InputError("--targets", "--targets", str(explicit), "an existing targets file")
        return explicit, "given with --targets"
    return find_targets(first_scenario, load_scenario(first_scenario).source_files)
