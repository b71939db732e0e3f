"""Targets: the plan's 2025 and 2035 goals (seed 一(三)) as thresholds on indicators.

A targets file (``scenarios/targets.yaml``) is YAML::

    description: The plan's goals as thresholds.
    targets:
      jobs_2035:                            # an id: lower-case letters, digits, '_'
        indicator: unemployment_rate        # a name of restrans.model.indicators.INDICATORS
        direction: at_most                  # at_least | at_most
        year: 2035                          # whole year at which the target is judged
        threshold: 0.055                    # in the indicator's unit; may be left out if regions: covers all
        regions: {coal_declining: 0.06, forest_declining: null}   # optional per-preset thresholds; null = n/a
        goal: "人民安康幸福 (seed 一(三), 2035)"                  # optional: the goal it translates
        rationale: "National surveyed urban unemployment target ~5.5 %."   # required

Every problem raises :class:`~restrans.sim.scenario.errors.InputError` naming the file, the key
path, the value and what is allowed (with a did-you-mean), like scenario files.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from restrans.model.indicators import INDICATORS
from restrans.sim.scenario.errors import MISSING, InputError, did_you_mean, read_yaml_mapping
from restrans.sim.scenario.regions import available_regions

DIRECTIONS: tuple[str, ...] = ("at_least", "at_most")
TOP_LEVEL_KEYS: tuple[str, ...] = ("description", "targets")
TARGET_KEYS: tuple[str, ...] = ("indicator", "direction", "year", "threshold", "regions", "goal", "rationale")
_IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9_]*$")


@dataclass(frozen=True)
class Target:
    """One validated target.

    Attributes
    ----------
    identifier : str
        The key of the target in the file.
    indicator : str
        Name in :data:`restrans.model.indicators.INDICATORS`.
    direction : str
        ``"at_least"`` (value >= threshold meets it) or ``"at_most"``.
    year : int
        Year (yr) at which the target is judged.
    threshold : float or None
        Threshold for every region not listed in ``regions`` (indicator unit);
        None: the target applies only to the listed regions.
    regions : dict of str to (float or None)
        Per-preset thresholds; None marks the target as not applicable there.
    goal, rationale : str
        The plan's goal it translates, and why this threshold (source).
    """

    identifier: str
    indicator: str
    direction: str
    year: int
    threshold: float | None
    rationale: str
    goal: str = ""
    regions: dict[str, float | None] = field(default_factory=dict)

    @property
    def unit(self) -> str:
        """Unit of the indicator."""
        return INDICATORS[self.indicator][0]

    def threshold_for(self, region: str) -> float | None:
        """Threshold in ``region`` (indicator unit), or None where the target does not apply."""
        if region in self.regions:
            return self.regions[region]
        return self.threshold


@dataclass(frozen=True)
class TargetSet:
    """A validated targets file: its description, targets in file order, and the file path."""

    description: str
    targets: tuple[Target, ...]
    path: str


def _number(display: str, key: str, value: object, allow_none: bool) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        what = "a number or null (null: the target does not apply)" if allow_none else "a number"
        if isinstance(value, str):
            what += ", not text (write it without quotes)"
        raise InputError(display, key, value, what)
    if not math.isfinite(value):
        raise InputError(display, key, value, "a finite number (not NaN or infinity)")
    return float(value)


def _text(display: str, key: str, value: object, required: bool) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise InputError(display, key, value, "a non-empty text" if required else "a text")
    return value.strip()


def _check_keys(display: str, prefix: str, data: dict, allowed: tuple[str, ...]) -> None:
    for key in data:
        if key not in allowed:
            raise InputError(display, f"{prefix}{key}", key, f"unknown key; allowed: {', '.join(allowed)}",
                             did_you_mean(key, allowed))


def _regions(display: str, prefix: str, value: object, known: tuple[str, ...]) -> dict[str, float | None]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(display, prefix, value, "a mapping of region preset -> threshold (or null)")
    regions = {}
    for name, threshold in value.items():
        if name not in known:
            raise InputError(display, f"{prefix}.{name}", name, f"unknown region; allowed: {', '.join(known)}",
                             did_you_mean(name, known))
        regions[name] = _number(display, f"{prefix}.{name}", threshold, allow_none=True)
    return regions


def _target(display: str, identifier: object, data: object, known_regions: tuple[str, ...]) -> Target:
    prefix = f"targets.{identifier}"
    if not isinstance(identifier, str) or not _IDENTIFIER.match(identifier):
        raise InputError(display, prefix, identifier, "an id of lower-case letters, digits and '_'")
    if not isinstance(data, dict):
        raise InputError(display, prefix, data, f"a mapping with keys {', '.join(TARGET_KEYS)}")
    _check_keys(display, prefix + ".", data, TARGET_KEYS)
    for key in ("indicator", "direction", "year", "rationale"):
        if key not in data:
            raise InputError(display, f"{prefix}.{key}", MISSING, "a value (this key is required)")
    indicator, direction, year = data["indicator"], data["direction"], data["year"]
    if indicator not in INDICATORS:
        raise InputError(display, f"{prefix}.indicator", indicator,
                         f"one of the {len(INDICATORS)} indicators in model/indicators.py",
                         did_you_mean(indicator, INDICATORS))
    if direction not in DIRECTIONS:
        raise InputError(display, f"{prefix}.direction", direction, "at_least or at_most",
                         did_you_mean(direction, DIRECTIONS))
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
        raise InputError(display, f"{prefix}.year", year, "a whole year between 1900 and 2200, e.g. 2035")
    threshold = _number(display, f"{prefix}.threshold", data.get("threshold"), allow_none=True)
    regions = _regions(display, f"{prefix}.regions", data.get("regions"), known_regions)
    if threshold is None and not regions:
        raise InputError(display, f"{prefix}.threshold", None,
                         "a number, or per-region thresholds under 'regions'")
    return Target(identifier=identifier, indicator=indicator, direction=direction, year=year,
                  threshold=threshold, regions=regions, goal=_text(display, f"{prefix}.goal", data.get("goal"), False),
                  rationale=_text(display, f"{prefix}.rationale", data["rationale"], True))


def load_targets(path: str | Path, *, regions_directory: str | Path | None = None) -> TargetSet:
    """Read and validate a targets file.

    Parameters
    ----------
    path : str or Path
        The targets YAML file.
    regions_directory : str or Path, optional
        Where region presets live (default ``model/regions``), for the ``regions`` keys.

    Raises
    ------
    InputError
        Anything wrong, as one line naming the file, key path, value and what is allowed.
    """
    display = str(path)
    data = read_yaml_mapping(path, display, "a mapping with keys description and targets")
    _check_keys(display, "", data, TOP_LEVEL_KEYS)
    entries = data.get("targets")
    if not isinstance(entries, dict) or not entries:
        raise InputError(display, "targets", entries, "a non-empty mapping of target id -> target")
    known_regions = available_regions(regions_directory)
    targets = tuple(_target(display, identifier, entry, known_regions) for identifier, entry in entries.items())
    return TargetSet(description=_text(display, "description", data.get("description"), False),
                     targets=targets, path=display)


def repository_targets() -> Path | None:
    """The targets file shipped beside the scenarios of the restrans checkout (``scenarios/targets.yaml``), if any.

    ``restrans`` is installed from the repository (editable or not); a wheel built elsewhere has no scenarios
    folder, and then this is None.
    """
    import restrans

    candidate = Path(restrans.__file__).resolve().parent.parent / "scenarios" / "targets.yaml"
    return candidate if candidate.is_file() else None


def _shown(path: str | Path) -> Path:
    """``path`` relative to the working folder when it lies inside it (as a user would type it), else as is."""
    path = Path(path)
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def find_targets(scenario_path: str | Path, source_files: Sequence[str] = ()) -> tuple[Path | None, str]:
    """The targets file for a scenario file, and why that one: (path or None, reason in words).

    Looked for in order: ``targets.yaml`` beside the scenario file; beside each file it extends (the
    ``extends`` chain, nearest first, as in ``source_files``); the repository's ``scenarios/targets.yaml``
    (:func:`repository_targets`).
    """
    scenario_path = Path(scenario_path)
    beside = scenario_path.parent / "targets.yaml"
    if beside.is_file():
        return _shown(beside), f"beside {_shown(scenario_path)}"
    for source in source_files:
        candidate = Path(source).parent / "targets.yaml"
        if Path(source).resolve() != scenario_path.resolve() and candidate.is_file():
            return _shown(candidate), f"beside {_shown(source)}, which {scenario_path} extends"
    shipped = repository_targets()
    if shipped is not None:
        return _shown(shipped), f"the default targets file; none beside {scenario_path} or the files it extends"
    return None, f"no targets file beside {scenario_path} or the files it extends, and none shipped"
