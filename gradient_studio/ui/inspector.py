"""The step inspector dock: for the selected run at the playhead's step, every number the step
used — the point, f, the gradient's two partial derivatives and ‖∇f‖, the gradient after
clipping and noise, the scheduled learning rate, the optimiser's state named as its
documentation names it — and the update written out with the numbers put in.

The numbers are the engine's (:class:`gradient_studio.engine.inspector.StepInspector`):
nothing is recomputed here. The window tells the dock which run (:meth:`set_run`) and which
step (:meth:`set_step`); the dock's own ◀ ▶ buttons ask the window to move the playhead
(``step_requested``), so the picture, the table and the inspector never disagree.

Cheap to follow the playhead: the engine's inspection is ~0.2–0.8 ms a step, and the page is
set only when its text changed (the same step shown again costs nothing) and only while the
dock can be seen — a hidden or tabbed-away dock catches up when it is shown.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gradient_studio.engine.inspector import StepInspection, StepInspector
from gradient_studio.ui import theme
from gradient_studio.ui.inspector_page import DIGITS, EXACT, SELECT_HINT, blocks
from gradient_studio.ui.page_writer import PageWriter

if TYPE_CHECKING:
    from gradient_studio.engine.results import RunResult

TITLE = "Step Inspector"
NO_RUN = "No run is selected."
#: The errors a run the engine cannot replay may raise: said in the dock, never a crash.
INSPECTION_ERRORS = (ArithmeticError, ValueError, IndexError, KeyError, TypeError)


class StepInspectorDock(QDockWidget):
    """The ``stepInspector`` dock. ``step_requested(k)`` asks the window to move the
    playhead to step ``k`` (its ◀ and ▶ buttons)."""

    step_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(TITLE, parent)
        self.setObjectName("stepInspector")
        self.setAccessibleName("Step inspector")
        self.inspector: StepInspector | None = None
        self.inspection: StepInspection | None = None  # the step on the page
        self._name = ""
        self._run = (-1, -1)  # (optimiser, start) of the run inspected
        self._step = 0  # the step asked for (the playhead's)
        self._digits = DIGITS
        self._stale = False  # a step arrived while the dock was hidden
        self._quiet = theme.quiet(QPalette.ColorRole.Base)  # quiet text on the page
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(4)
        self.title = QLabel("")
        self.title.setObjectName("inspectorTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.title)
        layout.addLayout(self._controls())
        self.browser = QTextBrowser()
        self.browser.setObjectName("inspectorText")
        self.browser.setAccessibleName("The step's numbers")
        self.browser.setOpenLinks(False)
        self.browser.setMinimumWidth(220)
        layout.addWidget(self.browser, 1)
        self.setWidget(body)
        self.writer = PageWriter(self.browser, self._quiet, self._digits)
        self.clear(NO_RUN)

    def _controls(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(4)
        self.back = self._button("inspectorBack", "◀", "Step back: the playhead moves too")
        self.forward = self._button("inspectorForward", "▶", "Step forward: the playhead too")
        self.back.clicked.connect(self._on_back_clicked)
        self.forward.clicked.connect(self._on_forward_clicked)
        self.step_label = QLabel("")
        self.step_label.setObjectName("inspectorStep")
        self.exact = self._button(
            "inspectorExact",
            "Exact",
            "Show every number with 17 significant digits: exactly the run's own value",
        )
        self.exact.setCheckable(True)
        self.exact.toggled.connect(self._on_exact_toggled)
        self.copy_action = QAction("Copy as Text", self)
        self.copy_action.setObjectName("action_copyInspection")
        self.copy_action.setStatusTip("Copy this step's numbers and working as plain text")
        self.copy_action.setToolTip("Copy this step as plain text")
        self.copy_action.triggered.connect(self.copy_text)
        self.copy = self._button("inspectorCopy", "Copy", "Copy this step as plain text")
        self.copy_action.setIconText("Copy")
        self.copy.setDefaultAction(self.copy_action)
        for widget in (self.back, self.step_label, self.forward):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.exact)
        row.addWidget(self.copy)
        return row

    def _button(self, name: str, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(":")[0])
        return button

    # -- what the window tells it --------------------------------------------------------------
    def set_run(
        self, result: RunResult, optimizer_index: int, start_index: int, name_for_title: str
    ) -> None:
        """Inspect run (``optimizer_index``, ``start_index``) of ``result`` from now on, at
        the step shown last (cheap: nothing is replayed until a step is shown)."""
        try:
            self.inspector = StepInspector(result, optimizer_index, start_index)
        except INSPECTION_ERRORS as e:
            self.clear(f"This run cannot be inspected: {e}")
            return
        if (optimizer_index, start_index) != self._run or name_for_title != self._name:
            self.writer.reset_columns()  # another run: its own column widths
        self._run = (optimizer_index, start_index)
        self._name = name_for_title
        self.title.setText(name_for_title)
        self.set_step(self._step)

    def set_step(self, k: float) -> None:
        """Show step ``k`` (the playhead's; a run that stopped earlier shows its last)."""
        self._step = max(0, int(k))
        if self.inspector is None:
            return
        if not self.isVisible():
            self._stale = True  # shown when the dock is
            return
        self._show()

    def clear(self, reason: str = NO_RUN) -> None:
        """No run to inspect: say why, and how to choose one."""
        self.inspector, self.inspection, self._name = None, None, ""
        self.title.setText("")
        self.step_label.setText("")
        for control in (self.back, self.forward, self.copy_action, self.exact):
            control.setEnabled(False)
        self._set_html(
            f"<p><b>{_escape(reason)}</b></p><p>{_escape(SELECT_HINT)}</p>"
            f"<p style='color:{self._quiet}'>The inspector then shows, at the playhead's "
            "step, where the run is, the gradient there, and the step the optimiser takes "
            "next, with every number put in.</p>"
        )

    # -- reading it --------------------------------------------------------------------------
    @property
    def digits(self) -> int:
        return self._digits

    @property
    def shown_step(self) -> int | None:
        """The step on the page (the run's last if the playhead is past it)."""
        return self.inspection.step if self.inspection is not None else None

    def text(self) -> str:
        """The page as plain text: the engine's own ``StepInspection.text`` ("" if none)."""
        return self.inspection.text(self._digits) if self.inspection is not None else ""

    def copy_text(self) -> None:
        """Copy as Text: the step's numbers and working onto the clipboard."""
        if self.inspection is not None:
            QGuiApplication.clipboard().setText(self.text())

    # -- internals ---------------------------------------------------------------------------
    def _show(self) -> None:
        inspector = self.inspector
        assert inspector is not None
        self._stale = False
        try:
            last = inspector.last
            inspection = inspector.at(min(self._step, last))
        except INSPECTION_ERRORS as e:
            name = self._name
            self.clear(f"Step {self._step} of this run cannot be inspected: {e}")
            self.title.setText(name)
            return
        self.inspection = inspection
        k = inspection.step
        steps = inspector.result.steps
        if self._step > k:  # the playhead is past the run's end
            self.step_label.setText(f"step {k}: its end")
            self.step_label.setToolTip(
                f"The playhead is at step {self._step}; this run stopped at step {k}"
            )
        else:
            self.step_label.setText(f"step {k} of {steps}")
            self.step_label.setToolTip(f"The playhead's step (the race has {steps} steps)")
        self.back.setEnabled(k > 0)
        self.forward.setEnabled(k < last)
        for control in (self.copy_action, self.exact):
            control.setEnabled(True)
        self.writer.write(blocks(inspection, self._digits))

    def _set_html(self, text: str) -> None:
        self.writer.forget()
        self.browser.setHtml(text)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        writer = getattr(self, "writer", None)  # (Qt may ask before __init__ is through)
        if writer is not None and event.type() in (
            QEvent.Type.PaletteChange,  # a dark theme, say
            QEvent.Type.FontChange,
        ):
            self._quiet = theme.quiet(QPalette.ColorRole.Base)
            writer.restyle(self._quiet, self._digits)
            if self.inspector is not None and self.isVisible():
                self._show()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.inspector is not None:
            self._show()

    def _on_back_clicked(self) -> None:
        if self.inspection is not None and self.inspection.step > 0:
            self.step_requested.emit(self.inspection.step - 1)

    def _on_forward_clicked(self) -> None:
        shown, inspector = self.inspection, self.inspector
        if shown is not None and inspector is not None and shown.step < inspector.last:
            self.step_requested.emit(shown.step + 1)

    def _on_exact_toggled(self, exact: bool) -> None:
        self._digits = EXACT if exact else DIGITS
        self.writer.restyle(self._quiet, self._digits)
        if self.inspector is not None:
            self._show()


def _escape(text: str) -> str:
    return html.escape(text, quote=False)
