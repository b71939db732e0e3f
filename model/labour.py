"""Labour market (seed 七, 十九–二十一): labour demand, vacancies, matching, layoffs and retraining.

People in thousand persons, flows in thousand persons/yr. Employers post
vacancies to close the gap between the jobs they need (output ÷ labour
productivity) and their workforce, and to replace workers who leave. Job-
seekers in three pools (laid-off miners, retrained miners, other unemployed)
spread their search over the sectors in proportion to the sectors' vacancies,
and succeed in each as far as they qualify (the eligibility of a pool for a
sector, 0-1, scales its search there); hires come from a matching function
anchored to a declared frictional unemployment rate. Every outflow is first order in the pool it leaves, so no pool can turn
negative.
"""
from __future__ import annotations

import numpy as np


def reference_job_finding_rate(frictional_unemployment_rate, job_separation_rate):
    """Job-finding rate (1/yr) of a balanced market (vacancies = job-seekers).

    In steady state inflows to unemployment (separations ``s E``) equal
    outflows (``f U``); at the frictional rate ``u`` this gives
    ``f = s (1 - u) / u``.
    """
    return job_separation_rate * (1.0 - frictional_unemployment_rate) / frictional_unemployment_rate


def job_finding_rate(tightness, reference_rate, tightness_half_saturation):
    """Job-finding rate (1/yr) per job-seeker at a tightness (vacancies / seekers).

    ``f_ref θ (1 + h) / (θ + h)``: equal to the reference rate in a balanced
    market (θ = 1), proportional to θ in a slack one, bounded by
    ``f_ref (1 + h)`` in a tight one, so unemployment never falls below a
    frictional floor. The declared bounds of the separation rate, the
    frictional rate and ``h`` keep this ceiling below 16/yr, so a fixed Euler
    step of 1/16 yr never hires more seekers than a pool holds.
    """
    return reference_rate * tightness * (1.0 + tightness_half_saturation) / (tightness + tightness_half_saturation)


def vacancies(desired_employment, employment, turnover_rate, reference_job_finding):
    """Open positions (thousand): the gap to desired employment plus positions of workers who leave, at least 0.

    A leaver's position stays open for the mean vacancy duration of a balanced
    market, ``1 / reference_job_finding`` years. An employer with surplus
    workers does not replace leavers until the surplus is gone.
    """
    return np.maximum(desired_employment - employment + turnover_rate * employment / reference_job_finding, 0.0)


def separations(desired_employment, employment, adjustment_time):
    """Layoffs (thousand persons/yr) closing a surplus of workers over the adjustment time."""
    return np.maximum(employment - desired_employment, 0.0) / adjustment_time


def mining_layoff_time(layoff_time, soe_support, soe_layoff_slowdown):
    """Time (yr) to shed surplus mining workers, lengthened by SOE support."""
    return layoff_time * (1.0 + soe_layoff_slowdown * soe_support)


def retraining(retraining_capacity, laid_off_miners, retraining_enrolment_time):
    """Laid-off miners completing retraining (thousand/yr): the places funded, at most the pool / enrolment time."""
    return np.minimum(retraining_capacity, laid_off_miners / retraining_enrolment_time)


def earned_income(mining_employment, successor_employment, mining_wage, successor_wage, wage_level, standards_index,
                  service_value_added, local_sector_labour_share, net_wage_share):
    """Net earnings of the employed residents (bn CNY/yr).

    Miners and successor-industry workers earn their pay scales, not the
    city's output per worker: pay in state groups and larger firms is set by
    the firm and follows national pay, so it rises with national income per
    head (``standards_index``) from the region's own level (``wage_level``,
    its urban units' average wage relative to the nation's). What mining value
    added leaves after wages is profit, depreciation and taxes, and most of it
    goes to the owners (state groups, investors from outside) and to upper
    budgets: Ordos produced 263 thousand CNY of GDP per resident in 2023 while
    its residents' disposable income was 51 thousand, 0.19 of it (0.44
    nationally). The local sector (services, the public sector, building,
    farms) pays its workers a share of its own value added. Households keep
    ``net_wage_share`` of the gross after social insurance, housing fund and
    income tax.
    """
    industry_wages = ((mining_employment * mining_wage + successor_employment * successor_wage)
                      * wage_level * standards_index)
    return (industry_wages / 1000.0 + local_sector_labour_share * service_value_added) * net_wage_share


def unemployment_benefits(job_seekers, social_security_coverage, unemployment_benefit):
    """Benefits paid to covered job-seekers (bn CNY/yr): thousand persons x thousand CNY / 1000."""
    return job_seekers * social_security_coverage * unemployment_benefit / 1000.0
