"""History mode: driver series, city presets, runs from 2010, the fit and `restrans calibrate --data`."""
from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from restrans.model.levers import LeverIndex
from restrans.sim.cli.commands import app
from restrans.sim.engine.engines import simulate
from restrans.sim.history.cities import CITY_TYPES, city_document, preset_name, preset_text
from restrans.sim.history.fitting import fit, fit_joint, predictions
from restrans.sim.history.problems import build_problem
from restrans.sim.scenario.driver_series import series_points, series_values
from restrans.sim.scenario.errors import InputError
from restrans.sim.scenario.regions import CITIES_FOLDER, REGIONS_DIRECTORY, load_region
from restrans.sim.scenario.scenario import load_scenario
from tests.conftest import ROOT, SCENARIOS

HISTORY = ROOT / "model" / "data" / "history.csv"
runner = CliRunner()


def invoke(*arguments):
    return runner.invoke(app, [str(argument) for argument in arguments], catch_exceptions=False)


@pytest.fixture(scope="module")
def table():
    data = pd.read_csv(HISTORY)
    return data[data["tag"] != "U"]


def test_driver_series_is_a_yearly_step_function():
    values = series_values("national_income_growth")
    times, levels = series_points("national_income_growth")
    assert values[2010] == pytest.approx(0.099, abs=1e-12)  # 9.9 % real growth of GDP per head (NBS)
    first, second = list(values)[:2]
    assert times[:3] == (float(first), float(second), float(second))
    assert levels[:3] == (values[first], values[first], values[second])


def test_a_chained_driver_series_is_the_product_of_its_growth_rates():
    """coal_output_index: 1 in 2010 and the product of the published yearly changes after (1e-12)."""
    from restrans.sim.scenario.driver_series import published_values

    index = series_values("coal_output_index")
    rates = published_values("national_coal_output_growth")
    assert index[2010] == 1.0
    assert index[2016] == pytest.approx(np.prod([1.0 + rates[year] / 100.0 for year in range(2011, 2017)]), rel=1e-12)
    assert min(index) == 2010 and max(index) == max(rates)


def test_the_fertility_index_is_births_per_working_age_resident_relative_to_2023():
    """fertility_index = (crude birth rate / share aged 15-64) over the same quotient in 2023 (1e-12) in every
    year of the birth rate, the share linear between its survey years and held after the last (2020)."""
    from restrans.sim.scenario.driver_series import published_values

    index = series_values("fertility_index")
    births = published_values("national_crude_birth_rate")
    shares = published_values("national_working_age_share")
    assert set(index) == set(births)
    assert index[2023] == 1.0
    last = max(shares)

    def share(year):
        if year in shares or year > last:
            return shares[min(year, last)]
        before, after = max(y for y in shares if y < year), min(y for y in shares if y > year)
        return shares[before] + (shares[after] - shares[before]) * (year - before) / (after - before)

    for year, value in index.items():
        assert value == pytest.approx(births[year] / share(year) / (births[2023] / share(2023)), rel=1e-12)
    assert index[2010] > 1.5  # 2010's births per working-age resident were far above 2023's


def test_a_series_schedule_sets_the_lever_by_year(tmp_path):
    scenario = load_scenario(SCENARIOS / "history" / "fuxin.yaml")
    schedule = scenario.lever_schedule("national_income_growth", 0.04)
    assert schedule.value_at(2012.5) == pytest.approx(series_values("national_income_growth")[2012], abs=1e-15)
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nlevers:\n  national_income_growth: {series: national_incme_growth}\n")
    with pytest.raises(InputError, match="national_income_growth"):
        load_scenario(bad)


@pytest.mark.parametrize("city", sorted(CITY_TYPES))
def test_shipped_city_presets_are_current(table, city):
    archetype = CITY_TYPES[city][0]
    path = REGIONS_DIRECTORY / CITIES_FOLDER / f"{preset_name(city)}.yaml"
    assert path.read_text(encoding="utf-8") == preset_text(city_document(table, city, archetype)), (
        f"{path} is stale: python -m restrans.sim.history.cities")
    preset = load_region(preset_name(city))
    assert (preset.archetype, preset.year) == (archetype, 2010)


def test_city_preset_starts_from_the_census(table):
    preset = load_region("fuxin")
    people = sum(preset.initial[name] for name in (
        "children", "inactive_working_age", "elderly", "mining_employment", "successor_employment",
        "service_employment", "laid_off_miners", "retrained_job_seekers", "other_unemployed"))
    census = table[(table["city"] == "Fuxin") & (table["indicator"] == "pop_resident_census") & (table["year"] == 2010)]
    assert people == pytest.approx(10.0 * float(census["value"].iloc[0]), rel=1e-9)


def _relabelled(tmp_path, start, end):
    path = tmp_path / f"fuxin_{start}.yaml"
    path.write_text(f"name: fuxin_{start}\nextends: {SCENARIOS / 'history' / 'fuxin.yaml'}\n"
                    f"time: {{start: {start}, end: {end}, saveper: 0.25}}\n")
    return load_scenario(path)


def test_a_run_from_2010_sees_2010s_world(tmp_path):
    """The same start state run from 2010 and from 2025: drivers read by time make the two differ."""
    early = simulate([_relabelled(tmp_path, 2010, 2015)])
    late = simulate([_relabelled(tmp_path, 2025, 2030)])
    assert early.levers[8, LeverIndex.national_income_growth, 0] == pytest.approx(0.072, abs=1e-12)
    assert late.levers[8, LeverIndex.national_income_growth, 0] == pytest.approx(0.051, abs=1e-12)  # last year kept
    assert not np.allclose(early.variables["gdp"], late.variables["gdp"], rtol=1e-3)


def test_a_run_from_2010_reaches_2025_near_its_type(tmp_path, table):
    """Fuxin run 2010-2025: its census 2020 population within 3 %, in 2025 within 2 % of its census trend
    (2010-2020 yearly change continued), and at 2025 the coal_declining preset's population within 10 % and GDP
    within 20 %.

    GDP: 103.0 bn CNY against the type's 86.0 (+19.7 %; 101.5, +18.0 %, while national coal output, the demand
    of the mines, stopped at 2020: it rose 17 % in 2021-2023). The bound was 10 % (94.9, +9.7 %) while
    households spent a fixed share of income on local services; with the share rising with income the run
    follows Fuxin's real growth closer (real-GDP holdout MAPE 5.2 -> 4.9 %), and Fuxin's published growth
    2010-2021 (x 1.46, with -6.0 % and -12.3 % in 2015-2016) continued at 5 %/yr gives about 97 bn in 2025
    prices: the type, a stylised declining city, is smaller than Fuxin's own path.

    Model today: in 2025 1,596 thousand against Fuxin's census trend of 1,567 (+1.8 %) and the type's 1,700
    (-6.1 %). The type is a stylised declining city of 1.70 million: Fuxin's census of 2020 is already 3.1 %
    below it and fell 1.0 %/yr in 2010-2020, so a run that follows Fuxin is 6 % below the type by 2025. The
    population bound was 8 % while births ran at the national rate of 2023; with Liaoning's fertility (0.55 of
    the nation's) the run follows Fuxin's census trend and leaves that bound (it was 5 % while city presets
    scaled their public capital with the GDP of a state half moved back).
    """
    results = simulate([_relabelled(tmp_path, 2010, 2025)])
    census = table[(table["city"] == "Fuxin") & (table["indicator"] == "pop_resident_census") & (table["year"] == 2020)]
    in_2020 = float(results.variables["population"][np.searchsorted(results.times, 2020.0), 0])
    assert in_2020 == pytest.approx(10.0 * float(census["value"].mean()), rel=0.03)
    censuses = table[(table["city"] == "Fuxin") & (table["indicator"] == "pop_resident_census")]
    by_year = censuses.groupby("year")["value"].mean()
    trend_2025 = 10.0 * by_year[2020] * (by_year[2020] / by_year[2010]) ** 0.5
    assert float(results.variables["population"][-1, 0]) == pytest.approx(trend_2025, rel=0.02)
    type_start = simulate([load_scenario(SCENARIOS / "baseline.yaml", region="coal_declining")])
    for name, tolerance in (("population", 0.10), ("gdp", 0.20)):
        reached = float(results.variables[name][-1, 0])
        assert reached == pytest.approx(float(type_start.variables[name][0, 0]), rel=tolerance), name


def test_the_fit_recovers_known_parameters(table):
    """Synthetic data from chosen parameters plus 0.5 % noise: each fitted value within 3 standard errors."""
    names = ("productivity_diffusion", "base_migration_rate", "migration_income_sensitivity", "mining_productivity_growth")
    problem, _ = build_problem(table, "Huaibei", names=names)
    truth = problem.lower + np.array([0.7, 0.3, 0.6, 0.4]) * (problem.upper - problem.lower)
    simulated = predictions(problem, truth[:, None])[:, 0]
    noise = 1.0 + 0.005 * np.random.default_rng(7).standard_normal(simulated.size)
    synthetic = dataclasses.replace(problem, observations=problem.observations.assign(observed=simulated * noise))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = fit(synthetic)
    assert np.all(np.isfinite(result.standard_errors))
    assert np.all(np.abs(result.values - truth) <= 3.0 * result.standard_errors), (result.values, truth)
    assert result.cost < result.prior_cost


def test_a_joint_fit_of_a_types_cities_recovers_their_shared_parameters(table):
    """Synthetic data of Fuxin and Huaibei from one parameter vector plus 0.5 % noise, fitted together: each
    value within 3 standard errors, and smaller errors than either city alone gives."""
    names = ("productivity_diffusion", "market_growth_response", "mining_productivity_growth")
    problems = [build_problem(table, city, names=names)[0] for city in ("Fuxin", "Huaibei")]
    truth = problems[0].lower + np.array([0.4, 0.6, 0.5]) * (problems[0].upper - problems[0].lower)
    generator = np.random.default_rng(11)
    synthetic = []
    for problem in problems:
        simulated = predictions(problem, truth[:, None])[:, 0]
        noise = 1.0 + 0.005 * generator.standard_normal(simulated.size)
        synthetic.append(dataclasses.replace(problem, observations=problem.observations.assign(
            observed=simulated * noise)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        joint = fit_joint(synthetic)
        alone = [fit(problem) for problem in synthetic]
    assert np.all(np.abs(joint.values - truth) <= 3.0 * joint.standard_errors), (joint.values, truth)
    assert np.all(joint.standard_errors <= np.minimum(alone[0].standard_errors, alone[1].standard_errors))


def test_a_joint_fit_refuses_cities_with_different_parameters(table):
    first, _ = build_problem(table, "Fuxin", names=("productivity_diffusion",))
    second, _ = build_problem(table, "Huaibei", names=("market_growth_response",))
    with pytest.raises(ValueError, match="same parameters"):
        fit_joint([first, second])


def test_calibrate_writes_the_four_files(tmp_path):
    out = tmp_path / "fuxin"
    result = invoke("calibrate", "--data", HISTORY, "--city", "Fuxin", "--out", out)
    assert result.exit_code == 0, result.output
    assert {path.name for path in out.iterdir()} == {"fitted.yaml", "validation.csv", "statistics.csv",
                                                     "validation.html"}
    validation = pd.read_csv(out / "validation.csv")
    assert list(validation.columns) == ["city", "indicator", "year", "observed", "simulated", "sample"]
    assert set(validation["sample"]) == {"fit", "holdout"}
    assert validation[validation["sample"] == "fit"]["year"].max() <= 2017
    fitted = yaml.safe_load((out / "fitted.yaml").read_text(encoding="utf-8"))
    assert "fitted to Fuxin 2010-2017" in fitted["parameters"]["productivity_diffusion"]["source"]
    statistics = pd.read_csv(out / "statistics.csv")
    again = tmp_path / "again"
    assert invoke("calibrate", "--data", HISTORY, "--city", "fuxin", "--out", again).exit_code == 0
    pd.testing.assert_frame_equal(statistics, pd.read_csv(again / "statistics.csv"), rtol=0, atol=0)


def _data_file(tmp_path, text):
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "city,indicator,unit,year,value,source_url,tag,note\n"


@pytest.mark.parametrize(("text", "arguments", "expected"), [
    ("city,indicator,year,value\nFuxin,pop_registered,2010,190\n", ("--city", "Fuxin"), "missing"),
    (HEADER + "Fuxin,pop_registered,10k persons,2010,many,http://x,S,\n", ("--city", "Fuxin"), "line 2"),
    (HEADER + "Newtown,pop_resident_census,10k persons,2010,100,http://x,S,\n", ("--city", "Newtown"), "--type"),
    (HEADER + "Fuxin,pop_resident_census,10k persons,2010,181.9,http://x,S,\n", ("--city", "Fuxin"), "fit window"),
])
def test_bad_data_gives_one_line_and_exit_code_2(tmp_path, text, arguments, expected):
    out = tmp_path / "out"
    result = invoke("calibrate", "--data", _data_file(tmp_path, text), *arguments, "--out", out)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and expected in lines[0], result.output
    assert not out.exists()


def test_unknown_indicators_are_reported_and_ignored(tmp_path):
    text = HISTORY.read_text(encoding="utf-8") + "Fuxin,made_up_indicator,1,2012,3.5,http://example.org,S,\n"
    result = invoke("calibrate", "--data", _data_file(tmp_path, text), "--city", "Fuxin", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    notices = [line for line in result.output.splitlines() if "ignored unknown indicators:" in line]
    assert len(notices) == 1 and "made_up_indicator" in notices[0]
    validation = pd.read_csv(tmp_path / "out" / "validation.csv")
    assert "made_up_indicator" not in set(validation["indicator"])


@pytest.mark.parametrize("value, error, adopted, reason", [
    (1.19, 0.33, True, "informed"),
    (1.5, 0.1, False, "rests on a bound"),
    (1.0, 0.6, False, "not informed"),
    (1.0, float("nan"), False, "not informed"),
])
def test_an_archetype_adopts_only_a_joint_fit_that_informs_its_parameter(value, error, adopted, reason):
    """Range [0.5, 1.5]: adopted if the standard error is at most 0.5 of the range and the value off its ends."""
    from restrans.sim.history.archetypes import _reason, informed

    entry = {"value": value, "standard_error": error, "lower": 0.5, "upper": 1.5}
    assert informed(entry) is adopted
    assert _reason(entry).startswith(reason)


def test_adopting_joint_fits_writes_the_informed_value_removes_a_stale_fit_and_keeps_the_rest(tmp_path):
    """On a copy of the coal_mature preset: an adopted row becomes the parameter with its source, an earlier fit
    the derivation no longer informs is removed, every other entry keeps its value and source, the header is
    the presets' own and the references are recalibrated to the 2025 state (1e-12)."""
    from restrans.sim.engine.calibration import CALIBRATED_PARAMETERS, calibrated_values
    from restrans.sim.history.archetypes import FITTED_SOURCE, adopt

    original = (REGIONS_DIRECTORY / "coal_mature.yaml").read_text(encoding="utf-8")
    document = yaml.safe_load(original)
    document["parameters"]["productivity_diffusion"] = {"value": 1.1, "source": f"{FITTED_SOURCE} an earlier fit"}
    (tmp_path / "coal_mature.yaml").write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
    table = pd.DataFrame([
        {"type": "coal_mature", "parameter": "market_growth_response", "adopted": True, "value": 0.9,
         "standard_error": 0.1, "cities": "Datong, Jixi"},
        {"type": "coal_mature", "parameter": "productivity_diffusion", "adopted": False, "value": 1.2,
         "standard_error": 2.0, "cities": "Datong, Jixi"},
    ])
    assert adopt(table, 2010, 2017, tmp_path) == [tmp_path / "coal_mature.yaml"]
    text = (tmp_path / "coal_mature.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Region preset coal_mature: 2025 initial stocks, parameters and baseline levers.\n# ")
    written = yaml.safe_load(text)
    fitted = written["parameters"]["market_growth_response"]
    assert fitted["value"] == 0.9 and fitted["source"].startswith("fitted to Datong, Jixi 2010-2017 (joint fit: 0.9")
    assert "productivity_diffusion" not in written["parameters"]
    assert written["initial"] == document["initial"] and written.get("levers") == document.get("levers")
    untouched = set(document["parameters"]) - {"market_growth_response", "productivity_diffusion",
                                               *CALIBRATED_PARAMETERS}
    assert all(written["parameters"][name] == document["parameters"][name] for name in untouched)
    references = calibrated_values("coal_mature", tmp_path)
    for name in CALIBRATED_PARAMETERS:
        assert written["parameters"][name]["value"] == pytest.approx(references[name], rel=1e-12)


def test_the_relative_industry_price_chains_ppi_over_cpi_from_the_start_year():
    """2012: (1 + 6.0 %) / (1 + 5.4 %) x (1 - 1.7 %) / (1 + 2.6 %), to 1e-12; 1 at the start, held after the data."""
    from restrans.sim.history.observables import relative_industry_price

    values = relative_industry_price(np.array([2010.0, 2011.0, 2012.0, 2021.0, 2030.0]), 2010)
    assert values[0] == 1.0
    assert values[2] == pytest.approx(1.060 / 1.054 * 0.983 / 1.026, abs=1e-12)
    assert values[4] == values[3]
    assert relative_industry_price(np.array([2015.0]), 2015)[0] == 1.0


def test_the_share_at_current_prices_values_successor_output_at_the_relative_price():
    """At relative price 1 the share is the constant-price one; at 0.8 it is (10 + 0.8 x 30) / (100 - 0.2 x 30), to 1e-15."""
    from restrans.sim.history.observables import industry_share

    a = {"mining_value_added": np.array([10.0]), "processing_output": np.array([20.0]),
         "new_industry_output": np.array([10.0]), "gdp": np.array([100.0])}
    assert industry_share(a)[0] == pytest.approx(0.4, abs=1e-15)
    # successor 30 -> 24; GDP 100 -> 94; share (10 + 24) / 94
    assert industry_share(a, 0.8)[0] == pytest.approx(34.0 / 94.0, abs=1e-15)
