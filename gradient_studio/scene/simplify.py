"""Paths reduced to what the pixels can show, so that drawing them costs a bounded time
whatever their shape.

A path is a polyline whose lines are separated by rows of NaN. Before it is drawn it is

* :func:`thinned` — one vertex per few-pixel cell on smooth stretches, every sharp corner kept;
* :func:`clipped` — cut at the edges of the view;
* :func:`within_budget` — every path of the frame together: segments that repeat one drawn
  before them (to within :data:`REPEAT_PX`) are dropped, which is what a zig-zag sliding
  back and forth along one line is; and if what is left would still cost more than
  :data:`BUDGET` to draw (a path thrashing over the whole view for ten thousand steps), it
  keeps the segments that cover the most of what no earlier segment covers, until the
  budget is spent.

Work here is in logical pixels, the unit the budget counts in: ``pixel`` is the data units
per logical pixel of the view, ``(dx, dy)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Index = NDArray[np.intp]

THIN_PX = 2.0  # a path keeps a vertex per cell of this many logical pixels (and corners)
CORNER_DEG = 12.0
_CORNER_COS = math.cos(math.radians(CORNER_DEG))
REPEAT_PX = 0.5  # a segment whose two ends are this close to an earlier one's repeats it


@dataclass(frozen=True)
class Budget:
    """What one frame may draw of all its paths together.

    A wide antialiased line costs Qt a fixed time per segment plus a time per pixel of its
    length (about as much as the fixed part for every 16 pixels), so both are bounded.
    On this project's reference machine the worst case the budget allows paints its
    casing and lines in about 20 ms (see ``tests/benchmarks/bench_scene.py``).
    """

    segments: int = 6000
    length: float = 250_000.0  # logical pixels


BUDGET = Budget()
_SAMPLES = 100_000  # cells looked at per frame, at most, to find what covers the most


def thinned(points: Array, pixel: tuple[float, float] | None) -> Array:
    """The polyline with only the vertices a reader can see: one per ``THIN_PX``-pixel cell
    the line passes through, plus every corner sharper than ``CORNER_DEG`` between steps of
    at least half a pixel, plus the ends. On smooth stretches a 3-pixel chord strays from
    the curve by under a tenth of a pixel; the corners keep zig-zags sharp. A wide
    antialiased line costs time per vertex, and a converging run's last hundreds of steps
    often move less than a pixel."""
    if pixel is None or len(points) < 3:
        return points
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        p = points / np.asarray(pixel)
        q = np.floor(p / THIN_PX)
        keep = np.ones(len(points), dtype=bool)
        keep[1:-1] = np.any(q[1:-1] != q[:-2], axis=1)
        d = np.diff(p, axis=0)
        length = np.hypot(d[:, 0], d[:, 1])
        cos = np.einsum("ij,ij->i", d[:-1], d[1:]) / (length[:-1] * length[1:])
        corner = (cos < _CORNER_COS) & (np.minimum(length[:-1], length[1:]) >= 0.5)
    keep[1:-1] |= corner
    keep |= ~np.isfinite(p).all(axis=1)  # breaks in the line stay where they are
    return points if keep.all() else points[keep]


def clipped(points: Array, box: tuple[float, float, float, float]) -> Array:
    """The parts of a polyline inside ``box`` (x0, x1, y0, y1), cut exactly at its edges and
    separated by rows of nan; non-finite points break the line."""
    x0, x1, y0, y1 = box
    x, y = points[:, 0], points[:, 1]
    with np.errstate(invalid="ignore"):
        inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    if inside.all():
        return points
    if len(points) < 2:
        return np.empty((0, 2))
    p, d = points[:-1], np.diff(points, axis=0)
    t0 = np.zeros(len(d))
    t1 = np.ones(len(d))
    ok = np.isfinite(points[:-1]).all(axis=1) & np.isfinite(points[1:]).all(axis=1)
    ok &= np.isfinite(d).all(axis=1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for dk, qk in (
            (-d[:, 0], p[:, 0] - x0),
            (d[:, 0], x1 - p[:, 0]),
            (-d[:, 1], p[:, 1] - y0),
            (d[:, 1], y1 - p[:, 1]),
        ):  # Liang–Barsky
            r = qk / dk
            t0 = np.where(dk < 0, np.maximum(t0, r), t0)
            t1 = np.where(dk > 0, np.minimum(t1, r), t1)
            ok &= ~((dk == 0) & (qk < 0))
        ok &= t0 <= t1
        a = p + t0[:, None] * d
        b = p + t1[:, None] * d
    ok &= np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    joined = ok[:-1] & ok[1:] & (t1[:-1] == 1.0) & (t0[1:] == 0.0)
    starts = ok & ~np.concatenate(([False], joined))
    stops = ok & ~np.concatenate((joined, [False]))
    rows = np.stack([a, b, np.full_like(a, np.nan)], axis=1)
    keep = np.stack([starts, ok, stops], axis=1)
    return rows[keep]


def segments(points: Array) -> Index:
    """The first vertex of every segment of a NaN-separated polyline."""
    ok = np.asarray(np.isfinite(points).all(axis=1), dtype=bool)
    return np.flatnonzero(ok[:-1] & ok[1:])


def cost(points: Array, pixel: tuple[float, float]) -> tuple[int, float]:
    """``(segments, length in logical pixels)`` of drawing the polyline."""
    first = segments(points)
    d = np.diff(points, axis=0)[first] / np.asarray(pixel)
    return len(first), float(np.hypot(d[:, 0], d[:, 1]).sum())


def within_budget(
    lines: Sequence[Array], pixel: tuple[float, float] | None, budget: Budget = BUDGET
) -> list[Array]:
    """``lines`` (one polyline per path) together within ``budget``: as they are if they
    fit, else without their repeated segments, and if that is not enough each path gets
    an equal share (what a short path leaves of its share goes to the others)."""
    if pixel is None or not lines:
        return list(lines)
    count, length = _at_most(lines, pixel)
    if count <= budget.segments and length <= budget.length:
        return list(lines)  # the common case: drawn as they are
    out = [without_repeats(line, pixel) for line in lines]
    costs = [cost(line, pixel) for line in out]
    if _within(costs, budget):
        return out
    shares = _shares([n for n, _ in costs], budget.segments)
    lengths = _shares([s for _, s in costs], budget.length)
    over = [
        n > share or s > room for (n, s), share, room in zip(costs, shares, lengths, strict=True)
    ]
    samples = _SAMPLES // max(1, sum(over))  # the coverage work is bounded per frame too
    return [
        _fit(line, pixel, share, room, samples) if fit else line
        for line, fit, share, room in zip(out, over, shares, lengths, strict=True)
    ]


def _at_most(lines: Sequence[Array], pixel: tuple[float, float]) -> tuple[int, float]:
    """What drawing ``lines`` costs at most, quickly: every row but the last counted as a
    segment, and the length of those that are."""
    scale = 1.0 / np.asarray(pixel)
    count, length = 0, 0.0
    for line in lines:
        if len(line) > 1:
            count += len(line) - 1
            d = np.diff(line, axis=0) * scale
            length += float(np.nansum(np.hypot(d[:, 0], d[:, 1])))
    return count, length


def _within(costs: Sequence[tuple[int, float]], budget: Budget) -> bool:
    return sum(n for n, _ in costs) <= budget.segments and sum(s for _, s in costs) <= budget.length


def _shares(wants: Sequence[float], total: float) -> list[float]:
    """Water-filling: each gets what it wants or an equal share of what is left."""
    shares = [0.0] * len(wants)
    left = float(total)
    order = sorted(range(len(wants)), key=lambda i: wants[i])
    for done, i in enumerate(order):
        shares[i] = min(wants[i], left / (len(wants) - done))
        left -= shares[i]
    return shares


def without_repeats(
    points: Array, pixel: tuple[float, float], tolerance: float = REPEAT_PX
) -> Array:
    """The polyline without the segments that repeat an earlier one: both ends in the same
    ``tolerance``-pixel cells, in either direction. Drawn with an opaque pen, they would
    only paint over what is there."""
    first = segments(points)
    if len(first) < 2:
        return points
    with np.errstate(invalid="ignore", over="ignore"):
        q = np.round(points / (np.asarray(pixel) * tolerance))
    a, b = q[first], q[first + 1]
    swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    ends = np.where(swap[:, None], np.hstack([b, a]), np.hstack([a, b]))
    ends = np.clip(ends - ends.min(axis=0), 0, 2.0**62).astype(np.int64)
    if ends.max() < 2**16:  # a view's worth of cells: one 64-bit key per segment
        key = (ends[:, 0] << 48) | (ends[:, 1] << 32) | (ends[:, 2] << 16) | ends[:, 3]
        _, unique = np.unique(key, return_index=True)
    else:
        _, unique = np.unique(ends, axis=0, return_index=True)
    if len(unique) == len(first):
        return points
    return _joined(points, first[np.sort(unique)])


def _fit(
    points: Array, pixel: tuple[float, float], count: float, length: float, samples: int
) -> Array:
    """The polyline cut down to ``count`` segments and ``length`` pixels: the segments
    that add the most cells no earlier segment covers, until the budget is spent (those
    that add none, which draw only over what is drawn, come last)."""
    first = segments(points)
    d = np.diff(points, axis=0)[first] / np.asarray(pixel)
    span = np.hypot(d[:, 0], d[:, 1])
    novel = _novel_cells(points[first] / np.asarray(pixel), d, span, samples)
    order = np.argsort(-novel, kind="stable")  # the most new cells first, then in order
    fits = (np.arange(1, len(order) + 1) <= count) & (np.cumsum(span[order]) <= length)
    return _joined(points, first[np.sort(order[fits])])


def _novel_cells(start: Array, d: Array, span: Array, samples: int) -> NDArray[np.intp]:
    """How many cells each segment (from ``start`` along ``d``, ``span`` pixels long) is
    the first to cross. The cells are a pixel or more, as many as ``samples`` allows."""
    cell = max(1.0, float(span.sum()) / samples)
    per = np.maximum(1, np.ceil(span / cell).astype(np.intp)) + 1
    owner = np.repeat(np.arange(len(span)), per)
    before = np.cumsum(per) - per
    t = (np.arange(owner.size) - before[owner]) / (per[owner] - 1)
    xy = np.floor((start[owner] + t[:, None] * d[owner]) / cell).astype(np.int64)
    key = (xy[:, 0] << 32) + (xy[:, 1] & 0xFFFFFFFF)
    _, firsts = np.unique(key, return_index=True)
    return np.bincount(owner[firsts], minlength=len(span))


def _joined(points: Array, kept: Index) -> Array:
    """The polyline made of the segments ``kept`` (their first vertices, sorted),
    consecutive ones joined, the others separated by rows of nan."""
    if not len(kept):
        return np.empty((0, 2))
    new_run = np.ones(len(kept), dtype=bool)
    new_run[1:] = kept[1:] != kept[:-1] + 1
    # Each run: a gap (but the first), its first vertex, then one vertex per segment.
    starts = np.flatnonzero(new_run)
    rows = len(kept) + 2 * len(starts) - 1
    out = np.full((rows, 2), np.nan)
    slot = np.arange(len(kept)) + 2 * np.cumsum(new_run) - 1  # where each segment's end goes
    out[slot] = points[kept + 1]
    out[slot[starts] - 1] = points[kept[starts]]
    return out
