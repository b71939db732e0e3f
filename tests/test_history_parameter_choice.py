"""Which parameters a city's fit moves by default: only those that a series of its fit window informs."""
from __future__ import annotations

import pandas as pd
import pytest

from restrans.sim.history.fitting import FIT_PARAMETERS, INFORMING_SERIES, default_parameters, with_parameters
from restrans.sim.history.problems import build_problem
from tests.conftest import ROOT

HISTORY = ROOT / "model" / "data" / "history.csv"
MIGRATION = ("base_migration_rate", "migration_income_sensitivity")


@pytest.fixture(scope="module")
def table():
    data = pd.read_csv(HISTORY)
    return data[data["tag"] != "U"]


def observations(*rows):
    return pd.DataFrame(rows, columns=["indicator", "sample"])


def test_every_default_fitted_parameter_names_the_series_that_inform_it():
    fitted = {name for names in FIT_PARAMETERS.values() for name in names}
    assert fitted <= set(INFORMING_SERIES)
    assert {series for names in INFORMING_SERIES.values() for series in names} == {
        "population", "real_gdp_index", "secondary_share", "coal_output"}


@pytest.mark.parametrize("rows, expected", [
    ((("real_gdp_index", "fit"), ("population", "holdout")),
     ("productivity_diffusion", "market_growth_response", "mining_productivity_growth")),
    ((("population", "fit"),), MIGRATION),
    ((("secondary_share", "fit"), ("population", "fit")), tuple(
        name for name in FIT_PARAMETERS["coal_declining"] if name != "capacity_investment_rate")),
    ((("coal_output", "fit"), ("coal_output", "holdout")), ("capacity_investment_rate",)),
    ((("secondary_share", "fit"), ("population", "fit"), ("coal_output", "fit")), FIT_PARAMETERS["coal_declining"]),
])
def test_a_parameter_is_fitted_by_default_only_with_a_fit_series_that_informs_it(rows, expected):
    assert default_parameters("coal_declining", observations(*rows)) == expected


def test_a_city_without_a_hukou_series_keeps_its_migration_parameters(table):
    """Ordos has no hukou series and its 2020 census is held out: its default fit leaves migration alone;
    fitted until 2020 the census informs it and migration is fitted; Huaibei's hukou series informs it (and
    Huaibei, with no coal output in the data, keeps its mines' investment rate)."""
    ordos, archetype = build_problem(table, "Ordos")
    assert archetype == "coal_growing"
    assert not set(MIGRATION) & set(ordos.names)
    assert set(ordos.names) == set(FIT_PARAMETERS["coal_growing"]) - set(MIGRATION)
    until_2020, _ = build_problem(table, "Ordos", fit_until=2020)
    assert until_2020.names == FIT_PARAMETERS["coal_growing"]
    huaibei, _ = build_problem(table, "Huaibei")
    assert huaibei.names == tuple(name for name in FIT_PARAMETERS["coal_declining"]
                                  if name != "capacity_investment_rate")


def test_a_problem_widened_for_a_joint_fit_gets_the_priors_and_ranges_of_the_added_parameters(table):
    ordos, _ = build_problem(table, "Ordos")
    huaibei, _ = build_problem(table, "Huaibei")
    widened = with_parameters(ordos, huaibei.names)
    assert widened.names == huaibei.names
    for row, name in enumerate(huaibei.names):
        if name in ordos.names:
            own = ordos.names.index(name)
            assert (widened.prior[row], widened.lower[row], widened.upper[row]) == (
                ordos.prior[own], ordos.lower[own], ordos.upper[own])
    for name in MIGRATION:
        row = widened.names.index(name)
        assert widened.lower[row] < widened.prior[row] < widened.upper[row]
