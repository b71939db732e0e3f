"""Every declared element carries unit, bounds, doc and source; defaults lie inside bounds."""
from __future__ import annotations

import numpy as np
import pytest

from restrans.model.levers import LEVERS, OUTSIDE_BOUNDARY, SEED_SECTIONS
from restrans.model.lookups import LOOKUPS
from restrans.model.parameters import PARAMETERS
from restrans.model.stocks import STOCKS
from restrans.model.system import auxiliaries
from restrans.model.variables import AUXILIARIES
from tests.conftest import default_arrays


def _assert_documented(element):
    assert element.unit.strip(), f"{element.name}: missing unit"
    assert element.doc.strip(), f"{element.name}: missing doc"
    source = element.source.strip()
    assert source and source not in ("ASSUMPTION:", "ASSUMPTION"), f"{element.name}: missing source"


@pytest.mark.parametrize("parameter", PARAMETERS, ids=lambda p: p.name)
def test_parameter_declared_and_default_in_bounds(parameter):
    _assert_documented(parameter)
    assert parameter.lower <= parameter.default <= parameter.upper


@pytest.mark.parametrize("stock", STOCKS, ids=lambda s: s.name)
def test_stock_declared_and_initial_in_bounds(stock):
    _assert_documented(stock)
    assert stock.lower <= stock.initial <= stock.upper


@pytest.mark.parametrize("lever", LEVERS, ids=lambda lv: lv.name)
def test_lever_declared_with_seed_section(lever):
    _assert_documented(lever)
    assert lever.lower <= lever.baseline <= lever.upper
    assert lever.seed_sections and set(lever.seed_sections) <= set(SEED_SECTIONS)
    assert 0.0 <= lever.central_share <= 1.0 and lever.cost_per_unit >= 0.0


def test_names_unique_across_declarations():
    names = [e.name for e in (*PARAMETERS, *STOCKS, *LEVERS)]
    assert len(names) == len(set(names))


def test_every_seed_measure_has_a_lever_or_a_reason():
    covered = {section for lever in LEVERS for section in lever.seed_sections}
    for section in SEED_SECTIONS:
        assert section in covered or OUTSIDE_BOUNDARY.get(section, "").strip(), section


def test_lookups_declared_with_increasing_x():
    for lookup in LOOKUPS:
        assert lookup.doc and lookup.source and lookup.x_unit and lookup.y_unit
        assert len(lookup.x) == len(lookup.y) and np.all(np.diff(lookup.x) > 0)


def test_every_auxiliary_has_unit_and_doc_and_nothing_else():
    state, parameters, levers = default_arrays()
    returned = set(auxiliaries(state, parameters, levers))
    assert returned == set(AUXILIARIES)
    for name, (unit, doc) in AUXILIARIES.items():
        assert unit.strip() and doc.strip(), name


@pytest.mark.parametrize("parameter", PARAMETERS, ids=lambda parameter: parameter.name)
def test_every_parameter_declares_a_plausible_range_with_a_source(parameter):
    """Validity bounds (what the equations compute) and a plausible range (what a referee accepts) are separate."""
    assert parameter.lower <= parameter.plausible_lower <= parameter.default <= parameter.plausible_upper \
        <= parameter.upper
    assert parameter.plausible_source.strip()
    if parameter.sampled:
        assert parameter.plausible_lower < parameter.plausible_upper, "a sampled parameter needs a range"
    else:
        assert parameter.plausible_lower == parameter.plausible_upper == parameter.default
