"""How far a plot can be zoomed and panned with the mouse.

pyqtgraph zooms by ``1.02 ** (delta / 8)`` per wheel event with no limit of its own: 1,251
notches out reach ±3.8e161 and the next one "Cannot set range [nan, nan]"; one event with a
large delta (a fast trackpad, a synthetic event) overflows at once, and zooming in stops
only where neighbouring pixels are the same float. :func:`limit_zoom` keeps a plot's view
within what a view may show (:mod:`gradient_studio.scene.view`, the one place those
limits live):

* no coordinate beyond ±``MAX_COORDINATE`` (1e15);
* no span narrower than ``MIN_RELATIVE_SPAN`` (1e-9) times the size of its coordinates
  (so a 400-cell grid still has 400 different x values), nor than ``MIN_SPAN`` near zero;
* a wheel event turns the view by at most ``MAX_NOTCHES`` notches.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from gradient_studio.scene.view import MAX_COORDINATE, MIN_RELATIVE_SPAN, MIN_SPAN

LARGEST = MAX_COORDINATE  # the largest |x| or |y| a view may show
MARGIN = 1.01  # the view box's own arithmetic must not land just inside what is refused
NOTCH = 120  # Qt's angle delta of one wheel notch
MAX_NOTCHES = 10  # the most notches one wheel event may zoom by


class ZoomLimits(QObject):
    """The limits of one plot: set on its view box and kept as the view moves; wheel
    events on its viewport are clipped to ``MAX_NOTCHES``."""

    def __init__(self, plot: pg.PlotWidget, *, x: bool = True, y: bool = True) -> None:
        super().__init__(plot)
        self._vb: pg.ViewBox = plot.getPlotItem().getViewBox()
        self._axes = (x, y)
        limits: dict[str, float] = {}
        if x:
            limits.update(xMin=-LARGEST, xMax=LARGEST, maxXRange=2 * LARGEST)
        if y:
            limits.update(yMin=-LARGEST, yMax=LARGEST, maxYRange=2 * LARGEST)
        self._vb.setLimits(**limits)
        self._vb.sigRangeChanged.connect(self._on_view_range_changed)
        self._on_view_range_changed()
        plot.viewport().installEventFilter(self)

    def _on_view_range_changed(self, *_: Any) -> None:
        (x0, x1), (y0, y1) = self._vb.viewRange()
        limits: dict[str, float] = {}
        if self._axes[0]:
            limits["minXRange"] = narrowest(x0, x1)
        if self._axes[1]:
            limits["minYRange"] = narrowest(y0, y1)
        self._vb.setLimits(**limits)  # pyqtgraph ignores values it already has

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(event, QWheelEvent):
            return False
        angle, pixels = event.angleDelta(), event.pixelDelta()
        clipped_angle, clipped_pixels = _clip(angle), _clip(pixels)
        if clipped_angle == angle and clipped_pixels == pixels:
            return False
        QApplication.sendEvent(
            watched,
            QWheelEvent(
                event.position(),
                event.globalPosition(),
                clipped_pixels,
                clipped_angle,
                event.buttons(),
                event.modifiers(),
                event.phase(),
                event.inverted(),
                event.source(),
            ),
        )
        return True  # the clipped copy was delivered instead


def limit_zoom(plot: pg.PlotWidget, *, x: bool = True, y: bool = True) -> ZoomLimits:
    """Keep ``plot``'s view within the limits above (on the axes asked for); the limits
    live as long as the plot."""
    return ZoomLimits(plot, x=x, y=y)


def narrowest(low: float, high: float) -> float:
    """The narrowest span a view from ``low`` to ``high`` may zoom in to."""
    return MARGIN * max(MIN_SPAN, MIN_RELATIVE_SPAN * max(abs(low), abs(high)))


def _clip(delta: QPoint) -> QPoint:
    most = NOTCH * MAX_NOTCHES
    return QPoint(max(-most, min(most, delta.x())), max(-most, min(most, delta.y())))
