"""Drawing the picture: laying it out at a size, painting it, rendering it to an image.

:class:`Drawing` is the part of :class:`~gradient_studio.scene.PlotScene` that turns the
items into pixels; it knows the items only by name (the plot, its widget, and the layers
:meth:`Drawing.without` can leave out).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from gradient_studio.scene.labels import TitledPlot
from gradient_studio.scene.palette import BACKGROUND

if TYPE_CHECKING:
    from gradient_studio.scene.arrows import ArrowItem
    from gradient_studio.scene.glyphs import Glyphs
    from gradient_studio.scene.landscape import ContourLayer, LandscapeLayer
    from gradient_studio.scene.legend import Legend
    from gradient_studio.scene.markers import MinimaMarkers, StartMarkers
    from gradient_studio.scene.overlays import CornerNote
    from gradient_studio.scene.paths import PathLayer


class Drawing(TitledPlot):
    """Layout and painting, for a scene that has these parts."""

    widget: pg.PlotWidget
    plot: pg.PlotItem
    landscape: LandscapeLayer
    contours: ContourLayer
    minima: MinimaMarkers
    starts: StartMarkers
    arrows: ArrowItem
    glyphs: Glyphs
    legend: Legend
    step_note: CornerNote
    paths: PathLayer

    def view_pixels(self, width: float, height: float) -> tuple[int, int]:
        """The data area's size ``(cols, rows)`` in logical pixels when the whole picture is
        ``width x height`` logical pixels."""
        self.lay_out(width, height)
        size = self.plot.vb.size()
        return max(1, round(size.width())), max(1, round(size.height()))

    def pixel_of(self, x: float, y: float) -> tuple[float, float]:
        """Where the data point ``(x, y)`` lands in the picture last laid out, in logical
        pixels from its top-left corner (times the render's ``scale`` for an image's)."""
        point = self.plot.vb.mapViewToScene(QPointF(float(x), float(y)))
        origin = self.plot.geometry().topLeft()
        return point.x() - origin.x(), point.y() - origin.y()

    def paint(
        self, painter: QPainter, width: float, height: float, *, background: bool = True
    ) -> None:
        """Paint the picture into ``painter`` as ``width x height`` logical pixels
        (``background=False`` paints over what is there instead of the white ground)."""
        old = self.plot.geometry()
        self.lay_out(width, height)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if background:
            painter.fillRect(QRectF(0, 0, width, height), QColor(BACKGROUND))
        self.widget.scene().render(painter, QRectF(0, 0, width, height), self.plot.geometry())
        if self.widget.isVisible() and old.isValid() and old != self.plot.geometry():
            self.plot.setGeometry(old)  # a live window keeps its own layout

    def render(
        self, width: int, height: int, *, scale: float = 1.0, over: QImage | None = None
    ) -> QImage:
        """The picture as a ``width x height`` image; ``scale`` is device pixels per logical
        pixel, so every line, marker and letter is ``scale`` times its size on screen.
        ``over`` is an image (of that size) to paint onto instead of a white ground."""
        return render_painted(self.paint, width, height, scale=scale, over=over)

    @contextlib.contextmanager
    def without(self, part: str) -> Iterator[None]:
        """Leave ``part`` out of what is painted, for the duration: ``"landscape"`` (the
        image, contours, colour bar, axes, title and minima — what stays the same from
        step to step, and the −∇f field) or ``"race"`` (paths, markers, the arrows and
        curvature glyph, the legend, glyph key and step counter).

        An animation paints its landscape once and each frame's race over a copy of it.
        """
        items = self._parts()[part]
        before = [item.opacity() for item in items]
        for item in items:
            item.setOpacity(0.0)  # unlike hiding, keeps every item's place in the layout
        try:
            yield
        finally:
            for item, opacity in zip(items, before, strict=True):
                item.setOpacity(opacity)

    def _parts(self) -> dict[str, list[Any]]:
        axes = [self.plot.getAxis(k) for k in ("left", "bottom", "top", "right")]
        return {
            "landscape": [
                self.landscape.image,
                self.contours.light,
                self.contours.dark,
                self.landscape.colour_bar,
                self.minima,
                self.title,
                *axes,
                *self.glyphs.items("landscape"),
            ],
            "race": [
                self.paths.casing,
                *self.paths.curves,
                self.paths.heads,
                self.paths.ends,
                self.starts,
                *self.glyphs.items("race"),
                self.legend,
                self.step_note,
            ],
        }

    def lay_out(self, width: float, height: float) -> None:
        """Size the plot to ``width x height`` logical pixels and bring every item up to date
        for painting — what ``paint`` does first; exporters that walk the items themselves
        (SVG) call it."""
        self.plot.setGeometry(QRectF(0, 0, width, height))
        self.plot.layout.activate()
        if self._fit_title():
            self.plot.layout.activate()
        self.legend.layout.activate()  # labels' new widths, before the legend sizes itself
        self.legend.updateSize()
        self.widget.scene().prepareForPaint()


class Painting(Protocol):
    def __call__(
        self, painter: QPainter, width: float, height: float, *, background: bool = True
    ) -> None: ...


def render_painted(
    paint: Painting, width: int, height: int, *, scale: float = 1.0, over: QImage | None = None
) -> QImage:
    """What ``paint(painter, w, h, background=…)`` paints, as a ``width x height`` image at
    ``scale`` device pixels per logical one: on a white ground, or over a copy of ``over``."""
    if over is not None:
        image = over.copy()
    else:
        image = QImage(int(width), int(height), QImage.Format.Format_RGB32)
        image.fill(QColor(BACKGROUND))
    image.setDevicePixelRatio(scale)
    painter = QPainter(image)
    try:
        paint(painter, width / scale, height / scale, background=over is None)
    finally:
        painter.end()
    return image
