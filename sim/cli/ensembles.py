"""The ensemble commands of ``restrans``: ``sweep``, ``uncertainty`` and ``sensitivity``.

Part of the command line (with :mod:`restrans.sim.cli.commands`, which registers them): these
are the only other functions that print. Bad input gives one line and exit
code 2, nothing written; a missing optional package, or a sweep folder that
another sweep holds, one line and exit code 1. SIGINT or SIGTERM during a
sweep gives one line saying how to resume and exit code 130 or 143.
"""
from __future__ import annotations

import errno

import importlib.util
import signal
import threading
import time
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from restrans.sim.cli.guards import (check_backend_and_engine, check_precision, check_workers, confirm_pysd_runs,
                                     uncertainty_targets)
from restrans.sim.cli.terminal import console, fail as _fail, notice, progress_bar
from restrans.sim.engine.output_folder import OutputFault
from restrans.sim.scenario.errors import InputError

ENSEMBLE_MODULES: dict[str, str] = {"xarray": "xarray", "h5netcdf": "h5netcdf", "h5py": "h5py", "SALib": "SALib",
                                    "dask": "dask", "distributed": "dask[distributed]"}
"""Modules of the ``ensembles`` extra (module -> package)."""
SCHEDULER_TIMEOUT_SECONDS = 60.0
"""Default of ``--scheduler-timeout`` (s): :data:`restrans.sim.ensembles.dask_executor.SCHEDULER_TIMEOUT_SECONDS`."""


class Method(str, Enum):
    sobol = "sobol"
    morris = "morris"


class Interrupted(Exception):
    """SIGTERM (or SIGINT) arrived during a sweep; ``number`` is the signal."""

    def __init__(self, number: int) -> None:
        super().__init__(signal.Signals(number).name)
        self.number = number


@contextmanager
def signals_interrupt():
    """Turn SIGTERM into :class:`Interrupted` while a sweep runs (SIGINT is KeyboardInterrupt already), so the
    sweep's files are closed, its temporary files removed and its lock released."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(number, frame) -> None:
        raise Interrupted(number)

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _write_fault_text(error: OSError, directory) -> str:
    """One line for a write that failed mid-sweep: what, why (errno), and that the sweep resumes."""
    name = errno.errorcode.get(error.errno, "") if isinstance(error.errno, int) else ""
    reason = error.strerror or " ".join(str(error).split()) or type(error).__name__
    target = error.filename or directory
    kept = f"the finished chunks are kept in {directory}/; " if directory is not None else ""
    return (f"cannot write {target}: {reason}{f' ({name})' if name else ''}; {kept}free space or fix the folder, "
            "then run the same command again to resume")


@contextmanager
def sweep_errors():
    """One line and an exit code for what can stop a sweep: bad input (2), a fault such as a busy folder (1),
    SIGINT (130) or SIGTERM (143), both saying how to resume; yields a dict whose ``directory`` the caller sets
    to the sweep's folder once it is known."""
    from restrans.sim.ensembles.sweep_folder import SweepFault

    context: dict = {"directory": None}
    try:
        with signals_interrupt():
            yield context
    except InputError as error:
        _fail(str(error), 2)
    except (SweepFault, OutputFault) as error:
        _fail(str(error), 1)
    except OSError as error:  # a full disk or a folder that became read-only while chunks were being written
        _fail(_write_fault_text(error, context["directory"]), 1)
    except (KeyboardInterrupt, Interrupted, Exception) as error:
        interruption = _interruption(error)
        if interruption is None:
            raise
        number = interruption.number if isinstance(interruption, Interrupted) else signal.SIGINT
        directory = context["directory"]
        where = f"the finished chunks are kept in {directory}/; " if directory is not None else ""
        _fail(f"interrupted by {signal.Signals(number).name}: {where}run the same command again to resume",
              128 + int(number))


def _interruption(error: BaseException) -> BaseException | None:
    """The SIGINT/SIGTERM behind ``error``: itself, or its cause when a library wrapped it (pydantic wraps an
    exception raised by a signal handler during serialization in a PydanticSerializationError)."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, (KeyboardInterrupt, Interrupted)):
            return error
        error, seen = error.__cause__ or error.__context__, seen + 1
    return None


def require_ensembles(command: str) -> None:
    """Exit with one line if a package of the ``ensembles`` extra is missing."""
    missing = [package for module, package in ENSEMBLE_MODULES.items() if importlib.util.find_spec(module) is None]
    if missing:
        _fail(f"restrans {command} needs the 'ensembles' extra (missing: {', '.join(missing)}); "
              "install it with: pip install 'restrans[ensembles]'", 1)


def _targets_path(explicit: Optional[Path], near: str) -> Optional[Path]:
    from restrans.sim.ensembles.sweep import default_targets_path

    if explicit is not None:
        if not explicit.is_file():
            raise InputError("--targets", "--targets", str(explicit), "an existing targets file")
        return explicit
    return default_targets_path(near)


def sweep(
    sweep_file: Path = typer.Argument(..., help="Sweep file (scenarios/sweeps/*.yaml)."),
    out: Path = typer.Option(Path("outputs"), "--out", help="Parent folder; the sweep writes OUT/<sweep name>/."),
    chunk: Optional[int] = typer.Option(None, "--chunk", min=1, help="Runs per chunk (default: the file's, 10,000)."),
    workers: int = typer.Option(0, "--workers", min=0, help="Local worker processes (0: this process)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler, e.g. tcp://127.0.0.1:8786."),
    trajectories: bool = typer.Option(False, "--trajectories", help="Also write trajectories.nc (run x time)."),
    backend: str = typer.Option("auto", "--backend", help="auto, compiled (numba), numpy or pysd."),
    engine: str = typer.Option("native", "--engine", help="native, or pysd: the Vensim twin run by PySD (slow)."),
    targets: Optional[Path] = typer.Option(None, "--targets", help="Targets file (default: scenarios/targets.yaml)."),
    scheduler_timeout: float = typer.Option(SCHEDULER_TIMEOUT_SECONDS, "--scheduler-timeout", min=0.1,
                                            help="Seconds to wait for the Dask scheduler to answer, or for a "
                                            "worker when it has none, before stopping (resumable)."),
    model_file: Optional[Path] = typer.Option(None, "--model", help="Your own Vensim/XMILE model, run by PySD; "
                                              "the sweep's base and factors are its scenario and constants."),
    yes: bool = typer.Option(False, "--yes", help="Run a PySD sweep that takes longer than a few minutes "
                             "without asking."),
    precision: str = typer.Option("fast", "--precision", help="fast (libmvec exp/log/pow, within 1e-11 of the "
                                  "numpy equations) or exact (bit-identical to the scalar kernel): the compiled "
                                  "engine's blocked kernel, recorded in the manifest."),
) -> None:
    """Run a sweep in chunks; write experiments.parquet and outcomes.parquet (resumes a killed sweep)."""
    require_ensembles("sweep")
    if model_file is not None:
        _sweep_foreign(sweep_file, model_file, out, chunk, workers, scheduler, trajectories, backend, engine, targets,
                       yes)
        return
    from restrans.sim.ensembles.sweep import SweepOptions, run_sweep
    from restrans.sim.ensembles.sweep_runs import BACKENDS
    from restrans.sim.ensembles.sweep_spec import check_scheduler_address, load_sweep

    with sweep_errors() as context:
        if workers and scheduler:
            raise InputError("--workers", "--workers", workers, "either --workers or --scheduler, not both")
        if backend not in BACKENDS:
            raise InputError("--backend", "--backend", backend, f"one of: {', '.join(BACKENDS)}")
        check_workers(workers)
        check_precision(precision)
        check_backend_and_engine(backend, engine)
        if scheduler is not None:
            check_scheduler_address("--scheduler", "--scheduler", scheduler)
        spec = load_sweep(sweep_file)
        if engine != "native" or backend == "pysd":
            from restrans.sim.engine.engines import check_engine

            check_engine(engine if engine != "native" else "pysd", spec.base.solver.method, str(sweep_file))
            backend = "pysd"
            confirm_pysd_runs(int(spec.n_runs), yes)
        options = SweepOptions(out, chunk, workers, scheduler, trajectories, backend,
                               _targets_path(targets, str(sweep_file)), scheduler_timeout, precision)
        started = time.perf_counter()
        context["directory"] = Path(out) / spec.name
        with progress_bar(spec.name) as update:
            directory = run_sweep(spec, options, update, notice)
    _print_sweep_summary(directory, time.perf_counter() - started)


def _sweep_foreign(sweep_file: Path, model_file: Path, out: Path, chunk: Optional[int], workers: int,
                   scheduler: Optional[str], trajectories: bool, backend: str, engine: str,
                   targets: Optional[Path], yes: bool) -> None:
    """``sweep --model``: a sweep of a foreign Vensim/XMILE model, by PySD one run at a time (sim/foreign_sweep.py)."""
    from restrans.sim.vensim.foreign import ForeignModel
    from restrans.sim.vensim.foreign_sweep import load_foreign_sweep, run_foreign_sweep

    with sweep_errors() as context:
        for option, value, default in (("--workers", workers, 0), ("--scheduler", scheduler, None),
                                       ("--trajectories", trajectories, False), ("--targets", targets, None),
                                       ("--engine", engine, "native"), ("--backend", backend, "auto")):
            if value != default and not (option == "--engine" and value == "pysd") \
                    and not (option == "--backend" and value == "pysd"):
                raise InputError(option, option, value, "not available with --model (runs go through PySD in "
                                 "this process)")
        foreign = ForeignModel(model_file)
        spec = load_foreign_sweep(sweep_file, foreign)
        confirm_pysd_runs(int(spec.n_runs), yes)
        started = time.perf_counter()
        context["directory"] = Path(out) / spec.name
        with progress_bar(spec.name) as update:
            directory = run_foreign_sweep(spec, out, chunk, update, notice)
    _print_sweep_summary(directory, time.perf_counter() - started)


def _print_sweep_summary(directory: Path, wall_time: float) -> None:
    import json

    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))["sweep"]
    console.print(f"{manifest['n_runs']:,} runs ({manifest['failed_runs']:,} failed) in {manifest['chunks']} chunks "
                  f"of {manifest['chunk']:,}, backend {manifest['backend']} ({manifest.get('precision', 'exact')}), "
                  f"{manifest['executor']}")
    console.print(f"wrote {directory}/ ({wall_time:.1f} s)")


def uncertainty(
    scenarios: list[Path] = typer.Argument(..., help="Scenario files with an uncertainty: block."),
    n: int = typer.Option(1000, "--n", min=2, help="Monte Carlo runs per scenario."),
    seed: int = typer.Option(..., "--seed", min=0, help="Seed of the draws (required, recorded)."),
    out: Path = typer.Option(Path("outputs"), "--out", help="Parent folder of the output folder."),
    name: str = typer.Option("uncertainty", "--name", help="Output folder name under --out."),
    workers: int = typer.Option(0, "--workers", min=0, help="Local worker processes (0: this process)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address."),
    targets: Optional[Path] = typer.Option(None, "--targets", help="Targets file (default: targets.yaml beside "
                                           "the first scenario, else beside a file it extends, else "
                                           "scenarios/targets.yaml)."),
    language: str = typer.Option("en", "--lang", help="Language of fan_charts.png: en or zh."),
    precision: str = typer.Option("fast", "--precision", help="fast (libmvec exp/log/pow, within 1e-11 of the "
                                  "numpy equations) or exact (bit-identical to the scalar kernel): the compiled "
                                  "engine's blocked kernel, recorded in the manifest."),
) -> None:
    """Monte Carlo over each scenario's uncertainty: fan charts and the probability of meeting each 2035 target."""
    require_ensembles("uncertainty")
    from restrans.sim.ensembles.sweep_folder import SweepFault
    from restrans.sim.ensembles.uncertainty import run_uncertainty
    from restrans.sim.report.fonts import FontMissing, font_settings
    from restrans.sim.report.translations import check_language
    from restrans.sim.scenario.names import check_output_name

    try:
        check_language(language)
        font_settings(language)  # before the runs: Chinese figures need the CJK font
        check_output_name(name, "--name", "--name", "a folder name")
        check_workers(workers)
        check_precision(precision)
        targets_path, reason = uncertainty_targets(targets, scenarios[0])
        started = time.perf_counter()
        with progress_bar("uncertainty") as update:
            directory, probabilities = run_uncertainty(scenarios, n, seed, out, name, targets_path, workers,
                                                       scheduler, update, language, precision)
    except InputError as error:
        _fail(str(error), 2)
    except (SweepFault, OutputFault) as error:  # a Dask scheduler that does not answer, a full disk
        _fail(str(error), 1)
    except FontMissing as error:
        _fail(f"{error}; nothing was written", 1)
    notice(f"targets: {targets_path} ({reason})" if targets_path is not None else
           f"{reason}: no target_probabilities.csv; pass --targets FILE")
    if probabilities is not None and len(probabilities):
        table = Table(title="probability of meeting each 2035 target")
        wide = probabilities.pivot(index="target", columns="scenario", values="probability")
        table.add_column("target")
        for column in wide.columns:
            table.add_column(str(column), justify="right")
        for target, row in wide.iterrows():
            table.add_row(str(target), *[f"{value:.0%}" if value == value else "n/a" for value in row])
        console.print(table)
    console.print(f"wrote {directory}/ ({time.perf_counter() - started:.1f} s)")


def sensitivity(
    sweep_file: Path = typer.Argument(..., help="Sweep file: its factors, n (base sample size) and seed."),
    method: Method = typer.Option(..., "--method", case_sensitive=False, help="sobol (Saltelli sample, first and total indices) or morris."),
    out: Path = typer.Option(Path("outputs"), "--out", help="Parent folder; writes OUT/<sweep>-<method>/."),
    n: Optional[int] = typer.Option(None, "--n", min=2, help="Base sample size (default: the file's design n)."),
    workers: int = typer.Option(0, "--workers", min=0, help="Local worker processes (0: this process)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address."),
    precision: str = typer.Option("fast", "--precision", help="fast (libmvec exp/log/pow, within 1e-11 of the "
                                  "numpy equations) or exact (bit-identical to the scalar kernel): the compiled "
                                  "engine's blocked kernel, recorded in the manifest."),
) -> None:
    """Global sensitivity with SALib: Sobol indices or Morris mu*/sigma per outcome and per year; bar and time plots."""
    require_ensembles("sensitivity")
    from restrans.sim.ensembles.sensitivity import run_model_sensitivity
    from restrans.sim.ensembles.sweep_folder import SweepFault
    from restrans.sim.ensembles.sweep_spec import load_sweep

    try:
        check_workers(workers)
        check_precision(precision)
        spec = load_sweep(sweep_file)
        started = time.perf_counter()
        with progress_bar(f"{spec.name} {method.value}") as update:
            directory, runs = run_model_sensitivity(spec, method.value, n, out, workers, scheduler, update,
                                                    precision)
    except InputError as error:
        _fail(str(error), 2)
    except (SweepFault, OutputFault) as error:  # a Dask scheduler that does not answer, a full disk
        _fail(str(error), 1)
    console.print(f"{runs:,} runs; wrote {directory}/ ({time.perf_counter() - started:.1f} s)")


def register(app: typer.Typer) -> None:
    """Add the ensemble commands to the ``restrans`` app."""
    app.command()(sweep)
    app.command()(uncertainty)
    app.command()(sensitivity)
