"""Stage 9, the ``restrans`` command line (typer): commands, ensemble commands, ``describe``.

May import everything before it. :func:`main` is the console entry point.
"""
from restrans.sim.cli.commands import main

__all__ = ["main"]
