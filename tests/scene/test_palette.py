"""How f maps onto colours: linear or log, transparent outside the domain, round levels."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradient_studio.scene.palette import (
    COLORMAPS,
    OKABE_ITO,
    OPTIMIZER_STYLES,
    ColourScale,
    colormap_lut,
    format_value,
    optimizer_style,
    path_colour,
    tick_texts,
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
    assert "0" not in {text for _, text in ticks}  # a log scale has no 0, though f has
    assert {"1", "10", "100"} <= {text for _, text in ticks}


def _notation(text: str) -> str:
    return "power of ten" if "e" in text else "decimal"


@pytest.mark.parametrize(
    ("f", "span"),
    [
        (lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2, 2.0),  # 0 … 2500
        (lambda x, y: 1e-6 + (x**2 + y**2) ** 6, 3.0),  # 1e-6 … 1e6
        (lambda x, y: 1e9 * (x**2 + y**2) ** 2, 2.0),
        (lambda x, y: 1e-7 * np.exp(8 * (x**2 + y**2)), 1.0),
    ],
)
def test_a_log_bar_labels_its_ticks_in_one_notation(f, span):
    ticks = ColourScale.fit(grid(f, span=span), log=True).ticks()
    assert len(ticks) >= 3
    assert len({_notation(text) for _, text in ticks}) == 1, ticks
    assert "0" not in {text for _, text in ticks}


def test_a_linear_bar_reads_its_values_whatever_their_size():
    ticks = ColourScale(-0.001, 0.001).ticks()
    assert [t for _, t in ticks] == ["−0.0010", "−0.0005", "0", "0.0005", "0.0010"]
    assert [t for _, t in ColourScale(-1e-4, 1e-4).ticks()][:2] == ["−1e−4", "−5e−5"]
    bar = [t for _, t in ColourScale(0.0, 30.0).ticks()]
    assert bar == ["0", "5", "10", "15", "20", "25", "30"]


def test_axis_ticks_after_a_zoom_read_as_plain_numbers():
    # The zoom: x in −0.0065 … 0.0095, ticks every 0.002.
    values = [-0.006, -0.004, -0.002, 0.0, 0.002, 0.004, 0.006, 0.008]
    assert tick_texts(values, 0.002, 0.0095) == [
        "−0.006",
        "−0.004",
        "−0.002",
        "0",
        "0.002",
        "0.004",
        "0.006",
        "0.008",
    ]
    assert tick_texts([1.5, 2.0, 2.5], 0.5, 3.0) == ["1.5", "2.0", "2.5"]
    # Within ±0.001, or past ±1e5: every label a power of ten, digits enough to differ.
    assert tick_texts([1.2e-4, 1.4e-4, 1.6e-4], 2e-5, 1.7e-4) == ["1.2e−4", "1.4e−4", "1.6e−4"]
    assert tick_texts([0.0, 2e5, 4e5], 2e5, 5e5) == ["0", "2e5", "4e5"]
    assert tick_texts([1e300, 2e300], 1e300, 2e300) == ["1e300", "2e300"]


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


def _lab(colour: str) -> np.ndarray:
    """CIELAB (D65) of an sRGB hex colour: a space where distance is perceived difference."""
    c = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ c / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_all_fourteen_optimisers_are_told_apart():
    from gradient_studio.engine import OPTIMIZERS

    styles = {name: optimizer_style(name) for name in OPTIMIZERS}
    assert len(styles) == 14
    for (a, sa), (b, sb) in itertools.combinations(styles.items(), 2):
        # Every pair differs clearly in colour (ΔE 2.3 is just noticeable)...
        assert np.linalg.norm(_lab(sa.colour) - _lab(sb.colour)) > 25, (a, b)
    # ...and for readers who cannot tell colours: the colour-blind-safe eight are discs,
    # each of the other six has a shape of its own.
    discs = [s.colour for s in styles.values() if s.marker == "o"]
    assert sorted(discs) == sorted(OKABE_ITO)
    shapes = [s.marker for s in styles.values() if s.marker != "o"]
    assert len(set(shapes)) == len(shapes) == 6
    assert len({s.glyph for s in styles.values() if s.marker != "o"}) == 6
    assert {"s", "x", "star"}.isdisjoint(shapes)  # those mean "ended", "failed", "a minimum"


def test_an_unknown_optimiser_always_gets_the_same_style():
    assert optimizer_style("lion") == optimizer_style("lion")
    assert optimizer_style("lion") in OPTIMIZER_STYLES.values()


@pytest.mark.parametrize("top", [300.0, 307.9, 308.25])
def test_a_log_bar_reaching_the_top_of_the_float_range_still_has_ticks(top):
    # f up to ~1e308 (an exp that nearly overflows): the candidates stop at 10^308.
    ticks = ColourScale(-3.0, top, log=True).ticks()
    assert len(ticks) >= 3
    assert all(math.isfinite(u) for u, _ in ticks)
