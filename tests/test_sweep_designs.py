"""Sweep files and designs: grid product, LHS/Sobol bounds and seeds, validation errors."""
from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pytest

from restrans.sim.scenario.errors import InputError
from restrans.sim.ensembles.sweep_spec import design_values, load_sweep
from tests.conftest import DATA, ROOT

SMALL = DATA / "sweeps" / "small_lhs.yaml"
BASE = "../../../scenarios/retraining_programme.yaml"


def _write(tmp_path: Path, text: str) -> Path:
    """A sweep file in a folder at the same depth as tests/data/sweeps (so BASE resolves)."""
    folder = tmp_path / "a" / "b" / "c"
    folder.mkdir(parents=True, exist_ok=True)
    (tmp_path / "scenarios").mkdir(exist_ok=True)
    for name in ("retraining_programme.yaml", "baseline.yaml"):
        (tmp_path / "scenarios" / name).write_bytes((ROOT / "scenarios" / name).read_bytes())
    path = folder / "sweep.yaml"
    path.write_text(text.replace("BASE", "../../../scenarios/retraining_programme.yaml"), encoding="utf-8")
    return path


def test_shipped_sweep_files_are_valid():
    for path in sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml")) + [SMALL]:
        spec = load_sweep(path)
        assert spec.n_runs >= 2 and spec.factors


def test_grid_covers_the_full_product(tmp_path):
    path = _write(tmp_path, "base: BASE\ndesign: {method: grid, n: 3, seed: 1}\nfactors:\n"
                            "  social_security_coverage: {range: [0.2, 0.8]}\n"
                            "  retraining_capacity.ramp.start: {range: [2026, 2030], levels: 5}\n"
                            "  initial.elderly: {values: [300, 400]}\n")
    spec = load_sweep(path)
    values = design_values(spec)
    assert spec.n_runs == values.shape[0] == 3 * 5 * 2
    expected = set(itertools.product([0.2, 0.5, 0.8], [2026.0, 2027.0, 2028.0, 2029.0, 2030.0], [300.0, 400.0]))
    assert {tuple(np.round(row, 12)) for row in values} == expected  # tolerance: 1e-12 rounding of linspace


@pytest.mark.parametrize("method", ["lhs", "sobol", "montecarlo"])
def test_designs_stay_in_bounds_are_reproducible_and_depend_on_the_seed(method):
    spec = dataclasses.replace(load_sweep(SMALL), method=method, n=512)
    first, again = design_values(spec), design_values(spec)
    other = design_values(dataclasses.replace(spec, seed=spec.seed + 1))
    assert first.shape == (512, len(spec.factors))
    assert np.array_equal(first, again)  # same seed: bit-identical
    assert not np.array_equal(first, other)
    for index, factor in enumerate(spec.factors):
        assert (first[:, index] >= factor.lower).all() and (first[:, index] <= factor.upper).all()
    if method == "lhs":  # one point in each of the n strata of every range factor
        strata = np.floor((first[:, 0] - 2.0) / 13.0 * 512).astype(int)
        assert np.array_equal(np.sort(strata), np.arange(512))


@pytest.mark.parametrize("text, key, allowed", [
    ("base: BASE\ndesign: {method: lhs, n: 10, seed: 1}\nfactors: {social_security_coverage: {range: [0.5, 1.5]}}",
     "factors.social_security_coverage.range", "declared bounds [0, 1]"),
    ("base: BASE\ndesign: {method: lhs, n: 10, seed: 1}\nfactors: {retraing_capacity: {range: [1, 2]}}",
     "factors.retraing_capacity", "did you mean 'retraining_capacity'"),
    ("base: BASE\ndesign: {method: lhs, n: 10}\nfactors: {rd_intensity: {range: [0.01, 0.02]}}",
     "design.seed", "seed must be explicit"),
    ("base: BASE\ndesign: {method: latin, n: 10, seed: 1}\nfactors: {rd_intensity: {range: [0.01, 0.02]}}",
     "design.method", "grid, lhs, sobol, montecarlo"),
    ("base: BASE\ndesign: {method: lhs, n: 10, seed: 1}\nfactors: {transfer_payment.ramp.start: {range: [2026, 2027]}}",
     "factors.transfer_payment.ramp.start", "it is step"),
    ("base: BASE\ndesign: {method: lhs, n: 10, seed: 1}\nfactors: {retraining_capacity.ramp.start: {range: [2020, 2027]}}",
     "factors.retraining_capacity.ramp.start.range", "time span [2025, 2035]"),
    ("base: BASE\ndesign: {method: lhs, n: 10, seed: 1}\nfactors: {birth_rate: {normal: {mean: 0.01, sd: -1}}}",
     "factors.birth_rate.normal.sd", "greater than 0"),
    ("base: BASE\ndesign: {method: lhs, n: 10, seed: 1}\nfactors: {birth_rate: {range: [0.01, 0.02]}}\nchunks: 5",
     "chunks", "did you mean 'chunk'"),
])
def test_bad_sweep_files_give_one_line_naming_key_and_what_is_allowed(tmp_path, text, key, allowed):
    with pytest.raises(InputError) as caught:
        load_sweep(_write(tmp_path, text))
    message = str(caught.value)
    assert "\n" not in message and f": {key}: " in message and allowed in message, message
