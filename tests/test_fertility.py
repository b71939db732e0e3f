"""Regional birth rates from the data: the city's or its province's crude birth rate over the nation's."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from restrans.model.parameters import PARAMETERS, ParameterIndex
from restrans.sim.engine.simulate import region_arrays
from restrans.sim.history.cities import CITY_TYPES, city_document, city_state, preset_name
from restrans.sim.history.fertility import fertility_level
from restrans.sim.history.observations import COLUMNS, HISTORY_FILE, load_observations
from restrans.sim.scenario.regions import load_region
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


def _read(tmp_path, rows, **options):
    """The table of hand-made rows as ``restrans calibrate`` reads a history file."""
    path = tmp_path / "history.csv"
    _table(rows).to_csv(path, index=False)
    return load_observations(path, **options).table


def test_a_citys_own_rates_come_before_its_provinces_and_uncertain_rows_are_left_out(tmp_path):
    year = sorted(NATIONAL)[0]
    table = _read(tmp_path, [("Liaoning", year, 6.0, "M"), ("Fuxin", year, 4.0, "M"), ("Fuxin", year + 1, 40.0, "U")])
    level, source = fertility_level(table, "Fuxin")
    assert level == pytest.approx(4.0 / NATIONAL[year], rel=1e-12)
    assert "the city's" in source
    assert fertility_level(_read(tmp_path, [("Fuxin", year, 4.0, "U")]), "Fuxin") is None
    uncertain = _read(tmp_path, [("Fuxin", year, 4.0, "U")], include_uncertain=True)
    assert fertility_level(uncertain, "Fuxin")[0] == pytest.approx(4.0 / NATIONAL[year], rel=1e-12)


@pytest.mark.parametrize("city", ["Fuxin", "Xuzhou"])
def test_the_fitted_preset_keeps_the_birth_rate_of_the_shipped_one(city):
    """``fitted.yaml`` is built from the file as calibrate reads it: the same birth rate as the shipped preset (1e-12).

    It was the national rate while the reader dropped ``crude_birth_rate`` as an unknown indicator.
    """
    archetype = CITY_TYPES[city][0]
    document = city_document(load_observations(HISTORY_FILE).table, city, archetype)
    region = load_region(preset_name(city))
    shipped = float(region_arrays(region)[1][ParameterIndex.birth_rate])
    assert document["parameters"]["birth_rate"]["value"] == pytest.approx(shipped, rel=1e-12)
    assert shipped != pytest.approx(NATIONAL_2023, rel=0.05)


def test_a_city_preset_has_the_national_birth_rate_times_its_level():
    table = load_observations(HISTORY_FILE).table
    _, parameters, _, sources = city_state(table, "Hegang", "coal_declining")
    level, _ = fertility_level(table, "Hegang")
    assert parameters[ParameterIndex.birth_rate] == pytest.approx(NATIONAL_2023 * level, rel=1e-12)
    assert level < 0.8  # Heilongjiang's births per resident are far below the nation's
    assert "Heilongjiang" in sources["parameters.birth_rate"]
