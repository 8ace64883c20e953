"""The gradient over a view: the −∇f arrows of a quiver and ‖∇f‖ for colouring.

Both evaluate ∇f once on a grid with numpy (the objective's compiled gradient, all points
in one call) and use :meth:`~gradient_studio.engine.objective.Objective.grid`'s layout:
cell centres, rows along y, so a scene lays them over the landscape without transposing.
:func:`arrow` turns any vector at any point — a field arrow, ∇f or the step at a run's
head — into the polyline a scene draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gradient_studio.engine.kernel import Array
from gradient_studio.engine.objective import Objective, _centres
from gradient_studio.engine.results import RunResult

MAX_ARROWS = 200 * 200  # a quiver denser than this is a picture of noise


@dataclass(frozen=True)
class DescentField:
    """−∇f on a grid: ``directions[i, j]`` is the unit vector downhill at
    ``(xs[j], ys[i])`` and ``magnitude[i, j]`` is ‖∇f‖ there (for the colour or legend).
    Where ∇f is zero or undefined the direction is nan and the magnitude 0 or nan."""

    xs: Array
    ys: Array
    directions: Array  # (rows, cols, 2)
    magnitude: Array  # (rows, cols)

    def segments(self, length: float, head: float = 0.3) -> Array:
        """Every arrow, centred on its grid point and ``length`` long, as one
        NaN-separated ``(m, 2)`` polyline (shaft, then the two strokes of its head)."""
        rows, cols = self.magnitude.shape
        centres = np.empty((rows, cols, 2))
        centres[..., 0] = self.xs[np.newaxis, :]
        centres[..., 1] = self.ys[:, np.newaxis]
        d = self.directions.reshape(-1, 2)
        ok = np.isfinite(d).all(axis=1)
        return _arrows(centres.reshape(-1, 2)[ok] - d[ok] * length / 2, d[ok] * length, head)


def descent_field(
    objective: Objective,
    xrange: tuple[float, float],
    yrange: tuple[float, float],
    shape: tuple[int, int] = (25, 25),
) -> DescentField:
    """The −∇f arrows on a ``rows × cols`` grid over the view."""
    rows, cols = _checked(shape)
    xs, ys = _centres(xrange, cols), _centres(yrange, rows)
    g = objective.gradient(xs[np.newaxis, :], ys[:, np.newaxis])
    with np.errstate(all="ignore"):
        magnitude = np.hypot(g[..., 0], g[..., 1])
        directions = -g / magnitude[..., np.newaxis]
    directions[~(magnitude > 0) | ~np.isfinite(magnitude)] = np.nan
    return DescentField(xs, ys, directions, magnitude)


def gradient_norm_grid(
    objective: Objective,
    xrange: tuple[float, float],
    yrange: tuple[float, float],
    shape: tuple[int, int] = (400, 400),
) -> tuple[Array, Array, Array]:
    """``(xs, ys, log₁₀ ‖∇f‖)`` in the layout of ``Objective.grid``: plateaus (vanishing
    gradients) come out low, cliffs (exploding ones) high. −inf where ∇f is exactly zero,
    nan outside the domain."""
    rows, cols = shape
    xs, ys = _centres(xrange, cols), _centres(yrange, rows)
    g = objective.gradient(xs[np.newaxis, :], ys[:, np.newaxis])
    with np.errstate(all="ignore"):
        out: Array = np.log10(np.hypot(g[..., 0], g[..., 1]))
    return xs, ys, out


@dataclass(frozen=True)
class Heads:
    """Every run's head at one playhead step: where it is, ∇f there (uphill, "fastest
    increase") and the step the optimiser really took from it (nan where the run has no
    step from there). Rows follow ``RunResult.trajectories``: optimiser-major."""

    points: Array  # (runs, 2)
    gradient: Array  # (runs, 2)
    step: Array  # (runs, 2)


def heads(result: RunResult, k: int) -> Heads:
    """The arrows at every head at step ``k`` (a run that stopped earlier shows its last
    point), from the result's own points and one vectorised ∇f call."""
    points, steps = [], []
    for batch in result.batches:
        last = np.where(batch.stop >= 0, batch.stop, batch.done - 1)
        at = np.minimum(k, last)
        columns = np.arange(len(last))
        here = batch.points[at, columns]
        after = batch.points[np.minimum(at + 1, batch.steps), columns]
        step = np.where((at < last)[:, np.newaxis], after - here, np.nan)
        points.append(here)
        steps.append(step)
    p = np.concatenate(points) if points else np.empty((0, 2))
    g = result.objective.gradient_at(p) if len(p) else np.empty((0, 2))
    return Heads(p, g, np.concatenate(steps) if steps else np.empty((0, 2)))


def arrow(tail: tuple[float, float], vector: tuple[float, float], head: float = 0.25) -> Array:
    """One arrow from ``tail`` along ``vector`` (its full length) as a NaN-separated
    polyline: the shaft, then the head's two strokes, each ``head`` of the length. An
    arrow of no length, or not finite, is empty."""
    t = np.array([tail], dtype=np.float64)
    v = np.array([vector], dtype=np.float64)
    if not (np.isfinite(t).all() and np.isfinite(v).all()) or not v.any():
        return np.empty((0, 2))
    return _arrows(t, v, head)


def _arrows(tails: Array, vectors: Array, head: float) -> Array:
    """Shafts and heads of many arrows: 7 rows each (tail, tip, nan, three points of the
    head, nan), the last nan left off."""
    n = len(tails)
    tips = tails + vectors
    c, s = math.cos(math.radians(25)), math.sin(math.radians(25))
    back = -vectors * head
    left = np.stack([c * back[:, 0] - s * back[:, 1], s * back[:, 0] + c * back[:, 1]], axis=1)
    right = np.stack([c * back[:, 0] + s * back[:, 1], -s * back[:, 0] + c * back[:, 1]], axis=1)
    out = np.full((n, 7, 2), np.nan)
    out[:, 0], out[:, 1] = tails, tips
    out[:, 3], out[:, 4], out[:, 5] = tips + left, tips, tips + right
    return out.reshape(-1, 2)[:-1] if n else np.empty((0, 2))


def _checked(shape: tuple[int, int]) -> tuple[int, int]:
    rows, cols = int(shape[0]), int(shape[1])
    if not (rows >= 1 and cols >= 1 and rows * cols <= MAX_ARROWS):
        raise ValueError(f"a field of {rows}×{cols} arrows: use 1 to {MAX_ARROWS} in all")
    return rows, cols
