"""Run Vensim and XMILE models through PySD: the restrans twin and any modeler's own model.

PySD translates a model file to Python and runs that Python: a model file is
code. Translations are cached by the file's SHA-256 and the PySD version in
``$RESTRANS_CACHE_DIR`` (default ``~/.cache/restrans/pysd``), written to a
temporary folder and renamed into place, so a model is translated once and a
half-written translation is never loaded.

PySD integrates with Euler only, with the time advanced by repeated addition
of TIME STEP (exact for steps such as 1/16 yr).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from restrans.sim.engine.model_text import check_model_text
from restrans.sim.engine.pysd_errors import run_error

CACHE_ENVIRONMENT = "RESTRANS_CACHE_DIR"
"""Environment variable naming the folder of cached translations."""

MODEL_SUFFIXES: dict[str, str] = {".mdl": "vensim", ".xmile": "xmile", ".xml": "xmile", ".stmx": "xmile"}
"""Model file suffixes PySD reads, and the translator for each."""


def cache_directory() -> Path:
    """Folder of cached PySD translations: ``$RESTRANS_CACHE_DIR`` or ``~/.cache/restrans/pysd``."""
    configured = os.environ.get(CACHE_ENVIRONMENT)
    return Path(configured) if configured else Path.home() / ".cache" / "restrans" / "pysd"


def _pysd():
    try:
        with quiet():
            import pysd
    except ImportError:
        from restrans.sim.scenario.errors import InputError

        raise InputError("--engine", "engine", "pysd", "the PySD package installed: pip install -e '.[vensim]' "
                         "(make test installs it)") from None
    return pysd


def version() -> str:
    """The installed PySD version."""
    return _pysd().__version__


@contextmanager
def quiet():
    """Silence PySD's warnings about lookups held flat beyond their ends and replaced components.

    Vensim holds a lookup at its end values; PySD does the same but warns each
    time, and warns whenever a constant is set from outside, as a scenario does.
    Deprecation warnings of PySD's dependencies (pandas, chardet) are silenced too, and numpy's
    RuntimeWarnings (overflow, invalid value) of a model's equations: a run whose state becomes
    non-finite is reported by the caller in one line instead.
    """
    with warnings.catch_warnings():
        for category in (UserWarning, FutureWarning, DeprecationWarning, RuntimeWarning):
            warnings.simplefilter("ignore", category)
        yield


def translate(model_file: Path, cache: Path | None = None) -> Path:
    """The Python file PySD translates ``model_file`` to, translating it unless cached.

    Parameters
    ----------
    model_file : Path
        A Vensim ``.mdl`` or XMILE ``.xmile``/``.xml``/``.stmx`` file.
    cache : Path, optional
        Folder of translations (default :func:`cache_directory`).

    Returns
    -------
    Path
        The translated ``.py`` file inside the cache.

    Raises
    ------
    InputError
        A comment or a unit of the model holds a triple quote or a backslash
        (:func:`restrans.sim.engine.model_text.check_model_text`).
    """
    model_file = Path(model_file)
    translator = MODEL_SUFFIXES[model_file.suffix.lower()]
    check_model_text(model_file)  # before PySD writes (or a cached translation brings back) code from it
    pysd = _pysd()
    digest = hashlib.sha256(model_file.read_bytes() + pysd.__version__.encode()).hexdigest()[:24]
    cache = cache_directory() if cache is None else Path(cache)
    target = cache / f"{model_file.stem}-{digest}"
    translated = target / f"{model_file.stem}.py"
    if translated.is_file():
        return translated
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{model_file.stem}-", dir=cache))
    try:
        copy = work / model_file.name
        shutil.copyfile(model_file, copy)
        with quiet():
            reader = pysd.read_vensim if translator == "vensim" else pysd.read_xmile
            reader(str(copy), initialize=False)
        try:
            os.rename(work, target)
        except OSError:
            if not translated.is_file():  # another process did not win the race either
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return translated


def load(model_file: Path, cache: Path | None = None):
    """A PySD model object for ``model_file`` (translated once, then loaded from the cache)."""
    return load_translated(translate(model_file, cache))


def load_translated(translated: Path):
    """A PySD model object for a translated ``.py`` file (:func:`translate`).

    Raises
    ------
    restrans.sim.engine.pysd_errors.ModelRunError
        An equation of the model fails while PySD sets its initial values (e.g. a 0/0).
    """
    pysd = _pysd()
    try:
        with quiet():
            return pysd.load(str(translated))
    except Exception as error:
        raised = run_error(error, None, None, translated)
        if raised.variable is None:
            raise
        raise raised from None


def run(pysd_model, constants: Mapping[str, float | pd.Series], initial: Mapping[str, float],
        start: float, end: float, dt: float, saveper: float, output_times: np.ndarray,
        columns: list[str]) -> pd.DataFrame:
    """One Euler run of a loaded PySD model.

    Parameters
    ----------
    pysd_model : pysd.py_backend.model.Model
    constants : mapping of str to float or pandas.Series
        Values of the model's constants; a Series (time in the model's unit ->
        value) makes a constant follow that time path, linearly interpolated.
    initial : mapping of str to float
        Stock values at ``start`` (others take their model initial values).
    start, end, dt, saveper : float
        INITIAL TIME, FINAL TIME, TIME STEP, SAVEPER.
    output_times : ndarray
        Times to return, on the dt grid.
    columns : list of str
        Variables to return.

    Returns
    -------
    pandas.DataFrame
        One row per output time, one column per requested variable.

    Raises
    ------
    restrans.sim.engine.pysd_errors.ModelRunError
        PySD stopped (e.g. a division by zero): one line with the variable and the time.
    """
    try:
        with quiet():
            frame = pysd_model.run(params=dict(constants), initial_condition=(float(start), dict(initial)),
                                   final_time=float(end), time_step=float(dt), saveper=float(saveper),
                                   return_timestamps=[float(time) for time in output_times],
                                   return_columns=list(columns), progress=False)
    except Exception as error:  # PySD raises whatever the generated code raises
        raise run_error(error, pysd_model, _model_time(pysd_model)) from None
    if len(frame.index) != len(output_times):
        raise RuntimeError(f"PySD returned {len(frame.index)} output times, expected {len(output_times)}")
    return frame


def _model_time(pysd_model) -> float | None:
    try:
        return float(pysd_model.time())
    except Exception:  # the time object may not be set up yet
        return None


def grid_times(start: float, end: float, dt: float) -> np.ndarray:
    """The Euler grid ``start + k * dt`` up to ``end`` (yr), same arithmetic as :mod:`restrans.sim.engine.solver`."""
    steps = int(round((end - start) / dt))
    return start + np.arange(steps + 1) * dt
