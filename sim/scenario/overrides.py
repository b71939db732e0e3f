"""Command-line overrides of a scenario: ``--set NAME=VALUE`` applied to the resolved file data.

NAME is a parameter, a lever (the value becomes a constant schedule), ``initial.STOCK``, or one number field
of a lever's schedule as the scenario writes it (``retraining_capacity.ramp.to``,
``transfer_payment.step.at``), as sweep factors name them. Every name is checked against the model's
declarations (read from :mod:`restrans.model` when called), with a did-you-mean.
"""
from __future__ import annotations

import copy
from typing import Any, Mapping

from restrans.sim.scenario.errors import InputError, did_you_mean


def _declared_names() -> tuple[set[str], set[str], set[str]]:
    from restrans.model.levers import LEVERS
    from restrans.model.parameters import PARAMETERS
    from restrans.model.stocks import STOCKS

    return ({parameter.name for parameter in PARAMETERS}, {lever.name for lever in LEVERS},
            {stock.name for stock in STOCKS})


def override_section(name: str) -> tuple[str, str]:
    """(section, key) an override NAME sets: ``parameters``, ``levers``, ``initial`` or ``schedule`` (lever)."""
    parameters, levers, stocks = _declared_names()
    if name.startswith("initial.") and name[len("initial."):] in stocks:
        return "initial", name[len("initial."):]
    if name in parameters:
        return "parameters", name
    if name in levers:
        return "levers", name
    lever = name.split(".")[0]
    if lever in levers and name.count(".") == 2:
        return "schedule", lever
    candidates = [*parameters, *levers, *(f"initial.{stock}" for stock in stocks)]
    suggestion = did_you_mean(name, candidates)
    if suggestion is None and "." in name:
        suggestion = did_you_mean(name.split(".")[0], levers)
    raise InputError("--set", name, name, "a parameter, a lever or initial.<stock>, or a schedule field "
                     "<lever>.<kind>.<field> (e.g. retraining_capacity.ramp.to)", suggestion)


def schedule_with_field(data: Mapping[str, Any], name: str, value: float) -> dict:
    """The lever's schedule of the resolved scenario ``data`` with field ``<kind>.<field>`` of ``name`` set to ``value``.

    Raises
    ------
    InputError
        The scenario gives the lever no schedule of that kind, or that kind no such number field.
    """
    lever, kind, field = name.split(".")
    schedule = (data.get("levers") or {}).get(lever)
    if not isinstance(schedule, dict) or not isinstance(schedule.get(kind), dict):
        present = next((key for key in schedule if key != "basis"), None) if isinstance(schedule, dict) else None
        what = (f"a {present} schedule" if present else "a constant" if schedule is not None
                else "no schedule (the region's 2025 value)")
        raise InputError("--set", name, value, f"a field of the lever's schedule in this scenario, which gives "
                         f"'{lever}' {what}; set the whole lever with --set {lever}=VALUE")
    fields = schedule[kind]
    if field not in fields or isinstance(fields[field], (list, dict)):
        numbers = [str(key) for key, item in fields.items() if not isinstance(item, (list, dict))]
        raise InputError("--set", name, value, f"a number field of the {kind} schedule of '{lever}': "
                         f"{', '.join(numbers) or 'none'}", did_you_mean(field, numbers))
    changed = copy.deepcopy(schedule)
    changed[kind][field] = value
    return changed
