"""Wide lines drawn fast whatever their shape: the descent paths' curves.

A path is a polyline whose lines are separated by rows of NaN (``connect="finite"``). Qt
strokes a wide line with round caps or joins through its general stroker and antialiased
fill, which walks the whole outline again for every band of scanlines it fills: a thousand
long zig-zag segments took 0.9 s. Segments with flat caps go through its line rasterizer
instead (19 ms for the same thousand), so :class:`WideLineCurve` draws every segment flat
and puts a disc of the pen's width where a line ends or turns — together the same shape a
round-capped, round-joined stroke covers. The pens are opaque, so nothing shows twice.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QPainter, QPen, QTransform

from gradient_studio.scene._pyqtgraph import LineArray, in_export
from gradient_studio.scene.simplify import segments

Array = NDArray[np.float64]

#: Segments reach this far (logical pixels) into the next: two antialiased segments that only
#: abut leave the pixels of their seam part-covered. At a bend the overlap also fills the
#: wedge a flat join leaves open, as long as the bend is gentle (the reach is at least the
#: wedge's depth, half the pen's width times the sine of half the angle) ...
_OVERLAP_PX = 1.0
#: ... so a disc goes only where the line turns by more than this: for pens up to 4.6 px
#: wide (the casing), the overlap covers bends up to 51°.
JOIN_DEG = 40.0
_JOIN_COS = math.cos(math.radians(JOIN_DEG))
_DOT_PX = 0.5  # discs closer than this (device pixels) to one already drawn are left out


class Strokes:
    """A polyline in device pixels, as :class:`WideLineCurve` draws it: flat segments
    ``(x0, y0, x1, y1)`` and the centres of the discs at its ends and corners."""

    def __init__(self, x: Array, y: Array, transform: QTransform) -> None:
        m = transform
        px = m.m11() * x + m.m21() * y + m.dx()
        py = m.m12() * x + m.m22() * y + m.dy()
        points = np.column_stack([px, py])
        first = segments(points)
        self.lines: NDArray[np.float64] = _overlapping(points, first)
        self.dots: NDArray[np.float64] = _joints(points, first)
        self.line_array = LineArray(self.lines)


def _overlapping(points: Array, first: NDArray[np.intp]) -> Array:
    """The segments ``(x0, y0, x1, y1)``, each reaching ``_OVERLAP_PX`` into its neighbours
    (never further than its own length)."""
    a, b = points[first], points[first + 1]
    if len(first) < 2:
        return np.hstack([a, b])
    d = b - a
    with np.errstate(invalid="ignore", divide="ignore"):
        reach = np.minimum(_OVERLAP_PX, np.hypot(d[:, 0], d[:, 1])) / np.hypot(d[:, 0], d[:, 1])
    reach = np.nan_to_num(reach)[:, None] * d
    joined = first[1:] == first[:-1] + 1  # segment i + 1 continues segment i
    a[1:] -= np.where(joined[:, None], reach[1:], 0.0)
    b[:-1] += np.where(joined[:, None], reach[:-1], 0.0)
    return np.hstack([a, b])


def _joints(points: Array, first: NDArray[np.intp]) -> Array:
    """Where discs go: the vertices that end a line, and those where it turns by more
    than ``JOIN_DEG``."""
    n = len(points)
    if n == 0:
        return np.empty((0, 2))
    has_next = np.zeros(n, dtype=bool)
    has_next[first] = True
    has_prev = np.zeros(n, dtype=bool)
    has_prev[first + 1] = True
    dot = has_next != has_prev  # the ends of lines (a lone point is no line: none)
    inner = np.flatnonzero(has_next & has_prev)
    if len(inner):
        a = points[inner] - points[inner - 1]
        b = points[inner + 1] - points[inner]
        with np.errstate(invalid="ignore", divide="ignore"):
            cos = np.einsum("ij,ij->i", a, b) / (np.hypot(*a.T) * np.hypot(*b.T))
        dot[inner[~(cos > _JOIN_COS)]] = True  # sharp, or a zero-length step
    centres = points[dot]
    if len(centres) > 64:  # a zig-zag's corners, drawn once where it retraces itself
        cells = np.round(centres / _DOT_PX)
        cells = np.clip(cells - cells.min(axis=0), 0, 2**31 - 1).astype(np.int64)
        _, unique = np.unique((cells[:, 0] << 32) | cells[:, 1], return_index=True)
        centres = centres[np.sort(unique)]
    return np.asarray(centres, dtype=np.float64)


def _ratio(painter: QPainter) -> float:
    device = painter.device()
    return float(device.devicePixelRatioF()) if device is not None else 1.0


def logical_pen(pen: QPen, painter: QPainter) -> QPen:
    """``pen`` as wide in logical pixels as it says: a cosmetic pen's width is device
    pixels, which on a picture drawn at 1.5x (a 1200 x 900 export) would make the paths a
    third thinner than the markers and letters around them."""
    ratio = _ratio(painter)
    if not pen.isCosmetic() or ratio == 1.0:
        return pen
    wide = QPen(pen)
    wide.setWidthF(pen.widthF() * ratio)
    return wide


class WideLineCurve(pg.PlotCurveItem):  # type: ignore[misc]  # (pyqtgraph has no type hints)
    """A polyline drawn with a wide antialiased pen as flat segments and round discs, as
    wide as its pen in logical pixels (:func:`logical_pen`).

    What it drew last is :attr:`drawn` (segments, discs), for tests that bound the work.
    Exports that draw vector paths (SVG) get each line whole, as pyqtgraph draws it.
    """

    def __init__(self) -> None:
        super().__init__(connect="finite", antialias=True)
        self._strokes: tuple[tuple[float, ...], Strokes] | None = None
        self.drawn = (0, 0)

    def updateData(self, *args: Any, **kargs: Any) -> None:
        self._strokes = None
        super().updateData(*args, **kargs)

    def strokes(self, transform: QTransform) -> Strokes | None:
        """The curve in the device pixels of ``transform`` (kept while neither changes)."""
        x, y = self.xData, self.yData
        if x is None or y is None or len(x) == 0:
            return None
        key = (
            transform.m11(),
            transform.m12(),
            transform.m21(),
            transform.m22(),
            transform.dx(),
            transform.dy(),
        )
        if self._strokes is None or self._strokes[0] != key:
            self._strokes = (key, Strokes(np.asarray(x, float), np.asarray(y, float), transform))
        return self._strokes[1]

    def paint(self, p: QPainter, *args: Any) -> None:
        if in_export(self):
            super().paint(p, *args)
            return
        strokes = self.strokes(p.transform())
        if strokes is None:
            self.drawn = (0, 0)
            return
        pen = logical_pen(self.opts["pen"], p)
        flat = QPen(pen)
        flat.setCapStyle(Qt.PenCapStyle.FlatCap)
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, self.opts["antialias"])
        p.setPen(flat)
        lines = strokes.lines
        if len(lines):
            p.drawLines(*strokes.line_array.drawargs())
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(pen.color()))
        r = pen.widthF() / 2 / _ratio(p)  # (coordinates are logical pixels)
        for x, y in strokes.dots.tolist():
            p.drawEllipse(QPointF(x, y), r, r)
        p.restore()
        self.drawn = (len(lines), len(strokes.dots))
