"""A city's mines from its coal output (restrans.sim.history.secondary_sector) and coal output as a fitted series."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from restrans.model.stocks import StockIndex
from restrans.model.system import auxiliaries
from restrans.sim.history.cities import city_state
from restrans.sim.history.fitting import predictions, residuals, simulate
from restrans.sim.history.observables import MT_IN_10K_T
from restrans.sim.history.problems import build_problem
from restrans.sim.history.secondary_sector import INDUSTRY_STOCKS, MINING_STOCKS
from tests.conftest import ROOT

HISTORY = ROOT / "model" / "data" / "history.csv"


@pytest.fixture(scope="module")
def table():
    data = pd.read_csv(HISTORY)
    return data[data["tag"] != "U"]


def _with_rows(table, *rows):
    """``table`` plus rows (city, indicator, unit, year, value), each tagged M."""
    extra = pd.DataFrame([{"city": city, "indicator": indicator, "unit": unit, "year": year, "value": value,
                           "source_url": "https://example.org/bulletin", "tag": "M", "note": "test row"}
                          for city, indicator, unit, year, value in rows])
    return pd.concat([table, extra], ignore_index=True)


@pytest.mark.parametrize("output", [800.0, 2000.0, 4000.0])
def test_a_city_with_a_start_year_coal_output_gets_mines_that_extract_it(table, output):
    """Fuxin 2010 with a raw coal output of 8, 20 or 40 Mt: the built state extracts it (relative 1e-9); the mine
    stocks keep their type's proportions to each other (1e-9) and industry takes what the mines leave."""
    data = _with_rows(table, ("Fuxin", "coal_output_raw", "10k t", 2010, output))
    state, parameters, levers, sources = city_state(data, "Fuxin", "coal_declining")
    extraction = auxiliaries(state[:, None], parameters[:, None], levers[:, None])["extraction"][0]
    assert float(extraction) * MT_IN_10K_T == pytest.approx(output, rel=1e-9)
    plain, _, _, plain_sources = city_state(table, "Fuxin", "coal_declining")
    ratios = [state[StockIndex[name]] / plain[StockIndex[name]] for name in MINING_STOCKS]
    assert ratios == pytest.approx([ratios[0]] * len(ratios), rel=1e-9)
    assert f"raw coal output of 2010 ({output:g} x 10k t" in sources["initial.mining_capacity"]
    assert "less the mines' value added" in sources["initial.processing_capital"]
    assert "in the type's proportion to industry" in plain_sources["initial.mining_capacity"]


def test_more_coal_leaves_less_industry_for_the_same_secondary_share(table):
    """Doubling the start-year output (10 -> 20 Mt) enlarges the mines and shrinks processing and new industry."""
    states = [city_state(_with_rows(table, ("Fuxin", "coal_output_raw", "10k t", 2010, output)), "Fuxin",
                         "coal_declining")[0] for output in (1000.0, 2000.0)]
    assert states[1][StockIndex.mining_capacity] == pytest.approx(2.0 * states[0][StockIndex.mining_capacity],
                                                                  rel=1e-9)
    for name in INDUSTRY_STOCKS:
        assert states[1][StockIndex[name]] < states[0][StockIndex[name]]


def test_coal_output_after_the_start_is_fitted_against_extraction_and_informs_new_capacity(table):
    """Ordos's 2016 and 2017 outputs are in the fit window: two rows (simulated = 100 x extraction, 10k t, to
    1e-12), one residual each, and capacity_investment_rate joins its fit; without them it does not."""
    problem, _ = build_problem(table, "Ordos")
    coal = problem.observations["indicator"] == "coal_output"
    assert sorted(problem.observations.loc[coal, "year"]) == [2016, 2017]
    assert set(problem.observations.loc[coal, "sample"]) == {"fit"}
    without, _ = build_problem(table[table["indicator"] != "coal_output_raw"], "Ordos")
    assert "capacity_investment_rate" in problem.names and "capacity_investment_rate" not in without.names
    values = problem.prior[:, None]
    assert residuals(problem, values).shape[0] == residuals(without, without.prior[:, None]).shape[0] + 2
    simulated = predictions(problem, values)[coal.to_numpy(), 0]
    extraction = simulate(problem, values)["extraction"][:, 0]
    rows = np.searchsorted(problem.times, [2016.0, 2017.0])
    np.testing.assert_allclose(simulated, MT_IN_10K_T * extraction[rows], rtol=1e-12)


def test_a_held_out_coal_output_is_compared_but_does_not_choose_parameters(table):
    """Jixi's 2020 output is in the holdout: it has a row, and its mines' investment keeps the type value."""
    problem, _ = build_problem(table, "Jixi")
    coal = problem.observations["indicator"] == "coal_output"
    assert list(problem.observations.loc[coal, "sample"]) == ["holdout"]
    assert "capacity_investment_rate" not in problem.names


def test_a_forest_city_is_not_compared_with_coal_output(table):
    """Yichun's mines are its logging: a coal-output row in its data is not compared (nor fitted)."""
    problem, archetype = build_problem(_with_rows(table, ("Yichun", "coal_output_raw", "10k t", 2015, 500.0)),
                                       "Yichun")
    assert archetype == "forest_declining"
    assert "coal_output" not in set(problem.observations["indicator"])
