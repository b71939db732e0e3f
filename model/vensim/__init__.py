"""The Vensim twin of the model: ``restrans.mdl``, generated and committed (package data).

The file is written by :mod:`restrans.sim.vensim.twin` (``make twin``) from
the declarations and the equations emitted from the trace of
:mod:`restrans.model.system` (:mod:`restrans.model.graph.emit_vensim`); it is
committed so that a Vensim user can open it without installing restrans, and
a test fails when it is stale. Nothing here reads or writes files.
"""
from pathlib import Path

TWIN_PATH: Path = Path(__file__).parent / "restrans.mdl"
"""The committed Vensim twin (model defaults, 2025–2035)."""
