"""The ranges a session keeps are the ones the rest of the program keeps: the numbers the
session package repeats (it cannot import them without Qt or the function compiler) are held
equal to their sources here."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradient_studio.engine import race, view
from gradient_studio.engine.expression import MAX_LENGTH
from gradient_studio.scene import palette
from gradient_studio.session import limits, model
from gradient_studio.session.parts import MARKERS
from gradient_studio.ui import parameter_panel, sliders


def test_the_repeated_numbers_equal_their_sources():
    assert limits.COLORMAPS == palette.COLORMAPS
    assert model.MAX_FUNCTION == MAX_LENGTH
    assert (limits.DEFAULT_RANGE, limits.DEFAULT_START, limits.DEFAULT_STEPS) == (
        race.DEFAULT_RANGE,
        race.DEFAULT_START,
        race.DEFAULT_STEPS,
    )
    assert limits.DEFAULT_BOUNDS == parameter_panel.DEFAULT_BOUNDS
    # The window's own limits, where its version has them (the slider's LIMIT and the
    # start's START_LIMIT come with the window's rework).
    assert getattr(sliders, "LIMIT", limits.MAX_VALUE) == limits.MAX_VALUE


def test_every_optimisers_own_mark_is_one_a_look_may_take():
    import pyqtgraph as pg

    for style in palette.OPTIMIZER_STYLES.values():
        assert MARKERS[style.marker] == style.glyph
    for marker in MARKERS:
        assert marker in pg.graphicsItems.ScatterPlotItem.Symbols


@given(st.tuples(st.floats() | st.integers(-(10**20), 10**20), st.floats() | st.integers()))
def test_a_view_range_is_refused_exactly_when_the_scene_refuses_it(value):
    try:
        expected = view.check_range(value, "x range")
    except ValueError as e:
        with pytest.raises(ValueError) as info:
            limits.check_range(value, "x range")
        assert str(info.value) == str(e)
    else:
        assert limits.check_range(value, "x range") == expected


@given(st.floats(-4e99, 4e99), st.floats(-1e3, 1e3), st.floats(-1e3, 1e3))
def test_widening_is_the_sliders(value, a, b):
    low, high = sorted((a, b))
    if low < high and not low <= value <= high:
        assert limits.widened((low, high), value) == sliders.widened((low, high), value)
