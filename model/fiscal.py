"""Public services and fiscal sector (seed 七, 八 二十二–二十四).

Money in bn CNY, flows in bn CNY/yr.
"""
from __future__ import annotations

import numpy as np


def local_revenue(mining_output_value, resource_tax_rate, resource_tax_base_share, gdp, general_tax_rate):
    """Local own revenue (bn CNY/yr): resource tax plus general taxes on the whole economy."""
    return mining_output_value * resource_tax_rate * resource_tax_base_share + gdp * general_tax_rate


def public_service_index(public_service_capital, population, public_service_reference):
    """Public-service index (1): capital per resident relative to the national reference."""
    per_capita = 1000.0 * public_service_capital / np.maximum(population, 1e-9)
    return per_capita / public_service_reference


def fiscal_self_sufficiency(own_revenue, transfer_payment, central_budget_investment):
    """Share (0-1) of the region's public money raised locally."""
    return own_revenue / np.maximum(own_revenue + transfer_payment + central_budget_investment, 1e-9)


def restoration_levy_income(extraction, restoration_levy):
    """Levy paid into the restoration fund (bn CNY/yr) = Mt/yr x CNY/t / 1000."""
    return extraction * restoration_levy / 1000.0


def unemployment_benefits(job_seekers, social_security_coverage, unemployment_benefit):
    """Benefits paid to covered job-seekers (bn CNY/yr): thousand persons x thousand CNY / 1000."""
    return job_seekers * social_security_coverage * unemployment_benefit / 1000.0
