"""What PySD raises, as one line naming the model file and, where PySD's traceback shows it, the variable.

PySD reports a model it cannot translate with the parser's or builder's own
exception (``Rule 'prod_expr' didn't match at ''``, ``KeyError: None``,
``list index out of range``) and a run that stops with the Python exception of
the generated code (``ZeroDivisionError`` for a ``0/0``). The variable is found
in the traceback: the innermost PySD translator or builder object with a
``name`` (translation), or the innermost function of the translated model file,
which PySD names after the variable (run).
"""
from __future__ import annotations

import linecache
import re
from pathlib import Path
from typing import Mapping

from restrans.sim.scenario.errors import InputError

MAXIMUM_MODEL_BYTES = 20 * 1024 * 1024
"""Largest model file restrans hands to PySD (bytes, 20 MiB); PySD takes minutes on files far smaller."""

_MAXIMUM_REASON = 200
_NAMED_LOCALS = ("self", "component", "element")
_SECTION_NAMES = ("__main__", "")
_ASSIGNMENT = re.compile(r"^(\w+)\s*=")
_STATEFUL_PREFIX = re.compile(r"^_[a-z]+_")


class ModelRunError(RuntimeError):
    """A PySD run that stopped or went non-finite.

    Parameters
    ----------
    reason : str
        What happened, in words.
    variable : str, optional
        The model's name of the variable it happened in.
    time : float, optional
        The model time it happened at (model time unit).
    model_file : str, optional
        The model file as the user wrote it; when given, the message starts with it.
    """

    def __init__(self, reason: str, variable: str | None = None, time: float | None = None,
                 model_file: str | None = None):
        self.reason, self.variable, self.time, self.model_file = reason, variable, time, model_file
        where = f"variable '{variable}'" if variable else "(run)"
        when = f" at t={time:g}" if time is not None else " while setting the initial values" \
            if variable and time is None else ""
        prefix = f"{model_file}: " if model_file else ""
        super().__init__(f"{prefix}{where}{when}: {reason}")

    def __reduce__(self):
        return (type(self), (self.reason, self.variable, self.time, self.model_file))


def _one_line(text: object) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= _MAXIMUM_REASON else line[:_MAXIMUM_REASON - 3] + "..."


def reason_text(error: BaseException) -> str:
    """What an exception from PySD means, in words, with PySD's own text in brackets."""
    message = _one_line(error)
    kind = type(error).__name__
    if isinstance(error, ZeroDivisionError):
        return "division by zero (a 0/0 or x/0; Vensim's ZIDZ or XIDZ give a value instead)"
    if kind in ("ParseError", "IncompleteParseError", "VisitationError"):
        return f"an equation PySD cannot parse (PySD: {message})"
    if isinstance(error, KeyError):
        key = error.args[0] if error.args else None
        if key is None:
            return "a part of the file PySD needs is missing (PySD: KeyError None)"
        return f"the name {key!r} is used but not defined in the model (PySD: KeyError {message})"
    if isinstance(error, IndexError):
        return f"a part of the file PySD needs is missing or empty (PySD: IndexError: {message})"
    if isinstance(error, (OverflowError, FloatingPointError)):
        return f"a number grew too large ({kind}: {message})"
    return f"PySD stopped with {kind}" + (f": {message}" if message else "")


def _frames(error: BaseException):
    traceback = error.__traceback__
    while traceback is not None:
        yield traceback.tb_frame
        traceback = traceback.tb_next


def translator_variable(error: BaseException) -> str | None:
    """The model name of the innermost variable PySD's translator or builder was working on, if any."""
    found = None
    for frame in _frames(error):
        for local in _NAMED_LOCALS:
            value = frame.f_locals.get(local)
            name = getattr(value, "name", None)
            if isinstance(name, str) and name not in _SECTION_NAMES \
                    and type(value).__module__.startswith("pysd."):
                found = name
    return found


def _stateful_owner(python_file: str, line: int) -> str | None:
    """The Python name of the variable a lambda at ``line`` belongs to: PySD writes a stock's initial value
    as ``_integ_<name> = Integ(lambda: ..., lambda: ..., ...)`` (likewise ``_smooth_``, ``_delay_``, ...)."""
    for number in range(line, max(line - 20, 0), -1):
        match = _ASSIGNMENT.match(linecache.getline(python_file, number))
        if match:
            return _STATEFUL_PREFIX.sub("", match.group(1))
    return None


def model_variable(error: BaseException, python_file: str | Path, real_names: Mapping[str, str]) -> str | None:
    """The model name of the variable whose generated function raised ``error`` (innermost one), if any;
    without ``real_names`` (the model not loaded yet) its Python name."""
    python_file = str(python_file)
    found = None
    for frame in _frames(error):
        if frame.f_code.co_filename != python_file:
            continue
        name = frame.f_code.co_name
        if name.startswith("<"):
            name = _stateful_owner(python_file, frame.f_lineno)
        if name:
            found = real_names.get(name, name)
    return found


def translation_error(error: BaseException, display: str) -> InputError:
    """An :class:`InputError` (exit code 2) for a model file PySD cannot translate."""
    variable = translator_variable(error)
    text = getattr(error, "text", None)
    value = _one_line(text)[:60] if isinstance(text, str) and variable else display
    return InputError(display, f"variable '{variable}'" if variable else "(file)", value,
                      f"a model PySD can translate; {reason_text(error)}")


def run_error(error: BaseException, pysd_model, time: float | None,
              python_file: str | Path | None = None) -> ModelRunError:
    """A :class:`ModelRunError` (exit code 1) for an exception raised while PySD ran ``pysd_model``.

    ``python_file`` is the translated model file when there is no model object yet (while PySD loads it).
    """
    real_names = {python: real for real, python in (getattr(pysd_model, "namespace", None) or {}).items()}
    python_file = python_file if python_file is not None else getattr(pysd_model, "py_model_file", "")
    variable = model_variable(error, python_file, real_names)
    return ModelRunError(reason_text(error), variable, time)
