"""How f maps onto colours: linear or log, transparent outside the domain, round levels."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradient_studio.scene.palette import (
    COLORMAPS,
    OKABE_ITO,
    ColourScale,
    colormap_lut,
    format_value,
    path_colour,
)


def grid(f, n=200, span=2.0):
    x = np.linspace(-span, span, n)
    X, Y = np.meshgrid(x, x)
    return f(X, Y)


def test_a_bowl_is_coloured_linearly_and_rosenbrock_by_log():
    bowl = ColourScale.fit(grid(lambda x, y: x**2 + y**2))
    assert not bowl.log
    assert bowl.label == "f"
    banana = ColourScale.fit(grid(lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2))
    assert banana.log
    assert "log" in banana.label
    assert ColourScale.fit(grid(lambda x, y: x**2 + y**2), log=True).log


def test_the_minimum_takes_the_low_end_of_the_map_and_nan_is_clear():
    z = grid(lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2)
    z[0, :10] = np.nan
    scale = ColourScale.fit(z)
    lut = colormap_lut("viridis")
    rgba = scale.colours(scale.u(z), lut)
    i, j = np.unravel_index(np.nanargmin(z), z.shape)
    assert tuple(rgba[i, j]) == tuple(lut[0])
    assert (rgba[0, :10, 3] == 0).all()
    assert (rgba[1:, :, 3] == 255).all()


def test_a_pole_saturates_instead_of_vanishing():
    z = np.array([[0.0, 1.0], [2.0, np.inf]])
    scale = ColourScale.fit(z, log=False)
    lut = colormap_lut("magma")
    rgba = scale.colours(scale.u(z), lut)
    assert tuple(rgba[1, 1]) == tuple(lut[-1])


def test_colouring_does_not_write_to_the_grid():
    z = grid(lambda x, y: x + y)
    before = z.copy()
    scale = ColourScale.fit(z)
    scale.colours(scale.u(z), colormap_lut("viridis"))
    np.testing.assert_array_equal(z, before)


@pytest.mark.parametrize("count", [10, 20, 30])
@pytest.mark.parametrize("log", [False, True])
def test_contour_levels_are_round_and_inside_the_map(count, log):
    scale = ColourScale.fit(grid(lambda x, y: 3 + (1 - x) ** 2 + 100 * (y - x**2) ** 2), log=log)
    levels = scale.contour_levels(count)
    assert count / 2.5 <= len(levels) <= count
    assert (levels > scale.low).all() and (levels < scale.high).all()
    steps = np.diff(levels)
    np.testing.assert_allclose(steps, steps[0])


def test_log_ticks_are_round_values_of_f_in_order():
    scale = ColourScale.fit(grid(lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2))
    ticks = scale.ticks()
    assert len(ticks) >= 3
    positions = [u for u, _ in ticks]
    assert positions == sorted(positions)
    assert all(scale.low - 1e-9 <= u <= scale.high + 1e-9 for u in positions)
    assert ticks[0][1] == "0"  # Rosenbrock's minimum is 0
    assert {"1", "10", "100"} <= {text for _, text in ticks}


def test_a_flat_or_empty_grid_still_has_a_scale():
    assert ColourScale.fit(np.full((5, 5), 2.0)).high > ColourScale.fit(np.full((5, 5), 2.0)).low
    assert ColourScale.fit(np.full((5, 5), np.nan)) == ColourScale(0.0, 1.0)


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1, max_size=60))
def test_any_values_get_a_usable_scale(values):
    z = np.array(values, dtype=float).reshape(1, -1)
    for log in (None, True, False):
        scale = ColourScale.fit(z, log=log)
        assert math.isfinite(scale.low) and math.isfinite(scale.high)
        assert scale.high > scale.low
        rgba = scale.colours(scale.u(z), colormap_lut("viridis"))
        assert rgba.shape == (1, len(values), 4)
        scale.contour_levels(20)


def test_colour_maps_and_path_colours():
    for name in COLORMAPS:
        lut = colormap_lut(name)
        assert lut.shape == (256, 4) and lut.dtype == np.uint8
    with pytest.raises(ValueError, match="unknown colour map"):
        colormap_lut("jet")
    assert path_colour(0) == OKABE_ITO[0]
    assert path_colour(len(OKABE_ITO)) == OKABE_ITO[0]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (1, "1"),
        (250, "250"),
        (1200, "1200"),
        (0.0123, "0.0123"),
        (3.21e-7, "3.2e−7"),
        (2e5, "2e5"),
        (-4.0, "−4"),
        (math.inf, "∞"),
        (math.nan, "nan"),
    ],
)
def test_numbers_are_short(value, text):
    assert format_value(value) == text
