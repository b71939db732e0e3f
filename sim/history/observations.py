"""Observed series of real cities: reading a history data file, and the documented statistical breaks.

A history data file has the columns of the shipped ``series.csv`` (:data:`COLUMNS`): one row per
published number, ``city, indicator, unit, year, value, source_url, tag, note``. Tags (:data:`TAGS`):
**S** official or two agreeing sources, **M** one secondary source, **U** uncertain (never a
calibration target unless asked for). Other columns are ignored.

Reading (:func:`load_observations`):

- indicators not in :data:`KNOWN_INDICATORS` are reported (``Observations.unknown_indicators``) and
  dropped; a known indicator must carry its known unit;
- rows tagged U are dropped unless ``include_uncertain`` (their count is ``excluded_uncertain``);
- **several rows for one city, indicator and year** (the data keep both rows when two sources agree,
  and sometimes a second, disagreeing one) become one row holding **their mean**; its ``source_url``
  and ``note`` join the rows' (``" | "``), its tag is the weakest of theirs (U before M before S),
  and the merge is recorded in ``Observations.merged`` as (city, indicator, year, values).

Every problem with the file is an :class:`~restrans.sim.scenario.errors.InputError` (one line, exit
code 2 on the command line).
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from restrans.sim.scenario.errors import InputError, did_you_mean, read_text_file
from restrans.sim.scenario.regions import REGIONS_DIRECTORY

COLUMNS: tuple[str, ...] = ("city", "indicator", "unit", "year", "value", "source_url", "tag", "note")
"""The columns a history data file must have, in the order of the table read."""

REAL_GDP_INDICATOR = "gdp_real_index"
"""The name under which a validation table gives real GDP (an index built from ``gdp_growth``)."""

INDICATOR_NAMES: dict[str, dict[str, str]] = {
    "pop_registered": {"en": "registered (hukou) population", "zh": "户籍人口"},
    "pop_resident": {"en": "resident population", "zh": "常住人口"},
    "pop_resident_census": {"en": "resident population (census)", "zh": "常住人口（普查）"},
    "pop_urban_census": {"en": "urban population (census)", "zh": "城镇人口（普查）"},
    "share_age65plus_census": {"en": "share aged 65+ (census)", "zh": "65 岁及以上人口比重（普查）"},
    "gdp_current": {"en": "GDP at current prices", "zh": "地区生产总值（当年价）"},
    "gdp_growth": {"en": "real GDP growth", "zh": "实际 GDP 增长率"},
    REAL_GDP_INDICATOR: {"en": "real GDP (index)", "zh": "实际 GDP（指数）"},
    "secondary_share_gdp": {"en": "secondary industry share of GDP", "zh": "第二产业占 GDP 比重"},
    "coal_output_raw": {"en": "raw coal output", "zh": "原煤产量"},
    "employment_urban_units": {"en": "employees of urban units", "zh": "城镇单位从业人员"},
    "unemployment_registered": {"en": "registered unemployment rate", "zh": "城镇登记失业率"},
}
"""Plain names of the indicators; an indicator not listed is shown by its identifier."""

TAGS: tuple[str, ...] = ("S", "M", "U")
"""Data-quality tags from strongest to weakest: official (S), one secondary source (M), uncertain (U)."""

KNOWN_INDICATORS: dict[str, str] = {
    "pop_registered": "10k persons",
    "pop_resident": "10k persons",
    "pop_resident_census": "10k persons",
    "pop_urban_census": "10k persons",
    "share_age65plus_census": "%",
    "gdp_current": "100m CNY",
    "gdp_growth": "%",
    "secondary_share_gdp": "%",
    "primary_share_gdp": "%",
    "average_wage_urban_units": "CNY",
    "employment_urban_units": "10k persons",
    "unemployment_registered": "%",
    "crude_birth_rate": "per mille",
    "coal_output_raw": "10k t",
}
"""Indicator -> the unit (as written in ``series.csv``) in which the model's output is compared with it or a
city's start state is built from it.

Year-end registered (hukou) population, resident population (yearly estimates and the 2010/2020
censuses), census urban population and share aged 65+, GDP at current prices, real GDP growth, the
secondary and primary industries' shares of GDP, the average wage of urban units, employees of urban units,
the registered unemployment rate, the crude birth rate of residents (of a city or a province: the
level of its birth rate, :mod:`restrans.sim.history.fertility`), and raw coal output (the start year's
sizes a city's mines, :mod:`restrans.sim.history.secondary_sector`; later years are compared with their
extraction)."""

UNIT_CONVERSIONS: dict[tuple[str, str], float] = {("coal_output_raw", "100m t"): 1e4}
"""Other units accepted for a known indicator: (indicator, unit) -> the factor to its unit of
:data:`KNOWN_INDICATORS` (亿吨 = 10,000 x 万吨); the value is converted when read."""

HISTORY_FILE: Path = REGIONS_DIRECTORY.parent / "data" / "history.csv"
"""The shipped history file (``model/data/history.csv``) the generators of the presets read."""

FIRST_YEAR, LAST_YEAR = 1949, 2100
"""Years outside this span are refused as typing mistakes."""


@dataclass(frozen=True)
class Break:
    """A documented statistical break: levels of ``indicators`` are not comparable across it.

    Attributes
    ----------
    city : str
        The city it applies to, or ``"*"`` for every city (a national change of method).
    indicators : tuple of str
        The indicators whose levels break.
    first_year, last_year : int
        The last year on the old basis and the first year on the new one (equal for a change that
        revises a single year, such as an economic census); the years from ``first_year`` to
        ``last_year`` inclusive are the years across the break.
    note : str
        What happened, from the README of the history data or with its sources.
    """

    city: str
    indicators: tuple[str, ...]
    first_year: int
    last_year: int
    note: str

    def applies(self, city: str, indicator: str) -> bool:
        """Whether the break concerns ``indicator`` of ``city``."""
        return self.city in ("*", city) and indicator in self.indicators

    @property
    def years(self) -> set[int]:
        """The years across the break: ``first_year`` to ``last_year``, both included."""
        return set(range(self.first_year, self.last_year + 1))


_GDP = ("gdp_current", "secondary_share_gdp")
"""What a city's revision of its GDP accounts breaks: the level, and the secondary share computed from it. The
revisions fell on industry (value added of the secondary sector, and of the rest of GDP, over the break, from
the history data): Heilongjiang 2013→2014, Hegang −43 % and +0.8 %, Jixi −30 % and +3 %, Yichun −35 % and +2 %;
Fuxin 2014→2016, −59 % and −11 %."""
_CENSUS = ("gdp_current",)
"""What an economic census breaks in every city: the level of GDP. Its documented effect is on levels; the
share keeps one span across it (2013→2014 the shares of Datong, Fuxin, Huaibei, Xuzhou and Yangquan moved by
−1.6 to −3.8 points, within the series' yearly moves; 2018→2019 −3.2 to +0.7 outside Anhui). Anhui published
its 2019 accounts on the basis of the 2018 census and its 2018 structure on the old one (:data:`_ANHUI_2018`)."""
_ANHUI_2018 = ("Anhui's accounts revised with the fourth economic census between the 2018 and 2019 figures: "
               "secondary share 46.1 % in 2018 (preliminary, GDP 3.0 trillion CNY, "
               "https://govt.chinadaily.com.cn/s/201908/05/WS5d478a3a498ebcb190578059/anhui-sees-stable-economic-growth-in-2018.html) "
               "and 41.3 % in 2019 (1,533.79 of 3,711.4 bn CNY, http://english.ah.gov.cn/Business/AboutInvestingAnhui/553934921.html) "
               "while the secondary sector grew 8.0 % in real terms against GDP's 7.5 % and GDP 24 % at current prices: "
               "a change of basis (the national revision of 2018: NBS, 22 Nov 2019, secondary share 40.7 → 39.7 %); "
               "Huaibei's share fell 12.1 points across it while the rest of its GDP grew 39 % at current prices")
"""Note of the break of Anhui's industrial structure 2018→2019 (its one city in the data: Huaibei)."""
STATISTICAL_BREAKS: tuple[Break, ...] = (
    *(Break(city, _GDP, 2013, 2014, "Heilongjiang GDP revision 2013→2014 (levels −10 to −25 %)")
      for city in ("Jixi", "Hegang", "Yichun")),
    Break("Fuxin", _GDP, 2014, 2016, "Liaoning's correction of inflated GDP data, 2014→2016"),
    Break("Ordos", _GDP, 2016, 2019, "Ordos GDP revision 2016→2019 (economic census, unified accounting)"),
    Break("Jiaozuo", _GDP, 2019, 2020, "unified regional GDP accounting 2019→2020"),
    Break("Huaibei", ("secondary_share_gdp",), 2018, 2019, _ANHUI_2018),
    *(Break("*", _CENSUS, year, year, f"economic census {year}: GDP level revised")
      for year in (2004, 2008, 2013, 2018)),
    *(Break("*", ("employment_urban_units",), year, year, f"urban-unit employment level shift {year}")
      for year in (2013, 2018)),
    Break("*", ("urban_disposable_income",), 2013, 2013, "urban income definition changed in 2013"),
)
"""The breaks documented in the README of the history data (``Read before fitting``), and Anhui's 2018→2019
break of structure, sourced in its note."""


def years_across_break(city: str, indicator: str, breaks: tuple[Break, ...] = STATISTICAL_BREAKS) -> set[int]:
    """The years to skip when comparing levels of ``indicator`` of ``city`` (every break's :attr:`Break.years`).

    Skipping them removes the numbers at a break, not the shift itself: levels on either side of a
    break still differ in basis, so fit growth rates or levels within one unbroken span.
    """
    return {year for item in breaks if item.applies(city, indicator) for year in item.years}


@dataclass(frozen=True, eq=False)
class Observations:
    """A history data file as read by :func:`load_observations`.

    Attributes
    ----------
    table : pandas.DataFrame
        The :data:`COLUMNS`; ``year`` int, ``value`` float (in the indicator's unit of
        :data:`KNOWN_INDICATORS`), one row per city, indicator and year, sorted by them.
    unknown_indicators : tuple of str
        Indicators of the file that are not known (sorted): reported, then ignored.
    excluded_uncertain : int
        Rows of known indicators tagged U that were dropped (0 when ``include_uncertain``).
    merged : tuple
        (city, indicator, year, values) of every city, indicator and year given by several rows,
        now one row holding the mean of ``values``.
    file : str
        The file as named in errors.
    """

    table: pd.DataFrame
    unknown_indicators: tuple[str, ...]
    excluded_uncertain: int
    merged: tuple[tuple[str, str, int, tuple[float, ...]], ...]
    file: str

    @property
    def cities(self) -> tuple[str, ...]:
        """The cities (and national or provincial rows) with at least one known observation, sorted."""
        return tuple(sorted(self.table["city"].unique()))


def _read_text(path: Path, display: str) -> str:
    return read_text_file(path, display, "UTF-8 text (a CSV file)")


def _records(text: str, display: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of every data row; the header names the columns."""
    allowed = f"a CSV file with the header {','.join(COLUMNS)} and one row per number"
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise InputError(display, "(file)", "", f"{allowed}; the file is empty") from None
    except csv.Error as error:
        raise InputError(display, "line 1", str(error), allowed) from None
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise InputError(display, "line 1 (header)", ",".join(header)[:80],
                         f"{allowed}; missing column(s): {', '.join(missing)}")
    records, line = [], 1
    try:
        for fields in reader:
            start, line = line + 1, reader.line_num
            if not any(field.strip() for field in fields):
                continue
            if len(fields) != len(header):
                raise InputError(display, f"line {start}", f"{len(fields)} fields",
                                 f"{len(header)} fields like the header (quote a field holding a comma)")
            records.append((start, {name: field.strip() for name, field in zip(header, fields)}))
    except csv.Error as error:
        raise InputError(display, f"line {line + 1}", str(error), allowed) from None
    if not records:
        raise InputError(display, "(file)", "header only", f"{allowed}; the file has no data rows")
    return records


def _number(text: str, display: str, line: int, column: str) -> float:
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise InputError(display, f"line {line}, column {column}", text,
                         "a finite number with a decimal point, e.g. 192.68 (no thousands separators or units)")
    return number


def _checked_row(line: int, row: dict[str, str], display: str) -> dict:
    """The row with ``year`` and ``value`` as numbers, its names, tag and unit checked."""
    if not row["city"] or not row["indicator"]:
        column = "city" if not row["city"] else "indicator"
        raise InputError(display, f"line {line}, column {column}", "", f"a {column} name")
    year = _number(row["year"], display, line, "year")
    if year != int(year) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(display, f"line {line}, column year", row["year"],
                         f"a whole year between {FIRST_YEAR} and {LAST_YEAR}")
    value = _number(row["value"], display, line, "value")
    if row["tag"] not in TAGS:
        raise InputError(display, f"line {line}, column tag", row["tag"],
                         "S (official), M (one secondary source) or U (uncertain)")
    known_unit = KNOWN_INDICATORS.get(row["indicator"])
    factor = UNIT_CONVERSIONS.get((row["indicator"], row["unit"]), 1.0)
    if known_unit is not None and row["unit"] != known_unit and factor == 1.0:
        others = "".join(f" or '{unit}'" for indicator, unit in UNIT_CONVERSIONS if indicator == row["indicator"])
        raise InputError(display, f"line {line}, column unit", row["unit"],
                         f"'{known_unit}'{others}, the unit of {row['indicator']} (convert the value)")
    unit = row["unit"] if known_unit is None else known_unit
    return {**{name: row[name] for name in COLUMNS}, "year": int(year), "value": value * factor, "unit": unit}


def _merge_duplicates(table: pd.DataFrame) -> tuple[pd.DataFrame, tuple]:
    """One row per city, indicator and year: several rows become their mean (see the module docstring)."""
    keys = ["city", "indicator", "year"]
    counts = table.groupby(keys)["value"].transform("size")
    single, several = table[counts == 1], table[counts > 1]
    merged_rows, merged = [], []
    for (city, indicator, year), group in several.groupby(keys, sort=True):
        values = tuple(float(value) for value in group["value"])
        merged.append((city, indicator, int(year), values))
        weakest = max(group["tag"], key=TAGS.index)
        merged_rows.append({"city": city, "indicator": indicator, "unit": group["unit"].iloc[0], "year": int(year),
                            "value": sum(values) / len(values), "source_url": " | ".join(group["source_url"]),
                            "tag": weakest, "note": f"mean of {len(values)} rows: " + " | ".join(group["note"])})
    table = pd.concat([single, pd.DataFrame(merged_rows, columns=list(COLUMNS))], ignore_index=True)
    return table, tuple(merged)


def load_observations(path: str | Path, *, include_uncertain: bool = False,
                      display: str | None = None) -> Observations:
    """Read a history data file (the columns of ``series.csv``; any subset of cities and indicators).

    Parameters
    ----------
    path : str or Path
        The CSV file.
    include_uncertain : bool
        Keep rows tagged U (by default they are dropped and counted).
    display : str, optional
        How to name the file in errors (default: ``str(path)``).

    Returns
    -------
    Observations
        The known indicators' rows, one per city, indicator and year; values in the units of
        :data:`KNOWN_INDICATORS`.

    Raises
    ------
    restrans.sim.scenario.errors.InputError
        Missing or unreadable file, not UTF-8, empty or header only, missing columns (named), a row
        with too many or too few fields, a non-numeric or non-finite value or year (named by line and
        column), a tag other than S, M or U, a known indicator in another unit.
    """
    display = str(path) if display is None else display
    records = _records(_read_text(Path(path), display), display)
    rows = [_checked_row(line, row, display) for line, row in records]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    unknown = tuple(sorted(set(table["indicator"]) - set(KNOWN_INDICATORS)))
    table = table[table["indicator"].isin(list(KNOWN_INDICATORS))]
    uncertain = table["tag"] == "U"
    excluded = 0 if include_uncertain else int(uncertain.sum())
    if not include_uncertain:
        table = table[~uncertain]
    table, merged = _merge_duplicates(table)
    table = table.astype({"year": "int64", "value": "float64"})
    table = table.sort_values(["city", "indicator", "year"], kind="stable").reset_index(drop=True)
    return Observations(table=table, unknown_indicators=unknown, excluded_uncertain=excluded, merged=merged,
                        file=display)


def select(observations: Observations, city: str, *, start: int | None = None,
           end: int | None = None) -> pd.DataFrame:
    """The rows of ``city`` with ``start <= year <= end`` (either bound may be None: open).

    ``city`` matches regardless of letter case (``fuxin`` is ``Fuxin``).

    Raises
    ------
    restrans.sim.scenario.errors.InputError
        The city has no known observation in the file (the error names the cities that have), or no
        row of the city falls in the window (the error gives the city's years).
    """
    cities = observations.cities
    matches = [name for name in cities if name.lower() == str(city).strip().lower()]
    if not matches:
        raise InputError(observations.file, "city", city, f"a city of the file: {', '.join(cities) or '(none)'}",
                         did_you_mean(city, cities))
    rows = observations.table[observations.table["city"] == matches[0]]
    inside = rows["year"].between(-math.inf if start is None else start, math.inf if end is None else end)
    if not inside.any():
        window = f"{'…' if start is None else start}–{'…' if end is None else end}"
        raise InputError(observations.file, f"years {window}", matches[0],
                         f"a window holding observations of {matches[0]}; its years are "
                         f"{rows['year'].min()}–{rows['year'].max()}")
    return rows[inside].reset_index(drop=True)
