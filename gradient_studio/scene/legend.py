"""The legend, and the lines of text that change with every race.

A legend entry reads ``Adam (lr=0.05) · f = 0.112``, and its final f changes whenever a
slider brings a new race. pyqtgraph writes such text as rich text (a ``QTextDocument`` per
label), and laying that out again, with the legend around it, cost more than half a
millisecond of every redraw. Here it is a :class:`TextLine`: runs of regular and italic
type measured with the font's metrics and drawn straight onto the picture — the same
glyphs in the same places as the rich text drew them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from typing import Any, NamedTuple

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsGridLayout, QGraphicsItem, QGraphicsWidget

#: QTextDocument's margin around its text: kept, so text sits where pyqtgraph's labels put it.
MARGIN = 4.0


class Run(NamedTuple):
    """A stretch of text in one style."""

    text: str
    italic: bool = False


@cache
def _font(px: int, italic: bool) -> tuple[QFont, QFontMetricsF]:
    """The application's font at ``px`` pixels, as a label's rich text would set it."""
    font = QFont()
    font.setPixelSize(px)
    font.setItalic(italic)
    return font, QFontMetricsF(font)


class TextLine(QGraphicsWidget):
    """One line of plain text in regular and italic runs, laid out as a rich-text label lays
    out the same words (same font, margins, baseline and advances) without its document.

    It paints from its top-left corner whatever its geometry: whoever places it sizes it,
    from :meth:`natural_size` (a legend gives all its lines the width of the widest).
    """

    def __init__(
        self,
        runs: Sequence[Run] = (),
        *,
        px: int,
        colour: str,
        parent: QGraphicsItem | None = None,
    ) -> None:
        super().__init__(parent)
        self.px = px
        self.colour = QColor(colour)
        self.runs = _merged(runs)
        self._placed: list[tuple[float, Run]] = []
        self._size = QSizeF()
        self._baseline = MARGIN
        self._lay_out()

    @property
    def text(self) -> str:
        """The words shown, without their styles."""
        return "".join(run.text for run in self.runs)

    def natural_size(self) -> QSizeF:
        """The size the text needs, margins included."""
        return QSizeF(self._size)

    @property
    def baseline(self) -> float:
        """How far below its top the text stands."""
        return self._baseline

    def set_runs(self, runs: Sequence[Run], px: int | None = None) -> None:
        """Show ``runs`` (``px`` pixels high, if given); repaints, but leaves the geometry to
        whoever placed the line."""
        runs = _merged(runs)
        px = self.px if px is None else px
        if (runs, px) == (self.runs, self.px):
            return
        self.runs, self.px = runs, px
        self._lay_out()
        self.update()

    def _lay_out(self) -> None:
        runs = self.runs
        x, placed = MARGIN, []
        for run in runs:
            placed.append((x, run))
            x += _font(self.px, run.italic)[1].horizontalAdvance(run.text)
        metrics = [_font(self.px, run.italic)[1] for run in runs] or [_font(self.px, False)[1]]
        ascent = max(m.ascent() for m in metrics)
        descent = max(m.descent() for m in metrics)
        if runs:  # a last glyph leaning past its advance (an italic f) widens the line
            x += max(0.0, -metrics[-1].rightBearing(runs[-1].text[-1]))
        self._placed = placed
        self._baseline = MARGIN + ascent
        self._size = QSizeF(x + MARGIN, math.ceil(ascent + descent) + 2 * MARGIN)

    def width(self) -> float:
        """As pyqtgraph's widgets have it: its legend sizes itself from its items' widths."""
        return self.size().width()

    def height(self) -> float:
        return self.size().height()

    def paint(self, painter: QPainter, *args: Any) -> None:
        painter.setPen(self.colour)
        for x, run in self._placed:
            painter.setFont(_font(self.px, run.italic)[0])
            painter.drawText(QPointF(x, self._baseline), run.text)


class Legend(pg.GraphicsWidgetAnchor, pg.GraphicsWidget):  # type: ignore[misc]  # (untyped)
    """The legend: a light card with a swatch and a :class:`TextLine` per optimiser.

    The text column is as wide as the widest line, and during an animation only grows (a
    card that narrowed and widened with the digits of every frame would flicker). Rows
    that would not fit the room the card is given (:meth:`set_room`) go into a second
    column, and if even that does not fit, the card shows only its title until a click
    opens it. A click toggles it open or closed; a drag moves it, after which it stays
    where the person put it (:attr:`placed_by_hand`).
    """

    def __init__(
        self, *, text_px: int, text_colour: str, brush: QBrush, pen: QPen, spacing: float = -4
    ) -> None:
        pg.GraphicsWidget.__init__(self)
        pg.GraphicsWidgetAnchor.__init__(self)
        self.setFlag(self.GraphicsItemFlag.ItemIgnoresTransformations)
        self.text_px = text_px
        self.text_colour = text_colour
        self.brush, self.pen = brush, pen
        self.layout = QGraphicsGridLayout()
        self.layout.setVerticalSpacing(spacing)
        self.layout.setHorizontalSpacing(6)
        self.layout.setContentsMargins(5, 5, 5, 5)
        self.setLayout(self.layout)
        self.items: list[tuple[QGraphicsWidget, TextLine]] = []
        self.heading = TextLine(px=text_px, colour=text_colour)
        self.collapsed = False
        self.placed_by_hand = False
        self._chosen_collapsed: bool | None = None  # what a click chose, over the room's say
        self._room = QSizeF(-1, -1)
        self._columns = 1
        self._column = QSizeF(-1, -1)
        self.setToolTip("Click to fold the legend away or open it; drag to move it")

    # -- content ---------------------------------------------------------------------------
    def set_entries(self, entries: Sequence[tuple[QGraphicsWidget, Sequence[Run]]]) -> None:
        """One row per ``(swatch, text)``, replacing any there were."""
        while self.layout.count():  # (a folded card's rows are not in the layout)
            self.layout.removeAt(self.layout.count() - 1)
        for sample, line in self.items:
            for item in (sample, line):
                item.setParentItem(None)  # type: ignore[arg-type]  # (Qt takes None)
                if item.scene() is not None:
                    item.scene().removeItem(item)
        self.items = [
            (sample, TextLine(runs, px=self.text_px, colour=self.text_colour))
            for sample, runs in entries
        ]
        self.heading.set_runs([Run(f"▸ legend ({len(self.items)})")])
        self._column = QSizeF(-1, -1)
        self._fit_column(grow_only=False)
        self._arrange()

    def set_texts(self, texts: Sequence[Sequence[Run]], *, grow_only: bool = False) -> None:
        """New words for the rows, in order; the card grows or shrinks only if the widest
        line changed width (``grow_only``: only if it grew)."""
        for (_, line), runs in zip(self.items, texts, strict=False):
            line.set_runs(runs)
        if self._fit_column(grow_only):
            self.updateSize()

    def lines(self) -> list[TextLine]:
        """The rows' texts, top to bottom."""
        return [line for _, line in self.items]

    # -- room, folding, moving ---------------------------------------------------------------
    def set_room(self, width: float, height: float) -> None:
        """The most the card may cover (its view's size less a margin): rows go into two
        columns if one is too tall, and the card folds if two are still too big."""
        room = QSizeF(width, height)
        if room != self._room:
            self._room = room
            self._arrange()

    def set_collapsed(self, collapsed: bool) -> None:
        """Fold the card to its title (True) or open it (False), as a click does."""
        self._chosen_collapsed = bool(collapsed)
        self._arrange()

    def mouseClickEvent(self, ev: Any) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()  # never a click on the landscape beneath
            self.set_collapsed(not self.collapsed)
        else:
            ev.ignore()

    def hoverEvent(self, ev: Any) -> None:
        ev.acceptDrags(Qt.MouseButton.LeftButton)
        ev.acceptClicks(Qt.MouseButton.LeftButton)

    def mouseDragEvent(self, ev: Any) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        self.placed_by_hand = True
        self.autoAnchor(self.pos() + ev.pos() - ev.lastPos())

    # -- layout --------------------------------------------------------------------------------
    def _fit_column(self, grow_only: bool) -> bool:
        """Give every line the widest line's size; returns whether that changed."""
        sizes = [line.natural_size() for line in self.lines()]
        column = QSizeF(
            max((s.width() for s in sizes), default=0.0),
            max((s.height() for s in sizes), default=0.0),
        )
        if grow_only:
            column = column.expandedTo(self._column)
        if column == self._column:
            return False
        self._column = column
        for line in self.lines():
            line.setMinimumSize(column)
            line.setPreferredSize(column)
        return True

    def _arrange(self) -> None:
        """Lay the rows out in one column or two, or fold, as the room allows."""
        rows = len(self.items)
        pitch = self._column.height() + self.layout.verticalSpacing()
        row_width = 30 + self.layout.horizontalSpacing() + self._column.width()
        columns = 1
        room_w, room_h = self._room.width(), self._room.height()
        if room_h > 0 and 10 + rows * pitch > room_h:
            columns = 2
        too_big = room_h > 0 and (
            10 + math.ceil(rows / columns) * pitch > room_h
            or 10 + columns * row_width + (columns - 1) * 12 > room_w
        )
        collapsed = too_big if self._chosen_collapsed is None else self._chosen_collapsed
        while self.layout.count():
            self.layout.removeAt(self.layout.count() - 1)
        self.heading.setVisible(collapsed)
        if collapsed:
            self.heading.setMinimumSize(self.heading.natural_size())
            self.heading.setPreferredSize(self.heading.natural_size())
            self.layout.addItem(self.heading, 0, 0)
        per_column = math.ceil(rows / columns) if rows else 1
        for i, (sample, line) in enumerate(self.items):
            sample.setVisible(not collapsed)
            line.setVisible(not collapsed)
            if collapsed:
                continue
            row, col = i % per_column, 2 * (i // per_column)
            self.layout.addItem(sample, row, col, alignment=Qt.AlignmentFlag.AlignVCenter)
            self.layout.addItem(line, row, col + 1)
        self.collapsed, self._columns = collapsed, columns
        self.layout.setColumnSpacing(1, 12 if columns > 1 else 0)
        self.updateSize()

    def updateSize(self) -> None:
        """Fit the card to its rows. (Adding up the rows' heights, as pyqtgraph's legend
        does, is more than the layout needs with overlapping rows.)"""
        self.layout.invalidate()
        self.resize(self.effectiveSizeHint(Qt.SizeHint.MinimumSize))
        self.layout.activate()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.width(), self.height())

    def paint(self, p: QPainter, *args: Any) -> None:
        p.setPen(self.pen)
        p.setBrush(self.brush)
        p.drawRect(self.boundingRect())


def _merged(runs: Sequence[Run]) -> tuple[Run, ...]:
    """``runs`` without empty ones, neighbours of one style joined: rich text shapes a
    stretch of one style as a whole (kerning across the join included)."""
    out: list[Run] = []
    for run in runs:
        run = Run(*run)
        if not run.text:
            continue
        if out and out[-1].italic == run.italic:
            out[-1] = Run(out[-1].text + run.text, run.italic)
        else:
            out.append(run)
    return tuple(out)
