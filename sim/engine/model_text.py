"""Refuse a Vensim or XMILE model whose comments or units could break out of PySD's generated Python.

PySD pastes every variable's comment (Vensim ``~ ... |``, XMILE ``<doc>``) into
a triple-quoted docstring of the Python it generates and then runs, and its
units into a string literal. A ``\"\"\"`` in a comment closes that docstring and
the text after it runs as code; a backslash can escape a closing quote in some
PySD versions, and ``'''`` is the other triple quote. :func:`check_model_text`
reads the comments and units of every variable before PySD sees the file and
refuses the model with one line naming the model file and the variable.

Vensim's own line continuation (a backslash at the end of a line) is allowed.
"""
from __future__ import annotations

import re
from pathlib import Path

from restrans.sim.scenario.errors import InputError

FORBIDDEN_TEXT: tuple[str, ...] = ('"""', "'''", "\\")
"""Text a comment or a unit may not hold: the Python triple quotes and the backslash."""

_CONTINUATION = re.compile(r"\\[ \t]*\n")
_SKETCH_MARK = "\\\\\\---///"
_ENCODING_HEADER = re.compile(r"^\s*\{([^}]*)\}")
_ALLOWED = ("a comment and units without \"\"\", ''' or a backslash (PySD copies them into the Python it "
            "generates and runs, where they could end a string and run the rest of the text as code)")


def check_model_text(model_file: Path) -> None:
    """Refuse ``model_file`` if a comment or a unit holds one of :data:`FORBIDDEN_TEXT`.

    Parameters
    ----------
    model_file : Path
        A Vensim ``.mdl`` or an XMILE ``.xmile``/``.xml``/``.stmx`` file.

    Raises
    ------
    InputError
        One line: ``<model file>: <variable>.comment`` (or ``.units``), the text, what is allowed.
    """
    model_file = Path(model_file)
    if model_file.suffix.lower() == ".mdl":
        text = _decode_vensim(model_file.read_bytes()).split(_SKETCH_MARK, 1)[0]
        entries = vensim_texts(text)
        # whatever the entries, no triple quote anywhere (in case a stray '"' misleads the split into entries)
        entries.append(("(model text)", "text", text.replace("\\", " ")))
    else:
        entries = xmile_texts(model_file)
    for variable, part, text in entries:
        if any(forbidden in _CONTINUATION.sub(" ", text) for forbidden in FORBIDDEN_TEXT):
            raise InputError(str(model_file), f"{variable}.{part}", _excerpt(text), _ALLOWED)


def _excerpt(text: str) -> str:
    """The first forbidden text of ``text`` with some context, on one line."""
    text = " ".join(_CONTINUATION.sub(" ", text).split())
    first = min((index for index in (text.find(forbidden) for forbidden in FORBIDDEN_TEXT) if index >= 0), default=0)
    return text[max(first - 40, 0):first + 60]


def _decode_vensim(data: bytes) -> str:
    """The text of a ``.mdl`` file in the encoding its ``{...}`` header names (UTF-8 without one)."""
    first_line = data.split(b"\n", 1)[0].decode("ascii", errors="ignore")
    header = _ENCODING_HEADER.match(first_line)
    encoding = header.group(1).strip() if header else "utf-8"
    try:
        text = data.decode(encoding, errors="ignore")
    except LookupError:
        text = data.decode("utf-8", errors="ignore")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_outside_quotes(text: str, separators: str) -> list[tuple[str, str]]:
    """(piece, separator that ended it) of ``text`` split at ``separators``, except inside ``"quoted names"``.

    Only the equation and the units of an entry (pieces before its second ``~``) hold quoted names; the
    comment is plain text, so a ``"`` in a comment does not start a quote.
    """
    pieces, current, quoted, tildes = [], [], False, 0
    for index, character in enumerate(text):
        if character == '"' and tildes < 2 and not (index and text[index - 1] == "\\"):
            quoted = not quoted
        if not quoted and character in separators:
            pieces.append(("".join(current), character))
            current = []
            tildes = 0 if character == "|" else tildes + 1
            continue
        current.append(character)
    pieces.append(("".join(current), ""))
    return pieces


def _variable_name(equation: str) -> str:
    """The name an entry defines: the text before ``=``, ``(``, ``[`` or ``:`` (a quoted name kept whole)."""
    equation = _ENCODING_HEADER.sub("", equation).strip()
    if equation.startswith('"'):
        closing = equation.find('"', 1)
        return equation[1:closing] if closing > 0 else equation[1:]
    name = re.split(r"[=(\[:]", equation, maxsplit=1)[0]
    return " ".join(name.split()) or "(an entry without a name)"


def vensim_texts(text: str) -> list[tuple[str, str, str]]:
    """(variable, ``"units"`` or ``"comment"``, text) of every entry of the text of a ``.mdl`` file
    (decoded, without its sketch)."""
    entries: list[list[str]] = [[]]
    for piece, separator in _split_outside_quotes(text, "~|"):
        entries[-1].append(piece)
        if separator == "|":
            entries.append([])
    found = []
    for parts in entries:
        if len(parts) < 2:
            continue
        variable = _variable_name(parts[0])
        found.append((variable, "units", parts[1]))
        found.extend((variable, "comment", part) for part in parts[2:])
    return found


def xmile_texts(model_file: Path) -> list[tuple[str, str, str]]:
    """(variable, ``"units"`` or ``"comment"``, text) of every ``<units>`` and ``<doc>`` of an XMILE file.

    The file is parsed the way PySD parses it (lxml, recovering from errors), so that entities such as
    ``&quot;`` are read as the characters PySD will see.
    """
    from lxml import etree  # installed with PySD, which reads XMILE with it

    root = etree.parse(str(model_file), parser=etree.XMLParser(encoding="utf-8", recover=True)).getroot()
    if root is None:
        return []
    found = []
    for node in root.iter():
        tag = etree.QName(node).localname if isinstance(node.tag, str) else ""
        if tag not in ("doc", "units"):
            continue
        parent = node.getparent()
        variable = (parent.get("name") if parent is not None else None) or "(model)"
        found.append((variable, "comment" if tag == "doc" else "units", "".join(node.itertext())))
    return found
