"""The window's keys: one table that the playback shortcuts and Help ▸ Keyboard Shortcuts
both read, and the rule that a focused control keeps the keys it uses.

Playback keys are bare keys (Space, ←, →, Home, End, R), so they would otherwise take a key
from whatever has focus: Space would play instead of ticking a focused check box, → would
step instead of moving a focused slider. :class:`KeyRouter` watches the focused widget
only (never every event of the application) and, when a playback key arrives that the
widget itself uses, lets the widget have it (Qt's ``ShortcutOverride``). Elsewhere — the
picture, the loss plot, the toolbar — the keys drive the race.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from gradient_studio.ui import theme


@dataclass(frozen=True)
class Shortcut:
    """Keys (as :class:`QKeySequence` text, the first one shown first), what they do."""

    keys: tuple[str, ...]
    does: str


#: The playback keys, by the name of the action that carries them.
PLAYBACK: dict[str, Shortcut] = {
    "play": Shortcut(("Space",), "Play or pause the race"),
    "step": Shortcut(("Right",), "One step forward"),
    "back": Shortcut(("Left",), "One step back"),
    "reset": Shortcut(("Home", "R"), "Back to the start"),
    "end": Shortcut(("End",), "Go to the end of the race"),
}
PLAYBACK_WHERE = "picture, loss plot, toolbar"
#: Keys that belong to a focused control (Qt's own), listed so a person can find them.
CONTROLS: tuple[tuple[str, str, str], ...] = (
    ("Enter", "Draw the function typed now (else it is drawn when you pause)", "the editor"),
    ("Ctrl+Z, Ctrl+Shift+Z", "Undo, redo", "the editor"),
    ("←  →  Page Up  Page Down", "Move the slider (learning rates: 1, 2, 5, 10 …)", "a slider"),
    ("Enter", "Use the number typed", "a value, a bound or the start"),
    ("Space", "Tick or untick the optimiser", "a check box"),
    ("Tab, Shift+Tab", "The next, the previous control", "anywhere"),
)

_PLAYBACK_KEYS = {
    int(QKeySequence(key)[0].key())  # type: ignore[index]  # PySide's stubs miss __getitem__
    for shortcut in PLAYBACK.values()
    for key in shortcut.keys
}
_SLIDER_KEYS = {
    int(k) for k in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End)
}
_CHOOSER_KEYS = {int(k) for k in (Qt.Key.Key_Space, Qt.Key.Key_Home, Qt.Key.Key_End)}
_TEXT_TYPES = (QLineEdit, QAbstractSpinBox, QPlainTextEdit, QTextEdit)


def key_text(keys: tuple[str, ...]) -> str:
    """Keys as a person reads them (``Space``, ``→``, ``Home or R``)."""
    names = {"Right": "→", "Left": "←", "Up": "↑", "Down": "↓"}
    shown = [
        names.get(k, QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText)) for k in keys
    ]
    return " or ".join(shown)


def wants(widget: QObject, key: int) -> bool:
    """Whether the focused ``widget`` uses ``key`` itself (so no shortcut may take it)."""
    if isinstance(widget, _TEXT_TYPES):
        return True  # every playback key is also typing or moving the text cursor
    if isinstance(widget, QComboBox):
        return widget.isEditable() or key in _CHOOSER_KEYS
    if isinstance(widget, QAbstractSlider):
        return key in _SLIDER_KEYS
    if isinstance(widget, QAbstractButton):
        return key == Qt.Key.Key_Space
    return False


class KeyRouter(QObject):
    """Lets the focused control of ``window`` keep the playback keys it uses."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)  # the window is its parent: asked for, not kept (a cycle)
        self._watched: QWidget | None = None
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self._app = app
        app.focusChanged.connect(self._on_focus_changed)
        self._connected = True
        self._on_focus_changed(None, QApplication.focusWidget())

    def stop(self) -> None:
        """Stop watching (the window is closing); once is enough."""
        if self._connected:
            self._app.focusChanged.disconnect(self._on_focus_changed)
        self._connected = False
        self._watch(None)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        inside = new is not None and new.window() is self.parent()
        self._watch(new if inside else None)

    def _watch(self, widget: QWidget | None) -> None:
        if self._watched is not None:
            with contextlib.suppress(RuntimeError):  # already deleted
                self._watched.removeEventFilter(self)
        self._watched = widget
        if widget is not None:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            key = int(event.key())
            playback = plain == Qt.KeyboardModifier.NoModifier and key in _PLAYBACK_KEYS
            if playback and wants(watched, key):
                event.accept()  # the key goes to the control, not to the shortcut
                return True
        return False


# -- Help ▸ Keyboard Shortcuts --------------------------------------------------------------


def rows(window: QWidget) -> list[tuple[str, str, str]]:
    """Every key of the window: (keys, what they do, where they work). The playback keys
    come from :data:`PLAYBACK`; every other command's from its menu action, so the list
    is never out of date."""
    out = [(key_text(s.keys), s.does, PLAYBACK_WHERE) for s in PLAYBACK.values()]
    playback = {s.does for s in PLAYBACK.values()}
    seen: set[str] = set()
    for action in window.findChildren(QAction):
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        name, tip = action.text().replace("&", ""), action.statusTip().rstrip(".")
        what = f"{name} — {tip[:1].lower()}{tip[1:]}" if tip and tip != name else name
        if not keys or tip in playback or what in seen:
            continue
        seen.add(what)
        out.append((", ".join(keys), what, "anywhere"))
    out.extend(CONTROLS)
    return out


def dialog(window: QWidget) -> QDialog:
    """The Keyboard Shortcuts dialog (not yet shown)."""
    box = QDialog(window)
    box.setObjectName("shortcutsDialog")
    box.setWindowTitle("Keyboard Shortcuts")
    table = QTableWidget(0, 3)
    table.setObjectName("shortcutsTable")
    table.setAccessibleName("Keyboard shortcuts")
    table.setHorizontalHeaderLabels(("Keys", "Does", "Where"))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    for row, texts in enumerate(rows(window)):
        table.insertRow(row)
        for column, text in enumerate(texts):
            table.setItem(row, column, QTableWidgetItem(text))
    header = table.horizontalHeader()
    for column, mode in enumerate(
        (
            QHeaderView.ResizeMode.ResizeToContents,
            QHeaderView.ResizeMode.Stretch,
            QHeaderView.ResizeMode.ResizeToContents,
        )
    ):
        header.setSectionResizeMode(column, mode)
    note = QLabel(
        "A focused control keeps the keys it uses: Space ticks a focused check box, ← and → "
        "move a focused slider. Click the picture to give the keys back to the race."
    )
    note.setWordWrap(True)
    note.setStyleSheet(theme.quiet_style())
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(box.reject)
    layout = QVBoxLayout(box)
    layout.addWidget(table)
    layout.addWidget(note)
    layout.addWidget(buttons)
    box.resize(840, 520)
    return box


def help_action(window: QWidget) -> QAction:
    """Help ▸ Keyboard Shortcuts; connect its ``triggered`` to a bound method of the
    window that opens :func:`dialog` (a closure holding the window would keep it alive)."""
    action = QAction("&Keyboard Shortcuts", window)
    action.setObjectName("action_shortcuts")
    action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    action.setStatusTip("Every key of the window")
    return action
