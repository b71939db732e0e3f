"""The solver's error, in a module of its own so that the command line can catch it without importing scipy."""
from __future__ import annotations


class SolverError(RuntimeError):
    """An integration failed; the one-line message names the method, the time and the cause."""
