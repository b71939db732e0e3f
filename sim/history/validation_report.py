"""The validation report: one self-contained page per city (``validation.html``) and the combined index.

A city's page shows, per indicator, the observations as points (filled circles in the fit window, open
squares held out), the simulation as a line, a dashed line where the fit window ends and the documented
statistical breaks shaded and numbered (their notes under the figure); then Sterman's statistics
(:mod:`restrans.sim.history.statistics`) and the fitted parameters against their priors. The index
(``outputs/validation/index.html``) tabulates city × indicator × (fit, holdout) MAPE, links every city's
page and marks the targets of :data:`TARGETS` met or missed.

Figures are base64 PNG images inside the page (the helpers of :mod:`restrans.sim.report.report_html`,
fonts from :mod:`restrans.sim.report.fonts`); every page is written atomically
(:func:`restrans.sim.engine.output_folder.write_file`).
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Mapping, Sequence
from urllib.parse import urlparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
import pandas as pd  # noqa: E402

from restrans.sim.engine.output_folder import write_file
from restrans.sim.history.observations import INDICATOR_NAMES, KNOWN_INDICATORS, REAL_GDP_INDICATOR, Break
from restrans.sim.history.statistics import check_validation
from restrans.sim.report.fonts import figure_fonts
from restrans.sim.report.plots import figure_bytes
from restrans.sim.report.report_html import CSS, image, table
from restrans.sim.report.translations import check_language


@dataclass(frozen=True)
class Target:
    """A target of issue 10: ``statistic`` of each of ``indicators`` at most ``fit`` / ``holdout`` (None: no target).

    Thresholds in percent for ``mape``, in the indicator's unit for ``max_abs_error``."""

    name: str
    indicators: tuple[str, ...]
    statistic: str
    fit: float | None
    holdout: float | None


TARGETS: tuple[Target, ...] = (
    Target("population", ("pop_registered", "pop_resident", "pop_resident_census"), "mape", 3.0, 5.0),
    Target("real_gdp", (REAL_GDP_INDICATOR,), "mape", 10.0, 15.0),
    Target("secondary_share", ("secondary_share_gdp",), "max_abs_error", None, 5.0),
)
"""Population MAPE ≤ 3 % (fit) and ≤ 5 % (holdout); real GDP MAPE ≤ 10 % and ≤ 15 %; secondary share
within 5 percentage points in every held-out year."""

PARAMETER_KEYS: tuple[str, ...] = ("name", "unit", "prior", "lower", "upper", "value", "standard_error", "source")
"""The keys of each fitted parameter given to :func:`write_validation_html`."""

WORDS: dict[str, dict[str, str]] = {
    "en": {"title": "Validation: {city}", "intro": "Fitted on the years up to {fit_until}; later years are held "
           "out. Points are observations (filled: fit, open: holdout), the line is the simulation.",
           "observed_fit": "observed (fit)", "observed_holdout": "observed (holdout)", "simulated": "simulated",
           "fit_end": "end of fit window ({fit_until})", "break": "statistical break", "year": "year",
           "breaks": "Statistical breaks: ", "no_breaks": "No documented statistical break in these years.",
           "figures": "Observed and simulated", "statistics": "Fit statistics (Sterman 1984)",
           "statistics_help": "MAPE and RMSPE in percent of the observed value; R² the squared correlation; U "
           "Theil's inequality coefficient; U^M, U^S, U^C the shares of the mean square error due to bias, "
           "unequal variation and unequal covariation (sum 1).", "parameters": "Fitted parameters",
           "parameters_help": "Fitted value ± standard error against the prior and the plausible range; the shift "
           "is the distance from the prior in percent of the range.", "no_parameters": "No parameter was fitted.",
           "indicator": "indicator", "sample": "sample", "max_abs_error": "max |error|", "parameter": "parameter",
           "unit": "unit", "prior": "prior", "range": "plausible range", "value": "fitted ± s.e.",
           "shift": "shift from prior", "source": "source", "at_bound": "at a bound",
           "index_title": "Validation of restrans against real cities", "city": "city", "type": "type",
           "fit_mape": "fit MAPE (%)", "holdout_mape": "holdout MAPE (%)", "holdout_max": "holdout max |error|",
           "target": "target", "fit_target": "fit target", "holdout_target": "holdout target",
           "met": "met", "missed": "missed", "no_data": "no data", "targets_met": "Targets met: {met} of {total}.",
           "index_intro": "One row per city and indicator; the city links to its page.",
           "targets_help": "Targets: population MAPE ≤ 3 % (fit) and ≤ 5 % (holdout); real GDP MAPE ≤ 10 % "
           "and ≤ 15 %; secondary share within 5 points in the holdout.", "population": "population MAPE",
           "real_gdp": "real GDP MAPE", "secondary_share": "secondary share max |error| (points)",
           "fit": "fit", "holdout": "holdout"},
    "zh": {"title": "历史检验：{city}", "intro": "以 {fit_until} 年及以前的数据拟合，之后的年份留作检验。点为观测值（实心：拟合，"
           "空心：检验），线为模拟值。", "observed_fit": "观测值（拟合）", "observed_holdout": "观测值（检验）",
           "simulated": "模拟值", "fit_end": "拟合期结束（{fit_until}）", "break": "统计口径断点", "year": "年份",
           "breaks": "统计口径断点：", "no_breaks": "这些年份没有已记录的统计口径断点。", "figures": "观测值与模拟值",
           "statistics": "拟合统计量（Sterman 1984）", "statistics_help": "MAPE 和 RMSPE 为观测值的百分比；R² 为相关系数的平方；"
           "U 为泰尔不等系数；U^M、U^S、U^C 为均方误差中偏差、方差不等和协方差不等所占份额（合计为 1）。",
           "parameters": "拟合参数", "parameters_help": "拟合值 ± 标准误，对照先验值和合理范围；偏移为与先验值的距离占范围的百分比。",
           "no_parameters": "未拟合参数。", "indicator": "指标", "sample": "样本", "max_abs_error": "最大绝对误差",
           "parameter": "参数", "unit": "单位", "prior": "先验值", "range": "合理范围", "value": "拟合值 ± 标准误",
           "shift": "偏离先验", "source": "来源", "at_bound": "位于边界", "index_title": "restrans 对真实城市的历史检验",
           "city": "城市", "type": "类型", "fit_mape": "拟合 MAPE（%）", "holdout_mape": "检验 MAPE（%）",
           "holdout_max": "检验最大绝对误差", "target": "目标", "fit_target": "拟合目标", "holdout_target": "检验目标",
           "met": "达到", "missed": "未达到", "no_data": "无数据", "targets_met": "达到目标：{met} / {total}。",
           "index_intro": "每行一个城市和指标；城市名链接到其页面。", "targets_help": "目标：人口 MAPE 拟合 ≤ 3 %、检验 ≤ 5 %；"
           "实际 GDP MAPE ≤ 10 % 和 ≤ 15 %；检验期第二产业比重误差在 5 个百分点以内。", "population": "人口 MAPE",
           "real_gdp": "实际 GDP MAPE", "secondary_share": "第二产业比重最大绝对误差（百分点）", "fit": "拟合",
           "holdout": "检验"},
}
"""Every word of the pages, in English and Chinese."""


OBSERVED_COLOUR, SIMULATED_COLOUR, BREAK_COLOUR = "#222222", "#0072B2", "#E69F00"


def _say(key: str, language: str, **fields) -> str:
    return WORDS[language][key].format(**fields)


def _text(value) -> str:
    return html.escape(str(value))


def indicator_name(indicator: str, language: str = "en") -> str:
    """The plain name of ``indicator`` in ``language`` (its identifier when it has none)."""
    return INDICATOR_NAMES.get(indicator, {}).get(language, indicator)


def number(value, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals; a dash for None or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value):.{digits}f}"


def _years(item: Break) -> str:
    return str(item.first_year) if item.first_year == item.last_year else f"{item.first_year}–{item.last_year}"


def _shown_breaks(breaks: Sequence[Break], city: str, indicator: str, years: pd.Series) -> list[Break]:
    """The breaks of ``indicator`` of ``city`` that overlap the years shown."""
    return [item for item in breaks if item.applies(city, indicator)
            and item.last_year >= years.min() and item.first_year <= years.max()]


def indicator_figure(rows: pd.DataFrame, city: str, indicator: str, shown: Sequence[Break], fit_until: int,
                     language: str = "en") -> bytes:
    """Observed (points) and simulated (line) ``indicator`` of ``city`` as PNG bytes, breaks shaded and numbered.

    ``rows`` are the city's validation rows of the indicator (the line joins their simulated values).
    """
    rows = rows.sort_values("year")
    with figure_fonts(language):
        figure, axis = plt.subplots(figsize=(8, 3.6))
        axis.plot(rows["year"], rows["simulated"], color=SIMULATED_COLOUR, linewidth=1.8,
                  label=_say("simulated", language))
        for sample, marker, face in (("fit", "o", OBSERVED_COLOUR), ("holdout", "s", "none")):
            chosen = rows[rows["sample"] == sample]
            axis.plot(chosen["year"], chosen["observed"], marker=marker, linestyle="none", color=OBSERVED_COLOUR,
                      markerfacecolor=face, label=_say(f"observed_{sample}", language))
        axis.axvline(fit_until + 0.5, color="grey", linestyle="--", linewidth=1.0,
                     label=_say("fit_end", language, fit_until=fit_until))
        for count, item in enumerate(shown, start=1):
            axis.axvspan(item.first_year - 0.5, item.last_year + 0.5, color=BREAK_COLOUR, alpha=0.25, linewidth=0,
                         label=_say("break", language) if count == 1 else None)
            height = 0.97 - 0.08 * ((count - 1) % 3)  # staggered: breaks of neighbouring years stay legible
            axis.text((item.first_year + item.last_year) / 2, height, f"[{count}]", transform=axis.get_xaxis_transform(),
                      ha="center", va="top", fontsize=8)
        unit = KNOWN_INDICATORS.get(indicator, "")
        axis.set_title(f"{city}: {indicator_name(indicator, language)}", fontsize=11)
        axis.set_ylabel(unit)
        axis.set_xlabel(_say("year", language))
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole years, also for a two-year series
        axis.grid(alpha=0.3)
        axis.legend(fontsize=7, loc="best")
        figure.tight_layout()
        return figure_bytes(figure)


def _figures(city: str, validation: pd.DataFrame, breaks: Sequence[Break], fit_until: int, language: str) -> str:
    parts = []
    for indicator, rows in validation.groupby("indicator", sort=True):
        shown = _shown_breaks(breaks, city, indicator, rows["year"])
        notes = " ".join(f"[{count}] {_years(item)}: {item.note}."
                         for count, item in enumerate(shown, start=1))
        caption = f"{indicator_name(indicator, language)} ({indicator}). " + (
            _say("breaks", language) + notes if shown else _say("no_breaks", language))
        parts.append(image(indicator_figure(rows, city, indicator, shown, fit_until, language), caption))
    return "\n".join(parts)


def _statistics(statistics: pd.DataFrame, language: str) -> str:
    header = [_say("indicator", language), _say("sample", language), "n", "MAPE (%)", "RMSPE (%)", "R²", "U",
              "U^M", "U^S", "U^C", _say("max_abs_error", language)]
    rows = [[indicator_name(row.indicator, language), _say(row.sample, language), str(int(row.n)), number(row.mape),
             number(row.rmspe), number(row.r_squared, 3), number(row.theil_u, 4), number(row.bias_share, 3),
             number(row.variance_share, 3), number(row.covariance_share, 3), number(row.max_abs_error, 3)]
            for row in statistics.itertuples(index=False)]
    return table(header, rows, 2)


def _parameter_row(parameter: Mapping, language: str) -> list[str]:
    missing = [key for key in PARAMETER_KEYS if key not in parameter]
    if missing:
        raise ValueError(f"fitted parameter {parameter.get('name', '?')!r} lacks {', '.join(missing)}; "
                         f"each needs {', '.join(PARAMETER_KEYS)}")
    lower, upper, value = float(parameter["lower"]), float(parameter["upper"]), float(parameter["value"])
    width = upper - lower
    shift = 100.0 * (value - float(parameter["prior"])) / width if width > 0 else math.nan
    at_bound = width > 0 and min(value - lower, upper - value) <= 1e-3 * width
    fitted = f"{number(value, 4)} ± {number(parameter['standard_error'], 4)}"
    return [str(parameter["name"]), str(parameter["unit"]), number(parameter["prior"], 4),
            f"{number(lower, 4)} – {number(upper, 4)}",
            fitted + (f" ({_say('at_bound', language)})" if at_bound else ""),
            "—" if math.isnan(shift) else f"{shift:+.1f} %", str(parameter["source"])]


def _parameters(parameters: Sequence[Mapping], language: str) -> str:
    if not parameters:
        return f"<p>{_text(_say('no_parameters', language))}</p>"
    header = [_say(key, language) for key in ("parameter", "unit", "prior", "range", "value", "shift", "source")]
    return table(header, [_parameter_row(parameter, language) for parameter in parameters], 2)


def _page(title: str, body: str, language: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{"zh-Hans" if language == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_text(title)}</title>'
            f"<style>{CSS}</style></head><body>\n{body}\n</body></html>\n")


def _city_rows(city: str, validation: pd.DataFrame) -> pd.DataFrame:
    check_validation(validation)
    rows = validation[validation["city"] == city]
    if rows.empty:
        cities = ", ".join(sorted(map(str, validation["city"].unique()))) or "(none)"
        raise ValueError(f"validation table has no row of {city!r}; its cities: {cities}")
    return rows


def render_validation_html(*, city: str, validation: pd.DataFrame, statistics: pd.DataFrame,
                           parameters: Sequence[Mapping], breaks: Sequence[Break], fit_until: int,
                           language: str = "en") -> str:
    """The page of one city as HTML text (see :func:`write_validation_html`)."""
    check_language(language)
    rows = _city_rows(city, validation)
    own = statistics[statistics["city"] == city] if "city" in statistics.columns else statistics
    title = _say("title", language, city=city)
    body = "\n".join([
        f"<h1>{_text(title)}</h1>", f"<p>{_text(_say('intro', language, fit_until=fit_until))}</p>",
        f"<h2>{_text(_say('figures', language))}</h2>", _figures(city, rows, breaks, fit_until, language),
        f"<h2>{_text(_say('statistics', language))}</h2>", f"<p>{_text(_say('statistics_help', language))}</p>",
        _statistics(own, language), f"<h2>{_text(_say('parameters', language))}</h2>",
        f"<p>{_text(_say('parameters_help', language))}</p>", _parameters(parameters, language)])
    return _page(title, body, language)


def write_validation_html(path: str | Path, *, city: str, validation: pd.DataFrame, statistics: pd.DataFrame,
                          parameters: Sequence[Mapping], breaks: Sequence[Break], fit_until: int,
                          language: str = "en") -> Path:
    """Write the self-contained validation page of ``city`` to ``path`` (atomically); returns the path.

    Parameters
    ----------
    path : str or Path
        The page, e.g. ``outputs/calibrate/fuxin/validation.html``.
    city : str
        The city, as in the ``city`` column of ``validation``.
    validation : pandas.DataFrame
        ``city, indicator, year, observed, simulated, sample`` (observed and simulated in the unit of
        :data:`~restrans.sim.history.observations.KNOWN_INDICATORS`; ``sample`` ``fit`` or ``holdout``);
        one figure per indicator of the city.
    statistics : pandas.DataFrame
        :func:`restrans.sim.history.statistics.statistics_table` of it (other cities' rows are left out).
    parameters : sequence of mapping
        The fitted parameters, each with :data:`PARAMETER_KEYS` (value, prior, lower, upper and
        standard error in the parameter's unit; a standard error may be None or NaN).
    breaks : sequence of Break
        Statistical breaks (usually :data:`~restrans.sim.history.observations.STATISTICAL_BREAKS`); those of
        the city and indicator within the years shown are shaded.
    fit_until : int
        The last year of the fit window (year).
    language : str
        ``en`` or ``zh``.

    Raises
    ------
    ValueError
        Not a validation table, no row of ``city``, or a parameter lacking a key.
    restrans.sim.scenario.errors.InputError
        ``language`` is not a known language.
    restrans.sim.report.fonts.FontMissing
        Chinese without the declared CJK font.
    restrans.sim.engine.output_folder.OutputFault
        Writing failed; a previous page is unchanged.
    """
    text = render_validation_html(city=city, validation=validation, statistics=statistics, parameters=parameters,
                                  breaks=breaks, fit_until=fit_until, language=language)
    write_file(Path(path), text.encode("utf-8"))
    return Path(path)


def target_status(target: Target, sample: str, row: Mapping | None) -> tuple[str, str]:
    """(``met``, ``missed`` or ``no_data``; the value against the threshold) of ``target`` in ``sample``."""
    threshold = target.fit if sample == "fit" else target.holdout
    if threshold is None:
        return "", ""
    value = None if row is None else row.get(target.statistic)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no_data", f"≤ {threshold:g}"
    return ("met" if value <= threshold else "missed"), f"{value:.2f} ≤ {threshold:g}"


def _target_cell(target: Target | None, sample: str, row: Mapping | None, language: str):
    if target is None:
        return ("—", "na")
    status, detail = target_status(target, sample, row)
    if not status:
        return ("—", "na")
    css = {"met": "met", "missed": "missed"}.get(status, "na")
    return (f"{_text(_say(status, language))}<small>{_text(detail)}</small>", css)


def _check_summary(summary: Mapping) -> None:
    missing = [key for key in ("city", "type", "report", "statistics") if key not in summary]
    if missing:
        raise ValueError(f"summary {summary.get('city', '?')!r} lacks {', '.join(missing)}")
    link = urlparse(str(summary["report"]))
    if link.scheme or link.netloc or PurePosixPath(link.path).is_absolute():
        raise ValueError(f"summary {summary['city']!r}: report {summary['report']!r} is not a relative link")


def index_rows(summaries: Sequence[Mapping], language: str = "en") -> tuple[list[list], int, int]:
    """The index table's rows and the counts (targets met, targets with data) over every city."""
    targets = {indicator: target for target in TARGETS for indicator in target.indicators}
    rows, met, total = [], 0, 0
    for summary in summaries:
        _check_summary(summary)
        statistics = summary["statistics"]
        for indicator, group in statistics.groupby("indicator", sort=True):
            by_sample = {row["sample"]: row for row in group.to_dict("records")}
            target = targets.get(indicator)
            cells = [_target_cell(target, sample, by_sample.get(sample), language) for sample in ("fit", "holdout")]
            met += sum(css == "met" for _, css in cells)
            total += sum(css in ("met", "missed") for _, css in cells)
            link = f'<a href="{_text(summary["report"])}">{_text(summary["city"])}</a>'
            rows.append([(link, "text"), str(summary["type"]), indicator_name(indicator, language),
                         number(by_sample.get("fit", {}).get("mape")), number(by_sample.get("holdout", {}).get("mape")),
                         number(by_sample.get("holdout", {}).get("max_abs_error"), 3), *cells])
    return rows, met, total


def render_validation_index(summaries: Sequence[Mapping], language: str = "en") -> str:
    """The combined validation page as HTML text (see :func:`write_validation_index`)."""
    check_language(language)
    rows, met, total = index_rows(summaries, language)
    header = [_say(key, language) for key in ("city", "type", "indicator", "fit_mape", "holdout_mape", "holdout_max",
                                              "fit_target", "holdout_target")]
    title = _say("index_title", language)
    body = "\n".join([f"<h1>{_text(title)}</h1>", f"<p>{_text(_say('index_intro', language))}</p>",
                      f"<p>{_text(_say('targets_help', language))}</p>",
                      f"<p><strong>{_text(_say('targets_met', language, met=met, total=total))}</strong></p>",
                      table(header, rows, 3)])
    return _page(title, body, language)


def write_validation_index(path: str | Path, summaries: Sequence[Mapping], language: str = "en") -> Path:
    """Write the combined validation page (``outputs/validation/index.html``) atomically; returns the path.

    Parameters
    ----------
    path : str or Path
        The page.
    summaries : sequence of mapping
        One per city: ``city``, ``type`` (declining, mature, …), ``report`` (the city's page as a link
        relative to ``path``) and ``statistics`` (its :func:`~restrans.sim.history.statistics.statistics_table`).
    language : str
        ``en`` or ``zh``.

    Raises
    ------
    ValueError
        A summary lacks a key or its report is not a relative link.
    restrans.sim.scenario.errors.InputError
        ``language`` is not a known language.
    restrans.sim.engine.output_folder.OutputFault
        Writing failed; a previous page is unchanged.
    """
    text = render_validation_index(summaries, language)
    write_file(Path(path), text.encode("utf-8"))
    return Path(path)
