"""Resources sector (seed 二, 四–六): reserves, capacity, green capacity, extraction.

All functions broadcast over a trailing run axis. Units: Mt (million m3 for
timber), Mt/yr, CNY/t, years.
"""
from __future__ import annotations

import numpy as np

from restrans.model.functions import saturation

from restrans.model.lookups import RESERVE_LIFE_INVESTMENT_EFFECT, evaluate_lookup


def recovery_rate(base_recovery_rate, maximum_recovery_rate, recovery_improvement):
    """Whole-mine recovery rate (1): base plus the improved share of the gap to the maximum."""
    return base_recovery_rate + recovery_improvement * np.maximum(maximum_recovery_rate - base_recovery_rate, 0.0)


def effective_price(resource_price, resource_price_index):
    """Market price (CNY/t): trend price times the scenario's price index."""
    return resource_price * resource_price_index


def capacity_utilisation(price, reference_price, base_utilisation, utilisation_price_elasticity, maximum_utilisation):
    """Capacity utilisation (1), rising with the price relative to the reference, capped at the maximum."""
    return np.minimum(base_utilisation * (price / reference_price) ** utilisation_price_elasticity, maximum_utilisation)


def extraction(mining_capacity, utilisation, proven_reserves, recovery, minimum_depletion_time, logging_ban):
    """Extraction (Mt/yr) = min(capacity x utilisation, what reserves allow) x (1 - logging ban).

    Reserves allow ``recovery * reserves / minimum_depletion_time``, so
    extraction falls linearly to zero as reserves run out.
    """
    reserve_limited = recovery * proven_reserves / minimum_depletion_time
    return np.minimum(mining_capacity * utilisation, reserve_limited) * (1.0 - logging_ban)


def discovery(undiscovered_resource, exploration_spending, maximum_discovery_fraction, exploration_spending_scale):
    """Discovery (Mt/yr): exploration with diminishing returns on a finite undiscovered resource."""
    return undiscovered_resource * maximum_discovery_fraction * saturation(exploration_spending / exploration_spending_scale)


def regrowth(proven_reserves, regrowth_rate, carrying_capacity, forest_cultivation, cultivation_effect):
    """Logistic regrowth (Mt/yr) of a renewable resource; zero for minerals (rate 0)."""
    rate = regrowth_rate * (1.0 + cultivation_effect * forest_cultivation)
    return rate * proven_reserves * (1.0 - proven_reserves / carrying_capacity)


def mining_margin(price, resource_tax_rate, unit_extraction_cost):
    """Profit margin of mining (1): (net price - unit cost) / price."""
    return (price * (1.0 - resource_tax_rate) - unit_extraction_cost) / price


def capacity_reserve_life(proven_reserves, recovery, mining_capacity):
    """Reserve life at full capacity (yr): recoverable reserves / capacity."""
    return recovery * proven_reserves / np.maximum(mining_capacity, 1e-9)


def capacity_investment(mining_capacity, capacity_investment_rate, margin, reference_margin, profit_sensitivity,
                        reserve_life, required_reserve_life):
    """New mining capacity (Mt/yr per yr), driven by expected profitability and reserve life.

    Profitability acts through a logistic (1 at the reference margin, at most 2);
    reserve life through :data:`RESERVE_LIFE_INVESTMENT_EFFECT`.
    """
    # clip to [-50, 50] so exp stays finite (minimum/maximum: same values as np.clip, and compilable by numba)
    exponent = np.minimum(np.maximum(-profit_sensitivity * (margin - reference_margin), -50.0), 50.0)
    profit_effect = 2.0 / (1.0 + np.exp(exponent))
    life_effect = evaluate_lookup(reserve_life / required_reserve_life,
                                  RESERVE_LIFE_INVESTMENT_EFFECT.x, RESERVE_LIFE_INVESTMENT_EFFECT.y)
    return mining_capacity * capacity_investment_rate * profit_effect * life_effect
