"""Text on the picture: the axes' labels and the title.

The title shows a person's function as they would write it on a board — superscript powers,
true minus signs — and fits itself to the width: on one line while it can stay comfortably
large, else wrapped onto up to three centred lines.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF

from gradient_studio.scene._pyqtgraph import SteadyLabel
from gradient_studio.scene.formula import formula_html
from gradient_studio.scene.legend import MARGIN, Run, TextLine
from gradient_studio.scene.palette import TEXT, format_value, tick_texts

Array = NDArray[np.float64]

TITLE_PX = 17
COMFORTABLE_TITLE_PX = 14
MIN_TITLE_PX = 10
TICK_PX = 13
LABEL_PX = 15


class Axis(pg.AxisItem):  # type: ignore[misc]  # (pyqtgraph has no type hints)
    """An axis whose tick labels read as the numbers they are, in one notation
    (:func:`~gradient_studio.scene.palette.tick_texts`): never pyqtgraph's automatic scale
    factor, which after a zoom to −0.0065…0.0095 labels the axis "x (x0.001)" and its ticks
    −6 … 8."""

    def getSIPrefixEnableRanges(self) -> tuple[tuple[float, float], ...]:
        """Nowhere. (Turning the prefix off instead would also stop the axis from fitting
        its height to its label on every change of range.)"""
        return ()

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        low, high = self.range
        reach = max(abs(low), abs(high)) * abs(scale)
        return tick_texts([v * scale for v in values], spacing * abs(scale), reach)

    def fit_width(self, least: float) -> bool:
        """Widen a vertical axis to hold its widest tick label beside its name (pyqtgraph
        leaves out labels that do not fit); returns whether the width changed."""
        low, high = self.range
        length = max(self.geometry().height(), 200.0)
        texts = [
            text
            for spacing, values in self.tickValues(low, high, length)
            for text in self.tickStrings(values, 1.0, spacing)
        ]
        font = self.style.get("tickFont") or QFont()
        widest = max((QFontMetricsF(font).horizontalAdvance(t) for t in texts), default=0.0)
        width = max(least, math.ceil(widest + _AXIS_ROOM))
        if width == self.width():
            return False
        self.setWidth(width)
        return True


_AXIS_ROOM = 24  # beside a vertical axis's widest label: the gap, and the axis's name
LEFT_AXIS_WIDTH = 46


def frame_plot(plot: pg.PlotItem) -> Title:
    """Dress a bare PlotItem as the picture's frame: our own title in the cell of
    pyqtgraph's (which would widen the plot to fit a long formula), axes on all four sides
    with values left and below, axis names, no buttons or menu. Returns the title."""
    plot.setAxisItems({key: Axis(key) for key in ("left", "bottom", "top", "right")})
    plot.layout.removeItem(plot.titleLabel)
    plot.titleLabel.setVisible(False)
    title = Title()
    plot.layout.addItem(title, 0, 1)
    plot.layout.setRowFixedHeight(0, 30)
    plot.hideButtons()
    plot.setMenuEnabled(False)
    plot.vb.disableAutoRange()
    plot.showAxes(True, showValues=(True, False, False, True))
    plot.layout.setContentsMargins(6, 4, 10, 6)
    plot.setLabel("bottom", "<i>x</i>")
    plot.setLabel("left", "<i>y</i>")
    return title


def fit_title(plot: pg.PlotItem, title: Title, height: int) -> int:
    """Fit ``title`` (in row 0 of ``plot``, centred over its view) to the plot's width, as a
    live window resizes too; returns its row's height, setting it if it is not ``height``."""
    width = plot.geometry().width()
    # The title is centred over the view, so it has twice the nearer margin to spread in.
    centre = plot.vb.geometry().center().x()
    needed = title.fit(2 * min(centre, width - centre) - 16)
    if needed != height:
        title.setMaximumHeight(needed)
        plot.layout.setRowFixedHeight(0, needed)
    return needed


class TitledPlot:
    """A plot whose title, in row 0, fits the plot's width: the race picture, the maps and
    the model pane share it."""

    plot: pg.PlotItem
    title: Title
    _title_height: int

    def _fit_title(self) -> bool:
        """Fit the title to the plot's width (also as a live window resizes); returns
        whether its row changed height."""
        height, self._title_height = (
            self._title_height,
            fit_title(self.plot, self.title, self._title_height),
        )
        return height != self._title_height


def style_axes(plot: pg.PlotItem, landscape: Any = None) -> None:
    """Fonts in pixels (so a picture scales as a whole) and ticks pointing inwards; the
    colour bar's too, given the ``landscape`` it belongs to."""
    tick = QFont()
    tick.setPixelSize(TICK_PX)
    label = QFont()
    label.setPixelSize(LABEL_PX)
    for key in ("left", "bottom", "top", "right"):
        axis = plot.getAxis(key)
        axis.setPen(TEXT)
        axis.setTextPen(TEXT)
        axis.setStyle(tickFont=tick, tickTextOffset=5, tickLength=-6)
        axis.label.setFont(label)
    plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
    # A label at the very end of the x axis may reach a little past it, into the empty
    # corner below the y axis (else a zoom to −0.0065 … 0.0095 would show no −0.006).
    plot.getAxis("bottom").setStyle(hideOverlappingLabels=24)
    if landscape is not None:
        landscape.style(tick, TEXT)


FUNCTION_OF_XY = "<i>f</i>(<i>x</i>, <i>y</i>)"


def title_texts(
    text: str,
    name: str = "",
    values: Mapping[str, float] | None = None,
    lhs: str = FUNCTION_OF_XY,
) -> list[str]:
    """The title as rich text, one line then (if there is a name) broken after the name:
    ``name:  f(x, y) = text,  a = 1, b = 100`` (``lhs``: what stands before the ``=``, as
    rich text; a model's loss says ``L(w, b)``)."""
    body = f"{lhs} = {formula_html(text)}" if text else ""
    body += "".join(
        f"<i>{html.escape(run.text)}</i>" if run.italic else html.escape(run.text)
        for run in title_values(values, after=bool(body))
    )
    head = f"<b>{html.escape(name)}</b>" if name else ""
    if head and body:
        return [f"{head}:&nbsp; {body}", f"{head}<br>{body}"]
    return [t for t in (head or body,) if t]


def title_values(values: Mapping[str, float] | None, *, after: bool = True) -> tuple[Run, ...]:
    """The parameter values a title ends with, ``,   a = 1, b = 100`` (``after=False``: with
    no formula before them, so no comma either)."""
    if not values:
        return ()
    runs = [Run(",\u00a0\u00a0 ")] if after else []
    for i, (key, value) in enumerate(values.items()):
        runs += [Run(", ")] if i else []
        runs += [Run(key, italic=True), Run(f" = {format_value(value)}")]
    return tuple(runs)


class Title(SteadyLabel):
    """The plot's title. Its width never widens the layout (a long formula overhangs its
    column, or wraps), and new text of the same height leaves the layout alone: a slider
    that changes a parameter shown in the title would otherwise re-lay out the whole plot
    on every move (see :class:`~gradient_studio.scene._pyqtgraph.SteadyLabel`).

    On one line, the parameter values (what a slider changes) are a :class:`TextLine` of
    their own after the rich text of the rest, so a new value lays out no rich text; wrapped
    onto several lines, the whole title is one rich text.
    """

    _split = False  # whether the values are drawn apart, after the rich text (the
    # LabelItem constructor already asks)

    def __init__(self) -> None:
        super().__init__("", color=TEXT, size=f"{TITLE_PX}px")
        self.values = TextLine(px=TITLE_PX, colour=TEXT, parent=self)
        self.texts: list[str] = []  # the whole title as rich text, on one line then wrapped
        self.head = ""  # the one-line rich text: all of it, or what comes before the values
        self._value_runs: tuple[Run, ...] = ()
        self._wanted: tuple[Any, ...] | None = None
        self._fitted: tuple[int, tuple[str, ...]] | None = None
        self._shown: tuple[str, int, float] = ("", TITLE_PX, -1)
        self._end: tuple[float, float] | None = None  # where the shown rich text ends

    def show_title(
        self,
        text: str,
        name: str = "",
        values: Mapping[str, float] | None = None,
        lhs: str = FUNCTION_OF_XY,
    ) -> None:
        """Show ``name:  f(x, y) = text,  a = 1, b = 100`` on one line (:meth:`fit` shrinks
        or wraps it to the room there is); ``lhs`` replaces ``f(x, y)``."""
        wanted = (text, name, tuple((values or {}).items()), lhs)
        if wanted == self._wanted:
            return
        self._wanted = wanted
        self.texts = title_texts(text, name, values, lhs)
        # Values after a formula are drawn apart: texts[0] is head + values, by construction.
        self._value_runs = title_values(values) if text else ()
        head = title_texts(text, name, lhs=lhs)[0] if self._value_runs else None
        self.head = head if head is not None else next(iter(self.texts), "")
        self._fitted = None
        self.setVisible(bool(self.texts))
        self._show_line(TITLE_PX)
        self._place_values()

    def _show(self, text: str, px: int, width: float) -> None:
        """Set text, size and wrapping width, skipping the costly rich-text layout when
        they are what is shown already (fitting often confirms the first try)."""
        if (text, px, width) != self._shown:
            if width != self._shown[2]:  # setting these lays the old text out once more
                self._set_wrapping(width)
            self._shown = (text, px, width)
            self._end = None
            self.setText(text, color=TEXT, size=f"{px}px")

    def _set_wrapping(self, width: float) -> None:
        """Wrap at ``width`` onto centred lines (``-1``: one line, as laid out from scratch;
        a centred line would move by half its last italic glyph's overhang)."""
        document = self.item.document()
        option = document.defaultTextOption()
        option.setAlignment(
            Qt.AlignmentFlag.AlignHCenter if width >= 0 else Qt.AlignmentFlag.AlignLeft
        )
        document.setDefaultTextOption(option)
        self.item.setTextWidth(width)

    def _show_line(self, px: int) -> float:
        """Show the title on one line, ``px`` pixels high; returns its width."""
        self._show(self.head, px, -1)
        self.values.set_runs(self._value_runs, px=px)
        self.values.resize(self.values.natural_size())
        self._set_split(bool(self._value_runs))
        if not self._split:
            return float(self.item.boundingRect().width())
        return self._head_end()[0] - MARGIN + self.values.width()

    def _set_split(self, split: bool) -> None:
        self._split = split
        self.values.setVisible(split)

    def _head_end(self) -> tuple[float, float]:
        """Where the one-line rich text ends, in its item: the x after its last character
        (where the values begin) and the baseline."""
        if self._end is None:
            block = self.item.document().lastBlock()
            layout = block.layout()
            line = layout.lineAt(layout.lineCount() - 1)
            x, _ = line.cursorToX(block.length() - 1)
            origin = layout.position()
            self._end = (origin.x() + x, origin.y() + line.y() + line.ascent())
        return self._end

    def _place_values(self) -> None:
        """Centre the rich text and the values after it as one line, on one baseline."""
        if not self._split:
            return
        end, baseline = self._head_end()
        width = end - MARGIN + self.values.width()
        self.item.setX(self.rect().center().x() - width / 2)
        self.values.setPos(
            self.item.x() + end - MARGIN, self.item.y() + baseline - self.values.baseline
        )

    def resizeEvent(self, ev: Any) -> None:
        super().resizeEvent(ev)
        self._place_values()

    def fit(self, room: float) -> int:
        """Make the title fit ``room`` pixels: on one line, shrinking down to a comfortable
        size; else the last text wrapped onto at most three centred lines, shrinking if
        need be. Returns the height its row needs."""
        key = (round(room), tuple(self.texts))
        if self.texts and self._fitted != key:
            self._fitted = key
            self._fit(room)
        return max(30, math.ceil(float(self.item.boundingRect().height())) + 4)

    def _fit(self, room: float) -> None:
        px = TITLE_PX
        while True:
            used = self._show_line(px)
            if used <= room or px <= COMFORTABLE_TITLE_PX:
                break
            px = max(COMFORTABLE_TITLE_PX, min(px - 1, math.floor(px * room / used)))
        if used > room:
            self._set_split(False)
            for px in range(COMFORTABLE_TITLE_PX, MIN_TITLE_PX - 1, -1):
                self._show(self.texts[-1], px, room)
                if self.line_count() <= 3:
                    break
        self.resizeEvent(None)  # centre the text in its cell

    def line_count(self) -> int:
        """Lines as laid out (QTextDocument.lineCount counts a <br> as nothing)."""
        block, lines = self.item.document().firstBlock(), 0
        while block.isValid():
            lines += block.layout().lineCount()
            block = block.next()
        return lines
