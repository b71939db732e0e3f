"""The blocked kernels (runs in blocks of 16 lanes): exact mode against the scalar kernel bit for bit, fast mode
(libmvec) against the numpy equations to 1e-11."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from restrans.model import compiled
from restrans.sim.engine.simulate import build_batch
from restrans.sim.ensembles.sweep_runs import RunPlan, build_chunk
from restrans.sim.ensembles.sweep_spec import design_values, load_sweep
from tests.conftest import SCENARIOS
from tests.test_compiled import _close
from tests.test_graph import _every_preset_and_scenario

pytestmark = pytest.mark.skipif(not compiled.AVAILABLE, reason="numba not installed (restrans[fast])")


def _both(batch_inputs, method):
    from restrans.sim.engine import fast_solver

    state, parameters, schedules, times, dt = batch_inputs
    scalar = fast_solver.integrate(state, parameters, schedules, times, method, dt, threads=2, kernel="scalar")
    blocked = fast_solver.integrate(state, parameters, schedules, times, method, dt, threads=2, kernel="blocked")
    return scalar, blocked


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_blocked_equals_scalar_bit_for_bit_on_every_preset_and_scenario(method):
    batch = build_batch(_every_preset_and_scenario(), method=method)
    scalar, blocked = _both((batch.initial_state, batch.parameters, batch.schedules, batch.output_times, batch.dt),
                            method)
    assert batch.initial_state.shape[1] % compiled.BLOCK_LANES != 0  # a partial last block is exercised
    assert np.array_equal(scalar, blocked, equal_nan=True)


def _sweep_inputs(n_runs: int):
    spec = load_sweep(SCENARIOS / "sweeps" / "retraining_lhs.yaml")
    spec = dataclasses.replace(spec, n=max(n_runs, 2))
    state, parameters, schedules, _failures = build_chunk(RunPlan(spec.base, spec.factors, "numpy"),
                                                          design_values(spec)[:n_runs])
    return state, parameters, schedules, spec.base.output_times(), float(spec.base.solver.dt)


@pytest.mark.parametrize("n_runs", [1, 15, 17, 10_001])
@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_blocked_equals_scalar_for_batches_that_are_not_whole_blocks(n_runs, method):
    scalar, blocked = _both(_sweep_inputs(n_runs), method)
    assert blocked.shape[2] == n_runs
    assert np.array_equal(scalar, blocked, equal_nan=True)


def test_a_failing_run_in_a_block_is_nan_from_its_failure_on_like_the_scalar_kernel():
    state, parameters, schedules, times, dt = _sweep_inputs(20)
    parameters = parameters.copy()
    parameters[0, [3, 18]] = np.nan  # one run in the first block, one in the partial second block
    with np.errstate(all="ignore"):
        scalar, blocked = _both((state, parameters, schedules, times, dt), "euler")
    assert np.array_equal(scalar, blocked, equal_nan=True)
    assert np.isnan(blocked[1:, :, [3, 18]]).all() and np.isfinite(blocked[:, :, [0, 17, 19]]).all()


def test_an_unknown_kernel_is_refused():
    from restrans.sim.engine import fast_solver

    with pytest.raises(ValueError, match="kernel must be one of"):
        fast_solver.integrate(*_sweep_inputs(1)[:4], "euler", 0.0625, kernel="simd")


# --- fast mode: libmvec transcendentals --------------------------------------------------------------------------

FAST_RELATIVE = 1e-11
"""Fast mode vs the numpy equations, relative to the larger magnitude (libmvec is a few ulp from libm)."""


def _fast(batch_inputs, method):
    from restrans.sim.engine import fast_solver

    state, parameters, schedules, times, dt = batch_inputs
    return fast_solver.integrate(state, parameters, schedules, times, method, dt, threads=2, precision="fast")


def _preset_batch(method):
    batch = build_batch(_every_preset_and_scenario(), method=method)
    return batch, (batch.initial_state, batch.parameters, batch.schedules, batch.output_times, batch.dt)


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_fast_mode_is_within_1e_11_of_numpy_on_every_preset_and_scenario(method):
    from restrans.sim.engine.simulate import integrate

    batch, inputs = _preset_batch(method)
    _close(_fast(inputs, method), integrate(batch), FAST_RELATIVE)


def _cycled(inputs, n_runs: int):
    """The first ``n_runs`` runs of the batch repeated over and over (run ``k`` is run ``k % n`` of ``inputs``)."""
    state, parameters, schedules, times, dt = inputs
    runs = np.arange(n_runs) % state.shape[1]
    return (state[:, runs], parameters[:, runs], schedules.select(runs), times, dt), runs


@pytest.mark.parametrize("n_runs", [1, 15, 17])
@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_fast_mode_is_within_1e_11_of_numpy_on_batches_that_are_not_whole_blocks(n_runs, method):
    from restrans.sim.engine.simulate import Batch, integrate

    batch, inputs = _preset_batch(method)
    (state, parameters, schedules, times, dt), runs = _cycled(inputs, n_runs)
    small = Batch(state, parameters, schedules, [str(run) for run in runs], batch.start, batch.end, times, method,
                  dt, batch.rtol, batch.atol)
    _close(_fast((state, parameters, schedules, times, dt), method), integrate(small), FAST_RELATIVE)


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_a_fast_run_does_not_depend_on_its_batch_so_10001_runs_are_within_1e_11_of_numpy_too(method):
    _batch, inputs = _preset_batch(method)
    whole = _fast(inputs, method)
    cycled, runs = _cycled(inputs, 10_001)
    assert np.array_equal(_fast(cycled, method), whole[:, :, runs], equal_nan=True)
    shuffled = np.random.default_rng(14).permutation(inputs[0].shape[1])
    state, parameters, schedules, times, dt = inputs
    reordered = _fast((state[:, shuffled], parameters[:, shuffled], schedules.select(shuffled), times, dt), method)
    assert np.array_equal(reordered, whole[:, :, shuffled], equal_nan=True)


def test_fast_mode_differs_from_exact_only_in_the_last_bits():
    _batch, inputs = _preset_batch("euler")
    exact = _both(inputs, "euler")[1]
    fast = _fast(inputs, "euler")
    _close(fast, exact, FAST_RELATIVE)
    if compiled.VECTOR_LIBRARY is not None:  # libmvec is not correctly rounded: some bits differ
        assert not np.array_equal(fast, exact)


def test_the_scalar_kernel_has_no_fast_mode():
    from restrans.sim.engine import fast_solver

    with pytest.raises(ValueError, match="exact only"):
        fast_solver.integrate(*_sweep_inputs(1)[:4], "euler", 0.0625, kernel="scalar", precision="fast")
    with pytest.raises(ValueError, match="precision must be one of"):
        fast_solver.integrate(*_sweep_inputs(1)[:4], "euler", 0.0625, precision="fastest")
