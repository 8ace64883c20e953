"""How each optimiser looks in the window's own widgets: its colour and its mark.

Every colour the window gives an optimiser — the panel's swatch, the loss plot's curves, the
table's and the hover read-out's marks — comes from :func:`race_styles`, keyed by the
optimiser's name, so all of them agree with each other and with the paths in the picture.
A style is :class:`gradient_studio.scene.palette.OptimizerStyle`: a colour, a pyqtgraph
marker (the shape of the path's head) and the same shape as a character.
:func:`swatch` draws the little line-and-mark sample the panel and the table show.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap

from gradient_studio.scene.palette import CASING, OptimizerStyle, optimizer_style

#: An optimiser's colour, its pyqtgraph marker and that mark as text (the picture's own).
Style = OptimizerStyle


def race_styles(names: Sequence[str]) -> dict[str, Style]:
    """The style of each optimiser racing, by name: its own, whatever else races."""
    return {name: optimizer_style(name) for name in names}


def pen(style: Style, width: float, dash: Sequence[float] = ()) -> QPen:
    """A pen in ``style``'s colour, ``width`` in pixels whatever the zoom (``dash``: Qt's
    dash lengths in line widths, for a dotted or dashed line)."""
    out = QPen(QColor(style.colour), width)
    out.setCosmetic(True)
    out.setCapStyle(Qt.PenCapStyle.FlatCap)
    if dash:
        out.setDashPattern(list(dash))
    return out


def draw_mark(painter: QPainter, style: Style, centre: QPointF, size: float) -> None:
    """``style``'s marker at ``centre``, ``size`` pixels across, on a dark outline."""
    shape = pg.graphicsItems.ScatterPlotItem.Symbols.get(style.marker)
    if shape is None:
        return
    painter.save()
    painter.translate(centre)
    painter.scale(size, size)
    outline = QPen(QColor(CASING), 1.2 / size)
    painter.setPen(outline)
    painter.setBrush(QBrush(QColor(style.colour)))
    painter.drawPath(shape)
    painter.restore()


@functools.lru_cache(maxsize=64)
def swatch(style: Style, width: int = 30, height: int = 12, ratio: float = 1.0) -> QPixmap:
    """A short line in ``style``'s colour on a dark casing with its mark in the middle,
    as the picture draws paths and their heads (``ratio``: the screen's pixel ratio).
    Drawn once per style: a long race shows its table many times a second."""
    pixmap = QPixmap(round(width * ratio), round(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    y = height / 2
    casing = QPen(QColor(CASING), 5)
    casing.setCapStyle(Qt.PenCapStyle.FlatCap)
    painter.setPen(casing)
    painter.drawLine(QPointF(1, y), QPointF(width - 1, y))
    painter.setPen(pen(style, 3))
    painter.drawLine(QPointF(2, y), QPointF(width - 2, y))
    draw_mark(painter, style, QPointF(width / 2, y), height - 2)
    painter.end()
    return pixmap
