"""Arrows over the landscape, laid out in pixels when they are painted.

An arrow starts at a point of the plane (data space) and points along a vector there. What
its length means depends on what it shows: a step an optimiser took has a true length in
the plane, so it can be drawn as it is; a gradient has no length in the plane at all (its
units are f per unit of x), so only its direction can be drawn, at a length that reads.
:class:`ArrowItem` draws both kinds, mapping each vector onto the screen at paint time so
that heads keep their size and shape, directions stay right whatever the view's aspect
ratio, and a picture exported at 1.5x is the screen's picture scaled.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPolygonF

from gradient_studio.scene._pyqtgraph import LineArray
from gradient_studio.scene.palette import CASING

Array = NDArray[np.float64]

TRUE_LENGTH = math.nan  #: ``length`` of an arrow drawn as long as its vector
VANISHING_PX = 0.01  # a true-length arrow shorter than this has no direction worth drawing
SHORTEST_PX = 8.0  # ... and one longer but shorter than this is drawn this long (its head)
MARK_PX = 9.0  # the marked point's diamond, corner to corner
LONGEST_PX = 4000.0  # ... and one longer, this long (Qt mis-draws far outside the view)


@dataclass(frozen=True)
class ArrowLook:
    """How one arrow is drawn: its fill, whether its shaft is dashed, its sizes (logical
    pixels) and the dark rim that lifts it off any colour map."""

    fill: str
    dashed: bool = False
    shaft: float = 3.2
    head: float = 12.0
    rim: str = CASING


@dataclass(frozen=True)
class Arrow:
    """An arrow from ``tail`` along ``vector`` (both in the plane) drawn ``length`` logical
    pixels long, or as long as the vector is (:data:`TRUE_LENGTH`)."""

    tail: tuple[float, float]
    vector: tuple[float, float]
    look: ArrowLook
    length: float = TRUE_LENGTH


class ViewItem(pg.GraphicsObject):  # type: ignore[misc]  # (pyqtgraph has no type hints)
    """An item that paints itself in pixels anywhere over the view: its bounds are the
    view's (:meth:`set_view`), whatever it draws."""

    def __init__(self) -> None:
        super().__init__()
        self._bounds = QRectF()

    def set_view(self, xrange: tuple[float, float], yrange: tuple[float, float]) -> None:
        self.prepareGeometryChange()
        self._bounds = QRectF(xrange[0], yrange[0], xrange[1] - xrange[0], yrange[1] - yrange[0])

    def boundingRect(self) -> QRectF:
        return self._bounds


class ArrowItem(ViewItem):
    """Arrows painted in logical pixels over the view, over an optional white line with a
    dark casing (the curvature glyph's shape). :meth:`set_arrows` replaces the arrows,
    :meth:`set_line` the line; :meth:`drawn` says where the last paint put the arrows."""

    def __init__(self, z: float = 25) -> None:
        super().__init__()
        self.setZValue(z)
        self.arrows: tuple[Arrow, ...] = ()
        self.line = np.empty((0, 2))
        self.mark: tuple[float, float] | None = None
        self._polylines: tuple[tuple[float, ...], LineArray] | None = None
        self._drawn: list[tuple[Arrow, QPointF, QPointF]] = []

    def set_arrows(self, arrows: Sequence[Arrow]) -> None:
        arrows = tuple(a for a in arrows if _finite(a))
        if arrows == self.arrows:
            return
        self.arrows = arrows
        self.update()

    def set_line(self, line: Array, mark: tuple[float, float] | None = None) -> None:
        """A NaN-separated polyline in the plane and a point marked with a small white
        diamond (None: no mark), both drawn under the arrows."""
        line = np.asarray(line, dtype=np.float64).reshape(-1, 2)
        if np.array_equal(line, self.line, equal_nan=True) and mark == self.mark:
            return
        self.line, self.mark = line, mark
        self._polylines = None
        self.update()

    def drawn(self) -> list[tuple[Arrow, QPointF, QPointF]]:
        """Every arrow the last paint drew, with its tail and tip in the painter's logical
        pixels (an arrow too short to have a direction is not drawn)."""
        return list(self._drawn)

    def paint(self, p: QPainter, *args: Any) -> None:
        self._drawn = []
        if not self.arrows and not len(self.line) and self.mark is None:
            return
        transform = p.transform()
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if len(self.line):
            paint_line(p, self._screen_line(transform))
        if self.mark is not None:
            at = transform.map(QPointF(*self.mark))
            r = MARK_PX / 2
            rim, white = _mark_tools()
            p.setPen(rim)
            p.setBrush(white)
            p.drawPolygon(
                QPolygonF(
                    [
                        at + QPointF(0, -r),
                        at + QPointF(r, 0),
                        at + QPointF(0, r),
                        at + QPointF(-r, 0),
                    ]
                )
            )
        for arrow in self.arrows:
            placed = screen_arrow(transform, arrow)
            if placed is not None:
                paint_arrow(p, *placed, arrow.look)
                self._drawn.append((arrow, *placed))
        p.restore()

    def _screen_line(self, m: Any) -> LineArray:
        """The line in logical pixels under the transform ``m`` (kept while neither
        changes: a repaint of the same picture builds no points)."""
        key = (m.m11(), m.m12(), m.m21(), m.m22(), m.dx(), m.dy())
        if self._polylines is None or self._polylines[0] != key:
            self._polylines = (key, screen_segments(m, self.line))
        return self._polylines[1]


def screen_arrow(transform: Any, arrow: Arrow) -> tuple[QPointF, QPointF] | None:
    """Where ``arrow`` goes on screen under ``transform`` (data to logical pixels): its
    tail and tip, or None when it has no direction there or is too short to show one."""
    tail = transform.map(QPointF(*arrow.tail))
    # The linear part of the transform: how a vector of the plane looks on screen.
    vx, vy = arrow.vector
    dx = transform.m11() * vx + transform.m21() * vy
    dy = transform.m12() * vx + transform.m22() * vy
    size = math.hypot(dx, dy)
    if not (size > 0 and math.isfinite(size)):
        return None
    length = size if math.isnan(arrow.length) else arrow.length
    if length < VANISHING_PX:
        return None  # (a step at a critical point: its direction is rounding)
    length = min(max(length, SHORTEST_PX), LONGEST_PX)
    return tail, QPointF(tail.x() + dx / size * length, tail.y() + dy / size * length)


def screen_segments(m: Any, line: Array) -> LineArray:
    """``line`` (the plane, NaN-separated) as its segments ``(x0, y0, x1, y1)`` in logical
    pixels under ``m``."""
    x = m.m11() * line[:, 0] + m.m21() * line[:, 1] + m.dx()
    y = m.m12() * line[:, 0] + m.m22() * line[:, 1] + m.dy()
    points = np.column_stack([x, y])
    ends = np.hstack([points[:-1], points[1:]])
    return LineArray(ends[np.isfinite(ends).all(axis=1)])


def paint_line(p: QPainter, segments: LineArray) -> None:
    """``segments`` (logical pixels) in white over a dark casing. Flat-capped segments
    go through Qt's line rasterizer; a round-joined polyline, through its stroker, took
    five times as long (a glyph's bends are a few degrees: the joins do not show)."""
    for pen in _line_pens():
        p.setPen(pen)
        p.drawLines(*segments.drawargs())


def paint_arrow(p: QPainter, tail: QPointF, tip: QPointF, look: ArrowLook) -> None:
    """One arrow from ``tail`` to ``tip`` (logical pixels, the painter untransformed): a
    filled, rimmed shape, or for a dashed one a dashed cased shaft under a filled head."""
    dx, dy = tip.x() - tail.x(), tip.y() - tail.y()
    length = math.hypot(dx, dy)
    if length == 0:
        return
    ux, uy = dx / length, dy / length
    head = min(look.head, 0.6 * length)
    half_head, half_shaft = 0.5 * head, 0.5 * look.shaft

    def at(along: float, across: float) -> QPointF:
        return QPointF(tail.x() + ux * along - uy * across, tail.y() + uy * along + ux * across)

    rim, fill, casing, dashes = _tools(look)
    if look.dashed:
        # A dashed fill over a solid dark casing: the gaps show as dark, on any colour map.
        neck = at(length - head, 0)
        for pen in (casing, dashes):
            p.setPen(pen)
            p.drawLine(tail, neck)
        shape = [at(length - head, -half_head), tip, at(length - head, half_head)]
    else:
        shape = [
            at(0, -half_shaft),
            at(length - head, -half_shaft),
            at(length - head, -half_head),
            tip,
            at(length - head, half_head),
            at(length - head, half_shaft),
            at(0, half_shaft),
        ]
    p.setPen(rim)
    p.setBrush(fill)
    p.drawPolygon(QPolygonF(shape))


@cache
def _tools(look: ArrowLook) -> tuple[QPen, QBrush, QPen, QPen]:
    """The rim, fill, casing and dashes of ``look``'s arrows, made once."""
    casing = pixel_pen(look.rim, look.shaft + 2.0, Qt.PenCapStyle.FlatCap)
    dashes = pixel_pen(look.fill, look.shaft, Qt.PenCapStyle.FlatCap)
    dashes.setDashPattern([2.0, 1.4])  # (in pen widths)
    return pixel_pen(look.rim, 1.0), QBrush(QColor(look.fill)), casing, dashes


@cache
def _line_pens() -> tuple[QPen, QPen]:
    flat = Qt.PenCapStyle.FlatCap
    return pixel_pen(CASING, 3.8, flat), pixel_pen("#ffffff", 2.0, flat)


@cache
def _mark_tools() -> tuple[QPen, QBrush]:
    return pixel_pen(CASING, 1.2), QBrush(QColor("#ffffff"))


def pixel_pen(colour: str, width: float, cap: Qt.PenCapStyle = Qt.PenCapStyle.SquareCap) -> QPen:
    """A pen ``width`` logical pixels wide (not cosmetic: exports at 1.5x widen it too)."""
    pen = QPen(QColor(colour))
    pen.setWidthF(width)
    pen.setCosmetic(False)
    pen.setCapStyle(cap)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    return pen


def _finite(arrow: Arrow) -> bool:
    return all(math.isfinite(v) for v in (*arrow.tail, *arrow.vector)) and any(arrow.vector)
