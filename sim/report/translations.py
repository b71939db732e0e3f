"""Every word a person reads, in English and Chinese, from one table: ``strings.yaml`` beside this module.

The table has two parts:

- **text**: interface and report strings under a top-level section, read with :func:`text` by a
  dotted key (``text("report.title", "zh")``). Each leaf is ``{en: ..., zh: ...}``. The report's
  strings are under ``report:``; the interactive app's under ``app:``.
- **names**: the model's elements, under ``names: <kind>: <name>:`` with a ``label`` and an
  ``explanation``, each ``{en: ..., zh: ...}``, read with :func:`label` and :func:`explanation`.
  The kinds are :data:`KINDS`. For levers, indicators, stocks and parameters the English explanation
  may be left out: it is then the ``doc`` of the element's declaration in :mod:`restrans.model`, so
  the English stays written once (for a scenario, the ``description`` of its file).

To add a string: add the leaf with both languages to ``strings.yaml``;
``tests/test_translations.py`` fails, naming the key and the language, while any declared
lever, indicator, target, region, stock, seed section or loop lacks one.
Format placeholders (``{region}``) are filled by the caller with :meth:`str.format`.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Mapping

import yaml

from restrans.model.indicators import INDICATORS
from restrans.model.levers import LEVERS
from restrans.model.parameters import PARAMETERS
from restrans.model.stocks import STOCKS
from restrans.sim.scenario.errors import InputError

LANGUAGES: tuple[str, ...] = ("en", "zh")
"""The languages of every string; the first is the default."""

KINDS: tuple[str, ...] = ("lever", "indicator", "target", "region", "section", "chapter", "loop", "stock",
                          "group", "unit", "scenario", "parameter")
"""Kinds of named elements under ``names:``: a seed ``section`` is a measure (四)–(二十四), a ``chapter``
a part 二–八 of the seed plan, a ``group`` an indicator group, a ``unit`` a unit of measure, a ``scenario``
a file of ``scenarios/``."""

FIELDS: tuple[str, ...] = ("label", "explanation")
"""What the table gives for each named element."""

STRINGS_FILE: Path = Path(__file__).with_name("strings.yaml")
"""The table of strings (installed as package data)."""


class MissingTranslation(LookupError):
    """A string the table lacks; the message names the key path in ``strings.yaml`` and the language."""


def check_language(language: str) -> str:
    """Return ``language`` if it is one of :data:`LANGUAGES`.

    Raises
    ------
    restrans.sim.scenario.errors.InputError
        One line naming the value and the allowed languages (the CLI prints it, exit code 2).
    """
    if language not in LANGUAGES:
        raise InputError("--lang", "language", language, f"one of {', '.join(LANGUAGES)}")
    return language


@functools.lru_cache(maxsize=4)
def load_table(path: Path = STRINGS_FILE) -> Mapping[str, Any]:
    """The parsed table of strings (read once per path)."""
    with open(path, encoding="utf-8") as stream:
        table = yaml.safe_load(stream)
    if not isinstance(table, dict):
        raise MissingTranslation(f"{path.name}: the table of strings must be a mapping")
    return table


def _missing(path: str, language: str) -> MissingTranslation:
    return MissingTranslation(f"{STRINGS_FILE.name}: {path}.{language} — no {language} text; add it "
                              f"(every string needs {', '.join(LANGUAGES)})")


def _leaf(node: Any, path: str, language: str) -> str:
    if not isinstance(node, dict) or not isinstance(node.get(language), str) or not node[language].strip():
        raise _missing(path, language)
    return node[language]


def text(key: str, language: str) -> str:
    """An interface or report string by dotted key, e.g. ``text("report.title", "zh")``.

    Raises
    ------
    InputError
        ``language`` is not one of :data:`LANGUAGES`.
    MissingTranslation
        The key or its ``language`` text is not in the table.
    """
    check_language(language)
    node: Any = load_table()
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise MissingTranslation(f"{STRINGS_FILE.name}: {key} — no such key")
        node = node[part]
    return _leaf(node, key, language)


def phrase(key: str, language: str, **fields: object) -> str:
    """:func:`text` with its ``{placeholders}`` filled: ``phrase("report.scorecard_heading", "zh", region=...)``."""
    return text(key, language).format(**fields)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")


@functools.lru_cache(maxsize=1)
def declared_docs() -> dict[tuple[str, str], str]:
    """The English doc of every declared lever, indicator, stock and parameter, by ``(kind, name)``."""
    docs = {("lever", lever.name): lever.doc for lever in LEVERS}
    docs.update({("parameter", parameter.name): parameter.doc for parameter in PARAMETERS})
    docs.update({("indicator", name): entry[2] for name, entry in INDICATORS.items()})
    docs.update({("stock", stock.name): stock.doc for stock in STOCKS})
    return docs


def _named(kind: str, name: str, field: str, language: str, default: str | None) -> str:
    check_language(language)
    _check_kind(kind)
    entry = load_table().get("names", {}).get(kind, {}).get(name)
    path = f"names.{kind}.{name}.{field}"
    node = entry.get(field) if isinstance(entry, dict) else None
    if isinstance(node, dict) and isinstance(node.get(language), str) and node[language].strip():
        return node[language]
    if field == "explanation" and language == "en" and (kind, name) in declared_docs():
        return declared_docs()[(kind, name)]
    if default is not None:
        return default
    raise _missing(path, language)


def label(kind: str, name: str, language: str, default: str | None = None) -> str:
    """The short name of a model element in ``language`` (``label("lever", "retraining_capacity", "zh")``).

    Parameters
    ----------
    kind : str
        One of :data:`KINDS`.
    name : str
        The element's identifier (a lever name, a target id, a seed section such as ``"二十一"``, ...).
    language : str
        One of :data:`LANGUAGES`.
    default : str, optional
        Returned when the table has no such label (e.g. a target of a user's own targets file);
        without it a missing label raises :class:`MissingTranslation`.
    """
    return _named(kind, name, "label", language, default)


def explanation(kind: str, name: str, language: str, default: str | None = None) -> str:
    """One or two sentences saying what a model element means, in ``language``.

    As :func:`label`; the English explanation of a lever, indicator or stock defaults to its declared doc.
    """
    return _named(kind, name, "explanation", language, default)


def named(kind: str, name: str, language: str) -> str:
    """A name as tables show it: the identifier in English (as in the CSV files), "label (identifier)" otherwise."""
    if language == LANGUAGES[0]:
        return name
    return f"{label(kind, name, language, default=name)} ({name})"


def short_name(kind: str, name: str, language: str) -> str:
    """A name as figures show it: the identifier in English, the label otherwise."""
    return name if language == LANGUAGES[0] else label(kind, name, language, default=name)


def variable_label(variable: str, language: str) -> str:
    """The label of a trajectory: an indicator's, else a stock's, else the name with spaces."""
    for kind in ("indicator", "stock"):
        found = label(kind, variable, language, default="")
        if found:
            return found
    return variable.replace("_", " ")


EXPLAINED_KINDS: tuple[str, ...] = ("lever", "indicator", "target", "region", "loop", "stock", "scenario", "parameter")
"""Kinds whose elements need an explanation as well as a label (the others need a label only)."""

ENGLISH_IN_FILE: tuple[str, ...] = ("scenario",)
"""Kinds whose English explanation is the ``description`` of their own file (callers pass it as ``default``)."""


def _text_leaves(node: Any, path: str) -> list[tuple[str, Any]]:
    if isinstance(node, dict) and set(node) & set(LANGUAGES):
        return [(path, node)]
    if isinstance(node, dict):
        return [leaf for key, child in node.items() for leaf in _text_leaves(child, f"{path}.{key}".lstrip("."))]
    return [(path, node)]


def missing_translations(declared: Mapping[str, Any], table: Mapping[str, Any] | None = None) -> list[str]:
    """Every string the table lacks, one ``key.language`` per line: an empty list when it is complete.

    Parameters
    ----------
    declared : mapping of kind to iterable of names
        The elements that exist at run time (levers, indicators, targets, regions, ...), by kind.
    table : mapping, optional
        The parsed table (default: ``strings.yaml``).

    Notes
    -----
    Checks a label in every language for every declared element, an explanation for the kinds in
    :data:`EXPLAINED_KINDS` (English may come from the declaration's doc), and every text leaf outside
    ``names:`` (``report:``, ``app:``, ...) in every language.
    """
    table = load_table() if table is None else table
    names = table.get("names", {})
    missing = []
    for kind, elements in declared.items():
        fields = FIELDS if kind in EXPLAINED_KINDS else FIELDS[:1]
        for name in elements:
            entry = names.get(kind, {}).get(name)
            for field in fields:
                node = entry.get(field) if isinstance(entry, dict) else None
                for language in LANGUAGES:
                    present = isinstance(node, dict) and isinstance(node.get(language), str) and node[language].strip()
                    defaulted = field == "explanation" and language == "en" and (
                        (kind, name) in declared_docs() or kind in ENGLISH_IN_FILE)
                    if not present and not defaulted:
                        missing.append(f"names.{kind}.{name}.{field}.{language}")
    for section, node in table.items():
        if section == "names" or node in ({}, None):
            continue
        for path, leaf in _text_leaves(node, section):
            extra = sorted(set(leaf) - set(LANGUAGES)) if isinstance(leaf, dict) else []
            if extra:
                missing.append(f"{path}: keys {extra} besides {', '.join(LANGUAGES)} (quote a text with ', ' in it)")
            missing += [f"{path}.{language}" for language in LANGUAGES
                        if not (isinstance(leaf, dict) and isinstance(leaf.get(language), str) and leaf[language].strip())]
    return missing


def chapters() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The seed plan's chapters (二–八) with their measures, in order: ``(("二", ("四", "五", "六")), ...)``."""
    entries = load_table()["names"]["chapter"]
    return tuple((chapter, tuple(entry["sections"])) for chapter, entry in entries.items())


def chapter_of(section: str) -> str:
    """The chapter (二–八) a seed measure (四–二十四) belongs to.

    Raises
    ------
    KeyError
        ``section`` is in no chapter of the table.
    """
    for chapter, sections in chapters():
        if section in sections:
            return chapter
    raise KeyError(f"seed section {section!r} is in no chapter of {STRINGS_FILE.name}")
