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
from restrans.sim.report.report import (HOW_TO_READ, answer, assumption_rows, cost_rows, indicator_rows, lever_cost_rows,
                        matrix_rows, scenario_rows, scorecard_cells)

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


def _scenarios(comparison: Comparison, region: str) -> str:
    rows = [[row["scenario"], row["description"], row["levers"]] for row in scenario_rows(comparison, region)]
    return table(["scenario", "what it is (seed sections)", "levers changed: baseline → value"], rows, 3)


def _scorecard(comparison: Comparison, region: str) -> str:
    rows, scenarios = scorecard_cells(comparison, region)
    css = {"met": "met", "missed": "missed"}
    rendered = []
    for row in rows:
        cells = [(f"{_text(symbol)}<small>{_text(detail)}</small>", css.get(status, "na"))
                 for status, symbol, detail in row["cells"].values()]
        label = (f'{_text(row["label"])}<br><small><code>{_text(row["target"])}</code></small>', "text")
        rendered.append([label, row["threshold"], *cells])
    return table(["target", "threshold", *scenarios], rendered, 2)


def _indicators(comparison: Comparison, region: str, year: str) -> str:
    rows, scenarios = indicator_rows(comparison, region, year)
    rendered = []
    for row in rows:
        cells = []
        for index, (value, difference) in enumerate(row["cells"].values()):
            signed = difference if difference.startswith("-") else "+" + difference
            small = "" if index == 0 else f"<small>{_text(signed)}</small>"
            cells.append((f"{_text(value)}{small}", ""))
        rendered.append([row["indicator"], row["unit"], *cells])
    return table(["indicator", "unit", *scenarios], rendered, 2)


def _costs(comparison: Comparison, region: str) -> str:
    rows = cost_rows(comparison, region)
    return table(list(rows[0].keys()), [list(row.values()) for row in rows], 1)


def _region(comparison: Comparison, region: str, figures: dict[str, bytes]) -> str:
    parts = [f"<h3>Scenarios and what they change in {_text(region)}</h3>", _scenarios(comparison, region)]
    if comparison.targets:
        parts += [f"<h3>Scorecard, {_text(region)}</h3>",
                  "<p>✓ met / ✗ missed / – not applicable, in the target year. Under the symbol: the value in "
                  "that year (margin to the threshold, + = better than the target) and the first year the target "
                  "is met.</p>",
                  _scorecard(comparison, region)]
    parts += [f"<h3>Trajectories, {_text(region)}</h3>",
              image(figures[f"trajectories_{region}.png"],
                    f"Key trajectories of every scenario in {region}, 2025–2035; stars: targets in their year")]
    for year in ("2035", "2030"):
        parts += [f"<h3>Indicators in {year}, {_text(region)}</h3>",
                  "<p>Value (fractions in %); under it the difference from the baseline. 2025 values and "
                  "all differences are in comparison.csv.</p>", _indicators(comparison, region, year)]
    parts += [f"<h3>Costs and cost-effectiveness, {_text(region)}</h3>", _costs(comparison, region),
              image(figures[f"costs_{region}.png"], f"Cumulative policy cost 2025–2035, central vs local, {region}"),
              image(figures[f"effectiveness_{region}.png"], f"Cost-effectiveness vs baseline, {region}")]
    return "\n".join(parts)


def _assumptions(comparison: Comparison, region: str) -> str:
    rows = [[row["parameter"], row["value"], row["unit"], row["meaning"], row["source"]]
            for row in assumption_rows(comparison, region)]
    levers = lever_cost_rows(comparison)
    return "\n".join([
        f"<p>Parameter values in {_text(region)}. Most are judgement values (ASSUMPTION): they decide how much a "
        "yuan of subsidy, park or retraining buys, and what restoration costs.</p>",
        table(["parameter", f"value ({region})", "unit", "meaning", "source"], rows, 1),
        "<p>Fiscal cost of the levers the scenarios change (cost per unit of the lever, central share):</p>",
        table(list(levers[0].keys()), [list(row.values()) for row in levers], 1) if levers else ""])


def _budget(comparison: Comparison) -> str:
    scaled = [spec for spec in comparison.specs if spec.scaling is not None]
    if not scaled:
        return ""
    rows = [[spec.label, spec.region, f"{spec.scaling.budget:g}", f"{spec.scaling.factor:.6g}",
             f"{spec.scaling.extra_cost:.9g}", f"{spec.scaling.reference_cost:.6g}"] for spec in scaled]
    return "\n".join([
        "<h2>Equal-budget scaling</h2>",
        "<p>Each mix's lever changes relative to policy as of 2025 were multiplied by one factor (clipped to the "
        "lever bounds) so that its cumulative 2025–2035 policy cost above that reference equals the budget.</p>",
        table(["run", "region", "budget (bn CNY)", "factor", "extra cost reached (bn CNY)",
               "reference cost (bn CNY)"], rows, 2)])


def render_html(comparison: Comparison, figures: dict[str, bytes], files: list[str], provenance: dict) -> str:
    """The whole report page."""
    regions = comparison.regions
    answers = "".join(f"<p>{_bold(answer(comparison, region))}</p>" for region in regions)
    sections = []
    for index, region in enumerate(regions):
        sections.append(f'<details{" open" if index == 0 else ""}><summary>{_text(region)}</summary>'
                        f"{_region(comparison, region, figures)}</details>")
    matrix = ""
    if len(regions) > 1:
        rows, scenarios = matrix_rows(comparison)
        matrix = "\n".join(["<h2>Region × mix matrix</h2>",
                            "<p>2035 targets met / judged, and the extra cost 2025–2035 vs the region's baseline. "
                            "† the mix sets a lever below this preset's 2025 value (see the notes at the top).</p>",
                            table(["region", *scenarios], [[row["region"], *row["cells"].values()] for row in rows]),
                            image(figures["matrix.png"], "Region × mix: share of 2035 targets met")])
    notes = "".join(f'<p class="note">{_text(note)}</p>' for note in comparison.notes)
    targets = (f"<p>Targets: {_text(comparison.targets.description)}</p>" if comparison.targets else
               "<p>No targets file was found, so there is no scorecard.</p>")
    body = "\n".join([
        f"<h1>restrans — policy mixes compared: {_text(', '.join(regions))}</h1>",
        f"<p>{len(comparison.scenarios)} scenarios × {len(regions)} region(s), 2025–2035, one batch of "
        f"{len(comparison.specs)} runs. Baseline: <strong>{_text(comparison.baseline)}</strong>.</p>",
        f'<div class="answer"><strong>The answer</strong>{answers}</div>',
        image(figures["summary.png"], f"At a glance: scorecard and policy cost, {regions[0]}")
        if "summary.png" in figures else "",
        "<h2>How to read this report</h2><ul>" + "".join(f"<li>{_text(item)}</li>" for item in HOW_TO_READ) + "</ul>",
        targets, notes, "<h2>Results by region</h2>", *sections, matrix, _budget(comparison),
        f"<h2>Assumptions that matter most</h2>{_assumptions(comparison, regions[0])}",
        "<h2>Files in this folder</h2><ul>" + "".join(f'<li><a href="{_text(name)}"><code>{_text(name)}</code></a></li>'
                                                     for name in files)
        + "</ul>",
        "<footer>" + " · ".join(f"{_text(key)}: {_text(value)}" for key, value in provenance.items()) + "</footer>"])
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>restrans compare — {_text(', '.join(regions))}</title><style>{CSS}</style></head>"
            f"<body>\n{body}\n</body></html>\n")
