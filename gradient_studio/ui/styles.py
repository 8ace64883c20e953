"""How each optimiser looks in the window's own widgets: its colour and its line's dashes.

Every colour the window gives an optimiser — the panel's swatch, the loss plot's curves, the
table's and the hover read-out's marks — comes from :func:`race_styles`, keyed by the
optimiser's name, so all of them agree with each other and with the paths in the picture.
:func:`swatch` draws the little line sample the panel and the table show.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap

from gradient_studio.scene.palette import CASING, path_colour


class Style(NamedTuple):
    """An optimiser's colour (``#rrggbb``) and its line's dash pattern (Qt's dash lengths
    in line widths; empty for a solid line)."""

    colour: str
    dash: tuple[float, ...] = ()


def race_styles(names: Sequence[str]) -> dict[str, Style]:
    """The style of each optimiser racing, by name (``names`` in the race's order)."""
    # The picture colours paths by their place in the race; the window follows it.
    return {name: Style(path_colour(i)) for i, name in enumerate(names)}


def pen(style: Style, width: float) -> QPen:
    """A pen in ``style``'s colour and dashes, ``width`` in pixels whatever the zoom."""
    out = QPen(QColor(style.colour), width)
    out.setCosmetic(True)
    out.setCapStyle(Qt.PenCapStyle.FlatCap)
    if style.dash:
        out.setDashPattern(list(style.dash))
    return out


def swatch(style: Style, width: int = 26, height: int = 10, ratio: float = 1.0) -> QPixmap:
    """A short line in ``style`` on a dark casing, as the picture draws paths
    (``ratio``: the device pixel ratio of the screen it is shown on)."""
    pixmap = QPixmap(round(width * ratio), round(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    y = height / 2
    line = 4.0
    casing = QPen(QColor(CASING), line + 2)
    casing.setCapStyle(Qt.PenCapStyle.FlatCap)
    painter.setPen(casing)
    painter.drawLine(QPointF(1, y), QPointF(width - 1, y))
    painter.setPen(pen(style, line))
    painter.drawLine(QPointF(2, y), QPointF(width - 2, y))
    painter.end()
    return pixmap
