"""Reading history data files and the documented statistical breaks (restrans.sim.history.observations)."""
from __future__ import annotations

from pathlib import Path

import pytest

from restrans.sim.history.observations import (COLUMNS, KNOWN_INDICATORS, STATISTICAL_BREAKS, load_observations,
                                               select, years_across_break)
from restrans.sim.scenario.errors import InputError

HEADER = ",".join(COLUMNS)
DATA = Path(__file__).resolve().parent / "data"
URL = "https://example.org/bulletin"
EXACT = 1e-12
"""Tolerance for values read from text (absolute, in the indicator's unit)."""


def write(folder: Path, *lines: str, header: str = HEADER) -> Path:
    path = folder / "history.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def row(city="Fuxin", indicator="pop_registered", unit="10k persons", year="2010", value="192.5", tag="S",
        note="bulletin") -> str:
    return ",".join([city, indicator, unit, year, value, URL, tag, note])


def test_a_small_file_is_read_and_sorted(tmp_path):
    path = write(tmp_path, row(year="2011", value="191.0"), row(year="2010"), row(city="Jixi", value="190"),
                 row(indicator="gdp_current", unit="100m CNY", value="4.5e2"))
    observations = load_observations(path)
    table = observations.table
    assert list(table.columns) == list(COLUMNS)
    assert list(zip(table["city"], table["indicator"], table["year"])) == [
        ("Fuxin", "gdp_current", 2010), ("Fuxin", "pop_registered", 2010), ("Fuxin", "pop_registered", 2011),
        ("Jixi", "pop_registered", 2010)]
    assert str(table["year"].dtype) == "int64" and str(table["value"].dtype) == "float64"
    assert table["value"].iloc[0] == pytest.approx(450.0, abs=EXACT)
    assert observations.cities == ("Fuxin", "Jixi")
    assert observations.unknown_indicators == () and observations.excluded_uncertain == 0


def test_unknown_indicators_are_reported_and_uncertain_rows_dropped(tmp_path):
    path = write(tmp_path, row(), row(indicator="timber_output", unit="10k m3", value="30"),
                 row(year="2012", value="180", tag="U"))
    observations = load_observations(path)
    assert observations.unknown_indicators == ("timber_output",)
    assert observations.excluded_uncertain == 1
    assert list(observations.table["year"]) == [2010]
    kept = load_observations(path, include_uncertain=True)
    assert kept.excluded_uncertain == 0 and list(kept.table["year"]) == [2010, 2012]


def test_an_output_in_100m_t_is_read_in_10k_t(tmp_path):
    """亿吨 rows (a province's output) are converted when read: 7.87 x 100m t = 78,700 x 10k t (1e-9)."""
    path = write(tmp_path, row(city="Inner Mongolia", indicator="coal_output_raw", unit="100m t", value="7.87"),
                 row(indicator="coal_output_raw", unit="10k t", value="2000"))
    table = load_observations(path).table.set_index("city")
    assert table.loc["Inner Mongolia", "value"] == pytest.approx(78700.0, rel=1e-9)
    assert table.loc["Fuxin", "value"] == pytest.approx(2000.0, abs=EXACT)
    assert set(table["unit"]) == {"10k t"}


def test_two_rows_for_one_year_become_their_mean(tmp_path):
    path = write(tmp_path, row(value="192.6815", note="bulletin"), row(value="192.7", tag="M", note="CSMAR"),
                 row(year="2011", value="191"))
    observations = load_observations(path)
    merged = observations.table[observations.table["year"] == 2010].iloc[0]
    assert merged["value"] == pytest.approx((192.6815 + 192.7) / 2, abs=EXACT)
    assert merged["tag"] == "M"  # the weaker of S and M
    assert "bulletin" in merged["note"] and "CSMAR" in merged["note"]
    assert len(observations.table) == 2
    assert observations.merged == (("Fuxin", "pop_registered", 2010, (192.6815, 192.7)),)


def test_an_excerpt_of_the_reference_data_reads():
    # tests/data/history_excerpt.csv: every row of Fuxin, Huaibei and Jixi in ../shared/reference/history/series.csv
    observations = load_observations(DATA / "history_excerpt.csv")
    assert set(observations.table["indicator"]) <= set(KNOWN_INDICATORS)
    assert observations.cities == ("Fuxin", "Huaibei", "Jixi")
    assert observations.excluded_uncertain > 0 and "subsidence_area_cum" in observations.unknown_indicators
    keys = observations.table[["city", "indicator", "year"]]
    assert not keys.duplicated().any()


@pytest.mark.parametrize("lines, header, where, words", [
    ((), HEADER, "(file)", "no data rows"),
    ((row(),), "city,indicator,year,value", "line 1 (header)", "missing column(s): unit, source_url, tag, note"),
    ((row(), row(value="about 190")), HEADER, "line 3, column value", "a finite number"),
    ((row(), row(), row(year="2010a")), HEADER, "line 4, column year", "a finite number"),
    ((row(year="2010.5"),), HEADER, "line 2, column year", "a whole year"),
    ((row(value="nan"),), HEADER, "line 2, column value", "a finite number"),
    ((row(unit="persons"),), HEADER, "line 2, column unit", "'10k persons', the unit of pop_registered"),
    ((row(tag="X"),), HEADER, "line 2, column tag", "S (official)"),
    ((row(indicator="coal_output_raw", unit="Mt", value="20"),), HEADER, "line 2, column unit",
     "'10k t' or '100m t', the unit of coal_output_raw"),
    ((row() + ",extra",), HEADER, "line 2", "9 fields"),
    ((row(), row(city=""),), HEADER, "line 3, column city", "a city name"),
])
def test_bad_files_give_one_line(tmp_path, lines, header, where, words):
    path = write(tmp_path, *lines, header=header)
    with pytest.raises(InputError) as caught:
        load_observations(path)
    message = str(caught.value)
    assert "\n" not in message
    assert f": {where}: " in message and words in message


def test_missing_empty_and_binary_files(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_observations(tmp_path / "absent.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match="the file is empty"):
        load_observations(tmp_path / "empty.csv")
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00\x81 not text")
    with pytest.raises(InputError, match="UTF-8"):
        load_observations(tmp_path / "binary.csv")
    with pytest.raises(InputError, match="not a directory"):
        load_observations(tmp_path)


def test_select_a_city_and_a_window(tmp_path):
    path = write(tmp_path, *(row(year=str(year), value=str(200 - year % 100)) for year in range(2008, 2020)),
                 row(city="Jixi"))
    observations = load_observations(path)
    rows = select(observations, "fuxin", start=2010, end=2017)
    assert list(rows["year"]) == list(range(2010, 2018)) and set(rows["city"]) == {"Fuxin"}
    assert list(select(observations, "Fuxin", start=2018)["year"]) == [2018, 2019]
    with pytest.raises(InputError, match=r"city: 'Fuxn' — a city of the file: Fuxin, Jixi — did you mean 'Fuxin'"):
        select(observations, "Fuxn", start=2010, end=2017)
    with pytest.raises(InputError, match="years 2030–2035: 'Fuxin' .* its years are 2008–2019"):
        select(observations, "Fuxin", start=2030, end=2035)


def test_the_documented_breaks():
    assert years_across_break("Jixi", "gdp_current") == {2004, 2008, 2013, 2014, 2018}
    assert years_across_break("Fuxin", "gdp_current") == {2004, 2008, 2013, 2014, 2015, 2016, 2018}
    assert years_across_break("Ordos", "gdp_current") >= {2016, 2017, 2018, 2019}
    assert years_across_break("Jiaozuo", "gdp_current") >= {2019, 2020}
    assert years_across_break("Huaibei", "gdp_current") == {2004, 2008, 2013, 2018}
    assert years_across_break("Datong", "employment_urban_units") == {2013, 2018}
    assert years_across_break("Fuxin", "pop_registered") == set()
    assert years_across_break("Fuxin", "gdp_growth") == set()  # growth rates are comparable across revisions
    assert years_across_break("Jixi", "secondary_share_gdp") == {2013, 2014}  # the city's revision moved the share
    assert years_across_break("Fuxin", "secondary_share_gdp") == {2014, 2015, 2016}
    assert years_across_break("Xuzhou", "secondary_share_gdp") == set()  # an economic census revises levels only
    assert years_across_break("Huaibei", "secondary_share_gdp") == {2018, 2019}  # but Anhui's structure broke
    assert all(item.first_year <= item.last_year and item.note for item in STATISTICAL_BREAKS)
