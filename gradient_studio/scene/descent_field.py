"""The −∇f field: a quiver of downhill directions over the view, its colour the steepness.

Every arrow has the same length on screen (a gradient's size varies by orders of magnitude
over a view, so lengths would show only the steepest few); how steep f is there — ‖∇f‖ —
is its colour, in :data:`FIELD_COLOURS` from the view's gentlest slopes to its steepest,
binned evenly in log₁₀‖∇f‖. The engine evaluates ∇f on the grid in one call
(:func:`~gradient_studio.engine.field.descent_field`); the arrows are laid out in pixels
when painted, so they point the right way at any aspect ratio and keep their size in
exports. A new view or a new f recomputes the grid: 25 x 25 costs a fraction of a
millisecond (``tests/benchmarks/bench_glyphs.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPen

from gradient_studio.engine.field import MAX_ARROWS, descent_field
from gradient_studio.scene._pyqtgraph import LineArray
from gradient_studio.scene.arrows import ViewItem, pixel_pen
from gradient_studio.scene.palette import CASING

if TYPE_CHECKING:
    from gradient_studio.engine.objective import Objective

Array = NDArray[np.float64]

DEFAULT_SHAPE = (25, 25)
#: Gentlest to steepest: ColorBrewer's five reds, pale to deep, on a dark casing — apart
#: from every colour map's hues, and never white, which is ∇f's and the curvature glyph's
#: (the optimisers' orange and vermillion are wide cased paths; these are thin and short).
FIELD_COLOURS: tuple[str, ...] = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
CORE_PX = 1.5
CASING_PX = 3.3
LENGTH_OF_CELL = 0.62  # an arrow's length as a fraction of the smaller side of its cell
HEAD = 0.34  # the head's strokes, as a fraction of the arrow's length
_COS, _SIN = math.cos(math.radians(28)), math.sin(math.radians(28))


def check_shape(shape: object) -> tuple[int, int]:
    """``shape`` as (rows, cols) of a field that can be drawn: whole numbers from 2, at
    most :data:`~gradient_studio.engine.field.MAX_ARROWS` arrows in all; else a
    ``ValueError`` saying what would do."""
    if isinstance(shape, tuple) and len(shape) == 2:
        rows, cols = shape
        whole = all(isinstance(n, int) and not isinstance(n, bool) and n >= 2 for n in shape)
        if whole and rows * cols <= MAX_ARROWS:
            return (int(rows), int(cols))
    raise ValueError(
        f"field: {shape!r} is not a grid of arrows; give (rows, cols), each at least 2, "
        f"at most {MAX_ARROWS} arrows in all"
    )


@dataclass(frozen=True)
class FieldBins:
    """The colour classes: ``edges`` (in ‖∇f‖, one more than the colours used) and the
    class of every arrow (``-1``: no arrow, where ∇f is zero or undefined)."""

    edges: tuple[float, ...]
    classes: NDArray[np.intp]


def bins(magnitude: Array, count: int = len(FIELD_COLOURS)) -> FieldBins:
    """``count`` classes evenly spaced in log₁₀‖∇f‖ over the finite, positive magnitudes;
    a view where they barely vary (within 1 %) is one class, the middle colour's."""
    flat = magnitude.ravel()
    ok = np.isfinite(flat) & (flat > 0)
    classes = np.full(flat.shape, -1, dtype=np.intp)
    if not ok.any():
        return FieldBins((), classes)
    logs = np.log10(flat[ok])
    low, high = float(logs.min()), float(logs.max())
    if high - low < math.log10(1.01):
        classes[ok] = count // 2
        return FieldBins((10.0**low, 10.0**high), classes)
    cuts = np.linspace(low, high, count + 1)
    classes[ok] = np.clip(np.searchsorted(cuts, logs, side="right") - 1, 0, count - 1)
    return FieldBins(tuple(float(10.0**c) for c in cuts), classes)


class FieldItem(ViewItem):
    """The quiver, painted as lines in logical pixels: a dark casing under every arrow,
    then each colour class's cores."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(-40)  # over the contour lines, under the paths
        self.centres = np.empty((0, 2))
        self.directions = np.empty((0, 2))
        self.classes = np.empty(0, dtype=np.intp)
        self.cell = (1.0, 1.0)
        self._lines: tuple[tuple[float, ...], list[LineArray], LineArray] | None = None
        self.drawn = 0  # arrows in the last paint

    def set_field(
        self,
        centres: Array,
        directions: Array,
        classes: NDArray[np.intp],
        cell: tuple[float, float],
    ) -> None:
        self.centres, self.directions, self.classes, self.cell = centres, directions, classes, cell
        self._lines = None
        self.update()

    def _strokes(self, m: Any) -> tuple[list[LineArray], LineArray]:
        key = (m.m11(), m.m12(), m.m21(), m.m22(), m.dx(), m.dy())
        if self._lines is not None and self._lines[0] == key:
            return self._lines[1], self._lines[2]
        c, d = self.centres, self.directions
        px = np.column_stack(
            [
                m.m11() * c[:, 0] + m.m21() * c[:, 1] + m.dx(),
                m.m12() * c[:, 0] + m.m22() * c[:, 1] + m.dy(),
            ]
        )
        v = np.column_stack(
            [m.m11() * d[:, 0] + m.m21() * d[:, 1], m.m12() * d[:, 0] + m.m22() * d[:, 1]]
        )
        with np.errstate(all="ignore"):
            v /= np.hypot(v[:, 0], v[:, 1])[:, np.newaxis]
        cell_px = min(
            math.hypot(m.m11(), m.m12()) * self.cell[0], math.hypot(m.m21(), m.m22()) * self.cell[1]
        )
        length = min(max(LENGTH_OF_CELL * cell_px, 6.0), 40.0)
        tails, tips = px - v * length / 2, px + v * length / 2
        back = -v * length * HEAD
        left = np.column_stack(
            [_COS * back[:, 0] - _SIN * back[:, 1], _SIN * back[:, 0] + _COS * back[:, 1]]
        )
        right = np.column_stack(
            [_COS * back[:, 0] + _SIN * back[:, 1], -_SIN * back[:, 0] + _COS * back[:, 1]]
        )
        segments = np.stack(
            [
                np.hstack([tails, tips]),
                np.hstack([tips + left, tips]),
                np.hstack([tips + right, tips]),
            ],
            axis=1,
        )  # (arrows, 3 strokes, x0 y0 x1 y1)
        ok = np.isfinite(segments).all(axis=(1, 2))
        per_class = [
            LineArray(segments[ok & (self.classes == i)].reshape(-1, 4))
            for i in range(len(FIELD_COLOURS))
        ]
        everything = LineArray(segments[ok].reshape(-1, 4))
        self.drawn = int(ok.sum())
        self._lines = (key, per_class, everything)
        return per_class, everything

    def paint(self, p: QPainter, *args: Any) -> None:
        if not len(self.centres):
            self.drawn = 0
            return
        per_class, everything = self._strokes(p.transform())
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(_pen(CASING, CASING_PX))
        p.drawLines(*everything.drawargs())
        for colour, lines in zip(FIELD_COLOURS, per_class, strict=True):
            p.setPen(_pen(colour, CORE_PX))
            p.drawLines(*lines.drawargs())
        p.restore()


def _pen(colour: str, width: float) -> QPen:
    # Flat caps: Qt's line rasterizer draws them; round ones go through its stroker,
    # five times slower for the 1,875 strokes of a 25 x 25 field.
    return pixel_pen(colour, width, Qt.PenCapStyle.FlatCap)


class DescentFieldLayer:
    """The −∇f quiver in ``plot``: :meth:`show` evaluates it over a view."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.item = FieldItem()
        plot.addItem(self.item)
        self.shape = DEFAULT_SHAPE
        self.bins = FieldBins((), np.empty(0, dtype=np.intp))

    def clear(self) -> None:
        self.bins = FieldBins((), np.empty(0, dtype=np.intp))
        self.item.set_field(np.empty((0, 2)), np.empty((0, 2)), self.bins.classes, (1.0, 1.0))

    def show(
        self, objective: Any, xrange: tuple[float, float], yrange: tuple[float, float]
    ) -> None:
        """−∇f of ``objective`` on :attr:`shape` (rows, cols) points over the view."""
        self.item.set_view(xrange, yrange)
        field = descent_field(cast("Objective", objective), xrange, yrange, self.shape)
        rows, cols = field.magnitude.shape
        centres = np.empty((rows, cols, 2))
        centres[..., 0] = field.xs[np.newaxis, :]
        centres[..., 1] = field.ys[:, np.newaxis]
        self.bins = bins(field.magnitude)
        cell = ((xrange[1] - xrange[0]) / cols, (yrange[1] - yrange[0]) / rows)
        self.item.set_field(
            centres.reshape(-1, 2), field.directions.reshape(-1, 2), self.bins.classes, cell
        )
