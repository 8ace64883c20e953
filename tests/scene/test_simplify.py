"""Paths reduced to what the pixels show: repeats dropped, every frame within its budget."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gradient_studio.scene.simplify import (
    Budget,
    cost,
    segments,
    within_budget,
    without_repeats,
)

PIXEL = (1.0, 1.0)
GAP = [np.nan, np.nan]


def segment_set(points: np.ndarray) -> set[tuple[float, ...]]:
    """Every segment as an unordered pair of ends."""
    out = set()
    for i in segments(points):
        a, b = tuple(points[i]), tuple(points[i + 1])
        out.add((*min(a, b), *max(a, b)))
    return out


def test_a_zig_zag_sliding_along_one_line_keeps_one_copy_of_each_stroke():
    # Back and forth between the same two points 1,000 times, then on to a third.
    back_and_forth = np.array([[0.0, 0.0], [300.0, 100.0]] * 500 + [[0.0, 0.0], [10.0, 200.0]])
    out = without_repeats(back_and_forth, PIXEL)
    assert segment_set(out) == segment_set(back_and_forth)
    assert len(segments(out)) == 2  # there (and back: the same stroke), and on


def test_repeats_are_dropped_to_half_a_pixel_and_nothing_else_is():
    rng = np.random.default_rng(3)
    line = rng.uniform(0, 500, (200, 2))
    nearly = line[::-1] + rng.uniform(-0.01, 0.01, line.shape)  # the same strokes, reversed
    points = np.vstack([line, [GAP], nearly])
    out = without_repeats(points, PIXEL)
    assert segment_set(out) <= segment_set(points)
    # Most of the second copy's segments round to the first's cells (those that fall
    # across a cell's edge are kept: drawing too much is never wrong).
    assert len(segments(out)) < 1.3 * len(segments(line))
    assert segment_set(line) <= segment_set(out)  # the first copy is drawn whole


def test_what_is_kept_is_joined_where_it_was_joined_and_broken_where_not():
    points = np.array([[0, 0], [1, 0], [2, 0], [1, 0], [2, 0], [3, 0], [3, 5]], dtype=float)
    out = without_repeats(points, (0.1, 0.1))
    # 0-1, 1-2 kept; 2-1 and 1-2 repeat; 2-3 and 3-(3,5) kept, joined to each other.
    expected = np.array([[0, 0], [1, 0], [2, 0], GAP, [2, 0], [3, 0], [3, 5]], dtype=float)
    np.testing.assert_array_equal(out, expected)


def test_ordinary_paths_are_left_as_they_are():
    t = np.linspace(0, 6, 400)
    spiral = np.column_stack([200 * np.exp(-t / 3) * np.cos(3 * t), 200 * np.sin(2 * t)])
    assert within_budget([spiral, spiral[::3]], PIXEL)[0] is spiral


@settings(max_examples=30, deadline=None)
@given(
    paths=st.lists(st.integers(1, 1500), min_size=1, max_size=14),
    seed=st.integers(0, 2**16),
    scale=st.floats(1.0, 2000.0),
)
def test_every_frame_stays_within_its_budget(paths, seed, scale):
    rng = np.random.default_rng(seed)
    budget = Budget(segments=2000, length=40_000.0)
    lines = [rng.uniform(0, scale, (n, 2)) for n in paths]
    out = within_budget(lines, PIXEL, budget)
    counts = [cost(line, PIXEL) for line in out]
    assert sum(n for n, _ in counts) <= budget.segments
    assert sum(s for _, s in counts) <= budget.length * (1 + 1e-9)
    for before, after in zip(lines, out, strict=True):
        assert segment_set(after) <= segment_set(before)  # only ever drops segments


def test_a_path_over_its_share_keeps_what_covers_the_most():
    # A scribble over a 1000-pixel square: far more than the budget allows.
    rng = np.random.default_rng(0)
    scribble = rng.uniform(0, 1000, (5000, 2))
    budget = Budget(segments=10_000, length=100_000.0)
    (out,) = within_budget([scribble], PIXEL, budget)
    n, length = cost(out, PIXEL)
    assert length <= 100_000 and n > 50
    # The picture still spans the square: nearly every 50-pixel block has some of it.
    first = segments(out)
    t = np.linspace(0, 1, 60)[:, None, None]
    along = out[first] + t * (out[first + 1] - out[first])
    blocks = {tuple(b) for b in np.floor(along.reshape(-1, 2) / 50).astype(int)}
    assert len(blocks) >= 0.97 * 400


def test_a_short_path_leaves_its_share_to_a_long_one():
    rng = np.random.default_rng(1)
    short = rng.uniform(0, 10, (20, 2))
    long = rng.uniform(0, 1000, (3000, 2))
    budget = Budget(segments=1000, length=10**9)
    a, b = within_budget([short, long], PIXEL, budget)
    assert a is short or len(segments(a)) == len(segments(short))
    assert len(segments(b)) > 900
