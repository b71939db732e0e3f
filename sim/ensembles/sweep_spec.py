"""Sweep files (``scenarios/sweeps/*.yaml``): read, validate, and build the design.

A sweep file::

    name: retraining_transfer_lhs
    description: What the retraining and transfer levers buy under price and productivity uncertainty.
    base: ../baseline.yaml                  # scenario file, relative to this file
    design: {method: lhs, n: 10000, seed: 20250601}    # grid | lhs | sobol | montecarlo
    factors:
      retraining_capacity: {range: [2.0, 12.0]}          # a lever, as a constant schedule
      transfer_payment.step.at: {range: [2026, 2030]}    # a field of the base scenario's schedule
      resource_price_growth: {normal: {mean: 0.0, sd: 0.02}}   # a parameter, truncated to its bounds
      initial.elderly: {values: [300, 350, 400]}
    trajectories: [unemployment_rate, gdp]   # written by --trajectories (default: the key trajectories)
    chunk: 10000                              # runs per chunk (default 10,000; --chunk overrides)
    dask: {scheduler: "tcp://127.0.0.1:8786"}  # optional; --scheduler overrides

Every problem raises :class:`~restrans.sim.scenario.errors.InputError` (file, key, value, what is
allowed), and a factor range or distribution outside the declared bounds of
what it varies is an error.
"""
from __future__ import annotations

import hashlib
import json
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from pydantic import ValidationError
from scipy.stats import qmc

from restrans.model.indicators import INDICATORS
from restrans.model.variables import AUXILIARIES
from restrans.sim.scenario.errors import MISSING, InputError, did_you_mean, read_yaml_mapping
from restrans.sim.scenario.names import check_output_name
from restrans.sim.ensembles.designs import Design
from restrans.sim.ensembles.factors import (LEVER_DECLARATIONS, PARAMETER_DECLARATIONS, SCHEDULE_FIELDS, STOCK_DECLARATIONS, Factor,
                         Target, check_lever_and_its_schedule, declared_bounds, grid_levels, grid_size)
from restrans.sim.scenario.scenario import load_scenario
from restrans.sim.scenario.scenario_fields import DISTRIBUTION_KINDS, Distribution

DESIGNS: tuple[str, ...] = ("grid", "lhs", "sobol", "montecarlo")
TOP_LEVEL_KEYS: tuple[str, ...] = ("name", "description", "base", "design", "factors", "trajectories", "chunk",
                                   "dask")
DESIGN_KEYS: tuple[str, ...] = ("method", "n", "seed")
FACTOR_KEYS: tuple[str, ...] = ("range", "values", "levels") + DISTRIBUTION_KINDS
KEY_TRAJECTORIES: tuple[str, ...] = ("extraction", "mining_employment", "unemployment_rate", "successor_share",
                                     "population", "untreated_subsidence", "gdp", "income_per_capita")
"""Trajectories written by ``--trajectories`` and drawn by fan charts unless a file names others."""
DEFAULT_CHUNK = 10_000
MAXIMUM_RUNS = 100_000_000


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep file.

    Attributes
    ----------
    name, description : str
    path : str
        The file as the user named it.
    base : restrans.sim.scenario.scenario.Scenario
        The resolved base scenario.
    method : str
        Design: one of :data:`DESIGNS`.
    n : int
        Runs (lhs, sobol, montecarlo) or default levels per factor (grid).
    seed : int
        Seed of the design (recorded in manifests; grid ignores it).
    factors : tuple of Factor
    trajectories : tuple of str
    chunk : int
    scheduler : str or None
    """

    name: str
    description: str
    path: str
    base: object
    method: str
    n: int
    seed: int
    factors: tuple[Factor, ...]
    trajectories: tuple[str, ...]
    chunk: int
    scheduler: str | None

    def resolved_dict(self) -> dict:
        """Everything that decides the runs, as plain JSON (for the manifest and the resume check)."""
        return {"name": self.name, "base": self.base.resolved_dict(), "method": self.method, "n": self.n,
                "seed": self.seed, "factors": [factor.to_dict() for factor in self.factors],
                "trajectories": list(self.trajectories)}

    def fingerprint(self) -> str:
        """SHA-256 of :meth:`resolved_dict`."""
        text = json.dumps(self.resolved_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def n_runs(self) -> int:
        """Number of runs of the design (a Python integer: a grid's size never overflows)."""
        return grid_size(self.factors, self.n) if self.method == "grid" else self.n


def check_grid_size(display: str, method: str, n: int, factors: Sequence[Factor]) -> None:
    """Refuse a ``grid`` design of more than :data:`MAXIMUM_RUNS` runs (other designs have ``n`` runs).

    Parameters
    ----------
    display : str
        The sweep file, as the user named it.
    method : str
        The design (only ``grid`` is checked here; ``design.n`` bounds the others).
    n : int
        The design's ``n``: levels of a factor that sets none itself.
    factors : sequence of Factor

    Raises
    ------
    InputError
        One line naming the sweep file, ``design.n``, the grid's exact size and its level counts.
    """
    if method != "grid":
        return
    runs = grid_size(factors, n)
    if runs > MAXIMUM_RUNS:
        counts = " x ".join(str(grid_levels(factor, n)) for factor in factors)
        if len(counts) > 60:
            counts = f"{len(factors)} factors"
        raise InputError(display, "design.n", n, f"a grid of at most {MAXIMUM_RUNS:,} runs (this one has "
                         f"{runs:,}: {counts}); use fewer levels or factors, or lhs, sobol or montecarlo")


def unit_design(method: str, n: int, dimensions: int, seed: int) -> np.ndarray:
    """Points (n, dimensions) in the unit hypercube for ``lhs``, ``sobol`` (scrambled) or ``montecarlo``."""
    if method == "lhs":
        return qmc.LatinHypercube(d=dimensions, rng=np.random.default_rng(seed)).random(n)
    if method == "sobol":
        with warnings.catch_warnings():  # n need not be a power of 2 (balance is then slightly worse)
            warnings.simplefilter("ignore", UserWarning)
            return qmc.Sobol(d=dimensions, scramble=True, rng=np.random.default_rng(seed)).random(n)
    if method == "montecarlo":
        return np.random.default_rng(seed).random((n, dimensions))
    raise ValueError(f"unknown design {method!r}")


def sweep_design(spec: SweepSpec) -> Design:
    """The design of ``spec``, generated by index range (:class:`restrans.sim.ensembles.designs.Design`).

    Raises
    ------
    InputError
        A grid of more than :data:`MAXIMUM_RUNS` runs (checked again here, for every caller).
    """
    check_grid_size(spec.path, spec.method, spec.n, spec.factors)
    return Design(spec.method, spec.n, spec.seed, spec.factors)


def design_values(spec: SweepSpec) -> np.ndarray:
    """Factor values of every run, shape (n_runs, n_factors), in the factors' units (the whole design in memory:
    sweeps use :func:`sweep_design` by index range instead)."""
    design = sweep_design(spec)
    return design.values(0, design.n_runs)


def read_whole_number(display: str, key: str, value: object, lower: int, upper: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lower <= value <= upper:
        raise InputError(display, key, value, f"a whole number from {lower:,} to {upper:,}")
    return value


def _number_list(display: str, key: str, value: object, length: int | None = None) -> list[float]:
    ok = isinstance(value, list) and value and all(
        isinstance(item, (int, float)) and not isinstance(item, bool) and np.isfinite(item) for item in value)
    if not ok or (length is not None and len(value) != length):
        what = f"a list of {length} numbers" if length else "a non-empty list of numbers"
        raise InputError(display, key, value, what + (", e.g. [2.0, 12.0]" if length == 2 else ""))
    return [float(item) for item in value]


def _target(display: str, key: str, base) -> Target:
    """Where factor ``key`` goes; errors name the key and suggest a close name."""
    if key.startswith("initial."):
        stock = key[len("initial."):]
        if stock in STOCK_DECLARATIONS:
            return Target("initial", stock)
        raise InputError(display, f"factors.{key}", key, "initial.<stock> with a stock of model/stocks.py",
                         did_you_mean(stock, STOCK_DECLARATIONS))
    if key in PARAMETER_DECLARATIONS:
        return Target("parameter", key)
    if key in LEVER_DECLARATIONS:
        return Target("lever", key)
    parts = key.split(".")
    if len(parts) == 3 and parts[0] in LEVER_DECLARATIONS:
        return _schedule_target(display, key, parts, base)
    candidates = [*PARAMETER_DECLARATIONS, *LEVER_DECLARATIONS, *(f"initial.{s}" for s in STOCK_DECLARATIONS)]
    raise InputError(display, f"factors.{key}", key, "a parameter, a lever, initial.<stock> or "
                     "<lever>.<schedule kind>.<field> of the base scenario", did_you_mean(parts[0], candidates))


def _schedule_target(display: str, key: str, parts: list[str], base) -> Target:
    lever, kind, field_name = parts
    schedule = base.levers.get(lever)
    actual = schedule.kind if schedule is not None else "constant (not set by the base scenario)"
    if schedule is None or schedule.kind != kind:
        raise InputError(display, f"factors.{key}", key, f"a schedule kind the base scenario gives lever "
                         f"'{lever}': it is {actual}")
    if kind not in SCHEDULE_FIELDS or field_name not in SCHEDULE_FIELDS[kind]:
        allowed = ", ".join(SCHEDULE_FIELDS.get(kind, {})) or "none (vary a step or a ramp instead)"
        raise InputError(display, f"factors.{key}", field_name, f"a field of the {kind} schedule: {allowed}",
                         did_you_mean(field_name, SCHEDULE_FIELDS.get(kind, {})))
    return Target("schedule", lever, kind, field_name)


def _factor(display: str, key: object, data: object, base) -> Factor:
    prefix = f"factors.{key}"
    if not isinstance(key, str):
        raise InputError(display, prefix, key, "a factor name (text)")
    target = _target(display, key, base)
    return factor_from_data(display, key, data, target, declared_bounds(target, base))


def factor_from_data(display: str, key: str, data: object, target: Target,
                     bounds: tuple[float, float, str]) -> Factor:
    """The factor ``key`` of ``target`` from its mapping (range, values or a distribution) within ``bounds``
    (lower, upper, what they are); shared with sweeps of a foreign model (sim/foreign_sweep.py)."""
    prefix = f"factors.{key}"
    if not isinstance(data, dict):
        raise InputError(display, prefix, data, "a mapping with one of: range, values, " + ", ".join(DISTRIBUTION_KINDS))
    for name in data:
        if name not in FACTOR_KEYS:
            raise InputError(display, f"{prefix}.{name}", name, f"unknown key; allowed: {', '.join(FACTOR_KEYS)}",
                             did_you_mean(name, FACTOR_KEYS))
    kinds = [name for name in data if name != "levels"]
    if len(kinds) != 1:
        raise InputError(display, prefix, kinds, "exactly one of: range, values, " + ", ".join(DISTRIBUTION_KINDS))
    kind = kinds[0]
    lower, upper, what = bounds
    levels = None if data.get("levels") is None else read_whole_number(display, f"{prefix}.levels", data["levels"], 2, 1000)
    if kind == "range":
        low, high = _number_list(display, f"{prefix}.range", data["range"], 2)
        if not low < high:
            raise InputError(display, f"{prefix}.range", data["range"], "[lower, upper] with lower < upper")
        _within(display, f"{prefix}.range", data["range"], low, high, lower, upper, what)
        return Factor(key, target, low, high, "range", levels=levels)
    if kind == "values":
        values = _number_list(display, f"{prefix}.values", data["values"])
        _within(display, f"{prefix}.values", data["values"], min(values), max(values), lower, upper, what)
        return Factor(key, target, min(values), max(values), "values", values=tuple(values), levels=levels)
    return _distribution_factor(display, prefix, key, target, kind, data[kind], (lower, upper, what), levels)


def _distribution_factor(display, prefix, key, target, kind, arguments, bounds, levels) -> Factor:
    lower, upper, what = bounds
    try:
        distribution = Distribution.model_validate({kind: arguments})
    except ValidationError as error:
        first = error.errors()[0]
        context = first.get("ctx") or {}
        location = ".".join(str(part) for part in first["loc"][1:]) or kind
        sub_key = context.get("key") or location
        raise InputError(display, f"{prefix}.{kind}.{sub_key}".rstrip("."), context.get("value", first.get("input")),
                         context.get("allowed", first["msg"])) from None
    arguments = distribution.args.model_dump()
    low = arguments.get("lower") if arguments.get("lower") is not None else lower
    high = arguments.get("upper") if arguments.get("upper") is not None else upper
    _within(display, f"{prefix}.{kind}", arguments, low, high, lower, upper, what)
    return Factor(key, target, float(low), float(high), kind, {k: v for k, v in arguments.items() if v is not None},
                  levels=levels)


def _within(display, key, value, low, high, lower, upper, what) -> None:
    if low < lower or high > upper:
        raise InputError(display, key, value, f"values within {what}")


def _factors(display: str, data: object, base) -> tuple[Factor, ...]:
    if not isinstance(data, dict) or not data:
        raise InputError(display, "factors", data if data is not None else MISSING,
                         "a non-empty mapping of factor name -> {range: [lower, upper]} or a distribution")
    factors = tuple(_factor(display, key, value, base) for key, value in data.items())
    check_lever_and_its_schedule(display, factors)
    return factors


def read_design(display: str, data: object) -> tuple[str, int, int]:
    if not isinstance(data, dict):
        raise InputError(display, "design", data if data is not None else MISSING,
                         "a mapping {method: grid|lhs|sobol|montecarlo, n: runs, seed: integer}")
    for key in data:
        if key not in DESIGN_KEYS:
            raise InputError(display, f"design.{key}", key, f"unknown key; allowed: {', '.join(DESIGN_KEYS)}",
                             did_you_mean(key, DESIGN_KEYS))
    for key in DESIGN_KEYS:
        if key not in data:
            raise InputError(display, f"design.{key}", MISSING, "a value (this key is required; the seed must be "
                             "explicit so the design can be reproduced)" if key == "seed" else "a value (required)")
    method = data["method"]
    if method not in DESIGNS:
        raise InputError(display, "design.method", method, f"one of: {', '.join(DESIGNS)}",
                         did_you_mean(method, DESIGNS))
    n = read_whole_number(display, "design.n", data["n"], 2 if method == "grid" else 1, MAXIMUM_RUNS)
    seed = read_whole_number(display, "design.seed", data["seed"], 0, 2**63 - 1)
    return method, n, seed


def _trajectories(display: str, data: object) -> tuple[str, ...]:
    if data is None:
        return KEY_TRAJECTORIES
    known = [*STOCK_DECLARATIONS, *AUXILIARIES, *INDICATORS]
    if not isinstance(data, list) or not data:
        raise InputError(display, "trajectories", data, "a non-empty list of stocks, auxiliaries or indicators")
    for index, name in enumerate(data):
        if name not in known:
            raise InputError(display, f"trajectories[{index}]", name, "a stock, auxiliary or indicator name "
                             "(restrans describe stocks)", did_you_mean(name, known))
    return tuple(dict.fromkeys(data))


def _scheduler(display: str, data: object) -> str | None:
    if data is None:
        return None
    if not isinstance(data, dict) or set(data) != {"scheduler"} or not isinstance(data["scheduler"], str):
        raise InputError(display, "dask", data, "a mapping {scheduler: 'tcp://host:port'}")
    return check_scheduler_address(display, "dask.scheduler", data["scheduler"])


def check_scheduler_address(display: str, key: str, address: str) -> str:
    """A Dask scheduler address ``tcp://host:port`` (also tls://, inproc://), else InputError."""
    if not re.match(r"^(tcp|tls|inproc|ws|wss)://[^\s]+$", address):
        raise InputError(display, key, address, "a Dask scheduler address such as tcp://127.0.0.1:8786")
    return address


def load_sweep(path: str | Path) -> SweepSpec:
    """Read and validate a sweep file; the base scenario is loaded and validated too.

    Raises
    ------
    InputError
        Anything wrong, as one line naming the file, the key, the value and what is allowed.
    """
    display = str(path)
    data = read_yaml_mapping(path, display, "a mapping of sweep keys (base, design, factors, ...)")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise InputError(display, str(key), key, f"unknown key; allowed: {', '.join(TOP_LEVEL_KEYS)}",
                             did_you_mean(key, TOP_LEVEL_KEYS))
    if not isinstance(data.get("base"), str) or not data["base"].strip():
        raise InputError(display, "base", data.get("base", MISSING), "a path to a scenario file, relative to this file")
    base_path = Path(path).parent / data["base"]
    if not base_path.is_file():
        raise InputError(display, "base", data["base"], f"an existing scenario file (not found: {base_path})")
    base = load_scenario(base_path)
    name = check_output_name(data.get("name", Path(path).stem), display, "name")
    description = data.get("description") or ""
    method, n, seed = read_design(display, data.get("design"))
    chunk = DEFAULT_CHUNK if data.get("chunk") is None else read_whole_number(display, "chunk", data["chunk"], 1, 10**7)
    spec = SweepSpec(name, str(description), display, base, method, n, seed, _factors(display, data.get("factors"), base),
                     _trajectories(display, data.get("trajectories")), chunk, _scheduler(display, data.get("dask")))
    check_grid_size(display, method, n, spec.factors)
    return spec
