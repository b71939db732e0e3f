"""`restrans sweep --engine pysd`: the same sweep on the Vensim twin run by PySD gives the native outcomes."""
from __future__ import annotations

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from restrans.sim.cli.commands import app
from tests.conftest import DATA

runner = CliRunner()
SWEEP = DATA / "sweeps" / "tiny_lhs.yaml"


def _outcomes(out, *options):
    result = runner.invoke(app, ["sweep", str(SWEEP), "--out", str(out), *options], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return pd.read_parquet(out / "tiny_lhs" / "outcomes.parquet")


def test_pysd_engine_sweep_matches_native(tmp_path, pysd_cache):
    native = _outcomes(tmp_path / "native", "--backend", "numpy")
    twin = _outcomes(tmp_path / "pysd", "--engine", "pysd")
    assert list(native.columns) == list(twin.columns) and len(native) == 3
    numeric = native.select_dtypes("number").columns
    # same Euler arithmetic in another engine: 1e-9 relative (floor 1e-9 absolute for values near zero)
    np.testing.assert_allclose(twin[numeric].to_numpy(float), native[numeric].to_numpy(float),
                               rtol=1e-9, atol=1e-9, equal_nan=True)


def test_unknown_engine_is_one_line_and_exit_2(tmp_path):
    result = runner.invoke(app, ["sweep", str(SWEEP), "--out", str(tmp_path), "--engine", "pysdd"])
    assert result.exit_code == 2 and "did you mean 'pysd'" in result.stderr
    assert list(tmp_path.iterdir()) == []
