"""Sterman's (1984) fit statistics against values computed by hand (restrans.sim.history.statistics)."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from restrans.sim.history.statistics import STATISTICS_COLUMNS, fit_statistics, statistics_table

EXACT = 1e-12
"""Tolerance for arithmetic on a handful of numbers (absolute, in the statistic's unit)."""


def test_three_points_against_hand_arithmetic():
    # observed 1, 2, 3; simulated 2, 2, 4: errors +1, 0, +1
    statistics = fit_statistics([1.0, 2.0, 3.0], [2.0, 2.0, 4.0])
    mape = 100 * (1 / 1 + 0 / 2 + 1 / 3) / 3                      # 44.44 %
    rmspe = 100 * math.sqrt((1 + 0 + 1 / 9) / 3)                   # 60.86 %
    mse = (1 + 0 + 1) / 3
    mean_a, mean_s = 2.0, 8 / 3
    sd_a = math.sqrt(((1 - 2) ** 2 + 0 + (3 - 2) ** 2) / 3)        # sqrt(2/3)
    deviations_s = (2 - 8 / 3, 2 - 8 / 3, 4 - 8 / 3)
    sd_s = math.sqrt(sum(d ** 2 for d in deviations_s) / 3)        # sqrt(8/9)
    covariance = ((1 - 2) * deviations_s[0] + 0 * deviations_s[1] + (3 - 2) * deviations_s[2]) / 3  # 2/3
    r = covariance / (sd_a * sd_s)
    assert statistics.n == 3
    assert statistics.mape == pytest.approx(mape, abs=EXACT)
    assert statistics.rmspe == pytest.approx(rmspe, abs=EXACT)
    assert statistics.r_squared == pytest.approx(r ** 2, abs=EXACT)
    assert statistics.r_squared == pytest.approx(0.75, abs=EXACT)  # r = (2/3) / sqrt(16/27)
    assert statistics.bias_share == pytest.approx((mean_s - mean_a) ** 2 / mse, abs=EXACT)
    assert statistics.variance_share == pytest.approx((sd_s - sd_a) ** 2 / mse, abs=EXACT)
    assert statistics.covariance_share == pytest.approx(2 * (1 - r) * sd_s * sd_a / mse, abs=EXACT)
    theil = math.sqrt(mse) / (math.sqrt((1 + 4 + 9) / 3) + math.sqrt((4 + 4 + 16) / 3))
    assert statistics.theil_u == pytest.approx(theil, abs=EXACT)
    assert statistics.max_abs_error == pytest.approx(1.0, abs=EXACT)


def test_two_points_with_the_wrong_slope():
    # observed 10, 20; simulated 20, 10: no bias, equal spread, r = -1 -> all covariation
    statistics = fit_statistics([10.0, 20.0], [20.0, 10.0])
    assert statistics.mape == pytest.approx(100 * (10 / 10 + 10 / 20) / 2, abs=EXACT)  # 75 %
    assert statistics.rmspe == pytest.approx(100 * math.sqrt((1 + 0.25) / 2), abs=EXACT)
    assert statistics.r_squared == pytest.approx(1.0, abs=EXACT)  # r = -1, r^2 = 1
    assert statistics.bias_share == pytest.approx(0.0, abs=EXACT)
    assert statistics.variance_share == pytest.approx(0.0, abs=EXACT)
    # MSE = 100; 2 (1 - (-1)) * 5 * 5 / 100 = 1
    assert statistics.covariance_share == pytest.approx(2 * 2 * 5 * 5 / 100, abs=EXACT)


def test_pure_bias_and_pure_variance():
    bias = fit_statistics([100.0, 110.0, 120.0, 130.0], [105.0, 115.0, 125.0, 135.0])
    assert bias.bias_share == pytest.approx(1.0, abs=EXACT)  # every error +5: MSE 25 = (mean error)^2
    assert bias.variance_share == pytest.approx(0.0, abs=EXACT)
    assert bias.covariance_share == pytest.approx(0.0, abs=EXACT)
    assert bias.mape == pytest.approx(100 * (5 / 100 + 5 / 110 + 5 / 120 + 5 / 130) / 4, abs=EXACT)
    stretched = fit_statistics([-1.0, 1.0], [-3.0, 3.0])  # same mean, sd 3 against 1, r = 1
    assert stretched.variance_share == pytest.approx((3 - 1) ** 2 / ((2 ** 2 + 2 ** 2) / 2), abs=EXACT)
    assert stretched.mape == pytest.approx(200.0, abs=EXACT)


@pytest.mark.parametrize("observed, simulated", [
    ([1.0, 2.0, 3.0], [2.0, 2.0, 4.0]),
    ([55.1, 54.3, 53.9, 52.0, 51.2], [55.0, 54.9, 53.1, 52.8, 50.1]),
    ([192.68, 191.2, 189.9], [192.68, 192.68, 192.68]),  # a constant simulation: r undefined, shares defined
])
def test_the_decomposition_sums_to_one(observed, simulated):
    statistics = fit_statistics(observed, simulated)
    total = statistics.bias_share + statistics.variance_share + statistics.covariance_share
    assert total == pytest.approx(1.0, abs=EXACT)


def test_a_perfect_fit():
    statistics = fit_statistics([3.0, 4.0, 5.0], [3.0, 4.0, 5.0])
    assert statistics.mape == 0.0 and statistics.rmspe == 0.0 and statistics.theil_u == 0.0
    assert statistics.r_squared == pytest.approx(1.0, abs=EXACT)
    assert math.isnan(statistics.bias_share) and math.isnan(statistics.covariance_share)  # MSE = 0


def test_one_observation_reports_nan_not_an_exception():
    statistics = fit_statistics([200.0], [210.0])
    assert statistics.n == 1
    assert statistics.mape == pytest.approx(5.0, abs=EXACT) and statistics.rmspe == pytest.approx(5.0, abs=EXACT)
    assert statistics.theil_u == pytest.approx(10 / (200 + 210), abs=EXACT)
    for value in (statistics.r_squared, statistics.bias_share, statistics.variance_share,
                  statistics.covariance_share):
        assert math.isnan(value)


def test_a_zero_observation_leaves_percent_errors_undefined():
    statistics = fit_statistics([0.0, 2.0], [1.0, 2.0])
    assert math.isnan(statistics.mape) and math.isnan(statistics.rmspe)
    assert statistics.max_abs_error == pytest.approx(1.0, abs=EXACT)


@pytest.mark.parametrize("observed, simulated, words", [
    ([], [], "no values"), ([1.0, 2.0], [1.0], "pair them"), ([1.0, float("nan")], [1.0, 2.0], "NaN"),
])
def test_bad_series_are_refused(observed, simulated, words):
    with pytest.raises(ValueError, match=words):
        fit_statistics(observed, simulated)


def validation_frame() -> pd.DataFrame:
    rows = [("Fuxin", "pop_registered", 2010, 100.0, 101.0, "fit"), ("Fuxin", "pop_registered", 2011, 99.0, 99.0, "fit"),
            ("Fuxin", "pop_registered", 2019, 95.0, 90.25, "holdout"),
            ("Fuxin", "secondary_share_gdp", 2019, 30.0, 36.0, "holdout"),
            ("Jixi", "pop_registered", 2010, 50.0, 50.0, "fit")]
    return pd.DataFrame(rows, columns=["city", "indicator", "year", "observed", "simulated", "sample"])


def test_statistics_table_groups_by_city_indicator_and_sample():
    table = statistics_table(validation_frame())
    assert list(table.columns) == list(STATISTICS_COLUMNS)
    assert list(zip(table["city"], table["indicator"], table["sample"])) == [
        ("Fuxin", "pop_registered", "fit"), ("Fuxin", "pop_registered", "holdout"),
        ("Fuxin", "secondary_share_gdp", "holdout"), ("Jixi", "pop_registered", "fit")]
    assert list(table["n"]) == [2, 1, 1, 1]
    assert table["mape"].iloc[0] == pytest.approx(100 * (1 / 100 + 0 / 99) / 2, abs=EXACT)
    assert table["mape"].iloc[1] == pytest.approx(5.0, abs=EXACT)
    assert table["max_abs_error"].iloc[2] == pytest.approx(6.0, abs=EXACT)  # percentage points


def test_statistics_table_refuses_a_bad_table():
    with pytest.raises(ValueError, match="lacks column.*simulated"):
        statistics_table(validation_frame().drop(columns="simulated"))
    bad = validation_frame()
    bad.loc[0, "sample"] = "test"
    with pytest.raises(ValueError, match="sample.*test"):
        statistics_table(bad)
