"""The guide dock: short lessons for a student meeting the gradient, each with a "Show me"
button that sets the window up so the lesson's point is on screen.

The lessons themselves are plain data (:mod:`gradient_studio.session.lessons`). This dock
lists them, shows one, follows the links between them, and on "Show me" emits
``show_me(session, lesson)``: the window applies the session (one undoable change) and sets
the lesson's ``overlays`` and the run its ``inspect`` names. The dock changes nothing itself.
The lesson open last is remembered (``guide/lesson`` in the settings file).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gradient_studio.session import SessionError
from gradient_studio.session.lessons import LESSONS, LINK, Lesson
from gradient_studio.ui import settings

TITLE = "Guide"
SETTING = "guide/lesson"
NEXT_BACKGROUND = "#fff4d6"  # the "what to do next" box: a warm note colour
NEXT_TEXT = "#1f1f1f"


def lesson_html(lesson: Lesson, number: int) -> str:
    """A lesson's page: its title, its text and, in a box, what to do next."""
    return (
        f"<h3>{number}. {html.escape(lesson.title)}</h3>{lesson.text}"
        f"<table width='100%' cellpadding='6' cellspacing='0' bgcolor='{NEXT_BACKGROUND}'>"
        f"<tr><td style='color:{NEXT_TEXT}'><b>Show me</b> sets the window up for this "
        f"lesson.<br><i>Next:</i> {lesson.drag_next}</td></tr></table>"
    )


class GuideDock(QDockWidget):
    """The ``guide`` dock. ``show_me(session, lesson)``: set the window up for ``lesson``;
    ``lesson_changed(key)``: another lesson is shown."""

    show_me = Signal(object, object)  # (Session, Lesson)
    lesson_changed = Signal(str)

    def __init__(self, lessons: Sequence[Lesson] = LESSONS, parent: QWidget | None = None) -> None:
        super().__init__(TITLE, parent)
        self.setObjectName("guide")
        self.setAccessibleName("Guide")
        self.lessons = tuple(lessons)
        self._index = -1
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(4)
        self.list = QListWidget()
        self.list.setObjectName("guideLessons")
        self.list.setAccessibleName("Lessons")
        self.list.addItems([f"{i}. {lesson.title}" for i, lesson in enumerate(self.lessons, 1)])
        rows = self.list.sizeHintForRow(0) * len(self.lessons) + 2 * self.list.frameWidth()
        self.list.setFixedHeight(rows + 2)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        layout.addWidget(self.list)
        self.text = QTextBrowser()
        self.text.setObjectName("guideText")
        self.text.setAccessibleName("Lesson")
        self.text.setOpenLinks(False)
        self.text.anchorClicked.connect(self._on_text_anchor_clicked)
        layout.addWidget(self.text, 1)
        layout.addLayout(self._buttons())
        self.setWidget(body)
        self.show_lesson(self._remembered())

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(4)
        self.previous = QToolButton()
        self.previous.setObjectName("guidePrevious")
        self.previous.setText("◀")
        self.previous.setAccessibleName("Previous lesson")
        self.previous.setShortcut(QKeySequence("Alt+Left"))
        self.previous.clicked.connect(self._on_previous_clicked)
        self.next = QToolButton()
        self.next.setObjectName("guideNext")
        self.next.setText("▶")
        self.next.setAccessibleName("Next lesson")
        self.next.setShortcut(QKeySequence("Alt+Right"))
        self.next.clicked.connect(self._on_next_clicked)
        self.show_me_button = QPushButton("Show me")
        self.show_me_button.setObjectName("guideShowMe")
        self.show_me_button.setAccessibleName("Show me: set the window up for this lesson")
        self.show_me_button.setToolTip(
            "Set the window up for this lesson: function, start, optimisers, learning rates "
            "and what is drawn (Ctrl+Z undoes it)"
        )
        font = self.show_me_button.font()
        font.setWeight(QFont.Weight.Bold)
        self.show_me_button.setFont(font)
        self.show_me_button.clicked.connect(self._on_show_me_clicked)
        row.addWidget(self.previous)
        row.addWidget(self.show_me_button, 1)
        row.addWidget(self.next)
        return row

    # -- what it shows -----------------------------------------------------------------------
    @property
    def lesson(self) -> Lesson:
        """The lesson shown."""
        return self.lessons[self._index]

    @property
    def index(self) -> int:
        return self._index

    def show_lesson(self, which: int | str) -> None:
        """Show lesson ``which`` (its index or its key; an unknown key shows the first)."""
        if isinstance(which, str):
            keys = [lesson.key for lesson in self.lessons]
            which = keys.index(which) if which in keys else 0
        index = max(0, min(int(which), len(self.lessons) - 1))
        if index == self._index:
            return
        self._index = index
        lesson = self.lessons[index]
        self.list.setCurrentRow(index)  # (its signal comes back here: index is set already)
        self.text.setHtml(lesson_html(lesson, index + 1))
        self.text.verticalScrollBar().setValue(0)
        self.previous.setEnabled(index > 0)
        self.next.setEnabled(index < len(self.lessons) - 1)
        self.previous.setToolTip(self._neighbour_tip("Previous", index - 1, "Alt+←"))
        self.next.setToolTip(self._neighbour_tip("Next", index + 1, "Alt+→"))
        settings.store().setValue(SETTING, lesson.key)
        self.lesson_changed.emit(lesson.key)

    def _neighbour_tip(self, word: str, index: int, key: str) -> str:
        if not 0 <= index < len(self.lessons):
            return f"{word} lesson ({key})"
        return f"{word} lesson: {self.lessons[index].title} ({key})"

    def _remembered(self) -> str:
        value = settings.store().value(SETTING, "")
        return value if isinstance(value, str) else ""

    # -- what a person does ------------------------------------------------------------------
    def _on_list_current_row_changed(self, row: int) -> None:
        if row >= 0:
            self.show_lesson(row)

    def _on_previous_clicked(self) -> None:
        self.show_lesson(self._index - 1)

    def _on_next_clicked(self) -> None:
        self.show_lesson(self._index + 1)

    def _on_text_anchor_clicked(self, url: QUrl) -> None:
        target = url.toString()
        if target.startswith(LINK):
            self.show_lesson(target[len(LINK) :])

    def _on_show_me_clicked(self) -> None:
        lesson = self.lesson
        try:
            session = lesson.session()
        except SessionError as e:  # a lesson the session model no longer accepts
            self.text.append(f"<p><b>This lesson cannot be shown:</b> {html.escape(str(e))}</p>")
            return
        self.show_me.emit(session, lesson)
