"""How a command prints its result on stdout: a rich table (for people), JSON or CSV (for programs).

``--format json`` prints one JSON document, ``--format csv`` one CSV table; neither holds anything else, so
``restrans run ... --format json | jq`` works. The ``wrote DIR/`` line then goes to stderr as a notice.
Rich tables are laid out at their natural width when stdout is not a terminal
(:data:`restrans.sim.cli.terminal.PIPED_WIDTH`), so no name is cut or broken.
"""
from __future__ import annotations

import json
import math
import sys
from enum import Enum
from typing import Any, Iterable, Sequence

from restrans.sim.cli.terminal import console, notice


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def plain(value: Any) -> Any:
    """``value`` as plain JSON: NaN and infinities as null, numpy scalars as Python numbers."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def print_json(document: Any) -> None:
    """One JSON document on stdout (UTF-8, NaN as null)."""
    sys.stdout.write(json.dumps(plain(document), indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def print_csv(frame) -> None:
    """A pandas frame as CSV on stdout."""
    sys.stdout.write(frame.to_csv(index=False, float_format="%.10g"))


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]],
                right: Sequence[str] = (), wrap: bool = False) -> None:
    """A rich table on stdout; ``right`` names right-aligned columns; ``wrap`` wraps long cells at spaces (on a
    terminal; piped output is never wrapped), a word longer than its column ending in an ellipsis, never broken."""
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(str(column), justify="right" if column in right else "left", overflow="ellipsis",
                         no_wrap=not wrap)
    for row in rows:
        table.add_row(*[str(cell) for cell in row])
    console.print(table)


def wrote(line: str, output_format: OutputFormat) -> None:
    """The ``wrote DIR/`` line: on stdout under a table, on stderr (a notice) under JSON or CSV."""
    if output_format is OutputFormat.table:
        console.print(line, soft_wrap=True, markup=False)
    else:
        notice(line)
