"""City presets built from data: a real city's state in a start year (2010) on its region type's structure.

What the data give is taken from them (``history.csv``): resident population
of the 2010 census, its share aged 65+, GDP (converted to 2025 prices with the
national GDP deflator of ``drivers.csv``), the secondary share and, where the
data hold it, the raw coal output that sizes the mines. Everything
else comes from the region type's 2025 preset, moved to the start year by
rules stated in :func:`city_state` and marked in each entry's source as
``type default``. The city's references (price, knowledge, productivities,
programme spending, labour-force entry) are then calibrated so the start year
is a rest point of the city's own economy, as for the archetypes; so is the
reference margin of its mines (the archetypes keep theirs: a declining type's
mines start below it by design).
"""
from __future__ import annotations

import numpy as np

from restrans.model.levers import LEVERS, LeverIndex
from restrans.model.parameters import PARAMETERS, ParameterIndex
from restrans.model.stocks import STOCKS, StockIndex
from restrans.model.system import auxiliaries
from restrans.sim.engine.calibration import CALIBRATED_PARAMETERS, calibrated_batch
from restrans.sim.engine.simulate import region_arrays
from restrans.sim.history.observables import MT_IN_10K_T, observed_value
from restrans.sim.history.observations import HISTORY_FILE, load_observations
from restrans.sim.history.fertility import set_birth_rate
from restrans.sim.history.secondary_sector import (INDUSTRY_STOCKS, MINING_STOCKS, match_secondary_share,
                                                   mines_coal, mining_factor, secondary_value_added)
from restrans.sim.history.start_debt import debt_ratio, set_debt
from restrans.sim.history.type_profiles import (calibrated_gdp, primary_share, set_wage_level,
                                                traded_services_for_gdp)
from restrans.sim.scenario.driver_series import published_values, value_in
from restrans.sim.scenario.errors import InputError
from restrans.sim.scenario.regions import load_region

CITY_TYPES: dict[str, tuple[str, str]] = {
    "Fuxin": ("coal_declining", "2013 national plan (Guofa [2013] 45): declining; 2001 transformation pilot"),
    "Huaibei": ("coal_declining", "resource-exhausted city, 2nd batch 2009 (NDRC list)"),
    "Jiaozuo": ("coal_declining", "resource-exhausted city, 1st batch 2008"),
    "Jixi": ("coal_mature", "2013 national plan (Guofa [2013] 45): mature"),
    "Hegang": ("coal_declining", "2013 national plan (Guofa [2013] 45): declining; resource-exhausted 3rd batch 2011"),
    "Datong": ("coal_mature", "history-data README grouping: coal, mature"),
    "Yangquan": ("coal_mature", "history-data README grouping: coal, mature"),
    "Ordos": ("coal_growing", "history-data README grouping: coal, growing"),
    "Xuzhou": ("coal_regenerating", "history-data README grouping: coal, regenerating"),
    "Yichun": ("forest_declining", "2013 national plan (Guofa [2013] 45): declining forest city"),
}
"""Region type of each city in the shipped data, with the source of the classification
(the helper table of model/data/history_policy.csv)."""

PEOPLE_STOCKS = ("inactive_working_age", "mining_employment", "successor_employment", "service_employment",
                 "laid_off_miners", "retrained_job_seekers", "other_unemployed")
"""Working-age stocks scaled with the city's working-age residents."""
ECONOMY_STOCKS = ("knowledge", "infrastructure_capital", "public_service_capital", "restoration_fund")
"""Stocks scaled with the size of the city's economy (GDP in 2025 prices); local debt follows the budget
(:func:`~restrans.sim.history.start_debt.set_debt`)."""
PER_HEAD_MONEY = ("public_service_spending_per_capita", "unemployment_benefit", "pension_per_elderly", "mining_wage",
                  "successor_wage")
"""Per-head spending standards, benefits and wages (thousand CNY/person/yr), moved back with national income."""
SPENDING_LEVERS = tuple(lever.name for lever in LEVERS if lever.unit == "bn CNY/yr")
"""Baseline levers in bn CNY/yr, scaled with the size of the economy."""

_CENSUS_YEAR = 2010
_PRICE_YEAR = 2024
"""The national deflator runs from the start year to 2024, the latest year in the data (taken as 2025 prices)."""
_CLOSING_ROUNDS = 6
"""Rounds of start debt and traded services, each depending on the other (the budget and GDP)."""


def national_deflator(year: int) -> float:
    """Price level of 2024 relative to ``year`` (1): national nominal GDP ratio / real growth in between."""
    nominal = published_values("national_gdp_current")
    real = np.prod([1.0 + value_in("national_real_gdp_growth", step) for step in range(year + 1, _PRICE_YEAR + 1)])
    return nominal[_PRICE_YEAR] / nominal[year] / real


def city_state(table, city, archetype, year=_CENSUS_YEAR):
    """Initial stocks, parameters and levers of ``city`` in ``year``, with the source of every changed entry.

    Rules: people stocks scale with residents (the 65+ share from the census,
    the child share of the type); national income per head, per-head spending
    standards and benefits are 2025's divided by the real growth of GDP per
    head since ``year``; the technology index is 2025's divided by the adopted
    national growth of output per worker since ``year`` and mining productivity
    is deflated by its trend; the economy's stocks and spending levers scale
    with GDP in 2025 prices; mining and successor stocks and jobs are then
    multiplied by the one factor that makes their value added equal the
    observed secondary share x GDP (:func:`_scale_economy`), the mines staffed
    at the type's miners per unit of capacity at the start year's productivity
    (:func:`~restrans.sim.history.secondary_sector.match_secondary_share`); construction land
    keeps the type's land per unit of capital at 2025 technique; local debt keeps
    the type's ratio to the budget's own revenue and general transfers
    (:func:`~restrans.sim.history.start_debt.set_debt`). The references are
    calibrated to this state at the preset's lever values (the trend price),
    the reference margin of the mines included.

    Returns
    -------
    state, parameters, levers : ndarray
    sources : dict of str to str
        ``"initial.<stock>"`` / ``"levers.<lever>"`` -> source text.
    """
    preset = load_region(archetype)
    state, parameters, levers = region_arrays(preset)
    intensities = _start_intensities(state, parameters, preset.year - year)
    type_debt_ratio = float(debt_ratio(state[:, None], parameters[:, None], levers[:, None])[0])
    type_farm_share = float(state[StockIndex.farm_output]) / calibrated_gdp(state, parameters, levers)
    # The type's traded services are the median of its cities' (type_profiles), so the city is built without them.
    state[StockIndex.traded_services] = 0.0
    type_gdp = calibrated_gdp(state, parameters, levers)
    sources: dict[str, str] = {}
    population = observed_value(table, city, "pop_resident_census", year)
    if population is None:
        raise InputError("--data", f"{city}.pop_resident_census", year,
                         f"a census resident population of {city} in {year} (the start state needs it)")
    _scale_people(state, population * 10.0, observed_value(table, city, "share_age65plus_census", year), sources, year)
    years_back = preset.year - year
    _move_trends(state, parameters, years_back, year, sources)
    set_wage_level(table, city, parameters, sources)
    set_birth_rate(table, city, parameters, sources)
    observed = _economy_observations(table, city, archetype, year)
    gdp, farm = observed["gdp"], primary_share(table, city, year) or (type_farm_share, None)
    _scale_economy(state, parameters, levers, observed, year, intensities, type_gdp, farm, sources)
    calibrated = calibrated_batch(state[:, None], parameters[:, None], levers[:, None])
    margin = auxiliaries(state[:, None], calibrated, levers[:, None])["mining_margin"]
    parameters[ParameterIndex.reference_margin] = float(margin[0])
    sources["parameters.reference_margin"] = (f"the city's {year} profit margin of mining at the trend price: its "
                                              "mines start at their normal margin, as the other references")
    # Debt at the final references (the mines' margin does not depend on it); traded services close GDP to the
    # observed, and the budget and GDP depend on each other, so the two alternate.
    set_debt(state, parameters, levers, type_debt_ratio, year, sources)
    for _ in range(_CLOSING_ROUNDS if gdp is not None else 0):
        state[StockIndex.traded_services] = traded_services_for_gdp(state, parameters, levers, target_gdp_of(gdp, year))
        set_debt(state, parameters, levers, type_debt_ratio, year, sources)
    return state, calibrated_batch(state[:, None], parameters[:, None], levers[:, None])[:, 0], levers, sources


def _economy_observations(table, city, archetype, year) -> dict:
    """The city's ``gdp`` (100m CNY), ``secondary_share`` (%) and, for a coal type, ``coal_output`` (10k t) in
    ``year``, None where the data lack them (a forest type's mines are its logging, not in ``coal_output_raw``)."""
    coal = observed_value(table, city, "coal_output_raw", year) if mines_coal(archetype) else None
    return {"gdp": observed_value(table, city, "gdp_current", year),
            "secondary_share": observed_value(table, city, "secondary_share_gdp", year), "coal_output": coal}


def _scale_people(state, residents, elderly_share, sources, year):
    """Residents (thousand) into children, working age and elderly; working-age stocks scaled alike."""
    total = state[StockIndex.children] + state[StockIndex.inactive_working_age] + state[StockIndex.elderly] + sum(
        state[StockIndex[name]] for name in PEOPLE_STOCKS[1:])
    child_share = state[StockIndex.children] / total
    if elderly_share is None:
        elderly_share = 100.0 * state[StockIndex.elderly] / total
        sources["initial.elderly"] = "type default: the type's 2025 share aged 65+ (no census share in the data)"
    else:
        sources["initial.elderly"] = f"census {year} share aged 65+ ({elderly_share:.2f} %) x residents"
    working_before = total - state[StockIndex.children] - state[StockIndex.elderly]
    state[StockIndex.children] = residents * child_share
    state[StockIndex.elderly] = residents * elderly_share / 100.0
    working = residents - state[StockIndex.children] - state[StockIndex.elderly]
    for name in PEOPLE_STOCKS:
        state[StockIndex[name]] *= working / working_before
        sources[f"initial.{name}"] = "type default structure of the working-age population, scaled to the census"
    sources["initial.children"] = f"type default child share x census {year} residents ({residents:.1f} thousand)"


def _move_trends(state, parameters, years_back, year, sources):
    """National income, technology and mining productivity moved back from 2025 to ``year`` along their trends.

    Mining keeps its output per unit of capacity, so it needs more miners at the lower productivity
    (:func:`~restrans.sim.history.secondary_sector.match_secondary_share` staffs the mines).
    """
    real = np.prod([1.0 + value_in("national_income_growth", step) for step in range(year, year + years_back)])
    state[StockIndex.national_income_per_capita] /= real
    sources["initial.national_income_per_capita"] = (
        f"2025 value / real growth of GDP per head {year}-{year + years_back - 1} (model/data/drivers.csv)")
    for name in PER_HEAD_MONEY:
        parameters[ParameterIndex[name]] /= real
        sources[f"parameters.{name}"] = (f"type default 2025 value / real growth of GDP per head {year}-"
                                         f"{year + years_back - 1}: standards, benefits and wages follow national income")
    diffusion = parameters[ParameterIndex.productivity_diffusion]
    adopted = np.prod([1.0 + diffusion * value_in("national_productivity_growth", step)
                       for step in range(year, year + years_back)])
    state[StockIndex.technology_index] /= adopted
    sources["initial.technology_index"] = (f"type default 2025 value / the adopted growth of national output per "
                                           f"worker {year}-{year + years_back - 1} (productivity_diffusion x "
                                           "national_productivity_growth, model/data/drivers.csv)")
    state[StockIndex.mining_labour_productivity] *= (
        1.0 + parameters[ParameterIndex.mining_productivity_growth]) ** -years_back
    sources["initial.mining_labour_productivity"] = (f"type default 2025 value deflated by "
                                                     f"mining_productivity_growth over {years_back} years")


def _start_intensities(state, parameters, years_back):
    """The type's construction land per unit of capital (:func:`land_cover`) and its miners per unit of mining
    capacity (thousand persons per Mt/yr) at the productivity of ``years_back`` years before its preset."""
    miners = state[StockIndex.mining_employment] / state[StockIndex.mining_capacity]
    return land_cover(state), float(miners * (1.0 + parameters[ParameterIndex.mining_productivity_growth])
                                    ** years_back)


def land_cover(state) -> float:
    """Construction land (km2) per unit of new-industry capital at 2025 technique (bn CNY / technology index).

    Land is needed per unit of capital at 2025 technique
    (:func:`restrans.model.economy.land_effect`); a city keeps its type's 2025
    cover, which :func:`~restrans.sim.history.secondary_sector.match_secondary_share` carries to the city's capital.
    """
    return float(state[StockIndex.construction_land] * state[StockIndex.technology_index]
                 / state[StockIndex.new_industry_capital])


def target_gdp_of(gdp, year):
    """Observed GDP (100m CNY at current prices) in bn CNY at 2025 prices."""
    return gdp / 10.0 * national_deflator(year)


def _scale_economy(state, parameters, levers, observed, year, intensities, type_gdp, farm, sources):
    """Scale the economy to GDP in 2025 prices, and mining and industry to the observed secondary value added.

    ``observed`` holds the city's start-year ``gdp`` (100m CNY), ``secondary_share`` (%) and ``coal_output``
    (10k t), each None where the data lack it. Stocks of :data:`ECONOMY_STOCKS` and the spending levers scale
    with the ratio of the city's GDP to the type's 2025 GDP (``type_gdp``, bn CNY/yr, the preset's before people
    and trends are moved back: with the GDP of the half-moved state, Yichun got 2.5 times its type's
    public-service capital per head). The mines are sized to the coal output (the type's proportion to industry
    without one) and processing and new industry so that mining and industry value added equals the observed
    secondary share x GDP (the type's share if the data lack it), by
    :func:`~restrans.sim.history.secondary_sector.match_secondary_share`; ``intensities`` are the construction
    land per unit of capital (:func:`land_cover`) and the miners per unit of mining capacity (thousand persons
    per Mt/yr). Farm output is ``farm`` (the observed primary share and its year, or the type's share and None)
    x GDP. The rest of the local sector's value added follows from local demand (households and the public
    budget), so the model's GDP need not equal the observed: the fit compares GDP as an index and the
    secondary share as a change since the start year.
    """
    gdp, secondary_share, coal_output = observed["gdp"], observed["secondary_share"], observed["coal_output"]
    calibrated = calibrated_batch(state[:, None], parameters[:, None], levers[:, None])
    share, model_gdp = secondary_value_added(state[:, None], calibrated, levers[:, None])
    share_text = f"the secondary share {secondary_share:g} % of {year}" if secondary_share is not None else \
        "the type's secondary share (none in the data)"
    target_share = float(share[0]) if secondary_share is None else secondary_share / 100.0
    deflator = national_deflator(year)
    target_gdp = float(model_gdp[0]) if gdp is None else target_gdp_of(gdp, year)
    if gdp is not None:
        factor = target_gdp / type_gdp
        for name in ECONOMY_STOCKS:
            state[StockIndex[name]] *= factor
            sources[f"initial.{name}"] = (f"type default scaled (x {factor:.3f}) to GDP {year} ({gdp:g} x 100m CNY,"
                                          f" x {deflator:.3f} to 2025 prices)")
        for name in SPENDING_LEVERS:
            levers[LeverIndex[name]] *= factor
            sources[f"levers.{name}"] = f"type default scaled (x {factor:.3f}) to the city's GDP"
    farm_share, farm_year = farm
    state[StockIndex.farm_output] = farm_share * target_gdp
    sources["initial.farm_output"] = (f"primary share {100 * farm_share:.4g} % ({farm_year}, CSMAR table) x GDP"
                                      if farm_year is not None else "the type's primary share x GDP (none in the data)")
    mines = None if coal_output is None else mining_factor(state, parameters, levers, coal_output / MT_IN_10K_T,
                                                           intensities[1])
    mining, industry = match_secondary_share(state, parameters, levers, target_share * target_gdp, *intensities,
                                             mines=mines)
    if gdp is not None:
        sources["initial.traded_services"] = (f"what brings the model's GDP to the observed GDP of {year} (0 if above), "
                                              "with local debt at the type's ratio to the budget")
    mines_text = (f"type default scaled (x {mining:.3f}) to the raw coal output of {year} ({coal_output:g} x 10k t, "
                  "coal_output_raw) at the type's utilisation" if mines is not None else
                  f"type default scaled (x {mining:.3f}) to {share_text} x GDP, in the type's proportion to industry")
    for name in MINING_STOCKS:
        sources[f"initial.{name}"] = mines_text
    for name in (*INDUSTRY_STOCKS, "successor_employment", "service_employment"):
        sources[f"initial.{name}"] = (f"type default scaled (x {industry:.3f}) to {share_text} x GDP"
                                      + (", less the mines' value added" if mines is not None else ""))
    sources["initial.mining_employment"] = ("the type's 2025 miners per unit of mining capacity, x the growth of "
                                            "mining_productivity_growth since the start year, x the city's capacity")
    sources["initial.construction_land"] = ("the type's 2025 construction land per unit of new-industry capital at "
                                            "2025 technique (capital / technology index) x the city's")


CITY_LABELS: dict[str, str] = {
    "Fuxin": "阜新", "Huaibei": "淮北", "Jiaozuo": "焦作", "Jixi": "鸡西", "Hegang": "鹤岗", "Datong": "大同",
    "Yangquan": "阳泉", "Ordos": "鄂尔多斯", "Xuzhou": "徐州", "Yichun": "伊春",
}
"""Chinese names of the cities in the shipped data (labels of their presets)."""


def preset_name(city: str) -> str:
    """File stem of a city's preset: the city name in lower case (``Fuxin`` -> ``fuxin``)."""
    return city.lower()


def city_document(table, city, archetype, year=_CENSUS_YEAR) -> dict:
    """The YAML document of the preset of ``city`` in ``year`` (see :func:`city_state`).

    Every stock, parameter and lever that differs from the model defaults is
    listed with its source: data, a stated rule, the calibration or the type.
    """
    state, parameters, levers, sources = city_state(table, city, archetype, year)
    preset = load_region(archetype)
    type_source = f"type default ({archetype} 2025 preset)"

    def entries(section, declarations, values, defaults):
        result = {}
        for index, declaration in enumerate(declarations):
            key = f"{section}.{declaration.name}"
            if key in sources or declaration.name in getattr(preset, section) or values[index] != defaults[index]:
                result[declaration.name] = {"value": float(values[index]), "source": sources.get(key, type_source)}
        return result

    for name in CALIBRATED_PARAMETERS:
        sources[f"parameters.{name}"] = f"Calibrated to the {year} state (rest point of the city's economy)"
    chinese = CITY_LABELS.get(city, "")
    return {
        "name": preset_name(city),
        "label": f"{city} {chinese}".strip() + f" ({year})",
        "description": (f"{city} in {year}, built from model/data/history.csv on the {archetype} structure "
                        f"(restrans.sim.history.cities); type: {CITY_TYPES.get(city, (archetype, 'from --type'))[1]}."),
        "archetype": archetype,
        "year": year,
        "initial": entries("initial", STOCKS, state, [stock.initial for stock in STOCKS]),
        "parameters": entries("parameters", PARAMETERS, parameters, [parameter.default for parameter in PARAMETERS]),
        "levers": entries("levers", LEVERS, levers, [lever.baseline for lever in LEVERS]),
    }


def preset_text(document: dict) -> str:
    """The text of a city preset file (a header naming the generator, then the YAML)."""
    import yaml

    header = (f"# City preset {document['name']}: its {document['year']} state, generated from model/data/history.csv\n"
              "# by `python -m restrans.sim.history.cities` (tests/test_history_cities.py checks it is current).\n")
    return header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)


def main() -> None:
    """Regenerate the shipped city presets ``model/regions/cities/<city>.yaml``."""
    from restrans.sim.engine.outputs import atomic_write_text
    from restrans.sim.scenario.regions import CITIES_FOLDER, REGIONS_DIRECTORY

    table = load_observations(HISTORY_FILE).table  # rows tagged U left out, as in restrans calibrate
    for city, (archetype, _) in CITY_TYPES.items():
        path = REGIONS_DIRECTORY / CITIES_FOLDER / f"{preset_name(city)}.yaml"
        atomic_write_text(path, preset_text(city_document(table, city, archetype)))
        print(path)


if __name__ == "__main__":
    main()
