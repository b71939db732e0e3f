"""Wiring of the local budget (part of :mod:`restrans.model.system`): revenue, transfers, priorities, debt.

The same rules as in :mod:`restrans.model.system`: branch-free numpy, every
local variable declared in :data:`restrans.model.variables.HELPERS` or an
auxiliary.
"""
from __future__ import annotations

import numpy as np

from restrans.model import fiscal
from restrans.model.constants import COSTED_LEVERS


LOCALLY_COSTED: frozenset[str] = frozenset(lever.name for lever in COSTED_LEVERS if lever.central_share < 1.0)
"""Levers whose cost the local budget pays in part, so the borrowing limit can cut them."""


class Funded:
    """Lever values after the borrowing limit: the central share is paid in full, the local share in part.

    ``funded.x = lever x (central share + (1 - central share) x funded share)``
    for every lever with a local fiscal cost; other levers read unchanged.
    """

    __slots__ = ("_levers", "_constants", "_share")

    def __init__(self, levers, constants, share):
        self._levers, self._constants, self._share = levers, constants, share

    def __getattr__(self, name):
        value = getattr(self._levers, name)
        if name not in LOCALLY_COSTED:
            return value
        central = getattr(self._constants, f"{name}_central_share")
        return value * (central + (1.0 - central) * self._share)


def lever_costs(lv, k):
    """Central and local cost of the levers with a cost per unit at their scheduled values (bn CNY/yr)."""
    terms = []
    for lever in COSTED_LEVERS:
        value = getattr(lv, lever.name)
        unit_cost, central_share = getattr(k, f"{lever.name}_unit_cost"), getattr(k, f"{lever.name}_central_share")
        terms.append((unit_cost * central_share * value, unit_cost * (1.0 - central_share) * value))
    central, local = terms[0]
    for central_term, local_term in terms[1:]:
        central, local = central + central_term, local + local_term
    return central, local


def budget(s, p, lv, k, out):
    """Local budget (seed 二十二–二十四): revenue, transfers, spending by priority under a borrowing limit, debt.

    Standard spending per resident (basic services plus the 2025 level of the
    levers' programmes) is what equalisation transfers recognise; programme
    spending above its 2025 level is the city's own affair.

    Priorities: interest and the local share of social security are paid in
    full; standard public services next; the local share of the levers (and of
    matched programmes and public R&D) last. When the borrowing limit binds,
    lever programmes are cut first, all by the same funded share, then
    services. Central shares are earmarked: they enter and leave the budget
    unchanged. A surplus repays debt, at most the debt over the adjustment
    time (so debt never turns negative), and the rest is invested in public
    services: local governments do not hoard.
    """
    own = fiscal.own_revenue(out["mining_output_value"], lv.resource_tax_rate, p.resource_tax_base_share,
                             out["gdp"], p.general_tax_rate)
    recognised_spending = (p.public_service_spending_per_capita * out["standards_index"] * out["population"]
                           / 1000.0)
    standard_spending = np.maximum(recognised_spending - p.equalised_programme_spending, 0.0)
    social_security_local = (out["unemployment_benefits"] * (1.0 - p.social_security_central_share)
                             + out["pensions"] * p.pension_local_share)
    general = fiscal.general_transfers(recognised_spending + social_security_local, own, p.equalisation_coefficient)
    central_lever_cost, local_lever_cost = lever_costs(lv, k)
    shared_costs = out["non_green_capacity"] * (lv.green_upgrade_rate * p.green_upgrade_subsidy
                                         + lv.phase_out_rate * p.phase_out_compensation)
    governance_match = lv.central_budget_investment * p.subsidence_investment_share * p.local_governance_match
    public_rd = p.public_rd_share * lv.rd_intensity * out["gdp"]
    planned_local_programmes = (local_lever_cost + shared_costs * (1.0 - k.shared_cost_central_share)
                                + governance_match + public_rd)
    interest = p.interest_rate * s.local_debt
    debt_limit = p.debt_limit_ratio * (own + general)
    available = own + general + fiscal.borrowing_room(debt_limit, s.local_debt, p.debt_adjustment_time) \
        - interest - social_security_local
    services_funded = fiscal.funded(standard_spending, available)
    programmes_funded = fiscal.funded(planned_local_programmes, available - services_funded)
    funded_share = programmes_funded / np.maximum(planned_local_programmes, 1e-12)
    earmarked = central_lever_cost + shared_costs * k.shared_cost_central_share
    local_spending = services_funded + social_security_local + interest + programmes_funded
    surplus = np.maximum(own + general - local_spending, 0.0)
    repayment = np.minimum(surplus, s.local_debt / p.debt_adjustment_time)
    revenue = own + general + earmarked
    spending = local_spending + earmarked + surplus - repayment
    out.update(
        own_revenue=own, standard_spending=standard_spending, general_transfers=general,
        local_social_security=social_security_local, interest=interest, debt_limit=debt_limit,
        services_funded=services_funded, local_programmes_planned=planned_local_programmes,
        local_programmes_funded=programmes_funded, funded_share=funded_share,
        surplus_investment=surplus - repayment,
        public_revenue=revenue, public_spending=spending,
        deficit=local_spending + surplus - repayment - own - general,  # earmarked money cancels: left out
        spending_cut=standard_spending - services_funded + planned_local_programmes - programmes_funded,
        debt_ratio=s.local_debt / np.maximum(own + general, 1e-9),
        fiscal_self_sufficiency=own / spending,
        central_policy_cost=earmarked + out["unemployment_benefits"] * p.social_security_central_share,
        local_policy_cost=programmes_funded + out["unemployment_benefits"] * (1.0 - p.social_security_central_share),
    )
    out.update(policy_cost=out["central_policy_cost"] + out["local_policy_cost"],
               planned_policy_cost=earmarked + planned_local_programmes + out["unemployment_benefits"])
