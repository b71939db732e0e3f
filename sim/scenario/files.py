"""Reading scenario files: the ``extends`` chain, which file set each key, ``--set`` text, pydantic errors.

:class:`_Resolver` reads a scenario file and the files it extends and merges
them, remembering which file (or command-line option) set each key, so that
:func:`_input_error` can blame the right file for a validation error.
:func:`parse_assignment` reads one command-line ``--set NAME=VALUE``.
:func:`~restrans.sim.scenario.scenario.load_scenario` puts them together.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

import numpy as np
from pydantic import ValidationError

from restrans.sim.scenario.errors import MISSING, InputError, allowed_text, did_you_mean, read_yaml_mapping

FILE_KEYS: tuple[str, ...] = ("name", "description", "extends", "region", "time", "solver", "parameters",
                              "initial", "levers", "uncertainty", "budget")
"""Keys allowed at the top level of a scenario file."""

_SECTIONS = ("time", "solver", "parameters", "initial", "levers", "uncertainty")
"""Top-level keys whose mappings are merged key by key along the ``extends`` chain."""


def parse_assignment(text: str) -> tuple[str, float]:
    """Parse a command-line ``--set NAME=VALUE`` (NAME a parameter, a lever or ``initial.STOCK``)."""
    name, equals, value_text = str(text).partition("=")
    name, value_text = name.strip(), value_text.strip()
    if not equals or not name or not value_text:
        raise InputError("--set", "(argument)", text, "NAME=NUMBER, e.g. transfer_payment=0.45")
    try:
        value = float(value_text)
    except ValueError:
        raise InputError("--set", name, value_text, "a number, e.g. transfer_payment=0.45") from None
    if not np.isfinite(value):
        raise InputError("--set", name, value_text, "a finite number (not NaN or infinity)")
    return name, value


class _Resolver:
    """Reads a scenario file and its ``extends`` chain, remembering which file set each key."""

    def __init__(self):
        self.provenance: dict[tuple[str, ...], tuple[int, str]] = {}
        self.counter = 0
        self.source_files: list[str] = []
        self.top_level_keys: set[str] = set()

    def read(self, path: Path, display: str, chain: tuple[Path, ...] = ()) -> dict:
        chain = chain + (path.resolve(),)
        data = read_yaml_mapping(path, display, "a mapping of scenario keys (name, time, levers, ...)")
        self.source_files.append(str(path.resolve()))
        if not chain[:-1]:
            self.top_level_keys = {str(key) for key in data}
        for key in data:
            if key not in FILE_KEYS:
                raise InputError(display, str(key), key, f"unknown key; allowed: {', '.join(FILE_KEYS)}",
                                 did_you_mean(key, FILE_KEYS))
        data = {key: ({} if key in _SECTIONS and value is None else value) for key, value in data.items()}
        extends = data.pop("extends", None)
        base: dict = {}
        if extends is not None:
            base = self.read(*self._parent(path, display, extends, chain), chain)
        return self.merge(base, data, display)

    @staticmethod
    def _parent(path: Path, display: str, extends: Any, chain: tuple[Path, ...]) -> tuple[Path, str]:
        if not isinstance(extends, str) or not extends.strip():
            raise InputError(display, "extends", extends, "a path to a scenario file, relative to this file")
        parent = path.parent / extends
        parent_display = os.path.normpath(os.path.join(os.path.dirname(display), extends))
        if parent.resolve() in chain:
            names = [item.name for item in chain] + [parent.name]
            raise InputError(display, "extends", extends,
                             f"a file that does not extend back: extends cycle {' -> '.join(names)}")
        if not parent.is_file():
            raise InputError(display, "extends", extends, f"an existing scenario file (not found: {parent_display})")
        return parent, parent_display

    def merge(self, base: dict, child: Mapping, source: str) -> dict:
        """``child`` over ``base``: sections merged key by key, a lever's schedule replaced whole."""
        self.counter += 1
        stamp = (self.counter, source)
        merged = dict(base)
        for key, value in child.items():
            key = str(key)
            if key in _SECTIONS and isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
                self.provenance = {path: file for path, file in self.provenance.items() if path[0] != key}
            self.provenance[(key,)] = stamp
            if key in _SECTIONS and isinstance(value, dict):
                for entry in value:
                    self.provenance[(key, str(entry))] = stamp
        return merged

    def stamp_for(self, location: tuple[str, ...]) -> tuple[int, str] | None:
        """(order, file) of the last setting of ``location`` or its closest enclosing key."""
        for length in range(len(location), 0, -1):
            if location[:length] in self.provenance:
                return self.provenance[location[:length]]
        return None

    def file_for(self, locations: list[tuple[str, ...]], default: str) -> str:
        """The file that set any of ``locations`` last (``default`` if none was set by a file)."""
        stamps = [stamp for stamp in map(self.stamp_for, locations) if stamp is not None]
        return max(stamps)[1] if stamps else default


def _input_error(error: ValidationError, resolver: _Resolver, default_file: str,
                 prefix: tuple[str, ...] = ()) -> InputError:
    """The first pydantic error as an :class:`InputError`; ``prefix`` is the location of the validated model."""
    first = error.errors()[0]
    context = first.get("ctx") or {}
    location = [*prefix, *(str(part) if isinstance(part, str) else f"[{part}]" for part in first["loc"])]
    related = [tuple(location + str(name).split(".")) for name in context.get("related", ())]
    if context.get("key"):
        location += str(context["key"]).split(".")
    value = context.get("value", first.get("input"))
    if first["type"] == "missing":
        value = MISSING
    key = ".".join(location).replace(".[", "[") or "(top level)"
    file = resolver.file_for([tuple(location), *related], default_file)
    return InputError(file, key, value, allowed_text(first, value), context.get("suggestion"))

