"""The lesson panel of the presentation mode: the step's text, the question to predict, then the reveal.

In the ``predict`` phase the page shows the runs without the step's levers and the question; the class
predicts; *next* reveals the result (the step's levers applied), the measured change of the watched
trajectories, and the explanation naming the feedback loop, which the loop diagram highlights.
"""
from __future__ import annotations

from html import escape

from restrans.sim.app.lessons import Lesson
from restrans.sim.app.runs import RunSummary, display_scale, display_unit
from restrans.sim.app.views import number_text, unit_text, variable_label
from restrans.sim.report.translations import explanation, label, text


def _value_at(summary: RunSummary, name: str, year: float) -> float | None:
    if name not in summary.trajectories:
        return None
    index = int(abs(summary.years - year).argmin())
    return float(summary.trajectories[name][index]) * display_scale(name)


def measured_change(before: RunSummary, after: RunSummary, baseline: RunSummary, watch: list[str],
                    language: str) -> str:
    """One line per watched variable: its end-of-run value in the baseline, before and after the step."""
    year = float(after.years[-1])
    lines = []
    for name in watch:
        first, second = _value_at(before, name, year), _value_at(after, name, year)
        reference = _value_at(baseline, name, year)
        if first is None or second is None or reference is None:
            continue
        unit = unit_text(display_unit(name), language)
        lines.append(f'<li data-watch="{name}" data-before="{first:.10g}" data-after="{second:.10g}">'
                     f'{escape(variable_label(name, language))} {year:.0f}: {escape(number_text(first, unit))} → '
                     f'<strong>{escape(number_text(second, unit))}</strong> '
                     f'<span class="reference">({escape(text("app.legend.baseline", language))}: '
                     f'{escape(number_text(reference, unit))})</span></li>')
    return f'<ul class="measured">{"".join(lines)}</ul>' if lines else ""


def lesson_panel(lesson: Lesson, identifier: str, step: int, phase: str,
                 runs: tuple[RunSummary, RunSummary, RunSummary], language: str) -> str:
    """The panel of step ``step`` (from 0) in ``phase``; ``runs``: the run without the step, with it, the baseline."""
    before, after, baseline = runs
    entry = lesson.steps[step]
    count = len(lesson.steps)
    last = step == count - 1 and phase == "reveal"
    progress = text("app.lesson.progress", language).format(step=step + 1, count=count)
    levers = "".join(f"<li>{escape(label('lever', name, language))}</li>" for name in entry.levers)
    parts = [f'<div class="lesson-head"><span class="lesson-title">{escape(lesson.title.text(language))}</span>'
             f'<span class="lesson-progress">{escape(progress)}</span></div>',
             f'<h2 class="step-title">{escape(entry.title.text(language))}</h2>',
             f'<p class="step-text">{escape(entry.text.text(language))}</p>']
    if levers:
        parts.append(f'<div class="step-levers"><span>{escape(text("app.lesson.levers", language))}</span>'
                     f'<ul>{levers}</ul></div>')
    parts.append(f'<div class="question"><span class="tag">{escape(text("app.lesson.predict", language))}</span>'
                 f'{escape(entry.question.text(language))}</div>')
    if phase == "reveal":
        loop = (f'<p class="loop-name"><span class="tag">{escape(text("app.lesson.loop", language))}</span>'
                f'{escape(label("loop", entry.loop, language))} — {escape(explanation("loop", entry.loop, language))}'
                f'</p>')
        parts.append(f'<div class="reveal"><p>{escape(entry.reveal.text(language))}</p>'
                     f'{measured_change(before, after, baseline, entry.watch, language)}'
                     f'<p class="explanation">{escape(entry.explanation.text(language))}</p>{loop}</div>')
    hint = text("app.lesson.end" if last else "app.lesson.keys", language)
    return (f'<div class="lesson-panel" data-lesson="{escape(identifier)}" data-step="{step + 1}" data-steps="{count}" '
            f'data-phase="{phase}" data-last="{str(last).lower()}">{"".join(parts)}'
            f'<p class="hint">{escape(hint)}</p></div>')
