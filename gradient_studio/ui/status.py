"""How each optimiser is doing, in numbers and in words.

A table row per optimiser: f, ‖∇f‖, where it is (x, y) and the step at the playhead, how its
run ended, and for a preset the distance to the nearest known minimum. Under it, every run
that went wrong is explained in a sentence a person can act on ("Adam diverged — gradient
exploded at step 37: try a smaller learning rate").

The one-line ``summary`` (the window puts it in its status bar) is made from the same runs
in the same call as the table, so the two never disagree, and a new race replaces it: a
message never outlives the race it is about.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gradient_studio.scene.palette import format_value
from gradient_studio.ui import theme
from gradient_studio.ui.labels import ElidedLabel
from gradient_studio.ui.styles import Style, swatch

COLUMNS = ("Optimiser", "f", "‖∇f‖", "x", "y", "step", "outcome", "to min.")
F, GRAD, X, Y, STEP, OUTCOME, TO_MIN = range(1, len(COLUMNS))
NUMBERS = (F, GRAD, X, Y, STEP, TO_MIN)
NO_OPTIMISER = "Tick an optimiser on the left to race it."
WORDS = {
    "converged": "converged",
    "diverged": "diverged",
    "left-domain": "left the domain",
    "max-steps": "ran out of steps",
    "running": "running…",
}
TROUBLE = {"diverged", "left-domain"}
TROUBLE_COLOUR = theme.ERROR
NOTE_COLOUR = theme.NOTE


def outcome(t: Any) -> str:
    """How a run ended, with the step: ``converged at step 412``."""
    word = str(WORDS.get(t.status, t.status.replace("-", " ")))
    if t.status in ("running", "max-steps"):
        return word
    if t.status in TROUBLE:  # the run keeps its last good step; the trouble is the next
        return f"{word} at step {t.stop + 1}"
    return f"{word} at step {t.stop}"


def explanation(name: str, t: Any) -> str:
    """A sentence for what went wrong (or what the optimiser noticed), or ``""``."""
    notes = [n for n in t.notes if n]
    if t.status in TROUBLE:
        word = WORDS.get(t.status, t.status.replace("-", " "))
        if not notes:
            return f"{name} {word} at step {t.stop + 1}."
        first = notes[0]
        if first.startswith(("diverged", "left the domain")):
            text = f"{name} {first}"
        else:
            text = f"{name} {word} — {first}"
        return "; ".join([text, *notes[1:]])
    return f"{name}: " + "; ".join(notes) if notes else ""


def nearest_minimum(point: Any, minima: Sequence[tuple[float, float]]) -> float | None:
    """The distance from ``point`` to the nearest of ``minima`` (None if there are none)."""
    if not minima:
        return None
    x, y = float(point[0]), float(point[1])
    return min(math.hypot(x - mx, y - my) for mx, my in minima)


class RaceStatus(QWidget):
    """The table, the explanations under it and the one-line ``summary``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("statusTable")
        self.table.setAccessibleName("How each optimiser is doing")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        # Sized to the contents when new runs arrive, not on every value shown: measuring
        # every cell each animation frame costs more than the frame.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setToolTip(
            "Values at the step shown: f, the gradient's size ‖∇f‖ and where the run is "
            "(x, y); 'outcome' is how the whole run ended; 'to min.' is the distance to the "
            "nearest known minimum of a preset."
        )
        self.notes = QLabel("")
        self.notes.setObjectName("statusNotes")
        self.notes.setAccessibleName("What went wrong")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.RichText)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notes)
        self.summary = ElidedLabel("")  # a long sentence ends in "…", never widens the window
        self.summary.setObjectName("raceSummary")
        self.summary.setAccessibleName("How the race went")
        self._runs: list[tuple[str, Style, Any]] = []
        self._minima: tuple[tuple[float, float], ...] | None = None
        self._shown_step: int | None = None

    def set_race(
        self,
        trajectories: Sequence[Any],
        names: Sequence[str],
        styles: Sequence[Style],
        minima: Sequence[tuple[float, float]] | None,
        step: float,
    ) -> None:
        """New runs (``minima``: the preset's known minima, or None for no preset)."""
        self._runs = list(zip(names, styles, trajectories, strict=True))
        self._minima = tuple(minima) if minima is not None else None
        self.table.setColumnHidden(TO_MIN, not self._minima)
        self.table.setRowCount(len(self._runs))
        ratio = self.devicePixelRatioF()
        for row, (name, style, t) in enumerate(self._runs):
            self._item(row, 0, name).setForeground(QColor(theme.TEXT))
            self._item(row, 0, name).setData(
                Qt.ItemDataRole.DecorationRole, swatch(style, ratio=ratio)
            )
            cell = self._item(row, OUTCOME, outcome(t))
            cell.setForeground(QColor(TROUBLE_COLOUR if t.status in TROUBLE else theme.TEXT))
            cell.setToolTip("\n".join(t.notes) or outcome(t))
        self._shown_step = None
        self.set_step(step)
        self.table.resizeColumnsToContents()
        lines = [
            (t.status in TROUBLE, style, explanation(name, t)) for name, style, t in self._runs
        ]
        self.notes.setText(
            "<br>".join(
                f"<span style='color:{style.colour}'>{style.glyph}</span> "
                f"<span style='color:{TROUBLE_COLOUR if bad else NOTE_COLOUR}'>"
                f"{html.escape(text, quote=False)}</span>"
                for bad, style, text in lines
                if text
            )
        )
        self.notes.setVisible(any(text for _, _, text in lines))
        troubles = self.troubles()
        self._set_summary(
            troubles[0] if troubles else "" if self._runs else NO_OPTIMISER, bool(troubles)
        )

    def set_failure(self, message: str) -> None:
        """Say that the race asked for could not be computed (until the next race)."""
        self._set_summary(message, True)

    def _set_summary(self, text: str, trouble: bool) -> None:
        self.summary.setText(text)
        self.summary.setStyleSheet(f"color: {TROUBLE_COLOUR};" if trouble else "")

    def set_step(self, step: float) -> None:
        """Show the values at ``step`` (each run's own last step if it stopped before)."""
        if int(step) == self._shown_step:
            return
        self._shown_step = int(step)
        for row, (_, _, t) in enumerate(self._runs):
            k = max(0, min(int(step), t.stop))
            self._item(row, F, format_value(float(t.f[k])))
            self._item(row, GRAD, format_value(float(t.grad_norm[k])))
            self._item(row, X, format_value(float(t.points[k][0])))
            self._item(row, Y, format_value(float(t.points[k][1])))
            self._item(row, STEP, str(k))
            if self._minima:
                d = nearest_minimum(t.points[k], self._minima)
                self._item(row, TO_MIN, format_value(d) if d is not None else "—")

    def explanations(self) -> list[str]:
        """Every sentence shown under the table."""
        return [text for name, _, t in self._runs if (text := explanation(name, t))]

    def troubles(self) -> list[str]:
        """The sentences for runs that diverged or left the domain."""
        return [explanation(name, t) for name, _, t in self._runs if t.status in TROUBLE]

    def _item(self, row: int, column: int, text: str) -> QTableWidgetItem:
        item = self.table.item(row, column)
        if item is None:
            item = QTableWidgetItem(text)
            if column in NUMBERS:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, item)
        elif item.text() != text:
            item.setText(text)
        return item
