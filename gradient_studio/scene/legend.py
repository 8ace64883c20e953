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
from PySide6.QtCore import QPointF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QGraphicsItem, QGraphicsWidget

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


class Legend(pg.LegendItem):
    """pyqtgraph's legend card with a :class:`TextLine` beside each swatch, always as small
    as its layout allows.

    The text column is as wide as the widest line. A new race mostly changes a few digits,
    which leaves that width alone: the card is then only repainted, not laid out again.
    """

    def __init__(self, *, text_px: int, text_colour: str, **options: Any) -> None:
        super().__init__(labelTextColor=text_colour, **options)
        self.text_px = text_px
        self.text_colour = text_colour
        self._column = QSizeF(-1, -1)

    def set_entries(self, entries: Sequence[tuple[QGraphicsWidget, Sequence[Run]]]) -> None:
        """One row per ``(swatch, text)``, replacing any there were."""
        self.clear()
        for row, (sample, runs) in enumerate(entries):
            line = TextLine(runs, px=self.text_px, colour=self.text_colour)
            self.layout.addItem(sample, row, 0, alignment=Qt.AlignmentFlag.AlignVCenter)
            self.layout.addItem(line, row, 1)
            self.items.append((sample, line))
        self.rowCount = max(1, len(entries))
        self._column = QSizeF(-1, -1)
        self._fit_column()

    def set_texts(self, texts: Sequence[Sequence[Run]]) -> None:
        """New words for the rows, in order; the card grows or shrinks only if the widest
        line changed width."""
        for (_, line), runs in zip(self.items, texts, strict=False):
            line.set_runs(runs)
        self._fit_column()

    def lines(self) -> list[TextLine]:
        """The rows' texts, top to bottom."""
        return [line for _, line in self.items]

    def _fit_column(self) -> None:
        sizes = [line.natural_size() for line in self.lines()]
        column = QSizeF(
            max((s.width() for s in sizes), default=0.0),
            max((s.height() for s in sizes), default=0.0),
        )
        if column == self._column:
            return
        self._column = column
        for line in self.lines():
            line.setMinimumSize(column)
            line.setPreferredSize(column)
        self.updateSize()

    def updateSize(self) -> None:
        """Fit the card to its rows. (pyqtgraph's version adds up the rows' current heights;
        with overlapping rows (negative spacing) and six or more of them that is more than
        the layout needs, so the card grew by a few pixels at every call — in an animation,
        at every frame.)"""
        self.resize(self.effectiveSizeHint(Qt.SizeHint.MinimumSize))
        self.layout.activate()


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
