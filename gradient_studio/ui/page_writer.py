"""The step inspector's page written into a text browser: each
:class:`~gradient_studio.ui.inspector_page.Block` a paragraph with its own margins, tab stops
and character formats.

Written through a ``QTextCursor`` in one edit block — one layout for the whole page — rather
than parsed from HTML with tables (1.4–14 ms a step: Qt's rich-text tables are slow to lay
out); tests/benchmarks/bench_inspector_dock.py times a whole step. The columns are as wide
as the widest statement and number seen since the run was chosen, and only grow, so stepping
through a run does not make them jump; the formats are made once per width and reused.
"""

from __future__ import annotations

from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QTextBrowser

from gradient_studio.ui import theme
from gradient_studio.ui.inspector_page import Block, Kind

INDENT = 12.0  # px: the statements under a caption
GAP = 14.0  # px between a statement and the words beside it
TABBED = (Kind.ROW, Kind.COLUMNS)  # the kinds whose tab stops follow the widths seen


class PageWriter:
    """Writes pages into ``browser``; :meth:`restyle` when the font, the palette or the
    number of digits changes."""

    def __init__(self, browser: QTextBrowser, quiet: str, digits: int) -> None:
        self.browser = browser
        self.shown: list[Block] = []
        self.restyle(quiet, digits)

    def restyle(self, quiet: str, digits: int) -> None:
        self.metrics = QFontMetricsF(self.browser.document().defaultFont())
        self.plain = QTextCharFormat()
        self.bold = QTextCharFormat()
        self.bold.setFontWeight(QFont.Weight.Bold)
        self.quiet = QTextCharFormat()
        self.quiet.setForeground(QColor(quiet))
        self.caption = QTextCharFormat(self.quiet)
        self.caption.setFontItalic(True)
        self.warning = QTextCharFormat()
        self.warning.setForeground(QColor(theme.ERROR))
        self.reset_columns()

    def reset_columns(self) -> None:
        """Columns as narrow as the next page allows (a new run, new digits)."""
        self.statement = 0.0  # the widest statement with words beside it
        self.number = 0.0  # the widest number in the state's columns
        self._formats: dict[tuple[Kind, tuple[str, ...]], QTextBlockFormat] = {}
        self.shown = []

    def width(self, text: str) -> float:
        return self.metrics.horizontalAdvance(text)

    def write(self, page: list[Block]) -> None:
        """Show ``page`` (nothing happens if it is what is shown)."""
        if page == self.shown:
            return
        self.shown = page
        bar = self.browser.verticalScrollBar()
        where = bar.value()
        doc = self.browser.document()
        doc.setUndoRedoEnabled(False)
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()  # one layout for the whole page, not one per line
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.removeSelectedText()
        self._widen(page)
        columns = self._columns(page)
        for i, block in enumerate(page):
            fmt = self._format(block, columns)
            if i == 0:
                cursor.setBlockFormat(fmt)
            else:
                cursor.insertBlock(fmt)
            for text, char in self._fragments(block):
                cursor.insertText(text, char)
        cursor.endEditBlock()
        bar.setValue(where)  # stepping keeps the reader's place on the page

    def forget(self) -> None:
        """The browser was given other text: the next page is written anew."""
        self.shown = []

    def _widen(self, page: list[Block]) -> None:
        statement = max(
            (self.width(b.cells[0]) for b in page if b.kind is Kind.ROW and b.cells[1]),
            default=0.0,
        )
        number = max(
            (self.width(c) for b in page if b.kind is Kind.COLUMNS for c in b.cells[1:]),
            default=0.0,
        )
        if statement > self.statement or number > self.number:
            self.statement = max(statement, self.statement)
            self.number = max(number, self.number)
            self._formats = {k: f for k, f in self._formats.items() if k[0] not in TABBED}

    def _columns(self, page: list[Block]) -> tuple[str, ...]:
        """The state's row names (they fix its first column, the same at every step)."""
        return tuple(b.cells[0] for b in page if b.kind is Kind.COLUMNS)

    def _format(self, block: Block, columns: tuple[str, ...]) -> QTextBlockFormat:
        kind = block.kind
        key: tuple[str, ...] = ()
        if kind is Kind.CONTINUED:
            key = (block.cells[0],)
        elif kind is Kind.COLUMNS:
            key = columns
        fmt = self._formats.get((kind, key))
        if fmt is None:
            fmt = self._formats[(kind, key)] = self._new_format(kind, key)
        return fmt

    def _new_format(self, kind: Kind, key: tuple[str, ...]) -> QTextBlockFormat:
        fmt = QTextBlockFormat()
        tabs: list[float] = []
        if kind is Kind.HEADING:
            fmt.setTopMargin(9)
            fmt.setBottomMargin(1)
        elif kind is Kind.LABEL:
            fmt.setTopMargin(3)
        elif kind is Kind.EQUATION:
            fmt.setLeftMargin(INDENT)
        elif kind is Kind.CONTINUED:  # "=" under the first "=", wrapping under the number
            fmt.setLeftMargin(INDENT + self.width(f"{key[0]} "))
        elif kind is Kind.ROW:  # words that wrap go on under the words, not the statement
            tabs = [self.statement + GAP]
            fmt.setLeftMargin(tabs[0])
            fmt.setTextIndent(-tabs[0])
        elif kind is Kind.COLUMNS:
            first = max(self.width(name) for name in key) + GAP
            tabs = [first, first + self.number + GAP]
        if tabs:
            fmt.setTabPositions([QTextOption.Tab(x, QTextOption.TabType.LeftTab) for x in tabs])
        return fmt

    def _fragments(self, block: Block) -> list[tuple[str, QTextCharFormat]]:
        kind, cells = block.kind, block.cells
        if kind is Kind.HEADING:
            return [(cells[0], self.bold)]
        if kind is Kind.NOTE:
            return [(cells[0], self.quiet)]
        if kind is Kind.LABEL:
            return [(cells[0], self.caption)]
        if kind is Kind.WARNING:
            return [(cells[0], self.warning)]
        if kind is Kind.ROW:
            words = [("\t" + cells[1], self.quiet)] if cells[1] else []
            return [(cells[0], self.plain), *words]
        if kind is Kind.COLUMNS:
            char = self.caption if not cells[0] else self.plain  # the x, y header
            return [(cells[0], self.plain), *(("\t" + c, char) for c in cells[1:])]
        if kind is Kind.EQUATION:
            return [(f"{cells[0]} = {cells[1]}", self.plain)]
        return [(f"= {cells[1]}", self.plain)]
