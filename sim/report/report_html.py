"""The comparison report as one self-contained HTML page.

Figures are embedded as base64 PNG data URIs, the style sheet is inline, and
there is no script and no link to anything outside the file: it opens offline.
Regions after the first are folded (``<details>``) so the page stays readable
on a laptop screen.
"""
from __future__ import annotations

import base64
import html

from restrans.sim.compare.comparison import Comparison
from restrans.sim.report.report import (answer, assumption_rows, cost_rows, how_to_read, indicator_rows,
                                        lever_cost_rows, matrix_rows, scenario_rows, scorecard_cells)
from restrans.sim.report.translations import named, phrase, short_name

CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
  margin:0 auto;max-width:1180px;padding:0 18px 40px;color:#222;line-height:1.45;font-size:15px}
h1{font-size:1.6em;margin:.8em 0 .2em}h2{font-size:1.3em;margin-top:1.6em;border-bottom:2px solid #ddd}
h3{font-size:1.1em;margin-top:1.3em}
.answer{background:#f3f8ee;border-left:5px solid #4daf4a;padding:.6em 1em;margin:1em 0}
.note{background:#fff6e5;border-left:5px solid #ff7f00;padding:.4em 1em;font-size:.92em}
.scroll{overflow-x:auto;margin:.6em 0}
table{border-collapse:collapse;font-size:.82em}
th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:right}
th{background:#f0f0f0;position:sticky;top:0}
td.text,th.text{text-align:left}
td.met{background:#cfe3f3}td.missed{background:repeating-linear-gradient(135deg,#f6d2bf 0 6px,#fbe8de 6px 12px)}td.na{background:#eee;color:#888;text-align:center}
td small{display:block;color:#555;font-size:.85em;white-space:nowrap}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85em;color:#555}
details{border:1px solid #ddd;border-radius:4px;padding:.3em .8em;margin:.8em 0}
summary{font-weight:bold;cursor:pointer;font-size:1.1em}
footer{margin-top:2em;font-size:.8em;color:#666}
html:lang(zh) body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif}
"""


def _text(value) -> str:
    return html.escape(str(value))


def _bold(text: str) -> str:
    """Escape, then turn **x** (from the answer text) into <strong>."""
    parts = _text(text).split("**")
    return "".join(f"<strong>{part}</strong>" if index % 2 else part for index, part in enumerate(parts))


def image(png: bytes, caption: str) -> str:
    """A figure embedded as a base64 data URI."""
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{_text(caption)}">'
            f"<figcaption>{_text(caption)}</figcaption></figure>")


def table(header: list[str], rows: list[list[str]], text_columns: int = 1) -> str:
    """An HTML table; cells are pre-rendered HTML given as ``(html, css class)`` or plain text."""
    head = "".join(f'<th class="{"text" if index < text_columns else ""}">{_text(cell)}</th>'
                   for index, cell in enumerate(header))
    body = []
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            content, css = cell if isinstance(cell, tuple) else (_text(cell), "text" if index < text_columns else "")
            cells.append(f'<td class="{css}">{content}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _say(key: str, language: str, **fields) -> str:
    return phrase(f"report.{key}", language, **fields)


def _columns(language: str, *keys: str, **fields) -> list[str]:
    return [phrase(f"report.column.{key}", language, **fields) for key in keys]


def _scenarios(comparison: Comparison, region: str, language: str) -> str:
    rows = [[row["scenario"], row["description"], row["levers"]]
            for row in scenario_rows(comparison, region, language)]
    return table(_columns(language, "scenario", "description", "levers"), rows, 3)


def _identifier(target: str, language: str) -> str:
    """A target's identifier under its plain words: in a language other than English its label first."""
    name = short_name("target", target, language)
    return (f"{_text(name)} " if name != target else "") + f"<code>{_text(target)}</code>"


def _scorecard(comparison: Comparison, region: str, language: str) -> str:
    rows, scenarios = scorecard_cells(comparison, region, language)
    css = {"met": "met", "missed": "missed"}
    rendered = []
    for row in rows:
        cells = [(f"{_text(symbol)}<small>{_text(detail)}</small>", css.get(status, "na"))
                 for status, symbol, detail in row["cells"].values()]
        label = (f'{_text(row["label"])}<br><small>{_identifier(row["target"], language)}</small>', "text")
        rendered.append([label, row["threshold"], *cells])
    return table([*_columns(language, "target", "threshold"), *scenarios], rendered, 2)


def _indicators(comparison: Comparison, region: str, year: str, language: str) -> str:
    rows, scenarios = indicator_rows(comparison, region, year, language)
    rendered = []
    for row in rows:
        cells = []
        for index, (value, difference) in enumerate(row["cells"].values()):
            signed = difference if difference.startswith("-") else "+" + difference
            small = "" if index == 0 else f"<small>{_text(signed)}</small>"
            cells.append((f"{_text(value)}{small}", ""))
        rendered.append([row["indicator"], row["unit"], *cells])
    return table([*_columns(language, "indicator", "unit"), *scenarios], rendered, 2)


def _costs(comparison: Comparison, region: str, language: str) -> str:
    rows = cost_rows(comparison, region, language)
    return table(list(rows[0].keys()), [list(row.values()) for row in rows], 1)


def _region(comparison: Comparison, region: str, figures: dict[str, bytes], language: str) -> str:
    place = named("region", region, language)
    parts = [f"<h3>{_text(_say('scenarios_heading', language, region=place))}</h3>",
             _scenarios(comparison, region, language)]
    if comparison.targets:
        parts += [f"<h3>{_text(_say('scorecard_heading', language, region=place))}</h3>",
                  f"<p>{_text(_say('scorecard_help', language))}</p>", _scorecard(comparison, region, language)]
    parts += [f"<h3>{_text(_say('trajectories_heading', language, region=place))}</h3>",
              image(figures[f"trajectories_{region}.png"], _say("trajectories_caption", language, region=place))]
    for year in ("2035", "2030"):
        parts += [f"<h3>{_text(_say('indicators_heading', language, year=year, region=place))}</h3>",
                  f"<p>{_text(_say('indicators_help', language))}</p>", _indicators(comparison, region, year, language)]
    parts += [f"<h3>{_text(_say('costs_heading', language, region=place))}</h3>", _costs(comparison, region, language),
              image(figures[f"costs_{region}.png"], _say("costs_caption", language, region=place)),
              image(figures[f"effectiveness_{region}.png"], _say("effectiveness_caption", language, region=place))]
    return "\n".join(parts)


def _assumptions(comparison: Comparison, region: str, language: str) -> str:
    rows = [[row["parameter"], row["value"], row["unit"], row["meaning"], row["source"]]
            for row in assumption_rows(comparison, region, language)]
    levers = lever_cost_rows(comparison, language)
    place = named("region", region, language)
    return "\n".join([
        f"<p>{_text(_say('assumptions_help', language, region=place))}</p>",
        table(_columns(language, "parameter", "value_in", "unit", "meaning", "source", region=region), rows, 1),
        f"<p>{_text(_say('lever_costs_help', language))}</p>",
        table(list(levers[0].keys()), [list(row.values()) for row in levers], 1) if levers else ""])


def _budget(comparison: Comparison, language: str) -> str:
    scaled = [spec for spec in comparison.specs if spec.scaling is not None]
    if not scaled:
        return ""
    rows = [[spec.label, named("region", spec.region, language), f"{spec.scaling.budget:g}",
             f"{spec.scaling.factor:.6g}", f"{spec.scaling.extra_cost:.9g}", f"{spec.scaling.reference_cost:.6g}"]
            for spec in scaled]
    return "\n".join([
        f"<h2>{_text(_say('budget_heading', language))}</h2>", f"<p>{_text(_say('budget_help', language))}</p>",
        table(_columns(language, "run", "region", "budget", "factor", "extra_cost_reached", "reference_cost"), rows, 2)])


def _matrix(comparison: Comparison, figures: dict[str, bytes], language: str) -> str:
    if len(comparison.regions) < 2:
        return ""
    rows, scenarios = matrix_rows(comparison, language)
    return "\n".join([f"<h2>{_text(_say('matrix_heading', language))}</h2>",
                      f"<p>{_text(_say('matrix_help', language))}</p>",
                      table([*_columns(language, "region"), *scenarios],
                            [[row["region"], *row["cells"].values()] for row in rows]),
                      image(figures["matrix.png"], _say("matrix_caption", language))])


def render_html(comparison: Comparison, figures: dict[str, bytes], files: list[str], provenance: dict,
                language: str = "en") -> str:
    """The whole report page in ``language`` (``en`` or ``zh``)."""
    regions = comparison.regions
    places = ", ".join(named("region", region, language) for region in regions)
    answers = "".join(f"<p>{_bold(answer(comparison, region, language))}</p>" for region in regions)
    sections = [f'<details{" open" if index == 0 else ""}><summary>{_text(named("region", region, language))}'
                f"</summary>{_region(comparison, region, figures, language)}</details>"
                for index, region in enumerate(regions)]
    notes = "".join(f'<p class="note">{_text(note)}</p>' for note in comparison.notes)
    targets = (f"<p>{_text(_say('targets_line', language, description=comparison.targets.description))}</p>"
               if comparison.targets else f"<p>{_text(_say('no_targets', language))}</p>")
    intro = _say("intro", language, scenarios=len(comparison.scenarios), regions=len(regions),
                 runs=len(comparison.specs), baseline=comparison.baseline)
    summary = (image(figures["summary.png"], _say("at_a_glance", language, region=named("region", regions[0], language)))
               if "summary.png" in figures else "")
    body = "\n".join([
        f"<h1>{_text(_say('title', language, regions=places))}</h1>", f"<p>{_bold(intro)}</p>",
        f'<div class="answer"><strong>{_text(_say("the_answer", language))}</strong>{answers}</div>', summary,
        f"<h2>{_text(_say('how_to_read_heading', language))}</h2><ul>"
        + "".join(f"<li>{_text(item)}</li>" for item in how_to_read(language)) + "</ul>",
        targets, notes, f"<h2>{_text(_say('results_by_region', language))}</h2>", *sections,
        _matrix(comparison, figures, language), _budget(comparison, language),
        f"<h2>{_text(_say('assumptions_heading', language))}</h2>{_assumptions(comparison, regions[0], language)}",
        f"<h2>{_text(_say('files_heading', language))}</h2><ul>"
        + "".join(f'<li><a href="{_text(name)}"><code>{_text(name)}</code></a></li>' for name in files) + "</ul>",
        "<footer>" + " · ".join(f"{_text(key)}: {_text(value)}" for key, value in provenance.items()) + "</footer>"])
    return (f'<!DOCTYPE html>\n<html lang="{"zh-Hans" if language == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_text(_say('html_title', language, regions=', '.join(regions)))}</title><style>{CSS}</style></head>"
            f"<body>\n{body}\n</body></html>\n")
