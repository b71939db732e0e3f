"""Shared fixtures: default arrays and a helper to run a scenario file in-process."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from restrans.model.levers import LEVERS
from restrans.model.parameters import PARAMETERS
from restrans.model.stocks import STOCKS

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
DATA = Path(__file__).resolve().parent / "data"
REGIONS = ("coal_growing", "coal_mature", "coal_declining", "coal_regenerating", "forest_declining")


def default_arrays(n_runs: int = 1):
    """Default initial state, parameters and levers, each with a run axis of ``n_runs``."""
    state = np.array([s.initial for s in STOCKS])[:, None].repeat(n_runs, axis=1)
    parameters = np.array([p.default for p in PARAMETERS])[:, None].repeat(n_runs, axis=1)
    levers = np.array([lv.baseline for lv in LEVERS])[:, None].repeat(n_runs, axis=1)
    return state, parameters, levers


@pytest.fixture
def baseline_path() -> Path:
    return SCENARIOS / "baseline.yaml"


@pytest.fixture(scope="session")
def pysd_cache(tmp_path_factory):
    """Folder of PySD translations shared by all test workers; ``RESTRANS_CACHE_DIR`` points to it.

    The Vensim twin is translated once per folder (about 10 s), not once per test.
    """
    import os

    folder = tmp_path_factory.getbasetemp().parent / "restrans-pysd-cache"
    previous = os.environ.get("RESTRANS_CACHE_DIR")
    os.environ["RESTRANS_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("RESTRANS_CACHE_DIR", None)
    else:
        os.environ["RESTRANS_CACHE_DIR"] = previous
