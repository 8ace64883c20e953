"""Markers that are not paths: the start points — white discs with a dark rim, which a
window can make draggable — a preset's known minima as white stars, and arrows of steepest
descent at the moving heads."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPolygonF

from gradient_studio.scene.palette import CASING

Array = NDArray[np.float64]

START_SIZE = 12.0
MINIMUM_SIZE = 19.0
ARROW_LENGTH = 46.0  # logical pixels


class Markers(pg.ScatterPlotItem):  # type: ignore[misc]  # (pyqtgraph has no type hints)
    """Symbols of a fixed size in pixels (``pxMode``), as pyqtgraph stamps them.

    (A paint of our own that skipped pyqtgraph's per-point culling was measured at no gain
    beside the rest of a repaint, so pyqtgraph's own paint draws them.)
    """


class StartMarkers(Markers):
    """Where the paths begin: white discs. ``set_draggable(True)`` lets a person move them.

    Dragging only reports (``start_moved`` while the button is down, ``start_move_finished``
    on release, each with the start's index and new x, y): the window changes its model and
    then shows the new starts with :meth:`set_starts`, as views should.
    """

    start_moved = Signal(int, float, float)
    start_move_finished = Signal(int, float, float)

    def __init__(self) -> None:
        super().__init__(
            pxMode=True,
            antialias=True,
            size=START_SIZE,
            symbol="o",
            brush=pg.mkBrush("#ffffff"),
            pen=pg.mkPen(CASING, width=1.8),
        )
        self.setZValue(30)
        self.draggable = False
        self.starts = np.empty((0, 2))
        self._dragging: int | None = None

    def set_starts(self, starts: Sequence[Sequence[float]] | Array) -> None:
        starts = np.asarray(starts, dtype=np.float64).reshape(-1, 2)
        if np.array_equal(starts, self.starts):
            return  # the same markers: rebuilding them costs a redraw a tenth of a ms
        self.starts = starts
        self.setData(pos=self.starts, data=np.arange(len(self.starts)))

    def set_draggable(self, draggable: bool) -> None:
        self.draggable = draggable
        if draggable:
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.unsetCursor()

    def mouseDragEvent(self, ev: Any) -> None:
        if not self.draggable or ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        if ev.isStart():
            hit = self.pointsAt(ev.buttonDownPos())
            if len(hit) == 0:
                ev.ignore()
                return
            self._dragging = int(hit[0].index())
        if self._dragging is None:
            ev.ignore()
            return
        ev.accept()
        index, pos = self._dragging, ev.pos()
        if ev.isFinish():
            self._dragging = None
            self.start_move_finished.emit(index, pos.x(), pos.y())
        else:
            self.start_moved.emit(index, pos.x(), pos.y())


class MinimaMarkers(Markers):
    """Known minimisers of a preset, as white stars."""

    def __init__(self) -> None:
        super().__init__(
            pxMode=True,
            antialias=True,
            size=MINIMUM_SIZE,
            symbol="star",
            brush=pg.mkBrush("#ffffff"),
            pen=pg.mkPen(CASING, width=1.3),
        )
        self.setZValue(5)

    def set_minima(self, minima: Sequence[Sequence[float]] | Array) -> None:
        self.setData(pos=np.asarray(minima, dtype=np.float64).reshape(-1, 2))


class DescentArrows(pg.GraphicsObject):  # type: ignore[misc]  # (pyqtgraph has no type hints)
    """An arrow of −∇f at each head: its direction on screen, a fixed length in pixels.

    The gradient's size varies by orders of magnitude along a path, so only its direction is
    drawn; the arrow is laid out in device pixels at paint time, so it keeps its length and
    points the right way whatever the view's aspect ratio.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(25)
        self._origins = np.empty((0, 2))
        self._directions = np.empty((0, 2))
        self._colours: list[str] = []
        self._bounds = QRectF()

    def set_arrows(self, origins: Array, directions: Array, colours: list[str]) -> None:
        """Arrows from ``origins`` along ``directions`` (data space; normalised here)."""
        origins = np.asarray(origins, dtype=np.float64).reshape(-1, 2)
        if not len(origins) and not len(self._origins):
            return  # none before, none now (arrows off): nothing to redraw
        self.prepareGeometryChange()
        self._origins = origins
        self._directions = np.asarray(directions, dtype=np.float64).reshape(-1, 2)
        self._colours = list(colours)
        self.update()

    def set_view(self, xrange: tuple[float, float], yrange: tuple[float, float]) -> None:
        self.prepareGeometryChange()
        self._bounds = QRectF(xrange[0], yrange[0], xrange[1] - xrange[0], yrange[1] - yrange[0])

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, p: QPainter, *args: Any) -> None:
        if not len(self._origins):
            return
        transform = p.transform()
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(pg.mkPen(CASING, width=1.0))
        for origin, direction, colour in zip(
            self._origins, self._directions, self._colours, strict=False
        ):
            shape = _arrow(transform, origin, direction)
            if shape is not None:
                p.setBrush(QBrush(QColor(colour)))
                p.drawPolygon(shape)
        p.restore()


def _arrow(transform: Any, origin: Array, direction: Array) -> QPolygonF | None:
    """An arrow polygon in device pixels from ``origin`` along ``direction`` (data space)."""
    if not (np.isfinite(origin).all() and np.isfinite(direction).all()):
        return None
    norm = float(np.hypot(*direction))
    if norm == 0.0:
        return None
    start = transform.map(QPointF(*origin))
    # A data-space step small enough to be linear, mapped to see its direction on screen.
    ahead = transform.map(QPointF(*(origin + direction / norm * 1e-6)))
    dx, dy = ahead.x() - start.x(), ahead.y() - start.y()
    length = math.hypot(dx, dy)
    if length == 0.0:
        return None
    ux, uy = dx / length, dy / length
    vx, vy = -uy, ux
    shaft, head, half, neck = ARROW_LENGTH, 13.0, 6.5, 2.0

    def at(along: float, across: float) -> QPointF:
        return QPointF(start.x() + ux * along + vx * across, start.y() + uy * along + vy * across)

    return QPolygonF(
        [
            at(0, -neck),
            at(shaft - head, -neck),
            at(shaft - head, -half),
            at(shaft, 0),
            at(shaft - head, half),
            at(shaft - head, neck),
            at(0, neck),
        ]
    )
