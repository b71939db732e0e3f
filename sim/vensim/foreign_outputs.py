"""The outputs of ``restrans run --model``: the non-finite check, the variable table and the output folder.

Split from :mod:`restrans.sim.vensim.foreign`; the model argument is a
:class:`restrans.sim.vensim.foreign.ForeignModel`.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from restrans.sim.engine.outputs import write_folder
from restrans.sim.engine.pysd_errors import ModelRunError


def check_finite(frame: pd.DataFrame, model) -> None:
    """Raise :class:`ModelRunError` with the first time and stock at which a run's state is NaN or infinite
    (the same check as a foreign sweep's, which records such a run as failed)."""
    stocks = sorted(element.name for element in model.stocks.values())
    if not stocks:
        return
    states = frame[stocks].to_numpy(float)
    bad = ~np.isfinite(states)
    if bad.any():
        row = int(np.argmax(bad.any(axis=1)))
        stock = stocks[int(np.argmax(bad[row]))]
        raise ModelRunError(f"euler failed: the state became non-finite ({states[row, stocks.index(stock)]:g})",
                            stock, float(frame["time"].iloc[row]))


def variable_frame(model) -> pd.DataFrame:
    """One row per model variable: name, kind (stock / constant / auxiliary), unit, doc."""
    rows = []
    for python_name, element in sorted(model.variables.items(), key=lambda item: item[1].name):
        kind = "stock" if python_name in model.stocks else "constant" if python_name in model.constants else "auxiliary"
        rows.append((element.name, kind, element.unit, element.doc))
    return pd.DataFrame(rows, columns=["name", "kind", "unit", "doc"])


def write_foreign_outputs(directory: Path, frame: pd.DataFrame, model, manifest: dict) -> list[Path]:
    """Write ``timeseries.csv`` (run, time, variables), ``variables.csv`` and ``manifest.json`` as the whole of
    ``directory`` (staged and swapped in; ``OutputFault`` when writing fails, the previous folder unchanged)."""
    contents = {name: table.to_csv(index=False, float_format="%.10g").encode("utf-8")
                for name, table in (("timeseries.csv", frame), ("variables.csv", variable_frame(model)))}
    contents["manifest.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return write_folder(Path(directory), contents)
