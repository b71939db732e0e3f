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


def unemployment_benefits(job_seekers, social_security_coverage, unemployment_benefit):
    """Benefits paid to covered job-seekers (bn CNY/yr): thousand persons x thousand CNY / 1000."""
    return job_seekers * social_security_coverage * unemployment_benefit / 1000.0
