"""Names that become a folder or file name under an output folder: one rule for every command.

A scenario's ``name``, a sweep file's ``name`` and the ``--name`` of
``restrans compare`` and ``restrans uncertainty`` each become a folder under
``--out`` (``outputs/<name>/``). A name with a ``/``, a ``\\``, a leading
``.`` (``..``) or an absolute path would put files outside ``--out``, so every
such name goes through :func:`check_output_name` before anything is run or
written.
"""
from __future__ import annotations

import re
from typing import Any

from restrans.sim.scenario.errors import InputError

OUTPUT_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
"""Letters, digits, ``_``, ``-`` and ``.``, starting with a letter or a digit (so never ``.`` or ``..``)."""

MAXIMUM_OUTPUT_NAME_LENGTH = 120
"""Characters in a name (well below the 255 bytes a file name may have on common file systems)."""


def output_name_rule(what: str = "a name") -> str:
    """What :func:`check_output_name` allows, in words, starting with ``what`` (e.g. ``"a folder name"``)."""
    return (f"{what} of letters, digits, '_', '-' and '.' (used as the output folder), starting with a letter "
            f"or digit, at most {MAXIMUM_OUTPUT_NAME_LENGTH} characters: no '/', '\\', '..' or absolute path")


def check_output_name(name: Any, file: str, key: str, what: str = "a name") -> str:
    """``name`` if it is safe as one folder or file name under an output folder, else an :class:`InputError`.

    Parameters
    ----------
    name : object
        The name to check (a scenario's or sweep's ``name``, a ``--name`` option).
    file : str
        The file or option the name comes from, for the error (``"--name"``, ``"scenarios/x.yaml"``).
    key : str
        The key inside it (``"name"``, ``"--name"``).
    what : str
        How the error describes the expected value (default ``"a name"``).

    Returns
    -------
    str
        ``name``, unchanged.

    Raises
    ------
    InputError
        ``name`` is not text, is empty or too long, or holds a character other than letters, digits,
        ``_``, ``-`` and ``.``, or starts with something other than a letter or a digit.
    """
    if (not isinstance(name, str) or len(name) > MAXIMUM_OUTPUT_NAME_LENGTH
            or OUTPUT_NAME_PATTERN.fullmatch(name) is None):
        raise InputError(file, key, name, output_name_rule(what))
    return name
