"""The one constructor of parameter declarations, shared by the sector tables of parameters."""
from __future__ import annotations

from restrans.model.metadata import Parameter

ASSUMPTION = "ASSUMPTION: "
DOMAIN_FACTS = "domain-facts: "
JUDGEMENT_RANGE = ASSUMPTION + "judgement range around the default; no published spread found"
"""Plausible-range source of a judgement value (the default itself has no citation)."""
FIXED = "fixed by definition or by the region's own data; not sampled"


def parameter(name, default, unit, bounds, plausible, doc, source, sector, plausible_source=JUDGEMENT_RANGE,
              symbol="", sampled=True) -> Parameter:
    """Declare one parameter.

    Parameters
    ----------
    name, unit, doc, source, sector, symbol : str
        As for :class:`restrans.model.metadata.Parameter`.
    default : float
    bounds : (float, float)
        Validity bounds: what the equations can compute.
    plausible : (float, float) or None
        What a referee would accept for a typical region; ``None`` for a value
        fixed by definition or by the region's data (then not sampled).
    plausible_source : str
        Where the plausible range comes from.
    sampled : bool
        False keeps the preset's value in uncertainty and sensitivity sampling.
    """
    lower, upper = (float(bound) for bound in bounds)
    if plausible is None:
        plausible, plausible_source, sampled = (default, default), FIXED, False
    low, high = (float(bound) for bound in plausible)
    if not lower <= low <= float(default) <= high <= upper:
        raise ValueError(f"parameter {name}: need lower <= plausible low <= default <= plausible high <= upper, "
                         f"got {lower} <= {low} <= {default} <= {high} <= {upper}")
    return Parameter(name, float(default), unit, lower, upper, doc, source, sector, symbol, low, high,
                     plausible_source, sampled)
