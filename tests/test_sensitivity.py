"""Sensitivity: Sobol on Ishigami (known indices) through the model's code path; the model's indices are sane."""
from __future__ import annotations

import numpy as np
import pytest

from restrans.sim.ensembles.factors import Factor, Target
from restrans.sim.ensembles.sensitivity import run_model_sensitivity, sensitivity_indices
from restrans.sim.ensembles.sweep_spec import load_sweep
from tests.conftest import DATA

pytest.importorskip("SALib")

A, B = 7.0, 0.1
# Analytic indices of the Ishigami function on [-pi, pi]^3 (Sobol' & Levitan 1999): variance terms
_V1 = 0.5 * (1 + B * np.pi**4 / 5) ** 2
_V2 = A**2 / 8
_V13 = B**2 * np.pi**8 * (1 / 18 - 1 / 50)
_V = _V1 + _V2 + _V13
ISHIGAMI_S1 = np.array([_V1 / _V, _V2 / _V, 0.0])
ISHIGAMI_ST = np.array([(_V1 + _V13) / _V, _V2 / _V, _V13 / _V])


def _ishigami(values: np.ndarray) -> dict:
    x1, x2, x3 = values.T
    return {"ishigami": np.sin(x1) + A * np.sin(x2) ** 2 + B * x3**4 * np.sin(x1)}


def _factors():
    return [Factor(f"x{i}", Target("parameter", f"x{i}"), -np.pi, np.pi, "range") for i in range(1, 4)]


def test_sobol_indices_of_ishigami_match_the_analytic_values_within_the_confidence_intervals():
    indices, values, _outputs = sensitivity_indices(_factors(), "sobol", 4096, 12345, _ishigami)
    assert values.shape == (4096 * 5, 3)
    rows = indices[indices.output == "ishigami"]
    # tolerance: the bootstrap 95 % half-width, plus 0.01 for the bias of a finite Saltelli sample
    assert np.all(np.abs(rows.S1.to_numpy() - ISHIGAMI_S1) <= rows.S1_conf.to_numpy() + 0.01)
    assert np.all(np.abs(rows.ST.to_numpy() - ISHIGAMI_ST) <= rows.ST_conf.to_numpy() + 0.01)


@pytest.mark.parametrize("seed", [0, 3])
def test_the_vectorised_sobol_estimates_equal_salib_output_by_output(seed):
    import warnings

    from SALib.analyze import sobol

    from restrans.sim.ensembles.sensitivity import CONFIDENCE, RESAMPLES, _problem, unit_sample
    from restrans.sim.ensembles.sobol_estimates import sobol_indices

    dimensions = 4
    unit = unit_sample("sobol", 256, dimensions, 11)
    weights = np.random.default_rng(5).normal(size=(dimensions, 7))
    outputs = np.sin(unit @ weights) + unit[:, :1] ** 3 * np.arange(7)
    state = np.random.get_state()
    np.random.seed(99)  # seed 0 means no seed to SALib: both draw from numpy's global generator
    ours = sobol_indices(outputs, dimensions, RESAMPLES, CONFIDENCE, seed)
    for column in range(outputs.shape[1]):
        if column == 0:
            np.random.seed(99)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = sobol.analyze(_problem(dimensions), outputs[:, column], calc_second_order=False,
                                   num_resamples=RESAMPLES, conf_level=CONFIDENCE, seed=seed)
        for name in ("S1", "S1_conf", "ST", "ST_conf"):  # tolerance: summation order only
            np.testing.assert_allclose(ours[name][column], theirs[name], rtol=1e-9, atol=1e-12)
        if seed == 0:
            break  # the global generator has moved on: only the first output shares its draws
    np.random.set_state(state)


def test_morris_ranks_ishigami_factors():
    indices, _values, _outputs = sensitivity_indices(_factors(), "morris", 200, 5, _ishigami)
    mu_star = indices.set_index("factor").mu_star
    assert mu_star["x2"] > mu_star["x1"] > 0 and mu_star["x3"] > 0
    assert (indices.sigma >= 0).all()


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_model_indices_are_finite_and_total_at_least_first_order(method, tmp_path):
    spec = load_sweep(DATA / "sweeps" / "small_sensitivity.yaml")
    directory, runs = run_model_sensitivity(spec, method, 32, tmp_path)
    import pandas as pd

    indices = pd.read_csv(directory / "indices.csv")
    over_time = pd.read_csv(directory / "indices_over_time.csv")
    assert runs == (32 * 6 if method == "sobol" else 32 * 5)
    assert len(indices) and len(over_time) and set(over_time.year) >= set(range(2026, 2036))
    columns = ["S1", "ST", "S1_conf", "ST_conf"] if method == "sobol" else ["mu_star", "sigma", "mu_star_conf"]
    for frame in (indices, over_time):
        assert np.isfinite(frame[columns].to_numpy()).all()
    if method == "sobol":  # ST >= S1 up to the sum of their confidence half-widths
        # (plus 1e-3 absolute: at n = 32 an index below 0.001 cannot be told from 0, its estimate is noise)
        assert (indices.ST >= indices.S1 - (indices.ST_conf + indices.S1_conf) - 1e-3).all()
    for name in ("indices.png", "indices_over_time.png"):
        assert (directory / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
