"""The signed table of policy effects (tests/data/policy_signs.yaml): each policy acts in the expected direction.

One batch holds, for every preset, the baseline and every (lever, value) of the table; each row is checked on
the 2035 difference with its stated minimum effect or tolerance.
"""
from __future__ import annotations

import numpy as np
import pytest
import yaml

from restrans.sim.engine.engines import simulate
from restrans.sim.scenario.scenario import load_scenario
from tests.conftest import ROOT

TABLE = yaml.safe_load((ROOT / "tests" / "data" / "policy_signs.yaml").read_text(encoding="utf-8"))
PRESETS = ("coal_growing", "coal_mature", "coal_declining", "coal_regenerating", "forest_declining")
CHANGES = sorted({(row["lever"], float(row["value"])) for row in TABLE})


@pytest.fixture(scope="module")
def effects():
    """2035 values by (preset, change); change None is the baseline."""
    baseline = ROOT / "scenarios" / "baseline.yaml"
    scenarios, keys = [], []
    for preset in PRESETS:
        scenarios.append(load_scenario(baseline, region=preset))
        keys.append((preset, None))
        for lever, value in CHANGES:
            scenarios.append(load_scenario(baseline, region=preset, overrides={lever: value}))
            keys.append((preset, (lever, value)))
    results = simulate(scenarios)
    index = results.time_index(2035.0)
    return {key: {name: float(series[index, run]) for name, series in results.variables.items()}
            for run, key in enumerate(keys)}


def _rows():
    for row in TABLE:
        presets = PRESETS if row["presets"] == "all" else row["presets"]
        for preset in presets:
            yield pytest.param(row, preset, id=f"{row['lever']}={row['value']}-{row['indicator']}-{preset}")


@pytest.mark.parametrize("row, preset", list(_rows()))
def test_policy_moves_the_indicator_in_the_signed_direction(effects, row, preset):
    base, changed = effects[(preset, None)], effects[(preset, (row["lever"], float(row["value"])))]
    effect = changed[row["indicator"]] - base[row["indicator"]]
    direction = row["direction"]
    if direction == "up":
        assert effect >= row["minimum"], f"{effect:+.5g} < +{row['minimum']}"
    elif direction == "down":
        assert effect <= -row["minimum"], f"{effect:+.5g} > -{row['minimum']}"
    elif direction == "not_up":
        assert effect <= row["tolerance"], f"{effect:+.5g} > {row['tolerance']}"
    else:
        assert direction == "not_down" and effect >= -row["tolerance"], f"{effect:+.5g}"
    if row.get("displacement"):
        # the mechanism: the extra local spending hits the borrowing limit and the other programmes are cut
        assert changed["funded_share"] <= base["funded_share"] - 0.05, (base["funded_share"], changed["funded_share"])


def test_every_row_names_a_known_preset_direction_and_effect_size():
    for row in TABLE:
        assert row["direction"] in ("up", "down", "not_up", "not_down")
        assert ("minimum" in row) == (row["direction"] in ("up", "down"))
        assert row["presets"] == "all" or set(row["presets"]) <= set(PRESETS)
    assert np.all([float(row["value"]) >= 0.0 for row in TABLE])
