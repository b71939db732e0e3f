"""A progress-bar column of the sweep commands: runs per second since the command started."""
from __future__ import annotations

import time

from rich.progress import ProgressColumn
from rich.text import Text


class RunsPerSecondColumn(ProgressColumn):
    """Runs per second since the first progress report (not counting runs resumed from disk)."""

    def render(self, task) -> Text:
        started, first = task.fields.get("started"), task.fields.get("first_done") or 0
        elapsed = time.perf_counter() - started if started else 0.0
        speed = (task.completed - first) / elapsed if elapsed > 0 else 0.0
        return Text(f"{speed:,.0f} runs/s", style="progress.data.speed")
