"""Public services and the local budget (seed 七, 八, 十九, 二十二–二十四).

Money in bn CNY, flows in bn CNY/yr. The local government's revenue is its own
taxes plus central transfers: general (equalisation) transfers that close part
of the gap between standard spending and own revenue, the resource-exhausted-
city transfer, central budget investment and the central share of every lever
(earmarked: in and out of the budget unchanged). It spends on interest and
social security first, then standard public services, then its share of the
levers; a borrowing limit caps how much of that it may finance with debt.
"""
from __future__ import annotations

import numpy as np


def own_revenue(mining_output_value, resource_tax_rate, resource_tax_base_share, gdp, general_tax_rate):
    """Local own revenue (bn CNY/yr): resource tax plus general taxes on the whole economy."""
    return mining_output_value * resource_tax_rate * resource_tax_base_share + gdp * general_tax_rate


def general_transfers(standard_spending, own_revenue_value, equalisation_coefficient):
    """Equalisation transfers (bn CNY/yr): the coefficient times the gap of standard spending over own revenue."""
    return equalisation_coefficient * np.maximum(standard_spending - own_revenue_value, 0.0)


def borrowing_room(debt_limit, local_debt, debt_adjustment_time):
    """Net borrowing the limit allows (bn CNY/yr): the gap to the ceiling closed over the adjustment time.

    Negative above the ceiling: the city must then repay.
    """
    return (debt_limit - local_debt) / debt_adjustment_time


def funded(planned, available):
    """Spending made (bn CNY/yr): the plan, but no more than the money available (never below 0)."""
    return np.minimum(planned, np.maximum(available, 0.0))


def public_service_index(public_service_capital, population, public_service_reference):
    """Public-service index (1): capital per resident relative to the national reference."""
    per_capita = 1000.0 * public_service_capital / np.maximum(population, 1e-9)
    return per_capita / public_service_reference


def restoration_levy_income(extraction, restoration_levy):
    """Levy paid into the restoration fund (bn CNY/yr) = Mt/yr x CNY/t / 1000."""
    return extraction * restoration_levy / 1000.0
