"""Parity of the Vensim twin run by PySD with the native Euler solver: every preset x every mix.

Every stock (and every auxiliary) at every saved time of PySD's Euler run of
``model/vensim/restrans.mdl`` must equal the native Euler run of the same
scenario to 1e-9 relative. The error of a value is measured relative to the
larger of its native magnitude and one millionth of the largest magnitude of
that variable in the run, so that values at or near zero (cumulative stocks at
the start, a pool that empties) are compared on the scale of their trajectory.
Mixes are discovered at test time: every scenarios/*.yaml except targets.yaml
(sweep files live in scenarios/sweeps/), plus the schedule test scenario that
exercises steps, ramps, tables and pulses on and off the time grid. Every run
covers the scenario's full 2025-2035 horizon.
"""
from __future__ import annotations

import numpy as np
import pytest

from restrans.model.stocks import STOCKS
from restrans.model.variables import AUXILIARIES
from restrans.sim.engine import engines
from restrans.sim.scenario.scenario import load_scenario
from restrans.sim.engine.simulate import build_batch, simulate_batch
from tests.conftest import DATA, REGIONS, SCENARIOS

RELATIVE_TOLERANCE = 1e-9
FLOOR_FRACTION = 1e-6
"""Values smaller than this fraction of the variable's largest magnitude in the run are compared on that scale."""


def mix_files():
    """Policy mixes of scenarios/ (not the targets file; sweep files are in a subfolder) and the schedule test file."""
    files = sorted(path for path in SCENARIOS.glob("*.yaml") if path.name != "targets.yaml")
    return files + [DATA / "vensim" / "schedules.yaml"]


def relative_deviation(native: np.ndarray, other: np.ndarray) -> np.ndarray:
    """|other - native| / max(|native|, 1e-6 x max over time |native|), per time and run (0 where both are 0)."""
    scale = np.maximum(np.abs(native), FLOOR_FRACTION * np.max(np.abs(native), axis=0, keepdims=True))
    difference = np.abs(other - native)
    return np.divide(difference, scale, out=np.where(difference == 0, 0.0, np.inf), where=scale > 0)


@pytest.fixture(scope="module")
def twin(pysd_cache):
    return engines.twin_runner()


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("path", mix_files(), ids=lambda path: path.stem)
def test_pysd_twin_reproduces_native_euler(twin, region, path):
    scenario = load_scenario(path, region=region)
    assert scenario.solver.method == "euler" and (scenario.time.start, scenario.time.end) == (2025.0, 2035.0)
    batch = build_batch([scenario])
    native = simulate_batch(batch)
    state, auxiliaries = twin.run_batch(batch)
    assert state.shape == native.state.shape
    stocks = relative_deviation(native.state, state)
    worst = np.unravel_index(np.argmax(stocks), stocks.shape)
    assert stocks.max() <= RELATIVE_TOLERANCE, (
        f"{STOCKS[worst[1]].name} at t={native.times[worst[0]]}: native {native.state[worst]!r}, "
        f"PySD {state[worst]!r}")
    for name in AUXILIARIES:
        deviation = relative_deviation(native.variables[name], auxiliaries[name]).max()
        assert deviation <= RELATIVE_TOLERANCE, f"auxiliary {name}: relative deviation {deviation:.3g}"


def test_every_preset_and_mix_is_covered():
    names = {path.stem for path in mix_files()}
    assert "baseline" in names and "targets" not in names
    assert len(names) >= 2
    assert len(REGIONS) == 5
