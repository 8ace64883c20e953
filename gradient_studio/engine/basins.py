"""Basins of attraction: every point of a grid is a start, named by where its run ends.

A :class:`BasinMap` runs one optimiser from every point of a ``rows × cols`` grid over the
view (evenly spaced, both ends of each range included) and sorts the runs:

* runs that *settle* — converged, or out of steps with their last step tiny and ‖∇f‖ under
  1/10,000 of its median over the starts — have their end
  points grouped into **attractors**: the end points are binned into cells of
  :func:`radius` (1/500 of the view's larger side) and touching cells form one attractor, so
  a valley of minima is one attractor, not a thousand. Each is a minimum or a "saddle or
  maximum" by the Hessian's eigenvalues at its lowest point;
* runs out of steps whose end lies within a few cells of an attractor are on their way to it
  and count for it; the others are **still moving**;
* runs that diverged or left the domain are what they say.

Attractors near ``known`` points (a preset's minima, or the attractors of the last map)
keep those points' ids, so colours stay put while a slider moves; new ones are numbered
after, by share. Shares are of all the starts. :func:`refine_basin_maps` gives the map coarse
to fine (see :mod:`~gradient_studio.engine.maps`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gradient_studio.engine.final import CONVERGED, DIVERGED, LEFT_DOMAIN, MAX_STEPS, FinalStates
from gradient_studio.engine.kernel import Array
from gradient_studio.engine.maps import axis, check_grid, levels, run_final
from gradient_studio.engine.objective import Objective
from gradient_studio.engine.results import OptimizerChoice
from gradient_studio.engine.transforms import Training

#: What became of each start (:attr:`BasinMap.kind`).
ATTRACTED, DIVERGED_KIND, LEFT_DOMAIN_KIND, SADDLE, MOVING = range(5)
KIND_NAMES = ("attractor", "diverged", "left the domain", "saddle or maximum", "still moving")
NEAR_CELLS = 3  # a run out of steps this many cells from an attractor is on its way there
STATIONARY = 1e-4  # ‖∇f‖ this small beside the typical ‖∇f‖ of the starts is flat


@dataclass(frozen=True)
class Attractor:
    """Where runs end: ``point`` (the lowest end point among them), f there, whether it is a
    minimum (else a saddle or maximum, by the Hessian), and its share of all starts."""

    id: int
    point: tuple[float, float]
    f: float
    minimum: bool
    share: float
    count: int

    @property
    def kind(self) -> str:
        return "minimum" if self.minimum else "saddle or maximum"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "x": self.point[0],
            "y": self.point[1],
            "f": self.f,
            "kind": self.kind,
            "share": self.share,
            "count": self.count,
        }


@dataclass(frozen=True)
class BasinMap:
    """One optimiser from every point of a grid. Per start, row-major (start ``i * cols + j``
    is ``(xs[j], ys[i])``): :attr:`final` (where and how it ended), :attr:`attractor` (an id
    of :attr:`attractors`, −1 for none) and :attr:`kind` (see :data:`KIND_NAMES`)."""

    choice: OptimizerChoice
    xs: Array
    ys: Array
    steps: int
    final: FinalStates
    attractor: NDArray[np.int32]
    kind: NDArray[np.int8]
    attractors: tuple[Attractor, ...]
    training: Training = field(default_factory=Training)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.ys), len(self.xs)

    def share(self, kind: int) -> float:
        """The share of all starts whose run became ``kind`` (e.g. :data:`MOVING`)."""
        return float(np.mean(self.kind == kind)) if len(self.kind) else 0.0

    def at(self, x: float, y: float) -> int:
        """The start nearest to ``(x, y)`` (for a hover or a click on the map)."""
        j = int(
            np.clip(np.rint(np.interp(x, self.xs, np.arange(len(self.xs)))), 0, len(self.xs) - 1)
        )
        i = int(
            np.clip(np.rint(np.interp(y, self.ys, np.arange(len(self.ys)))), 0, len(self.ys) - 1)
        )
        return i * len(self.xs) + j


def grid_starts(xs: Array, ys: Array) -> Array:
    """Every ``(x, y)`` of the grid, row-major: rows along y."""
    x, y = np.meshgrid(xs, ys)
    return np.column_stack([x.ravel(), y.ravel()])


def radius(xrange: tuple[float, float], yrange: tuple[float, float]) -> float:
    """How close end points must be to count as one place: 1/500 of the view's larger side."""
    return max(xrange[1] - xrange[0], yrange[1] - yrange[0]) / 500.0


def basin_map(
    objective: Objective,
    choice: str | OptimizerChoice,
    xrange: tuple[float, float],
    yrange: tuple[float, float],
    shape: tuple[int, int] = (200, 200),
    steps: int = 300,
    *,
    training: Training | None = None,
    known: Sequence[tuple[float, float]] = (),
    compiled: bool | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> BasinMap | None:
    """The basin map of ``choice`` over the view on a ``shape`` (rows, cols) grid; None if
    ``cancelled()`` turned true on the way."""
    choice = choice if isinstance(choice, OptimizerChoice) else OptimizerChoice(choice)
    check_grid(shape, steps, "a basin map")
    rows, cols = shape
    xs, ys = axis(*xrange, cols), axis(*yrange, rows)
    final = run_final(
        objective,
        choice,
        grid_starts(xs, ys),
        steps,
        training=training,
        compiled=compiled,
        cancelled=cancelled,
    )
    if final is None:
        return None
    attractor, kind, attractors = classify(objective, final, radius(xrange, yrange), known)
    return BasinMap(
        choice, xs, ys, steps, final, attractor, kind, attractors, training or Training()
    )


def refine_basin_maps(
    objective: Objective,
    choice: str | OptimizerChoice,
    xrange: tuple[float, float],
    yrange: tuple[float, float],
    shape: tuple[int, int] = (200, 200),
    steps: int = 300,
    **options: Any,
) -> Iterator[BasinMap]:
    """The basin map coarse to fine (see :func:`~gradient_studio.engine.maps.levels`), each
    level's attractors keeping the ids of the last's; stops when cancelled."""
    known = [(float(p[0]), float(p[1])) for p in options.pop("known", ())]
    for level in levels(shape):
        found = basin_map(objective, choice, xrange, yrange, level, steps, known=known, **options)
        if found is None:
            return
        known = carried(known, found.attractors)
        yield found


def carried(
    known: Sequence[tuple[float, float]], attractors: Sequence[Attractor]
) -> list[tuple[float, float]]:
    """The points that keep their ids on the next map: place ``i`` is attractor ``i``'s
    point if it was found, else what it was (an id not found this time keeps its place)."""
    places = list(known) + [(math.nan, math.nan)] * (
        max((a.id + 1 for a in attractors), default=0) - len(known)
    )
    for a in attractors:
        places[a.id] = a.point
    return places


def classify(
    objective: Objective,
    final: FinalStates,
    r: float,
    known: Sequence[tuple[float, float]] = (),
) -> tuple[NDArray[np.int32], NDArray[np.int8], tuple[Attractor, ...]]:
    """Per run its attractor id (−1: none) and kind, and the attractors (see the module)."""
    n = len(final)
    code, end = final.code, final.end
    # Out of steps, a run has settled if it barely moves and f is all but flat there (a
    # run that crawls along a valley floor is still on its way, however small its steps).
    typical = _typical_slope(objective, final.starts)
    flat = final.grad_norm <= STATIONARY * typical
    still = (code == MAX_STEPS) & (final.last_move <= r * 1e-3) & flat
    settled = (code == CONVERGED) | still
    cells = np.floor(end / r).astype(np.int64)
    label = np.full(n, -1, dtype=np.int64)
    groups = _touching(cells[settled])
    label[settled] = groups
    kind = np.full(n, MOVING, dtype=np.int8)
    kind[code == DIVERGED] = DIVERGED_KIND
    kind[code == LEFT_DOMAIN] = LEFT_DOMAIN_KIND
    # Runs out of steps near an attractor's cells are on their way to it — or near a known
    # point where f is flat (a preset's minimum), though no run settled there (noise keeps
    # every run jittering).
    places, owners = cells[settled], groups
    seeds = _seeds(objective, known, typical, r, places)
    if len(seeds):
        first_new = int(groups.max()) + 1 if len(groups) else 0
        places = np.concatenate([places, seeds])
        owners = np.concatenate([owners, first_new + np.arange(len(seeds))])
    waiting = np.flatnonzero((code == MAX_STEPS) & ~settled)
    if len(waiting) and len(owners):
        _adopt(label, waiting, cells, places, owners)
    if not (label >= 0).any():
        return np.full(n, -1, np.int32), kind, ()
    _, compact = np.unique(label[label >= 0], return_inverse=True)  # groups with runs only
    label[label >= 0] = compact.reshape(-1)
    count = int(compact.max()) + 1
    # Each group's lowest end point, and what the Hessian says it is.
    members = label >= 0
    order = np.lexsort((np.nan_to_num(final.f[members], nan=np.inf), label[members]))
    idx = np.flatnonzero(members)[order]
    first = idx[np.r_[True, np.diff(label[idx]) != 0]]
    points = end[first]
    hessian = objective.hessian_at(points)
    eig = np.linalg.eigvalsh(np.nan_to_num(hessian))
    scale = np.maximum(1.0, np.abs(eig).max(axis=1))
    minimum = eig[:, 0] >= -1e-6 * scale
    sizes = np.bincount(label[members], minlength=count)
    ids = _ids(points, sizes, known, r)
    out = tuple(
        sorted(
            (
                Attractor(
                    int(ids[g]),
                    (float(points[g, 0]), float(points[g, 1])),
                    float(final.f[first[g]]),
                    bool(minimum[g]),
                    float(sizes[g] / n),
                    int(sizes[g]),
                )
                for g in range(count)
            ),
            key=lambda a: a.id,
        )
    )
    attractor = np.where(members, ids[np.maximum(label, 0)], -1).astype(np.int32)
    kind[members] = np.where(minimum[label[members]], ATTRACTED, SADDLE)
    return attractor, kind, out


def _seeds(
    objective: Objective,
    known: Sequence[tuple[float, float]],
    typical: float,
    r: float,
    places: NDArray[np.int64],
) -> NDArray[np.int64]:
    """The cells of the ``known`` points where f is flat and no settled run is near."""
    points = np.asarray(known, dtype=np.float64).reshape(-1, 2)
    points = points[np.isfinite(points).all(axis=1)]
    if not len(points):
        return np.empty((0, 2), np.int64)
    g = objective.gradient_at(points)
    points = points[np.hypot(g[:, 0], g[:, 1]) <= STATIONARY * typical]
    seeds = np.floor(points / r).astype(np.int64)
    if len(places) and len(seeds):
        gap = np.abs(seeds[:, None, :] - places[None, :, :]).max(axis=2).min(axis=1)
        seeds = seeds[gap > NEAR_CELLS]
    return seeds


def _typical_slope(objective: Objective, starts: Array) -> float:
    """The median ‖∇f‖ over (a sample of) the starts: what "steep" means on this map."""
    sample = starts[:: max(1, len(starts) // 2000)]
    g = objective.gradient_at(sample)
    norms = np.hypot(g[:, 0], g[:, 1])
    norms = norms[np.isfinite(norms)]
    return float(np.median(norms)) if len(norms) else 1.0


def _touching(cells: NDArray[np.int64]) -> NDArray[np.int64]:
    """A group number per row of ``cells`` (integer pairs): cells that touch, side or corner,
    directly or through others, are one group."""
    if len(cells) == 0:
        return np.empty(0, np.int64)
    unique, inverse = np.unique(cells, axis=0, return_inverse=True)
    parent = list(range(len(unique)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    where = {cell: i for i, cell in enumerate(map(tuple, unique.tolist()))}
    for i, (cx, cy) in enumerate(unique.tolist()):
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                other = where.get((cx + dx, cy + dy))
                if other is not None:
                    a, b = find(i), find(other)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
    roots = np.array([find(i) for i in range(len(unique))])
    _, group = np.unique(roots, return_inverse=True)
    return np.asarray(group.reshape(-1)[inverse.reshape(-1)], dtype=np.int64)


def _adopt(
    label: NDArray[np.int64],
    waiting: NDArray[np.intp],
    cells: NDArray[np.int64],
    settled: NDArray[np.int64],
    groups: NDArray[np.int64],
) -> None:
    """Give each waiting run the attractor with a cell within :data:`NEAR_CELLS` of its own
    (each attractor's cells widened by that much on a grid over its bounding box)."""
    near = NEAR_CELLS
    at = cells[waiting]
    for g in range(int(groups.max()) + 1):
        own = settled[groups == g]
        low, high = own.min(axis=0) - near, own.max(axis=0) + near
        size = high - low + 1
        free = label[waiting] < 0
        close = free & (at >= low).all(axis=1) & (at <= high).all(axis=1)
        if not close.any() or size[0] * size[1] > 4_000_000:  # none near, or spread wide
            continue
        grid = np.zeros((int(size[0]), int(size[1])), dtype=bool)
        grid[own[:, 0] - low[0], own[:, 1] - low[1]] = True
        for along in (0, 1):  # a square widening is a widening along each axis in turn
            wide = grid.copy()
            for d in range(1, near + 1):
                ahead = [slice(None)] * 2
                behind = [slice(None)] * 2
                ahead[along], behind[along] = slice(d, None), slice(None, -d)
                wide[tuple(ahead)] |= grid[tuple(behind)]
                wide[tuple(behind)] |= grid[tuple(ahead)]
            grid = wide
        c = at[close] - low
        hit = waiting[close][grid[c[:, 0], c[:, 1]]]
        label[hit] = g


def _ids(
    points: Array, sizes: NDArray[np.int64], known: Sequence[tuple[float, float]], r: float
) -> NDArray[np.int64]:
    """Ids of the groups: a known point's index for a group at it (nearest first), then the
    next numbers by share."""
    ids = np.full(len(points), -1, dtype=np.int64)
    taken: set[int] = set()
    if len(known):
        k = np.asarray(known, dtype=np.float64).reshape(-1, 2)
        with np.errstate(invalid="ignore"):  # (a place kept for an id not found is nan)
            d = np.hypot(points[:, None, 0] - k[None, :, 0], points[:, None, 1] - k[None, :, 1])
        for g, i in sorted(np.argwhere(d <= 10 * r).tolist(), key=lambda gi: d[gi[0], gi[1]]):
            if ids[g] < 0 and i not in taken:
                ids[g] = i
                taken.add(i)
    following = max(len(known), 0)
    for g in np.argsort(-sizes, kind="stable").tolist():
        if ids[g] < 0:
            ids[g] = following
            following += 1
    return ids
