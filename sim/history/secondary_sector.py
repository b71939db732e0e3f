"""A city's mines and industry at its start year: the mines sized to its coal output, industry to the rest.

The statistical secondary sector of a coal city is its mines plus its
processing and new industry (construction sits in the model's local sector,
:func:`restrans.sim.history.observables.industry_share`). Where the data hold
the city's raw coal output in the start year (``coal_output_raw``, 10k t) its
mines are sized to it, and processing and new industry take the rest of the
observed secondary value added; where they do not, mines and industry keep
their type's proportions and one factor scales them together, so a city's
mining share of industry is its type's (which gave Jiaozuo 71 Mt/yr of mines
in 2010).
"""
from __future__ import annotations

import numpy as np

from restrans.model.stocks import StockIndex
from restrans.model.system import auxiliaries
from restrans.sim.engine.calibration import calibrated_batch
from restrans.sim.history.observables import industry_share

MINING_STOCKS = ("mining_capacity", "green_capacity", "proven_reserves", "undiscovered_resource")
"""Stocks of the mines, scaled together: capacity, its green part and the reserves (the type's reserve life)."""
INDUSTRY_STOCKS = ("processing_capital", "new_industry_capital")
"""Capital of the successor industries, scaled together with their jobs."""
SCALE_GRID = np.geomspace(0.05, 20.0, 241)
"""Multipliers of the industry (and, without a coal output, the mining) stocks tried against the observed
secondary value added: a 2.5 % step from 1/20 to 20 times the type's proportion."""


def mines_coal(archetype: str) -> bool:
    """Whether the region type's extraction is coal (``coal_*``), so coal-output rows describe its mines; a
    forest type's extraction is its logging."""
    return archetype.startswith("coal")


def secondary_value_added(state, parameters, levers):
    """Mining, processing and new-industry value added over GDP (1) and GDP (bn CNY/yr), batched.

    Construction, part of the statistical secondary sector, is in the model's local sector; the initial state
    matches the observed share with industry alone, so the fit compares changes of the share, not its split.
    """
    a = auxiliaries(state, parameters, levers)
    return industry_share(a), a["gdp"]


def mining_factor(state, parameters, levers, output_mt, miners_per_capacity) -> float:
    """Multiplier of :data:`MINING_STOCKS` that makes the start year's extraction ``output_mt`` (Mt/yr).

    The mines are staffed at ``miners_per_capacity`` (thousand persons per Mt/yr) x capacity; extraction is
    then proportional to the mines' scale (utilisation depends on the margin, not on the size), so one
    evaluation gives the factor.
    """
    trial = state.copy()
    trial[StockIndex.mining_employment] = miners_per_capacity * trial[StockIndex.mining_capacity]
    calibrated = calibrated_batch(trial[:, None], parameters[:, None], levers[:, None])
    extraction = float(auxiliaries(trial[:, None], calibrated, levers[:, None])["extraction"][0])
    return output_mt / extraction


def match_secondary_share(state, parameters, levers, target, cover, miners_per_capacity, mines=None):
    """Scale mining and industry so their value added (bn CNY/yr) is closest to ``target``; returns the factors.

    ``mines`` is the multiplier of :data:`MINING_STOCKS` from the city's coal output (:func:`mining_factor`);
    None scales the mines with the industry. The industry factor is the entry of :data:`SCALE_GRID` closest to
    the target (the smallest when the mines alone exceed it). The mines are staffed at ``miners_per_capacity``
    (thousand persons per Mt/yr: the type's, at the start year's productivity) x their capacity, so a city's
    mines start at rest: scaling the miners with the residents and the capacity with the secondary share had
    given Jiaozuo 465 thousand miners for 198 thousand mining jobs in 2010, shed by 2012. Jobs moved into or out
    of mining and industry come from or go to the local sector, so the labour force is unchanged; construction
    land follows the new-industry capital at ``cover`` (km2 per bn CNY at 2025 technique).

    Returns
    -------
    mining, industry : float
        The multipliers applied to :data:`MINING_STOCKS` and to :data:`INDUSTRY_STOCKS` (and their jobs).
    """
    mining_grid = SCALE_GRID if mines is None else np.full(SCALE_GRID.size, mines)
    trial = np.repeat(state[:, None], SCALE_GRID.size, axis=1)
    for name in MINING_STOCKS:
        trial[StockIndex[name]] *= mining_grid
    for name in INDUSTRY_STOCKS:
        trial[StockIndex[name]] *= SCALE_GRID
    trial[StockIndex.mining_employment] = miners_per_capacity * trial[StockIndex.mining_capacity]
    trial[StockIndex.successor_employment] *= SCALE_GRID
    for name in ("mining_employment", "successor_employment"):
        trial[StockIndex.service_employment] -= trial[StockIndex[name]] - state[StockIndex[name]]
    trial[StockIndex.construction_land] = cover * trial[StockIndex.new_industry_capital] / trial[
        StockIndex.technology_index]
    trial_levers = np.repeat(levers[:, None], SCALE_GRID.size, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        trial_parameters = calibrated_batch(trial, np.repeat(parameters[:, None], SCALE_GRID.size, axis=1),
                                            trial_levers)
        share, gdp = secondary_value_added(trial, trial_parameters, trial_levers)
    distance = np.where(trial[StockIndex.service_employment] > 0.0, np.abs(share * gdp - target), np.inf)
    best = int(np.nanargmin(distance))
    state[:] = trial[:, best]
    return float(mining_grid[best]), float(SCALE_GRID[best])
