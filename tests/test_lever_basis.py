"""Lever schedules relative to the region's 2025 value: ``basis: increment`` and ``basis: multiple``."""
from __future__ import annotations

import numpy as np
import pytest

from restrans.model.levers import LeverIndex
from restrans.sim.scenario.errors import InputError
from restrans.sim.scenario.regions import load_region
from restrans.sim.scenario.scenario import load_scenario, scenario_hash
from restrans.sim.engine.simulate import build_batch
from tests.conftest import SCENARIOS


def _write(tmp_path, levers: str, region: str = "coal_declining"):
    path = tmp_path / "relative.yaml"
    path.write_text(f"name: relative\nextends: {SCENARIOS / 'baseline.yaml'}\nregion: {region}\nlevers:\n{levers}",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("region", ["coal_declining", "coal_regenerating"])
def test_increment_adds_to_the_region_value(tmp_path, region):
    path = _write(tmp_path, "  infrastructure_investment: {constant: 1.5, basis: increment}\n", region)
    batch = build_batch([load_scenario(path)])
    base = load_region(region).levers["infrastructure_investment"]
    value = batch.schedules.evaluate(2030.0)[LeverIndex.infrastructure_investment, 0]
    assert value == pytest.approx(base + 1.5, rel=1e-15)


def test_multiple_scales_a_ramp(tmp_path):
    path = _write(tmp_path, "  successor_support: {ramp: {from: 1.0, to: 3.0, start: 2026, end: 2030}, basis: multiple}\n")
    batch = build_batch([load_scenario(path)])
    base = load_region("coal_declining").levers["successor_support"]
    values = [batch.schedules.evaluate(t)[LeverIndex.successor_support, 0] for t in (2025.0, 2028.0, 2032.0)]
    np.testing.assert_allclose(values, [base, 2.0 * base, 3.0 * base], rtol=1e-15)


def test_relative_value_outside_bounds_names_file_key_and_basis(tmp_path):
    path = _write(tmp_path, "  social_security_coverage: {constant: 0.7, basis: increment}\n")  # 0.5 + 0.7 > 1
    with pytest.raises(InputError) as caught:
        build_batch([load_scenario(path)])
    message = str(caught.value)
    assert message.startswith(f"{path}: levers.social_security_coverage: 1.2")
    assert "increment" in message and "\n" not in message


def test_unknown_basis_is_rejected(tmp_path):
    path = _write(tmp_path, "  successor_support: {constant: 1.0, basis: relative}\n")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert "levers.successor_support" in str(caught.value) and "relative" in str(caught.value)


def test_level_basis_is_the_default_and_leaves_the_hash_unchanged(tmp_path):
    plain = load_scenario(_write(tmp_path, "  successor_support: 2.0\n"))
    explicit = load_scenario(_write(tmp_path, "  successor_support: {constant: 2.0, basis: level}\n"))
    assert scenario_hash(plain) == scenario_hash(explicit)
    assert "basis" not in plain.resolved_dict()["levers"]["successor_support"]
    relative = load_scenario(_write(tmp_path, "  successor_support: {constant: 2.0, basis: increment}\n"))
    assert relative.resolved_dict()["levers"]["successor_support"]["basis"] == "increment"
