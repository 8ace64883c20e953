"""The key to the glyphs: what each arrow, the field's colours and the curvature glyph mean.

A light card like the legend, in a corner of the view, with a row per kind of mark: a
small drawing of it and a few words. It lists only what is shown, so with the glyphs off
it is hidden. The words are written for someone meeting the gradient for the first time
("∇f: uphill, the direction of fastest increase").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QBrush, QColor, QPainter, QPen

from gradient_studio.scene.arrows import ArrowLook, paint_arrow
from gradient_studio.scene.legend import Run, TextLine
from gradient_studio.scene.palette import CASING, TEXT

KEY_PX = 12
SWATCH_W = 30.0
PAD = 5.0

Swatch = Callable[[QPainter, QRectF], None]
_OUTLINE = QPen(QColor(0, 0, 0, 0x50))


@dataclass(frozen=True)
class KeyRow:
    """A line of the key: a drawing (None: a line of words only, e.g. a heading or
    numbers) and its words."""

    swatch: Swatch | None
    runs: tuple[Run, ...]


def row(swatch: Swatch | None, *runs: str | Run) -> KeyRow:
    return KeyRow(swatch, tuple(r if isinstance(r, Run) else Run(r) for r in runs))


@cache
def arrow_swatch(look: ArrowLook) -> Swatch:
    """An arrow pointing right (one function per look, so that equal rows compare equal)."""

    def draw(p: QPainter, box: QRectF) -> None:
        y = box.center().y()
        paint_arrow(p, QPointF(box.left() + 1, y), QPointF(box.right() - 1, y), look)

    return draw


def line_swatch(colours: Sequence[str], draw_line: Callable[[QPainter, QRectF], None]) -> Swatch:
    """A shape drawn twice, casing first: ``colours`` are (casing, core) pen colours."""

    def draw(p: QPainter, box: QRectF) -> None:
        for colour, width in zip(colours, (3.6, 1.8), strict=False):
            pen = QPen(QColor(colour))
            pen.setWidthF(width)
            pen.setCosmetic(False)
            p.setPen(pen)
            p.setBrush(QBrush())
            draw_line(p, box)

    return draw


def ellipse_swatch(p: QPainter, box: QRectF) -> None:
    line_swatch((CASING, "#ffffff"), lambda q, b: q.drawEllipse(b.adjusted(2, 4, -2, -4)))(p, box)


def diamond_swatch(p: QPainter, box: QRectF) -> None:
    """The curvature glyph's point: a small white diamond."""
    c, r = box.center(), 5.0
    p.setPen(pg.mkPen(CASING, width=1.2))
    p.setBrush(QBrush(QColor("#ffffff")))
    p.drawPolygon([c + QPointF(0, -r), c + QPointF(r, 0), c + QPointF(0, r), c + QPointF(-r, 0)])


def cross_swatch(p: QPainter, box: QRectF) -> None:
    def x(q: QPainter, b: QRectF) -> None:
        q.drawLine(b.topLeft() + QPointF(6, 3), b.bottomRight() - QPointF(6, 3))
        q.drawLine(b.bottomLeft() + QPointF(6, -3), b.topRight() - QPointF(6, -3))

    line_swatch((CASING, "#ffffff"), x)(p, box)


@cache
def ramp_swatch(colours: tuple[str, ...]) -> Swatch:
    """Short arrows in each of ``colours``, gentlest left: the field's classes."""

    def draw(p: QPainter, box: QRectF) -> None:
        step = box.width() / len(colours)
        for i, colour in enumerate(colours):
            x = box.left() + i * step
            look = ArrowLook(colour, shaft=1.6, head=4.5)
            y = box.center().y()
            paint_arrow(p, QPointF(x + 0.5, y + 3), QPointF(x + step - 0.5, y - 3), look)

    return draw


class GlyphKey(pg.GraphicsWidgetAnchor, pg.GraphicsWidget):  # type: ignore[misc]  # (untyped)
    """The card. :meth:`set_rows` shows rows (none: hides it)."""

    def __init__(self) -> None:
        pg.GraphicsWidget.__init__(self)
        pg.GraphicsWidgetAnchor.__init__(self)
        self.setFlag(self.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setZValue(200)
        self.rows: tuple[KeyRow, ...] = ()
        self._lines: list[TextLine] = []
        self._boxes: list[tuple[Swatch, QRectF]] = []
        self.setVisible(False)

    def set_rows(self, rows: Sequence[KeyRow]) -> bool:
        """Show ``rows``; returns whether the card changed size or appeared or vanished
        (then it must be placed again)."""
        rows = tuple(rows)
        if rows == self.rows:
            return False
        before = (self.isVisible(), self.size())
        self.rows = rows
        for line in self._lines[len(rows) :]:
            line.setParentItem(None)  # type: ignore[arg-type]  # (Qt takes None)
            if line.scene() is not None:
                line.scene().removeItem(line)
        del self._lines[len(rows) :]
        while len(self._lines) < len(rows):
            self._lines.append(TextLine(px=KEY_PX, colour=TEXT, parent=self))
        self._boxes = []
        y, width = PAD, 0.0
        for line, r in zip(self._lines, rows, strict=True):
            line.set_runs(r.runs)
            size = line.natural_size()
            x = PAD if r.swatch is None else PAD + SWATCH_W + 4
            line.setGeometry(QRectF(x, y, size.width(), size.height()))
            if r.swatch is not None:
                self._boxes.append((r.swatch, QRectF(PAD, y + 1, SWATCH_W, size.height() - 2)))
            y += size.height() - 2
            width = max(width, x + size.width())
        self.resize(math.ceil(width + PAD), math.ceil(y + PAD + 2))
        self.setVisible(bool(rows))
        self.update()
        return (self.isVisible(), self.size()) != before

    def lines(self) -> list[TextLine]:
        """The rows' texts, top to bottom."""
        return list(self._lines)

    def texts(self) -> list[str]:
        return [line.text for line in self._lines]

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.width(), self.height())

    def paint(self, p: QPainter, *args: object) -> None:
        # An opaque fill, then the outline: a tenth of the time of one antialiased,
        # filled drawRect (Qt fills a solid rectangle without blending).
        box = self.boundingRect()
        p.fillRect(box, QColor("#ffffff"))
        p.setPen(_OUTLINE)
        p.setBrush(QBrush())
        p.drawRect(box)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        for draw, box in self._boxes:
            draw(p, box)
