"""The validation page of a city and the combined index (restrans.sim.history.validation_report)."""
from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from restrans.sim.engine.output_folder import OutputFault
from restrans.sim.history.observations import STATISTICAL_BREAKS, Break
from restrans.sim.history.statistics import statistics_table
from restrans.sim.history.validation_report import (TARGETS, render_validation_html, target_status,
                                                    write_validation_html, write_validation_index)
from restrans.sim.scenario.errors import InputError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
INDICATORS = ("pop_registered", "gdp_real_index", "secondary_share_gdp")


def validation_frame(city: str = "Fuxin", error: float = 0.02) -> pd.DataFrame:
    """Three indicators 2010–2021, simulated off by ``error`` (a fraction); fit until 2017."""
    rows = []
    for number, indicator in enumerate(INDICATORS):
        for year in range(2010, 2022):
            observed = 100.0 + 5 * number + 0.5 * (year - 2010)
            simulated = observed * (1 + error * (-1) ** year)
            rows.append((city, indicator, year, observed, simulated, "fit" if year <= 2017 else "holdout"))
    return pd.DataFrame(rows, columns=["city", "indicator", "year", "observed", "simulated", "sample"])


PARAMETERS = [
    {"name": "out_migration_sensitivity", "unit": "1/yr", "prior": 0.5, "lower": 0.1, "upper": 0.9, "value": 0.62,
     "standard_error": 0.05, "source": "Fuxin 2010–2017"},
    {"name": "successor_growth", "unit": "1/yr", "prior": 0.04, "lower": 0.0, "upper": 0.1, "value": 0.1,
     "standard_error": float("nan"), "source": "judgement"},
]


class Links(HTMLParser):
    """Every href and every embedded PNG of a page."""

    def __init__(self):
        super().__init__()
        self.links, self.images = [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a":
            self.links.append(attributes["href"])
        if tag == "img":
            self.images.append(attributes["src"])


def parsed(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def write_page(path: Path, city: str = "Fuxin", language: str = "en", **changes) -> Path:
    validation = changes.pop("validation", validation_frame(city))
    statistics = changes.pop("statistics") if "statistics" in changes else statistics_table(validation)
    arguments = dict(city=city, validation=validation, statistics=statistics, parameters=PARAMETERS,
                     breaks=STATISTICAL_BREAKS, fit_until=2017, language=language)
    arguments.update(changes)
    return write_validation_html(path, **arguments)


def test_the_page_has_one_figure_per_indicator_and_the_tables(tmp_path):
    path = write_page(tmp_path / "fuxin" / "validation.html")
    page = path.read_text(encoding="utf-8")
    images = parsed(path).images
    assert len(images) == len(INDICATORS)
    for source in images:
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1])[:8] == PNG_SIGNATURE
    assert "<script" not in page and "http" not in page.split("<body>")[1]  # self-contained: no link out
    assert page.count("<table>") == 2  # statistics, parameters
    assert "out_migration_sensitivity" in page and "0.6200 ± 0.0500" in page and "+15.0 %" in page
    assert "0.1000 ± — (at a bound)" in page  # successor_growth at its upper bound, no standard error
    assert "registered (hukou) population" in page and "MAPE (%)" in page
    # the breaks concern GDP at current prices and the share a city's revision moved, not the real GDP index
    # built from growth rates nor the hukou series
    assert "economic census" not in page and page.count("break in these years.</figcaption>") == 2
    assert "(secondary_share_gdp). Statistical breaks: [1] 2014–2016: Liaoning" in page
    assert not list(tmp_path.glob("fuxin/.*"))  # no temporary file left behind


def test_breaks_follow_the_city_and_indicator(tmp_path):
    validation = validation_frame("Jixi").replace({"indicator": {"gdp_real_index": "gdp_current"}})
    page = render_validation_html(city="Jixi", validation=validation, statistics=statistics_table(validation),
                                  parameters=[], breaks=STATISTICAL_BREAKS, fit_until=2017)
    assert "Heilongjiang GDP revision" in page and "Liaoning" not in page
    assert "[1] 2013–2014: Heilongjiang" in page and "[2] 2013: economic census 2013" in page
    assert "[3] 2018: economic census 2018" in page
    assert "economic census 2008" not in page  # 2004 and 2008 lie before the years shown
    assert page.count("No documented statistical break in these years.</figcaption>") == 1  # population
    assert "(secondary_share_gdp). Statistical breaks: [1] 2013–2014: Heilongjiang" in page  # not the censuses
    assert "No parameter was fitted." in page


def test_a_page_in_chinese(tmp_path):
    page = write_page(tmp_path / "validation.html", language="zh").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in page and "历史检验：Fuxin" in page and "户籍人口" in page


def test_bad_city_and_data_are_refused(tmp_path):
    with pytest.raises(ValueError, match="no row of 'Hegang'; its cities: Fuxin"):
        write_page(tmp_path / "validation.html", city="Hegang", validation=validation_frame("Fuxin"))
    with pytest.raises(ValueError, match="lacks column.*observed"):
        write_page(tmp_path / "validation.html", validation=validation_frame().drop(columns="observed"),
                   statistics=pd.DataFrame())
    with pytest.raises(ValueError, match="lacks standard_error"):
        write_page(tmp_path / "validation.html", parameters=[{k: v for k, v in PARAMETERS[0].items()
                                                               if k != "standard_error"}])
    with pytest.raises(InputError, match="fr"):
        write_page(tmp_path / "validation.html", language="fr")
    (tmp_path / "taken").mkdir()
    with pytest.raises(OutputFault, match="cannot write"):
        write_page(tmp_path / "taken")
    assert not (tmp_path / "validation.html").exists()


def test_missing_simulated_years_leave_a_gap_not_an_error(tmp_path):
    validation = validation_frame()
    validation.loc[validation["year"] == 2015, "simulated"] = np.nan
    statistics = statistics_table(validation.dropna())
    path = write_page(tmp_path / "validation.html", validation=validation, statistics=statistics)
    assert len(parsed(path).images) == len(INDICATORS)


def test_target_status_against_the_thresholds():
    population, real_gdp, share = TARGETS
    assert target_status(population, "fit", {"mape": 2.9}) == ("met", "2.90 ≤ 3")
    assert target_status(population, "holdout", {"mape": 5.01})[0] == "missed"
    assert target_status(real_gdp, "holdout", {"mape": 14.0})[0] == "met"
    assert target_status(share, "fit", {"max_abs_error": 9.0}) == ("", "")  # no fit target for the share
    assert target_status(share, "holdout", {"max_abs_error": 5.5})[0] == "missed"
    assert target_status(share, "holdout", None)[0] == "no_data"


def test_the_index_links_every_city_page_and_marks_targets(tmp_path):
    summaries = []
    for city, error in (("Fuxin", 0.02), ("Jixi", 0.2)):
        validation = validation_frame(city, error)
        write_page(tmp_path / city.lower() / "validation.html", city=city, validation=validation)
        summaries.append({"city": city, "type": "declining", "report": f"{city.lower()}/validation.html",
                          "statistics": statistics_table(validation)})
    index = write_validation_index(tmp_path / "index.html", summaries)
    links = parsed(index).links
    assert links and all((index.parent / link).is_file() for link in links)
    assert {link for link in links} == {"fuxin/validation.html", "jixi/validation.html"}
    page = index.read_text(encoding="utf-8")
    # Fuxin is off by 2 %: population and real GDP met in both samples, the share's holdout error 2.4 points met;
    # Jixi is off by 20 %: all five missed.
    assert "Targets met: 5 of 10." in page
    rows = re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>")[1])
    assert len(rows) == 2 * len(INDICATORS)
    fuxin_population = next(row for row in rows if "fuxin/" in row and "registered (hukou)" in row)
    assert "2.00" in fuxin_population and 'class="met"' in fuxin_population  # MAPE 2 % (tolerance: 2 decimals)


def test_the_index_refuses_bad_summaries(tmp_path):
    statistics = statistics_table(validation_frame())
    with pytest.raises(ValueError, match="not a relative link"):
        write_validation_index(tmp_path / "index.html", [{"city": "Fuxin", "type": "declining",
                                                          "report": "/tmp/fuxin.html", "statistics": statistics}])
    with pytest.raises(ValueError, match="lacks report"):
        write_validation_index(tmp_path / "index.html", [{"city": "Fuxin", "type": "declining",
                                                          "statistics": statistics}])
    assert not (tmp_path / "index.html").exists()


def test_a_break_outside_the_years_shown_is_not_drawn():
    validation = validation_frame().replace({"indicator": {"gdp_real_index": "gdp_current"}})
    early = (Break("Fuxin", ("gdp_current",), 1995, 1996, "an early revision"),)
    page = render_validation_html(city="Fuxin", validation=validation, statistics=statistics_table(validation),
                                  parameters=PARAMETERS, breaks=early, fit_until=2017)
    assert "an early revision" not in page


def test_a_two_year_series_is_drawn_on_whole_years(monkeypatch):
    """Ordos's coal output has two points (2016, 2017): every year tick of its figure is a whole year."""
    from restrans.sim.history import validation_report

    drawn = []
    monkeypatch.setattr(validation_report, "figure_bytes", lambda figure: drawn.append(figure) or b"")
    rows = pd.DataFrame({"city": "Ordos", "indicator": "coal_output_raw", "year": [2016, 2017],
                         "observed": [54000.0, 62770.72], "simulated": [48000.0, 50300.0], "sample": "fit"})
    validation_report.indicator_figure(rows, "Ordos", "coal_output_raw", (), 2017)
    ticks = drawn[0].axes[0].get_xticks()
    assert len(ticks) >= 2 and np.all(ticks == np.round(ticks))
