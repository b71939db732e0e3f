"""Region presets: 2025 initial stocks, parameter values and baseline levers, as data.

A preset is a YAML file ``model/regions/<name>.yaml``::

    name: coal_declining
    label: "Coal, declining (衰退型)"
    description: "Fuxin/Huaibei-like resource-exhausted coal city."
    initial:
      proven_reserves: {value: 400.0, source: "domain-facts: ..."}
    parameters:
      unit_extraction_cost: {value: 620.0, source: "ASSUMPTION: ..."}
    levers:
      transfer_payment: {value: 0.3, source: "domain-facts: ..."}
    calibration:                  # optional targets for restrans.sim.engine.calibration
      population_growth_rate: -0.008
      source: "domain-facts: ..."

Every name is checked against :mod:`restrans.model.stocks`, :mod:`restrans.model.parameters` and
:mod:`restrans.model.levers`, every value against the declared bounds, and every entry
needs a non-empty ``source``. Problems raise :class:`~restrans.sim.scenario.errors.InputError`
naming the preset file.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from restrans import model
from restrans.model.levers import LEVERS
from restrans.model.parameters import PARAMETERS
from restrans.model.stocks import STOCKS
from restrans.sim.scenario.errors import InputError, did_you_mean, read_yaml_mapping

REGIONS_DIRECTORY: Path = Path(model.__file__).parent / "regions"
"""Where the shipped presets live."""

CITIES_FOLDER = "cities"
"""Sub-folder of a regions directory holding presets of real cities (their state in ``year``, e.g. 2010)."""

_TOP_LEVEL_KEYS = ("name", "label", "description", "archetype", "year", "initial", "parameters", "levers",
                   "calibration")
_CALIBRATION_TARGETS = {"population_growth_rate": (-0.2, 0.2, "1/yr")}
"""Calibration targets a preset may give (see :mod:`restrans.sim.engine.calibration`): name -> (lower, upper, unit)."""
_ENTRY_KEYS = ("value", "source")

# section -> (declarations by name, word used in messages)
_SECTIONS = {
    "initial": ({stock.name: stock for stock in STOCKS}, "stock"),
    "parameters": ({parameter.name: parameter for parameter in PARAMETERS}, "parameter"),
    "levers": ({lever.name: lever for lever in LEVERS}, "lever"),
}


@dataclass(frozen=True)
class RegionPreset:
    """A validated region preset.

    Attributes
    ----------
    name, label, description : str
        Identity; ``name`` equals the file stem.
    initial : dict of str to float
        2025 values of stocks (others keep the model default).
    parameters : dict of str to float
        Parameter values (others keep the model default).
    levers : dict of str to float
        Baseline (constant) lever values (others keep the model baseline).
    sources : dict of str to str
        ``"initial.proven_reserves"`` etc. to the source text of that entry
        (``"calibration"`` for the calibration targets).
    calibration : dict of str to float
        Calibration targets, e.g. ``population_growth_rate`` (1/yr).
    archetype : str
        For a city preset, the region type it belongs to (a preset name); else "".
    year : int
        Year of the initial state (2025 for the archetypes).
    """

    name: str
    label: str
    description: str
    initial: dict[str, float] = field(default_factory=dict)
    parameters: dict[str, float] = field(default_factory=dict)
    levers: dict[str, float] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    calibration: dict[str, float] = field(default_factory=dict)
    archetype: str = ""
    year: int = 2025


def _directory(regions_directory: str | Path | None) -> Path:
    return REGIONS_DIRECTORY if regions_directory is None else Path(regions_directory)


def available_regions(regions_directory: str | Path | None = None) -> tuple[str, ...]:
    """Names (file stems) of the presets in ``regions_directory``, sorted."""
    directory = _directory(regions_directory)
    if not directory.is_dir():
        return ()
    return tuple(sorted(path.stem for path in directory.glob("*.yaml") if path.is_file()))


def available_cities(regions_directory: str | Path | None = None) -> tuple[str, ...]:
    """Names of the city presets (``<regions directory>/cities/*.yaml``), sorted."""
    return available_regions(_directory(regions_directory) / CITIES_FOLDER)


def _preset_path(name: str, directory: Path) -> Path | None:
    """The file of preset ``name``: an archetype, else a city; None if neither exists."""
    if not isinstance(name, str):
        return None
    for folder in (directory, directory / CITIES_FOLDER):
        if name in available_regions(folder):
            return folder / f"{name}.yaml"
    return None


def is_known_region(name: object, regions_directory: str | Path | None = None) -> bool:
    """True if ``name`` is an archetype or a city preset of ``regions_directory``."""
    return _preset_path(name, _directory(regions_directory)) is not None


def unknown_region_error(file: str, key: str, name: object,
                         regions_directory: str | Path | None = None) -> InputError:
    """The error for a region name that has no preset (with a did-you-mean)."""
    names = available_regions(regions_directory) + available_cities(regions_directory)
    allowed = f"unknown region; allowed: {', '.join(names)}" if names else \
        f"unknown region; no presets found in {_directory(regions_directory)}"
    return InputError(file, key, name, allowed, did_you_mean(name, names))


def load_region(name: str, regions_directory: str | Path | None = None) -> RegionPreset:
    """Read and validate the preset ``name``.

    Raises
    ------
    InputError
        Unknown region (with did-you-mean), or anything wrong inside the file.
    """
    directory = _directory(regions_directory)
    path = _preset_path(name, directory)
    if path is None:
        raise unknown_region_error(str(directory), "region", name, directory)
    display = str(path)
    data = read_yaml_mapping(path, display, "a region preset mapping (name, label, initial, parameters, levers)")
    _check_keys(data, _TOP_LEVEL_KEYS, display, "")
    for key in ("name", "label", "description", "archetype"):
        if not isinstance(data.get(key, ""), str):
            raise InputError(display, key, data[key], "a string")
    archetype = data.get("archetype", "")
    if archetype and archetype not in available_regions(directory):
        raise unknown_region_error(display, "archetype", archetype, directory)
    year = data.get("year", 2025)
    if isinstance(year, bool) or not isinstance(year, int) or not 1949 <= year <= 2100:
        raise InputError(display, "year", year, "a whole year between 1949 and 2100")
    if data.get("name") != name:
        raise InputError(display, "name", data.get("name"), f"the file name without .yaml: {name!r}")
    if not data.get("label", "").strip():
        raise InputError(display, "label", data.get("label"), "a non-empty label")
    values: dict[str, dict[str, float]] = {}
    sources: dict[str, str] = {}
    for section, (declarations, word) in _SECTIONS.items():
        values[section] = _read_section(data.get(section, {}), section, declarations, word, display, sources)
    calibration = _read_calibration(data.get("calibration", {}), display, sources)
    return RegionPreset(name=name, label=data["label"], description=data.get("description", ""),
                        initial=values["initial"], parameters=values["parameters"],
                        levers=values["levers"], sources=sources, calibration=calibration,
                        archetype=archetype, year=year)


def _read_calibration(entries: object, display: str, sources: dict[str, str]) -> dict[str, float]:
    if entries is None or entries == {}:
        return {}
    if not isinstance(entries, dict):
        raise InputError(display, "calibration", entries, "a mapping of calibration targets with a source")
    _check_keys(entries, (*_CALIBRATION_TARGETS, "source"), display, "calibration.")
    result = {}
    for name, (lower, upper, unit) in _CALIBRATION_TARGETS.items():
        if name in entries:
            bounds = _Bounds(lower, upper, unit)
            result[name] = _checked_value(entries[name], bounds, display, f"calibration.{name}")
    source = entries.get("source")
    if not isinstance(source, str) or not source.strip():
        raise InputError(display, "calibration.source", source,
                         "a non-empty source: a citation, 'domain-facts: ...' or 'ASSUMPTION: ...'")
    sources["calibration"] = source.strip()
    return result


@dataclass(frozen=True)
class _Bounds:
    lower: float
    upper: float
    unit: str


def _check_keys(data: dict, allowed: tuple[str, ...], display: str, prefix: str) -> None:
    for key in data:
        if key not in allowed:
            raise InputError(display, f"{prefix}{key}", key, f"unknown key; allowed: {', '.join(allowed)}",
                             did_you_mean(key, allowed))


def _read_section(entries: object, section: str, declarations: dict, word: str,
                  display: str, sources: dict[str, str]) -> dict[str, float]:
    if entries is None:
        return {}
    if not isinstance(entries, dict):
        raise InputError(display, section, entries, f"a mapping of {word} names to {{value, source}}")
    result: dict[str, float] = {}
    for entry_name, entry in entries.items():
        path = f"{section}.{entry_name}"
        declaration = declarations.get(entry_name) if isinstance(entry_name, str) else None
        if declaration is None:
            raise InputError(display, path, entry_name, f"unknown {word}; allowed: one of the "
                             f"{len(declarations)} {word}s in model/{'stocks' if section == 'initial' else section}.py",
                             did_you_mean(entry_name, declarations))
        if not isinstance(entry, dict):
            raise InputError(display, path, entry, "a mapping {value: <number>, source: <text>}")
        _check_keys(entry, _ENTRY_KEYS, display, f"{path}.")
        result[entry_name] = _checked_value(entry.get("value"), declaration, display, f"{path}.value")
        source = entry.get("source")
        if not isinstance(source, str) or not source.strip():
            raise InputError(display, f"{path}.source", source,
                             "a non-empty source: a citation, 'domain-facts: ...' or 'ASSUMPTION: ...'")
        sources[path] = source.strip()
    return result


def _checked_value(value: object, declaration, display: str, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        allowed = "a number (true/false is not a number)" if isinstance(value, bool) else "a number"
        raise InputError(display, path, value, allowed)
    if not math.isfinite(value):
        raise InputError(display, path, value, "a finite number (not NaN or infinity)")
    if not declaration.lower <= value <= declaration.upper:
        raise InputError(display, path, value,
                         f"allowed [{declaration.lower:g}, {declaration.upper:g}] {declaration.unit}")
    return float(value)
