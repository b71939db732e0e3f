"""Ecology sector (seed 五 十四–十六): subsidence, damaged and restored land, pollution.

Land in km2, flows in km2/yr; pollution in kt pollutant-equivalent.
"""
from __future__ import annotations

import numpy as np


def green_share(green_capacity, mining_capacity):
    """Share (0-1) of capacity meeting the green-mine standard."""
    return green_capacity / np.maximum(mining_capacity, 1e-9)


def subsidence_creation(extraction, underground_share, subsidence_intensity):
    """New subsidence (km2/yr) from underground extraction."""
    return extraction * underground_share * subsidence_intensity


def land_disturbance(extraction, disturbance_intensity, green_share_value, green_damage_reduction):
    """New damaged land (km2/yr) from extraction, reduced by green capacity."""
    return extraction * disturbance_intensity * (1.0 - green_damage_reduction * green_share_value)


def treatment(area_funded, stock, minimum_treatment_time):
    """Area treated (km2/yr): the area funded, but no more than the stock left allows (stock / minimum time)."""
    return np.minimum(area_funded, stock / minimum_treatment_time)


def land_conversion(restored_land, land_reuse_rate):
    """Restored land converted to construction land (km2/yr), seed 二十四."""
    return restored_land * land_reuse_rate


def emissions(extraction, green_share_value, green_damage_reduction, mining_emission_intensity,
              processing_output, industry_emission_intensity, clean_production):
    """Pollutant emissions (kt/yr) from mining and processing, reduced by green capacity and clean production."""
    mining = extraction * mining_emission_intensity * (1.0 - green_damage_reduction * green_share_value)
    industry = processing_output * industry_emission_intensity
    return (mining + industry) * (1.0 - clean_production)


def environment_quality(pollution, tolerable_pollution, subsidence_area, damaged_land, region_area, land_damage_weight):
    """Environmental-quality index (0-1]: 1 is pristine; falls with pollution and damaged land share."""
    damaged_share = (subsidence_area + damaged_land) / region_area
    return 1.0 / (1.0 + pollution / tolerable_pollution + land_damage_weight * damaged_share)
