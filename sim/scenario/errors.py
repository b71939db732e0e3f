"""Errors for bad user input, and the one safe way to read a YAML input file.

Every problem with a file or a command-line argument becomes an
:class:`InputError` whose text is one line::

    scenarios/x.yaml: levers.rd_intensty: 'rd_intensty' — unknown lever; ... — did you mean 'rd_intensity'?

The command line prints that line and exits with code 2 (no traceback).
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

SEPARATOR = " — "
"""Separates the parts of an :class:`InputError` message."""

_MAXIMUM_VALUE_TEXT = 120


class _Missing:
    """Sentinel for a required value that was not given."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING = _Missing()
"""The ``value`` of an :class:`InputError` about a required key that is absent."""


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _value_text(value: Any) -> str:
    text = _one_line(repr(value))
    if len(text) > _MAXIMUM_VALUE_TEXT:
        text = text[: _MAXIMUM_VALUE_TEXT - 3] + "..."
    return text


class InputError(Exception):
    """Bad user input: a scenario or preset file, or a command-line argument.

    Parameters
    ----------
    file : str
        The file (as the user wrote it) or the argument (``"--set"``) at fault.
    key : str
        Dotted key path inside the file, e.g. ``"levers.transfer_payment.step.after"``,
        or a location such as ``"line 3, column 7"`` or ``"(top level)"``.
    value : object
        The offending value (shown with ``repr``).
    allowed : str
        What would have been accepted.
    suggestion : str, optional
        A close valid name, shown as ``did you mean '...'?``.

    Notes
    -----
    ``str(error)`` is always a single line:
    ``"{file}: {key}: {value!r} — {allowed}"`` plus ``" — did you mean '{suggestion}'?"``.
    """

    def __init__(self, file: str, key: str, value: Any, allowed: str, suggestion: str | None = None):
        self.file = str(file)
        self.key = str(key)
        self.value = value
        self.allowed = _one_line(allowed)
        self.suggestion = suggestion
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The one-line text of the error."""
        text = f"{_one_line(self.file)}: {_one_line(self.key)}: {_value_text(self.value)}{SEPARATOR}{self.allowed}"
        if self.suggestion:
            text += f"{SEPARATOR}did you mean '{self.suggestion}'?"
        return text

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        return (type(self), (self.file, self.key, self.value, self.allowed, self.suggestion))


def did_you_mean(name: object, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``name``, or None if none is close enough.

    A candidate equal to ``name`` up to letter case wins; otherwise
    :func:`difflib.get_close_matches` with cutoff 0.6 decides.
    """
    candidates = [str(candidate) for candidate in candidates]
    text = str(name)
    for candidate in candidates:
        if candidate.lower() == text.lower():
            return candidate
    matches = difflib.get_close_matches(text, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None


def allowed_text(first: Mapping, value: Any) -> str:
    """What is allowed, in words, for one error dict of ``pydantic.ValidationError.errors()``.

    A custom error carrying ``allowed`` in its context gives that text.
    """
    kind, context = first["type"], first.get("ctx") or {}
    if "allowed" in context:
        return str(context["allowed"])
    if kind in ("float_type", "int_type"):
        if isinstance(value, bool):
            return "a number (true/false is not a number)"
        if isinstance(value, str):
            return "a number, not text (write it without quotes)"
        return "a number"
    texts = {"finite_number": "a finite number (not NaN or infinity)", "string_type": "a string",
             "missing": "a value (this key is required)", "model_type": "a mapping (key: value)",
             "dict_type": "a mapping (key: value)", "list_type": "a list, e.g. [2025, 2030]",
             "string_pattern_mismatch": "a name of letters, digits, '_', '-' and '.' (used as the output folder)"}
    if kind in texts:
        return texts[kind]
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        symbol = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}[kind]
        bound = next(iter(context.values()))
        return f"a number {symbol} {bound:g}" if isinstance(bound, (int, float)) else f"a number {symbol} {bound}"
    if kind == "too_short":
        return f"at least {context.get('min_length', 1)} item(s)"
    return str(first["msg"])


# --- YAML -------------------------------------------------------------------------------


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: object, mark: yaml.Mark):
        super().__init__(f"duplicate key {key!r}")
        self.key = key
        self.mark = mark


class _InputLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that rejects duplicate keys and reads ``1e-6`` as a number.

    It constructs only plain YAML types, exactly like :func:`yaml.safe_load`.
    """

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: set = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                except TypeError:
                    continue
                if duplicate:
                    raise _DuplicateKey(key, key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


# YAML 1.1 needs a dot in a float ("1.0e-6"); accept the YAML 1.2 form "1e-6" too.
_InputLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


MAXIMUM_YAML_BYTES = 4 * 1024 * 1024
"""Largest input YAML file (bytes); scenario, sweep, preset and targets files are a few kilobytes."""
MAXIMUM_YAML_DEPTH = 40
"""Deepest nesting of mappings and lists in an input YAML file (a scenario file nests 5 deep)."""
MAXIMUM_YAML_NODES = 500_000
"""Most values an input YAML file may hold once every alias is expanded (counted as often as it is used)."""

_OPENING_TOKENS = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken, yaml.FlowMappingStartToken,
                   yaml.FlowSequenceStartToken)
_CLOSING_TOKENS = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def _check_depth(text: str, display: str) -> None:
    """Refuse nesting deeper than :data:`MAXIMUM_YAML_DEPTH`, by scanning tokens (no recursion, no objects)."""
    depth = 0
    try:
        for token in yaml.scan(text, Loader=_InputLoader):
            if isinstance(token, _OPENING_TOKENS):
                depth += 1
                if depth > MAXIMUM_YAML_DEPTH:
                    mark = token.start_mark
                    raise InputError(display, f"line {mark.line + 1}, column {mark.column + 1}", "(nesting)",
                                     f"mappings and lists nested at most {MAXIMUM_YAML_DEPTH} deep")
            elif isinstance(token, _CLOSING_TOKENS):
                depth -= 1
    except yaml.YAMLError:
        return  # malformed: the loader reports it with its line and column


def _check_expanded_size(text: str, display: str) -> None:
    """Refuse a file whose aliases expand to more than :data:`MAXIMUM_YAML_NODES` values (an alias bomb)."""
    try:
        root = yaml.compose(text, Loader=_InputLoader)
    except yaml.YAMLError:
        return  # malformed: the loader reports it with its line and column
    sizes: dict[int, int] = {}

    def size(node) -> int:  # recursion bounded by the depth check
        if id(node) not in sizes:
            children = node.value if isinstance(node, yaml.SequenceNode) else \
                [item for pair in node.value for item in pair] if isinstance(node, yaml.MappingNode) else []
            sizes[id(node)] = 1 + sum(size(child) for child in children)
        return sizes[id(node)]

    if root is not None and size(root) > MAXIMUM_YAML_NODES:
        raise InputError(display, "(file)", f"{size(root):,} values once its aliases are expanded",
                         f"at most {MAXIMUM_YAML_NODES:,} values with aliases (*name) expanded; an alias "
                         "repeated inside aliases multiplies the file's size")


def read_text_file(path: str | Path, display: str, kind: str = "UTF-8 text") -> str:
    """The text of a UTF-8 input file (a BOM is dropped); an InputError naming ``display`` when it is missing,
    a directory, not UTF-8 (``kind`` says what was expected) or unreadable."""
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(display, "(file)", str(path), "an existing file; this one was not found") from None
    except IsADirectoryError:
        raise InputError(display, "(file)", str(path), "a file, not a directory") from None
    except UnicodeDecodeError as error:
        raise InputError(display, f"byte {error.start}", error.object[error.start:error.start + 4], kind) from None
    except OSError as error:
        raise InputError(display, "(file)", str(path), f"a readable file ({error.strerror})") from None


def read_yaml_mapping(path: str | Path, display: str | None = None, what: str = "a YAML mapping") -> dict:
    """Read a YAML file whose top level must be a non-empty mapping.

    Parameters
    ----------
    path : str or Path
        File to read.
    display : str, optional
        How to name the file in errors (default: ``str(path)``).
    what : str
        What the top level should hold, for the error text.

    Raises
    ------
    InputError
        File missing or unreadable, not UTF-8, malformed YAML (with line and
        column), a duplicate key, empty, or a top level that is not a mapping; larger than
        :data:`MAXIMUM_YAML_BYTES`, nested deeper than :data:`MAXIMUM_YAML_DEPTH`, or holding more than
        :data:`MAXIMUM_YAML_NODES` values once its aliases are expanded.
    """
    display = str(path) if display is None else display
    text = read_text_file(path, display)
    if len(text.encode("utf-8")) > MAXIMUM_YAML_BYTES:
        raise InputError(display, "(file)", f"{len(text.encode('utf-8')):,} bytes",
                         f"a file of at most {MAXIMUM_YAML_BYTES:,} bytes")
    _check_depth(text, display)
    _check_expanded_size(text, display)
    try:
        data = yaml.load(text, Loader=_InputLoader)  # noqa: S506 - a yaml.SafeLoader subclass
    except _DuplicateKey as error:
        raise InputError(display, f"line {error.mark.line + 1}, column {error.mark.column + 1}", error.key,
                         "each key at most once in a mapping (a repeated key would silently "
                         "replace the first)") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        opened = ""
        if error.context and error.context_mark and error.context_mark.line != mark.line:
            opened = f"; {error.context} at line {error.context_mark.line + 1}"
        raise InputError(display, where, error.problem or error.context or "unreadable",
                         f"valid YAML (check indentation, ':' after keys, quotes and brackets{opened})") from None
    except yaml.YAMLError as error:
        raise InputError(display, "(file)", _one_line(str(error)), "valid YAML") from None
    if data is None:
        raise InputError(display, "(top level)", None, f"{what}; the file is empty")
    if not isinstance(data, dict):
        raise InputError(display, "(top level)", data, f"{what}, not a {type(data).__name__}")
    return data
