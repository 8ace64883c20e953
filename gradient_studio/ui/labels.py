"""Labels that fit the room they are given: one line that ends in "…", a card beside the
pointer that stays inside its window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QWidget


class ElidedLabel(QLabel):
    """A one-line plain-text label that ends in "…" when it has less room than its text
    (a QLabel would cut it off mid-letter); the whole text is in its tooltip."""

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        room = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, room.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(room, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), text)

    def minimumSizeHint(self) -> QSize:
        return QSize(10, super().minimumSizeHint().height())


class HoverCard(QLabel):
    """Rich text beside the pointer, kept inside its window (flipped to the pointer's other
    side, or pushed in, when it would not fit), however many rows it has. A child of the
    window rather than a tooltip: it follows the pointer at once and needs nothing from the
    window system."""

    GAP = 14  # px between the pointer and the card

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet(
            "QLabel { background: palette(tooltip-base); color: palette(tooltip-text);"
            " border: 1px solid palette(dark); padding: 4px 6px; }"
        )
        self.hide()

    def show_at(self, owner: QWidget, pointer: QPoint, text: str) -> None:
        """Show ``text`` beside ``pointer`` (in ``owner``'s coordinates), inside the window."""
        window = owner.window()
        if self.parentWidget() is not window:
            self.setParent(window)
        self.setText(text)
        self.adjustSize()
        room = window.rect()
        at = owner.mapTo(window, pointer)
        x = at.x() + self.GAP
        if x + self.width() > room.right():
            x = at.x() - self.GAP - self.width()
        y = at.y() + self.GAP
        if y + self.height() > room.bottom():
            y = at.y() - self.GAP - self.height()
        self.move(max(room.left(), x), max(room.top(), y))
        self.show()
        self.raise_()
