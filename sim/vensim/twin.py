"""Write the Vensim twin of the model (``model/vensim/restrans.mdl``) and scenario exports.

The .mdl text is generated from the declarations (parameters and named
constants, initial values as ``initial_<stock>`` constants, levers as time
lookups, the lookups, units with ``[lower,upper]`` ranges, docs and sources as
comments) and the equations emitted from the trace of the numpy model
(:func:`restrans.model.graph.emit_vensim.vensim_equations`): no equation is
written here.
With a scenario's values it becomes an export a Vensim user can open; the
same values as a Vensim changes file (.cin) change only what differs.

Run ``python -m restrans.sim.vensim.twin`` (``make twin``) to regenerate the committed
file; ``tests/test_vensim_twin.py`` checks it is current.
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

from restrans.model.constants import CONSTANTS, COSTED_LEVERS
from restrans.model.graph.emit_vensim import VensimEquations, number, vensim_equations
from restrans.model.graph.model_graph import trace
from restrans.model.levers import LEVERS
from restrans.model.lookups import LOOKUPS
from restrans.model.parameters import PARAMETERS
from restrans.model.stocks import STOCKS
from restrans.model.variables import AUXILIARIES, HELPERS
from restrans.model.vensim import TWIN_PATH
from restrans.sim.scenario.schedules import PiecewiseLinear, constant

__all__ = ["TWIN_PATH", "TwinValues", "costed_levers", "default_values", "equations", "lookup_points", "number",
           "read_cin", "scenario_values", "vensim_unit", "write_cin", "write_mdl"]

DEFAULT_TIME: tuple[float, float, float, float] = (2025.0, 2035.0, 0.0625, 0.25)
"""(start, end, dt, saveper) of the committed twin: the scenario defaults."""

_UNIT_NAMES = {"1": "Dmnl", "index (2025 = 1)": "Dmnl", "index points": "Dmnl", "kt pollutant-equivalent": "kt"}
_SKETCH = ("\\\\\\---/// Sketch information - do not modify anything except names\n"
           "V300  Do not put anything below this section - it will be ignored\n*View 1\n"
           "$192-192-192,0,Times New Roman|12||0-0-0|0-0-0|0-0-255|-1--1--1|-1--1--1|96,96,100,0\n"
           "///---\\\\\\\n:L<%^E!@\n")
_RULE = "*" * 56


@dataclass(frozen=True)
class TwinValues:
    """Values written into a twin: every parameter, initial stock and lever schedule, and the time settings.

    Attributes
    ----------
    parameters : dict of str to float
        Every parameter, in its declared unit.
    initial : dict of str to float
        Every stock's value at ``start``.
    levers : dict of str to PiecewiseLinear
        Every lever's schedule over time (yr -> lever unit).
    start, end, dt, saveper : float
        INITIAL TIME, FINAL TIME, TIME STEP and SAVEPER (yr).
    title : str
        One line naming what the file holds (goes into the model notes).
    """

    parameters: dict[str, float]
    initial: dict[str, float]
    levers: dict[str, PiecewiseLinear]
    start: float
    end: float
    dt: float
    saveper: float
    title: str


def default_values() -> TwinValues:
    """The model defaults: declared parameter defaults, initial values and lever baselines."""
    start, end, dt, saveper = DEFAULT_TIME
    return TwinValues({p.name: p.default for p in PARAMETERS}, {s.name: s.initial for s in STOCKS},
                      {lever.name: constant(lever.baseline) for lever in LEVERS}, start, end, dt, saveper,
                      "restrans Vensim twin: model defaults (a mature coal city), 2025-2035")


def scenario_values(scenario) -> TwinValues:
    """Resolved values of a validated :class:`restrans.sim.scenario.scenario.Scenario` (defaults <- region <- scenario)."""
    from restrans.sim.engine.simulate import run_inputs

    state, parameters, schedules = run_inputs(scenario)
    return TwinValues({p.name: float(parameters[i]) for i, p in enumerate(PARAMETERS)},
                      {s.name: float(state[i]) for i, s in enumerate(STOCKS)},
                      {lever.name: schedules[i] for i, lever in enumerate(LEVERS)},
                      float(scenario.time.start), float(scenario.time.end), float(scenario.solver.dt),
                      float(scenario.time.saveper),
                      f"restrans scenario '{scenario.name}', region {scenario.region}, native solver "
                      f"{scenario.solver.method} (Vensim: Euler unless chosen otherwise): {scenario.description}")


# --- formatting -------------------------------------------------------------------------------


def vensim_unit(unit: str) -> str:
    """A unit in Vensim's syntax: ``1`` and indices are ``Dmnl``; ``a per b`` is ``a/b`` or ``a/(b)``."""
    if unit in _UNIT_NAMES:
        return _UNIT_NAMES[unit]
    if " per " in unit:
        numerator, denominator = unit.split(" per ", 1)
        return f"{numerator}/({denominator})" if "/" in denominator else f"{numerator}/{denominator}"
    return unit


def _comment(text: str) -> str:
    """Comment text safe inside a Vensim equation (no ``~`` or ``|``, one line)."""
    return " ".join(text.replace("~", "≈").replace("|", "/").split())


def _range(lower: float, upper: float) -> str:
    return f" [{number(lower)},{number(upper)}]"


def _equation(name: str, expression: str, unit: str, doc: str, bounds: str = "") -> str:
    return f"{name} = {expression}\n\t~\t{vensim_unit(unit)}{bounds}\n\t~\t{_comment(doc)}\n\t|\n\n"


def _lookup(name: str, points: tuple[tuple[float, float], ...], unit: str, doc: str) -> str:
    xs, ys = [x for x, _ in points], [y for _, y in points]
    header = f"[({number(min(xs))},{number(min(ys))})-({number(max(xs))},{number(max(ys))})]"
    body = ",".join(f"({number(x)},{number(y)})" for x, y in points)
    return f"{name}(\n\t{header},{body})\n\t~\t{vensim_unit(unit)}\n\t~\t{_comment(doc)}\n\t|\n\n"


def _group(title: str, doc: str) -> str:
    return f"{_RULE}\n\t.{title}\n{_RULE}~\n\t\t{_comment(doc)}\n\t|\n\n"


# --- lever schedules as lookups -----------------------------------------------------------------


def _previous_grid_time(time: float, start: float, dt: float) -> float:
    """Largest Euler grid time ``start + k * dt`` strictly before ``time`` (same arithmetic as the solver)."""
    step = math.floor((time - start) / dt)
    while start + step * dt >= time:
        step -= 1
    while start + (step + 1) * dt < time:
        step += 1
    return start + step * dt


def lookup_points(schedule: PiecewiseLinear, start: float, end: float, dt: float) -> tuple[tuple[float, float], ...]:
    """Points of a Vensim time lookup that Euler on the grid ``start + k * dt`` sees exactly as ``schedule``.

    A lookup needs strictly increasing times, so a jump at ``a`` (two points
    at the same time) becomes a steep segment from ``a - e`` to ``a``, where
    ``e`` is half the gap to the previous grid time or point: no grid time
    falls inside it, so every grid time sees the value the native schedule
    has there. A constant schedule becomes two equal points at ``start`` and
    ``end``. Times in yr, values in the lever's unit.
    """
    times, values = schedule.times, schedule.values
    if schedule.is_constant:
        return ((start, values[0]), (max(end, start + dt), values[0]))
    points: list[tuple[float, float]] = []
    first = 0
    while first < len(times):
        last = first
        while last + 1 < len(times) and times[last + 1] == times[first]:
            last += 1
        jump_time = times[first]
        if last > first and values[first] != values[last]:
            floor = _previous_grid_time(jump_time, start, dt)
            if points:
                floor = max(floor, points[-1][0])
            left = jump_time - (jump_time - floor) / 2.0
            points.append((left, schedule.value_at(left) if points else values[first]))
        points.append((jump_time, values[last]))
        first = last + 1
    return tuple(points)


# --- the model text ---------------------------------------------------------------------------


def equations() -> VensimEquations:
    """The model's equations in Vensim text, emitted from the trace of :mod:`restrans.model.system`."""
    return vensim_equations(trace(), {**AUXILIARIES, **HELPERS})


def _auxiliaries_text(emitted: VensimEquations) -> str:
    parts = []
    for section in emitted.sections:
        parts.append(_group(section.title.replace(" ", "_"), section.doc))
        for equation in section.equations:
            parts.append(_equation(equation.name, equation.expression, equation.unit, equation.doc))
    return "".join(parts)


def _stocks_text(values: TwinValues, emitted: VensimEquations) -> str:
    parts = [_group("Stocks", "Every stock integrates its net rate from its initial value (INTEG).")]
    for stock in STOCKS:
        parts.append(_equation(stock.name, f"INTEG({emitted.stock_rates[stock.name]}, initial_{stock.name})",
                               stock.unit, stock.doc))
    parts.append(_group("Initial_values", "Stocks at INITIAL TIME (region preset or scenario values)."))
    for stock in STOCKS:
        parts.append(_equation(f"initial_{stock.name}", number(values.initial[stock.name]), stock.unit,
                               f"Initial value of {stock.name}. Source: {stock.source}",
                               _range(stock.lower, stock.upper)))
    return "".join(parts)


def _constants_text(values: TwinValues) -> str:
    parts = [_group("Parameters", "Constants of the model, declared in model/parameters.py.")]
    for parameter in PARAMETERS:
        parts.append(_equation(parameter.name, number(values.parameters[parameter.name]), parameter.unit,
                               f"{parameter.doc} Source: {parameter.source}",
                               _range(parameter.lower, parameter.upper)))
    parts.append(_group("Constants", "Named constants of the equations (model/constants.py): structure, "
                                     "not scenario parameters; lever costs come from model/levers.py."))
    for item in CONSTANTS:
        bounds = " [0,1]" if item.unit == "1" and 0.0 <= item.value <= 1.0 else ""
        parts.append(_equation(item.name, number(item.value), item.unit, f"{item.doc} Source: {item.source}",
                               bounds))
    return "".join(parts)


def _levers_text(values: TwinValues) -> str:
    parts = [_group("Levers", "Policy levers and drivers: each follows its schedule, a lookup of Time. "
                              "Jumps are steep segments ending at the switch time.")]
    for lever in LEVERS:
        parts.append(_equation(lever.name, f"{lever.name}_schedule(Time)", lever.unit,
                               f"{lever.doc} Seed: {', '.join(lever.seed_sections)}. Source: {lever.source}",
                               _range(lever.lower, lever.upper)))
        points = lookup_points(values.levers[lever.name], values.start, values.end, values.dt)
        parts.append(_lookup(f"{lever.name}_schedule", points, lever.unit,
                             f"Schedule of {lever.name} over time (yr): piecewise linear, flat beyond the ends."))
    return "".join(parts)


def costed_levers() -> tuple:
    """Levers with a direct fiscal cost (cost per unit other than 0)."""
    return COSTED_LEVERS


def _unit_in_parentheses(text: str) -> str:
    """The unit at the end of a lookup axis description, e.g. ``"multiplier (1)"`` -> ``"1"``."""
    return text.rsplit("(", 1)[-1].rstrip(")") if text.endswith(")") else text


def _lookups_text() -> str:
    parts = [_group("Lookups", "Table functions (model/lookups.py): piecewise linear, flat beyond the ends.")]
    for table in LOOKUPS:
        parts.append(_lookup(table.name, tuple(zip(table.x, table.y)), _unit_in_parentheses(table.y_unit),
                             f"{table.doc} x: {table.x_unit}; y: {table.y_unit}. Source: {table.source}"))
    return "".join(parts)


def _control_text(values: TwinValues) -> str:
    return (_group("Control", "Simulation control parameters (Euler integration).")
            + _equation("FINAL TIME ", number(values.end), "yr", "The final time for the simulation.")
            + _equation("INITIAL TIME ", number(values.start), "yr", "The initial time for the simulation.")
            + _equation("SAVEPER ", number(values.saveper), "yr", "The frequency with which output is stored.",
                        " [0,?]")
            + _equation("TIME STEP ", number(values.dt), "yr", "The time step for the simulation.", " [0,?]"))


def write_mdl(values: TwinValues | None = None) -> str:
    """The whole .mdl text for ``values`` (default: :func:`default_values`)."""
    values = default_values() if values is None else values
    notes = (f"{values.title}. Generated by restrans (sim/vensim/twin.py) from the declarations in model/ and the "
             "equations traced from model/system.py; edit those, not this file. Units: money bn CNY (2025 prices), "
             "people thousand persons, land km2, resources Mt (timber million m3), time yr.")
    emitted = equations()
    return ("{UTF-8}\n" + _group("restrans", notes) + _auxiliaries_text(emitted)
            + _stocks_text(values, emitted) + _constants_text(values) + _levers_text(values) + _lookups_text()
            + _control_text(values) + _SKETCH)


def write_cin(values: TwinValues) -> str:
    """A Vensim changes file (.cin) setting every parameter, initial value, lever schedule and time setting.

    Load it on top of ``model/vensim/restrans.mdl`` (Simulation Control > Changes).
    """
    lines = [f"FINAL TIME = {number(values.end)}", f"INITIAL TIME = {number(values.start)}",
             f"SAVEPER = {number(values.saveper)}", f"TIME STEP = {number(values.dt)}"]
    lines += [f"{name} = {number(value)}" for name, value in values.parameters.items()]
    lines += [f"initial_{name} = {number(value)}" for name, value in values.initial.items()]
    for lever in LEVERS:
        points = lookup_points(values.levers[lever.name], values.start, values.end, values.dt)
        lines.append(f"{lever.name}_schedule(" + ",".join(f"({number(x)},{number(y)})" for x, y in points) + ")")
    return "\n".join(lines) + "\n"


def read_cin(text: str) -> tuple[dict[str, float], dict[str, tuple[tuple[float, float], ...]]]:
    """Constants and lookups of a .cin text written by :func:`write_cin` (for checks and round trips)."""
    constants, lookups = {}, {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            constants[name.strip()] = float(value)
            continue
        name, body = line.split("(", 1)
        pairs = body.rstrip(")").strip("()").split("),(")
        lookups[name.strip()] = tuple((float(x), float(y)) for x, y in (pair.split(",") for pair in pairs))
    return constants, lookups


def main() -> None:
    """Regenerate ``model/vensim/restrans.mdl`` (atomically)."""
    from restrans.sim.engine.outputs import atomic_write_text

    atomic_write_text(TWIN_PATH, write_mdl())
    sys.stdout.write(f"wrote {TWIN_PATH}\n")


if __name__ == "__main__":
    main()
