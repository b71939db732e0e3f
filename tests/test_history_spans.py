"""Series compared as changes within unbroken spans (restrans.sim.history.observables)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from restrans.sim.history.observables import observed_series, simulated_values

EXACT = 1e-12
"""Tolerance of values computed from hand-made numbers (absolute, in the series' unit)."""


def city_rows(shares: dict[int, float], hukou: dict[int, float]) -> pd.DataFrame:
    rows = [("secondary_share_gdp", year, value) for year, value in shares.items()]
    rows += [("pop_registered", year, value) for year, value in hukou.items()]
    return pd.DataFrame(rows, columns=["indicator", "year", "value"])


def test_the_share_starts_a_new_span_after_the_years_of_a_break():
    rows = city_rows({2010: 40.0, 2011: 41.0, 2012: 42.0, 2013: 30.0, 2014: 29.0, 2015: 28.0, 2016: 27.0},
                     {2010: 100.0, 2011: 99.0})
    frame = observed_series(rows, 2010, 2016, {"secondary_share_gdp": {2013, 2014}})
    share = frame[frame["indicator"] == "secondary_share"]
    assert list(share["year"]) == [2011, 2012, 2016]  # 2013-2014 across the break, 2015 the new anchor
    assert list(share["anchor_year"]) == [2010, 2010, 2015]
    assert list(share["anchor"]) == [40.0, 40.0, 28.0]
    hukou = frame[frame["source"] == "pop_registered"]
    assert list(hukou["year"]) == [2011] and list(hukou["anchor"]) == [100.0]  # the anchor year is not compared


def test_without_a_break_the_share_is_one_span_from_the_start_year():
    rows = city_rows({2010: 40.0, 2012: 42.0, 2013: 30.0}, {})
    share = observed_series(rows, 2010, 2013)
    assert list(share["year"]) == [2012, 2013] and set(share["anchor_year"]) == {2010}


def test_a_first_span_without_its_start_value_is_not_compared():
    rows = city_rows({2011: 41.0, 2012: 42.0, 2015: 28.0, 2016: 27.0}, {})
    share = observed_series(rows, 2010, 2016, {"secondary_share_gdp": {2013, 2014}})
    assert list(share["year"]) == [2012, 2016]
    assert list(share["anchor_year"]) == [2011, 2015]


def test_the_model_is_compared_as_its_change_since_each_anchor():
    rows = city_rows({2010: 40.0, 2011: 41.0, 2013: 30.0, 2014: 29.0}, {2010: 100.0, 2014: 90.0})
    frame = observed_series(rows, 2010, 2014, {"secondary_share_gdp": {2012}})
    times = np.arange(2010.0, 2015.0)
    variables = {"industry_share": np.array([[0.50], [0.52], [0.55], [0.57], [0.56]]),
                 "registered_population": np.array([[1000.0], [990.0], [980.0], [970.0], [960.0]]),
                 "population": np.full((5, 1), 900.0), "gdp": np.ones((5, 1))}
    simulated = simulated_values(frame, times, variables)[:, 0]
    expected = {("secondary_share_gdp", 2011): 40.0 + 100.0 * (0.52 - 0.50),
                ("secondary_share_gdp", 2014): 30.0 + 100.0 * (0.56 - 0.57),
                ("pop_registered", 2014): 100.0 * 960.0 / 1000.0}
    got = {(source, year): value for source, year, value in zip(frame["source"], frame["year"], simulated)}
    assert got.keys() == expected.keys()
    assert all(abs(got[key] - expected[key]) <= EXACT for key in expected), (got, expected)
