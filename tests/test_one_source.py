"""One edit to one coefficient of one sector function changes the numpy run, the compiled run and the twin.

The model's equations are written once (``model/``): the test copies the
package to a temporary folder, changes the 2.0 of the profit effect in
``resources.capacity_investment`` to 2.5, and in a fresh process from that
copy runs the numpy engine, the compiled engine (a new kernel generated into
a fresh cache) and the Vensim writer (what ``make twin`` writes).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from restrans.model import compiled
from tests.conftest import ROOT

ORIGINAL = "reference_discovery_fraction * 2.0 * exploration_ratio"
EDITED = "reference_discovery_fraction * 2.5 * exploration_ratio"
RELATIVE = 1e-12

_PROBE = """
import json, sys
import numpy as np
import restrans
from restrans.model.stocks import STOCKS
from restrans.sim.engine import fast_solver
from restrans.sim.engine.simulate import build_batch, integrate
from restrans.sim.scenario.scenario import load_scenario
from restrans.sim.vensim.twin import write_mdl
scenario = load_scenario(sys.argv[1], region="coal_declining")
batch = build_batch([scenario])
numpy_run = integrate(batch)
compiled_run = fast_solver.integrate(batch.initial_state, batch.parameters, batch.schedules, batch.output_times,
                                     "euler", batch.dt)
row = [stock.name for stock in STOCKS].index("proven_reserves")
print(json.dumps({"package": restrans.__file__, "numpy": numpy_run[-1, row, 0], "compiled": compiled_run[-1, row, 0],
                  "twin": write_mdl()}))
"""


def _run(script, tree, cache) -> subprocess.CompletedProcess:
    """``script`` in a fresh process on the package copy ``tree``, kernels cached in ``cache``, given the baseline."""
    environment = {**os.environ, "PYTHONPATH": str(tree), "RESTRANS_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-c", script, str(ROOT / "scenarios" / "baseline.yaml")],
                          capture_output=True, text=True, cwd=tree, env=environment)


def _probe(tree, cache) -> dict:
    result = _run(_PROBE, tree, cache)
    result.check_returncode()
    return json.loads(result.stdout)


def _copy_package(destination):
    shutil.copytree(ROOT / "package", destination / "restrans",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for folder in ("model", "sim"):
        shutil.copytree(ROOT / folder, destination / "restrans" / folder, ignore=shutil.ignore_patterns("__pycache__"))


@pytest.mark.skipif(not compiled.AVAILABLE, reason="numba not installed (restrans[fast])")
def test_one_coefficient_edit_reaches_numpy_compiled_and_twin(tmp_path):
    original_tree, edited_tree = tmp_path / "original", tmp_path / "edited"
    for tree in (original_tree, edited_tree):
        _copy_package(tree)
    resources = edited_tree / "restrans" / "model" / "resources.py"
    text = resources.read_text(encoding="utf-8")
    assert text.count(ORIGINAL) == 1
    resources.write_text(text.replace(ORIGINAL, EDITED), encoding="utf-8")
    before, after = _probe(original_tree, tmp_path / "cache"), _probe(edited_tree, tmp_path / "cache")
    assert before["package"].startswith(str(original_tree)) and after["package"].startswith(str(edited_tree))
    for result in (before, after):  # each copy's compiled run follows its own numpy equations
        assert np.isclose(result["compiled"], result["numpy"], rtol=RELATIVE, atol=0.0)
    assert after["numpy"] > before["numpy"] * 1.001  # more discovery per yuan: more reserves (by more than 0.1 %)
    old, new = "reference_discovery_fraction * 2 * exploration_ratio", "reference_discovery_fraction * 2.5 * exploration_ratio"
    assert old in before["twin"] and new in after["twin"]
    assert before["twin"].replace(old, new) == after["twin"]
    assert len(list((tmp_path / "cache").glob("numba-*"))) == 2  # one generated kernel per model digest


_EDIT_WHILE_RUNNING = """
import sys
from pathlib import Path
from restrans.model import compiled
digest = compiled.model_digest()
economy = Path(compiled.__file__).parent / "economy.py"
economy.write_text(economy.read_text(encoding="utf-8") + "\\n# edited while a process runs\\n", encoding="utf-8")
from restrans.sim.engine import fast_solver
from restrans.sim.engine.simulate import build_batch
from restrans.sim.scenario.scenario import load_scenario
batch = build_batch([load_scenario(sys.argv[1], region="coal_declining")] * 20)
fast_solver.integrate(batch.initial_state, batch.parameters, batch.schedules, batch.output_times, "euler", batch.dt,
                      kernel="blocked")
assert compiled.model_digest() == digest, "the digest of the sources this process imported"
"""


_BLOCKED_RUN = """
import sys
import numpy as np
from restrans.sim.engine import fast_solver
from restrans.sim.engine.simulate import build_batch, integrate
from restrans.sim.scenario.scenario import load_scenario
batch = build_batch([load_scenario(sys.argv[1], region="coal_declining")] * 20)
blocked = fast_solver.integrate(batch.initial_state, batch.parameters, batch.schedules, batch.output_times, "euler",
                                batch.dt, kernel="blocked")
reference = integrate(batch)
print(float(np.max(np.abs(blocked - reference) / np.maximum(np.abs(reference), 1e-300))))
"""


@pytest.mark.skipif(not compiled.AVAILABLE, reason="numba not installed (restrans[fast])")
def test_an_edit_while_a_process_runs_does_not_spoil_the_next_processes_kernels(tmp_path):
    """A process that outlives an edit of the model keeps caching under the digest it imported; the next process,
    on the edited sources, compiles its own kernels and runs. (Before, the digest was re-read at every call: code
    compiled against the old generated module went into the new digest's cache, and every later process failed
    with ModuleNotFoundError for the old module.)"""
    tree, cache = tmp_path / "tree", tmp_path / "cache"
    _copy_package(tree)
    first = _run(_EDIT_WHILE_RUNNING, tree, cache)
    assert first.returncode == 0, first.stderr[-2000:]
    second = _run(_BLOCKED_RUN, tree, cache)  # the edited sources, a new digest
    assert second.returncode == 0, second.stderr[-2000:]
    assert float(second.stdout) <= RELATIVE
    assert len(list(cache.glob("numba-*"))) == 2
