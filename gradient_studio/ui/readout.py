"""Numbers a person reads off or types in beside the picture: where the pointer is (x, y and
f under it) and the start point, typed exactly.

f under the pointer is one evaluation of the landscape's own compiled objective on the GUI
thread (microseconds: the worker compiled it already); a point where f is undefined says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from gradient_studio.scene.palette import format_value
from gradient_studio.ui.sliders import parse_number

#: The largest |x| or |y| a typed start may have: far beyond any view, still a finite race.
START_LIMIT = 1e12


def value_under(objective: Any, x: float, y: float) -> float | None:
    """f at (x, y), or None where it is undefined (or cannot be computed)."""
    if objective is None:
        return None
    try:
        f = float(objective.value(x, y))
    except (ArithmeticError, ValueError, TypeError):
        return None
    return f if math.isfinite(f) else None


class CursorReadout(QLabel):
    """``x = 0.51   y = 1.2   f = 3.4`` for the point under the pointer (objectName
    ``cursorReadout``); empty while the pointer is elsewhere."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cursorReadout")
        self.setAccessibleName("The point under the pointer")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setStyleSheet("padding: 0px 6px;")
        self.setVisible(False)  # only while the pointer is over the landscape

    def follow(self, view: Any, objective: Callable[[], Any]) -> None:
        """Show the point under the pointer over ``view`` (a pyqtgraph PlotWidget), with f
        from ``objective()`` (the landscape's objective on screen, or None)."""
        self._view, self._objective = view, objective
        view.scene().sigMouseMoved.connect(self._on_view_mouse_moved)
        view.installEventFilter(self)

    def _on_view_mouse_moved(self, position: Any) -> None:
        vb = self._view.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(position):
            self.clear_point()
            return
        point = vb.mapSceneToView(position)
        x, y = point.x(), point.y()
        self.show_point(x, y, value_under(self._objective(), x, y))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Leave:
            self.clear_point()
        return False

    def show_point(self, x: float, y: float, f: float | None) -> None:
        value = format_value(f) if f is not None else "undefined"
        self.setVisible(True)
        self.setText(
            f"<i>x</i> = {format_value(x)} &nbsp; <i>y</i> = {format_value(y)} &nbsp; "
            f"<i>f</i> = {value}"
        )

    def clear_point(self) -> None:
        self.clear()
        self.setVisible(False)


class StartEntry(QWidget):
    """Boxes for the start's x and y (``startX``, ``startY``). Enter (or leaving a box)
    applies what is typed, if it is a number; else the box says what is wanted and shows
    the start again. Emits ``start_edited(x, y)``, and ``notice(text)`` for a mistake."""

    start_edited = Signal(float, float)
    notice = Signal(str)  # what was wrong with a typed number (the window says it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startEntry")
        self.setAccessibleName("Start point")
        self._start = (0.0, 0.0)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.x_box = self._box("startX", "x")
        self.y_box = self._box("startY", "y")
        for label, box in (("<i>x</i>", self.x_box), ("<i>y</i>", self.y_box)):
            layout.addWidget(QLabel(label))
            layout.addWidget(box, 1)

    def _box(self, name: str, axis: str) -> QLineEdit:
        box = QLineEdit()
        box.setObjectName(name)
        box.setAccessibleName(f"Start {axis}")
        box.setToolTip(f"The start's {axis}: type a number and press Enter")
        box.setAlignment(Qt.AlignmentFlag.AlignRight)
        box.setMinimumWidth(50)
        box.editingFinished.connect(self._on_box_editing_finished)
        return box

    def set_start(self, x: float, y: float) -> None:
        """Show the start (without announcing it)."""
        self._start = (float(x), float(y))
        for box, value in ((self.x_box, x), (self.y_box, y)):
            if not box.hasFocus() or parse_number(box.text()) != value:
                box.setText(f"{value:.6g}")

    def _on_box_editing_finished(self) -> None:
        typed = []
        for box, shown in ((self.x_box, self._start[0]), (self.y_box, self._start[1])):
            value = parse_number(box.text())
            if value is None or abs(value) > START_LIMIT:
                self.notice.emit(
                    f"“{box.text()}” is not a start {box.accessibleName()[-1]}: type a number "
                    f"such as -1.5 or 2e-3 (at most {START_LIMIT:g} either way)."
                )
                box.setText(f"{shown:.6g}")
                value = shown
            elif box.text() != box.text().strip():  # spaces or control characters around it
                box.setText(box.text().strip())
            typed.append(value)
        x, y = typed
        if (x, y) != self._start:
            self._start = (x, y)
            self.start_edited.emit(x, y)
