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


#: How the engine begins the note of a run on a function with no minimum along its path.
NO_MINIMUM = "f decreases without bound"


def trouble_step(t: Any) -> int:
    """The step at which a run went wrong: the engine's own word for it where it gives one
    (0 for a start outside the domain), else the step after the last good one."""
    step = getattr(t, "trouble_step", None)
    return int(step) if step is not None else int(t.stop) + 1


def no_minimum(t: Any) -> bool:
    """Whether the engine found the run going downhill without end (no minimum there)."""
    return any(n.startswith(NO_MINIMUM) for n in t.notes)


def outcome(t: Any) -> str:
    """How a run ended, with the step: ``converged at step 412``."""
    word = str(WORDS.get(t.status, t.status.replace("-", " ")))
    if no_minimum(t):
        return f"no minimum (step {t.stop})"
    if t.status in ("running", "max-steps"):
        return word
    if t.status in TROUBLE:
        return f"{word} at step {trouble_step(t)}"
    return f"{word} at step {t.stop}"


def reason(t: Any) -> tuple[str, str]:
    """What went wrong (or what the optimiser noticed) as ``(joint, words)``, to follow the
    optimiser's name (``joint`` is " " or ": "); ``("", "")`` when there is nothing to say."""
    notes = [n for n in t.notes if n]
    if t.status in TROUBLE and not no_minimum(t):
        word = WORDS.get(t.status, t.status.replace("-", " "))
        if not notes:
            return " ", f"{word} at step {trouble_step(t)}."
        first = notes[0]
        text = first if first.startswith(("diverged", "left the domain")) else f"{word} — {first}"
        return " ", "; ".join([text, *notes[1:]])
    return (": ", "; ".join(notes)) if notes else ("", "")


def explanation(name: str, t: Any) -> str:
    """A sentence for what went wrong (or what the optimiser noticed), or ``""``."""
    joint, words = reason(t)
    return f"{name}{joint}{words}" if words else ""


def said_once(runs: Sequence[tuple[str, Any]]) -> list[tuple[list[str], str]]:
    """The sentences for ``(name, run)`` pairs, each said once for every run it is true of
    ("Gradient descent, Momentum and Adam left the domain at step 0: …"), as
    ``(names, sentence)`` in the order the runs first say them."""
    groups: dict[tuple[str, str], list[str]] = {}
    for name, t in runs:
        joint, words = reason(t)
        if words:
            groups.setdefault((joint, words), []).append(name)
    out = []
    for (joint, words), names in groups.items():
        who = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        out.append((names, f"{who}{joint}{words}"))
    return out


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
            first = self._item(row, 0, name)
            if first.data(Qt.ItemDataRole.UserRole) != style.colour + style.marker:
                first.setForeground(QColor(theme.TEXT))
                first.setData(Qt.ItemDataRole.DecorationRole, swatch(style, ratio=ratio))
                first.setData(Qt.ItemDataRole.UserRole, style.colour + style.marker)
            cell = self._item(row, OUTCOME, outcome(t))
            bad = t.status in TROUBLE or no_minimum(t)
            cell.setForeground(QColor(TROUBLE_COLOUR if bad else theme.TEXT))
            cell.setToolTip("\n".join(t.notes) or outcome(t))
        self._shown_step = None
        self.set_step(step)
        self.table.resizeColumnsToContents()
        first_of = {name: (style, t) for name, style, t in reversed(self._runs)}
        lines = []
        for names, text in said_once([(name, t) for name, _, t in self._runs]):
            style, t = first_of[names[0]]
            marks = "".join(
                f"<span style='color:{first_of[n][0].colour}'>{first_of[n][0].glyph}</span>"
                for n in names
            )
            bad = t.status in TROUBLE or no_minimum(t)
            lines.append(
                f"{marks} <span style='color:{TROUBLE_COLOUR if bad else NOTE_COLOUR}'>"
                f"{html.escape(text, quote=False)}</span>"
            )
        self.notes.setText("<br>".join(lines))
        self.notes.setVisible(bool(lines))
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
        return [text for _, text in said_once([(name, t) for name, _, t in self._runs])]

    def troubles(self) -> list[str]:
        """The sentences for runs that diverged, left the domain or found no minimum."""
        bad = [(n, t) for n, _, t in self._runs if t.status in TROUBLE or no_minimum(t)]
        return [text for _, text in said_once(bad)]

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
