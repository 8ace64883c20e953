"""Colouring the landscape by the steepness ‖∇f‖ instead of by f.

A plateau — where the gradient vanishes and gradient descent crawls — and a cliff — where
it explodes — can sit at any height of f, so colouring by f hides them. Coloured by
log₁₀‖∇f‖ they stand out as the darkest and the brightest parts of the picture. The colour
bar then names ‖∇f‖ and its ticks are powers of ten of it; the contour lines stay those
of f, each stretch drawn light or dark by the colour beneath it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from gradient_studio.scene.palette import (
    ColourScale,
    _round_step,
    colormap_lut,
    luminance,
    same_notation,
)

Array = NDArray[np.float64]
Colouring = Literal["f", "gradient_norm"]
COLOURINGS: tuple[Colouring, ...] = ("f", "gradient_norm")
DARK_BELOW = 0.22  # the luminance under which a contour line is drawn light (as for f)


def colouring(name: str) -> Colouring:
    """``name`` as one of :data:`COLOURINGS` (``"grad"`` is short for ``"gradient_norm"``)."""
    for known in COLOURINGS:
        if name == known:
            return known
    if name == "grad":
        return "gradient_norm"
    raise ValueError(f"unknown colouring {name!r}; choose f or gradient_norm")


def norm_grid(objective: Any, xs: Array, ys: Array) -> Array:
    """log₁₀‖∇f‖ at the grid's cell centres (rows along y), in one ∇f call; nan outside
    the domain, and where ∇f is exactly zero (a critical point on a cell centre) the
    lowest finite value, so that it takes the bottom colour rather than none."""
    with np.errstate(all="ignore"):
        g = np.asarray(objective.gradient(xs[np.newaxis, :], ys[:, np.newaxis]), dtype=float)
        u: Array = np.square(g[..., 0])
        u += np.square(g[..., 1])
        np.log10(u, out=u)
        u *= 0.5  # log₁₀ √(gx² + gy²), without hypot's care for overflow: half the time
        overflowed = np.isposinf(u) & np.isfinite(g).all(axis=-1)  # |g| beyond 1e154
        if overflowed.any():
            u[overflowed] = np.log10(np.hypot(g[..., 0], g[..., 1]))[overflowed]
    zero = np.isneginf(u)
    if zero.any():
        finite = u[np.isfinite(u)]
        u[zero] = finite.min() if finite.size else 0.0
    u[np.isposinf(u)] = np.nan  # an infinite slope is a pole: not a colour
    return u


@dataclass(frozen=True)
class GradientNormScale(ColourScale):
    """log₁₀‖∇f‖ onto the colour map, linearly; the ticks name ‖∇f‖ itself."""

    @classmethod
    def of(cls, u: Array) -> GradientNormScale:
        """The scale for the finite values of ``u`` (log₁₀‖∇f‖), from the lowest 0.1 % to
        the highest 0.1 %: a critical point dives towards −∞ and a pole shoots up, and
        neither should take the colour map from the rest — but a plateau, a band of the
        view however thin, keeps its own colours."""
        finite = u[np.isfinite(u)]
        if finite.size == 0:
            return cls(-1.0, 1.0)
        sample = np.sort(finite[:: max(1, finite.size // 16384)])
        low = float(sample[int(0.001 * (sample.size - 1))])
        high = float(sample[int(0.999 * (sample.size - 1))])
        if not high - low > 1e-3:
            mid = 0.5 * (low + high)
            low, high = mid - 0.5, mid + 0.5
        return cls(low, high)

    @property
    def label(self) -> str:
        return "‖∇f‖  (log scale)"

    def ticks(self) -> list[tuple[float, str]]:
        """Round values of ‖∇f‖ along the bar: powers of ten (every other one when they
        would crowd), with 3 × them on a bar of under four decades, with 2 and 5 × them
        under one and a half, and evenly spaced round values on a bar under a decade."""
        span = self.high - self.low
        if span < 1:
            low, high = 10.0**self.low, 10.0**self.high
            step = _round_step((high - low) / 5)
            values = [k * step for k in range(math.ceil(low / step), math.floor(high / step) + 1)]
            us = [math.log10(v) for v in values if v > 0]
        elif span < 4:
            factors = (1.0, 2.0, 5.0) if span < 1.5 else (1.0, 3.0)
            us = [
                math.log10(m) + k
                for k in range(math.floor(self.low) - 1, math.ceil(self.high) + 1)
                for m in factors
                if self.low <= math.log10(m) + k <= self.high
            ]
        else:
            stride = max(1, math.ceil(span / 7))
            first = math.ceil(self.low / stride) * stride
            us = [float(k) for k in range(first, math.floor(self.high) + 1, stride)]
        return list(zip(us, same_notation([10.0**u for u in us]), strict=True))


class DarkGround:
    """Which points of the plane are coloured dark by the image of ``u`` (a grid over
    ``xs``, ``ys`` in ``scale``'s units, drawn with ``colormap``): for shading each
    stretch of a contour line by what lies beneath it. Looked up only at the lines'
    vertices — a few thousand, not the grid's 160,000 cells."""

    def __init__(self, scale: ColourScale, u: Array, xs: Array, ys: Array, colormap: str) -> None:
        self.scale, self.u, self.xs, self.ys = scale, u, xs, ys
        self.dark_colours = luminance(colormap_lut(colormap)) < DARK_BELOW

    def at(self, points: Array) -> NDArray[np.bool_]:
        xs, ys = self.xs, self.ys
        cols, rows = len(xs), len(ys)
        dx = (xs[-1] - xs[0]) / max(cols - 1, 1) or 1.0
        dy = (ys[-1] - ys[0]) / max(rows - 1, 1) or 1.0
        with np.errstate(invalid="ignore"):
            j = np.clip(np.nan_to_num((points[:, 0] - xs[0]) / dx).round(), 0, cols - 1)
            i = np.clip(np.nan_to_num((points[:, 1] - ys[0]) / dy).round(), 0, rows - 1)
            u = self.u[i.astype(np.intp), j.astype(np.intp)]
            where = np.nan_to_num(
                (u - self.scale.low) / (self.scale.high - self.scale.low), nan=1.0
            )
        n = len(self.dark_colours)
        index = (np.clip(where, 0, 1) * (n - 1)).round().astype(np.intp)
        return np.asarray(self.dark_colours[index], dtype=np.bool_)

    def split(self, line: Array) -> tuple[Array, Array]:
        """A NaN-separated polyline cut into the stretches over dark colours (drawn light)
        and over the rest (drawn dark), as two NaN-separated polylines."""
        if len(line) == 0:
            return line, line
        over_dark = self.at(line)
        light, shaded = line.copy(), line.copy()
        # Each keeps one vertex beyond its stretch, so that the two meet instead of
        # leaving the segment between them undrawn.
        light[~_widened(over_dark)] = np.nan
        shaded[~_widened(~over_dark)] = np.nan
        return light, shaded


def _widened(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    out = mask.copy()
    out[1:] |= mask[:-1]
    out[:-1] |= mask[1:]
    return out
