"""Regional birth rates from the data: the city's or its province's crude birth rate over the nation's."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from restrans.model.parameters import PARAMETERS, ParameterIndex
from restrans.sim.history.cities import city_state
from restrans.sim.history.fertility import fertility_level
from restrans.sim.history.observations import COLUMNS, HISTORY_FILE
from restrans.sim.scenario.driver_series import published_values

NATIONAL = published_values("national_crude_birth_rate")
NATIONAL_2023 = PARAMETERS[ParameterIndex.birth_rate].default


def _table(rows):
    """A history table of (region, year, rate, tag) crude birth rates."""
    return pd.DataFrame([{"city": region, "indicator": "crude_birth_rate", "unit": "per mille", "year": year,
                          "value": rate, "source_url": "hand-made", "tag": tag, "note": ""}
                         for region, year, rate, tag in rows], columns=list(COLUMNS))


def test_a_city_without_rates_takes_its_provinces_level():
    """Fuxin has no rows: Liaoning's mean ratio to the national rate of the same years (1e-12)."""
    years = sorted(NATIONAL)[:2]
    table = _table([("Liaoning", years[0], 6.0, "M"), ("Liaoning", years[1], 5.0, "S")])
    level, source = fertility_level(table, "Fuxin")
    assert level == pytest.approx(np.mean([6.0 / NATIONAL[years[0]], 5.0 / NATIONAL[years[1]]]), rel=1e-12)
    assert "Liaoning" in source


def test_a_citys_own_rates_come_before_its_provinces_and_uncertain_rows_are_left_out():
    year = sorted(NATIONAL)[0]
    table = _table([("Liaoning", year, 6.0, "M"), ("Fuxin", year, 4.0, "M"), ("Fuxin", year + 1, 40.0, "U")])
    level, source = fertility_level(table, "Fuxin")
    assert level == pytest.approx(4.0 / NATIONAL[year], rel=1e-12)
    assert "the city's" in source
    assert fertility_level(_table([("Fuxin", year, 4.0, "U")]), "Fuxin") is None


def test_a_city_preset_has_the_national_birth_rate_times_its_level():
    table = pd.read_csv(HISTORY_FILE)
    _, parameters, _, sources = city_state(table, "Hegang", "coal_declining")
    level, _ = fertility_level(table, "Hegang")
    assert parameters[ParameterIndex.birth_rate] == pytest.approx(NATIONAL_2023 * level, rel=1e-12)
    assert level < 0.8  # Heilongjiang's births per resident are far below the nation's
    assert "Heilongjiang" in sources["parameters.birth_rate"]
