"""Local debt of a city's start state: the type's ratio of debt to the budget that services it."""
from __future__ import annotations

from restrans.model.stocks import StockIndex
from restrans.model.system import auxiliaries
from restrans.sim.engine.calibration import calibrated_batch

_DEBT_ITERATIONS = 30
"""Fixed-point iterations of the start debt (:func:`set_debt`)."""


def debt_ratio(state, parameters, levers):
    """Local debt over own revenue plus general transfers (1) of a batch of states, at their calibrated references."""
    return _debt_over_budget(state, auxiliaries(state, calibrated_batch(state, parameters, levers), levers))


def _debt_over_budget(state, a):
    """Local debt over own revenue plus general transfers (1), from a batch's auxiliaries ``a``."""
    return state[StockIndex.local_debt] / (a["own_revenue"] + a["general_transfers"])


def set_debt(state, parameters, levers, ratio, year, sources):
    """Set local debt (bn CNY) to ``ratio`` x the city's own revenue plus general transfers in ``year``.

    Debt is a multiple of the budget that services it, not of GDP: per-head
    standards, and with them transfers, are moved back with national income
    while GDP is not, so debt scaled with GDP would start a city far above its
    borrowing limit and cut every public service to zero in its first years.
    The type's ratio is its preset's (coal_declining 150 % by assumption);
    the national ratio of 2010 was about the same: 10.7 trn CNY of local debt
    at the end of 2010 (National Audit Office,
    http://www.cdcqgg.com/china/2011-07/11/content_22967083.htm) against 4.06
    trn of local own revenue (China Statistical Yearbook 2011) and 3.06 trn of
    central transfers budgeted for 2010
    (https://lemofix.com/wzpd/2010-03/17/content_212389.htm), 150 %.
    """
    for _ in range(_DEBT_ITERATIONS):  # where the limit binds, revenue depends on debt through local demand
        budget = state[StockIndex.local_debt] / float(debt_ratio(state[:, None], parameters[:, None],
                                                                 levers[:, None])[0])
        state[StockIndex.local_debt] = ratio * budget
    sources["initial.local_debt"] = (f"the type's ratio of debt to own revenue plus general transfers "
                                     f"({ratio:.3f}) x the city's in {year}")
