"""Resources sector (seed 二, 四–六): reserves, capacity, green capacity, extraction.

All functions broadcast over a trailing run axis. Units: Mt (million m3 for
timber), Mt/yr, CNY/t, years. Extraction is the least of what capacity,
demand and the mines' operating margin call for, what the reserves allow and
what the miners can dig. Mines run while the price covers their cash cost
(operating margin) and invest on their margin over full cost (profit margin):
capacity that cannot cover even its cash cost first idles, then closes.
"""
from __future__ import annotations

import numpy as np

from restrans.model.lookups import RESERVE_LIFE_INVESTMENT_EFFECT, evaluate_lookup


def recovery_rate(base_recovery_rate, maximum_recovery_rate, recovery_improvement):
    """Whole-mine recovery rate (1): base plus the improved share of the gap to the maximum."""
    return base_recovery_rate + recovery_improvement * np.maximum(maximum_recovery_rate - base_recovery_rate, 0.0)


def profit_margin(price, resource_tax_rate, unit_extraction_cost, restoration_levy):
    """Margin of mining over its full cost, as a share of the price (1): (price - tax - unit cost - levy) / price.

    The restoration levy (CNY/t, 谁破坏、谁治理) is a cost to the mines, so it
    enters the margin like the resource tax does. Capacity investment follows
    this margin: a new mine must earn its depreciation and finance.
    """
    return (price * (1.0 - resource_tax_rate) - unit_extraction_cost - restoration_levy) / price


def operating_margin(profit_margin, cash_cost_share, unit_extraction_cost, price):
    """Margin over the cash cost alone (1): the profit margin plus the non-cash share of the unit cost per yuan.

    A sunk mine keeps producing while the price covers wages, materials and
    power, even when it no longer earns its depreciation and finance: in 2015
    over 80 % of China's coal firms made losses while output fell about 4 %.
    """
    return profit_margin + (1.0 - cash_cost_share) * unit_extraction_cost / price


def operating_share(margin, mine_margin_spread):
    """Share (0-1) of the region's capacity whose own operating margin is positive.

    Mines differ in cost: with their margins spread logistically around the
    regional operating margin, the share covering its cash cost is
    ``1 / (1 + exp(-margin / spread))`` (exponent capped at 50 to stay finite).
    """
    return 1.0 / (1.0 + np.exp(np.minimum(-margin / mine_margin_spread, 50.0)))


def capacity_utilisation(base_utilisation, maximum_utilisation, demand_index, operating_relative):
    """Capacity utilisation (1): base x national demand x operating mines, capped at the maximum.

    ``demand_index`` is the national output of the resource relative to the
    reference (2025): the quantity the national market takes, in which the
    industry's own supply response to the price is already contained. The
    price therefore reaches a region's utilisation only through its cost
    position, the share of its mines that cover their cash cost
    (``operating_relative``, :func:`operating_share` relative to its value at
    the reference margin), and reaches capacity through investment and closure.
    A second, direct price elasticity on top of the national quantity counted
    the supply response twice: 2011-2016 the coal price fell 44 % and national
    output 10 %, while a city with an elasticity of 0.5 lost 46 % of its output.
    Every effect equals 1 in the reference state.
    """
    return np.minimum(base_utilisation * demand_index * operating_relative, maximum_utilisation)


def planned_extraction(mining_capacity, utilisation, proven_reserves, recovery, minimum_depletion_time,
                       logging_ban, logging_ban_coverage):
    """Extraction the mines plan (Mt/yr): min(capacity x utilisation, what reserves allow), less banned logging.

    Reserves allow ``recovery * reserves / minimum_depletion_time``, so
    extraction falls to zero as reserves run out. The logging ban stops the
    share ``logging_ban`` of the extraction it covers (timber only:
    ``logging_ban_coverage`` is 1 in forest regions, 0 for mines).
    """
    reserve_limited = recovery * proven_reserves / minimum_depletion_time
    return np.minimum(mining_capacity * utilisation, reserve_limited) * (1.0 - logging_ban * logging_ban_coverage)


def extraction(planned, mining_employment, mining_labour_productivity):
    """Extraction (Mt/yr): the plan, limited by what the miners employed can dig (workers x productivity)."""
    return np.minimum(planned, mining_employment * mining_labour_productivity)


def discovery(undiscovered_resource, exploration_ratio, reference_discovery_fraction):
    """Discovery (Mt/yr): exploration with diminishing returns on a finite undiscovered resource.

    The effect of spending, ``2 x / (1 + x)`` with ``x`` the exploration
    spending relative to the reference, is 1 at the reference and saturates at 2.
    """
    return undiscovered_resource * reference_discovery_fraction * 2.0 * exploration_ratio / (1.0 + exploration_ratio)


def regrowth(proven_reserves, regrowth_rate, carrying_capacity, forest_cultivation, cultivation_effect):
    """Logistic regrowth (Mt/yr) of a renewable resource; zero for minerals (rate 0)."""
    rate = regrowth_rate * (1.0 + cultivation_effect * forest_cultivation)
    return rate * proven_reserves * (1.0 - proven_reserves / carrying_capacity)


def capacity_reserve_life(proven_reserves, recovery, mining_capacity):
    """Reserve life at full capacity (yr): recoverable reserves / capacity."""
    return recovery * proven_reserves / np.maximum(mining_capacity, 1e-9)


def profit_investment_effect(margin, reference_margin, profit_sensitivity, maximum_effect):
    """Multiplier (1) of the margin on capacity investment: a logistic equal to 1 at the reference, at most ``maximum_effect``.

    ``M / (1 + (M - 1) exp(-s (margin - reference)))``; the exponent is capped
    at 50 so the value stays finite (it is then 0 in double precision).
    """
    exponent = np.minimum(-profit_sensitivity * (margin - reference_margin), 50.0)
    return maximum_effect / (1.0 + (maximum_effect - 1.0) * np.exp(exponent))


def capacity_investment(mining_capacity, capacity_investment_rate, profit_effect, reserve_life, required_reserve_life):
    """New mining capacity (Mt/yr per yr), driven by expected profitability and reserve life.

    Reserve life acts through :data:`RESERVE_LIFE_INVESTMENT_EFFECT`.
    """
    life_effect = evaluate_lookup(reserve_life / required_reserve_life,
                                  RESERVE_LIFE_INVESTMENT_EFFECT.x, RESERVE_LIFE_INVESTMENT_EFFECT.y)
    return mining_capacity * capacity_investment_rate * profit_effect * life_effect


def capacity_closure(mining_capacity, operating_relative, loss_closure_time):
    """Capacity closed because it no longer covers its cash cost (Mt/yr per yr).

    The share of capacity lost to negative margins since the reference state,
    ``max(1 - operating_relative, 0)``, closes over ``loss_closure_time``.
    """
    return mining_capacity * np.maximum(1.0 - operating_relative, 0.0) / loss_closure_time
