"""Where a person types f(x, y): the editor, its error, the derivatives and the presets.

Typing is not drawing. The text is checked at every key (the engine's parser takes about a
millisecond), but a function is announced with ``function_edited`` only once it *settles*:
when the person pauses for ``SETTLE_MS`` or presses Enter. So ``s``, ``si`` and ``sin(x) co``
on the way to ``sin(x) cos(y)`` never become the picture, and never get sliders; and typing
``x^2 + (y`` over Rosenbrock leaves Rosenbrock on screen, the last function finished.

While typing, a mistake is underlined at once and its message, with the column, shown in a
quiet colour where the hint was (the two share one place, so nothing below moves); if the
text settles still wrong, the message turns red. Nothing typed is ever replaced without
going through the undo stack.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QKeyEvent,
    QPalette,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from gradient_studio.engine.presets import PRESETS
from gradient_studio.scene.formula import formula_html
from gradient_studio.ui import theme

ERROR_COLOUR = theme.ERROR
SETTLE_MS = 500  # a pause this long, or Enter, makes the typed text the picture
MESSAGE_LINES = 4  # lines kept for the hint or a message under the editor
GRADIENT_LINES = 4  # lines of ∂f/∂x, ∂f/∂y shown before their box scrolls
CUSTOM = "Your own function"
PLACEHOLDER = "Type f(x, y), e.g. x^2 + 3y^2"
HINT = (
    "Type f(x, y), e.g. <code>x^2 + 3y^2</code> or <code>sin(x) cos(y)</code>; it is drawn "
    "when you pause or press Enter. Other letters (<code>a</code>, <code>b</code> …) become "
    "sliders."
)


class FunctionEditor(QPlainTextEdit):
    """A one-paragraph editor for the function's text, with an underline for errors.

    It wraps long functions instead of scrolling them out of sight. Enter adds no new line:
    it emits ``committed`` (draw this now).
    """

    committed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10.5))
        self.setFont(font)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lines = 3
        margins = self.contentsMargins()
        height = self.fontMetrics().lineSpacing() * lines + 2 * self.document().documentMargin()
        self.setFixedHeight(int(height + margins.top() + margins.bottom() + 4))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setPlaceholderText(PLACEHOLDER)
        colours = self.palette()
        colours.setColor(
            QPalette.ColorRole.PlaceholderText, QColor(theme.quiet(QPalette.ColorRole.Base))
        )
        self.setPalette(colours)

    def text(self) -> str:
        return self.toPlainText()

    def set_text(self, text: str) -> None:
        """Replace the text as one undoable edit (a preset chosen can be undone)."""
        if text == self.text():
            return
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.endEditBlock()
        # The start of a long function (Goldstein–Price) in sight, not its end.
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def mark(self, column: int, length: int) -> None:
        """Underline ``length`` characters from the 1-based ``column`` in red."""
        size = len(self.text())
        start = max(0, min(column - 1, size))
        end = max(start, min(start + max(1, length), size))
        if start == end and start > 0:  # the end of the text: mark the last character
            start -= 1
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        underline = QTextCharFormat()
        underline.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        underline.setUnderlineColor(QColor(ERROR_COLOUR))
        underline.setBackground(QColor(ERROR_COLOUR).lighter(185))
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor
        selection.format = underline
        self.setExtraSelections([selection])

    def clear_mark(self) -> None:
        self.setExtraSelections([])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # one line only: Enter draws what is typed, now
            self.committed.emit()
            return
        super().keyPressEvent(event)

    def insertFromMimeData(self, source: QMimeData) -> None:
        text = " ".join(source.text().split()) if source.hasText() else ""
        self.insertPlainText(text)


class FormulaBox(QScrollArea):
    """A box as tall as its wrapped text, up to ``GRADIENT_LINES`` lines; it scrolls beyond."""

    def __init__(self, label: QLabel) -> None:
        super().__init__()
        self.label = label
        self.setWidget(label)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.viewport().setAutoFillBackground(False)
        label.setAutoFillBackground(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._tallest = int(label.fontMetrics().lineSpacing() * 1.25 * GRADIENT_LINES)
        self._width = 0

    def fit(self) -> None:
        """Take the height the text needs at the present width (at most the tallest)."""
        label = self.label
        width = self.viewport().width()
        needed = label.heightForWidth(width) if label.text() else 0
        self.setFixedHeight(max(0, min(needed, self._tallest)))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.width() != self._width:
            self._width = self.width()
            self.fit()


class FunctionPanel(QWidget):
    """The preset list, the editor, the error under it and ∂f/∂x, ∂f/∂y.

    Signals come only from what a person does: ``function_edited(text, parameters)`` for a
    valid function once it settles (see the module docstring), ``preset_chosen(name)`` for
    a preset picked from the list.
    """

    function_edited = Signal(str, tuple)
    preset_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preset_combo = QComboBox()
        self.preset_combo.setObjectName("presetCombo")
        self.preset_combo.setAccessibleName("Preset function")
        self.preset_combo.setToolTip("Classic test functions, each with a telling start point")
        self.preset_combo.addItem(CUSTOM, None)
        for name, preset in PRESETS.items():
            self.preset_combo.addItem(preset.title, name)
            index = self.preset_combo.count() - 1
            self.preset_combo.setItemData(index, preset.description, Qt.ItemDataRole.ToolTipRole)
        self.preset_combo.setMaxVisibleItems(len(PRESETS) + 1)
        self.editor = FunctionEditor()
        self.editor.setObjectName("functionEditor")
        self.editor.setAccessibleName("Function f(x, y)")
        self.editor.setToolTip(
            "f(x, y) in ordinary notation: + − * / ^, implicit products (2x y), "
            "sin cos tan exp log sqrt abs min max …, pi and e.\n"
            "Pause or press Enter to draw it. Other names become parameters with sliders. "
            "Ctrl+Z undoes."
        )
        self.hint = self._label("functionHint", "How to type a function")
        self.hint.setText(HINT)
        self.hint.setStyleSheet(theme.quiet_style())
        self.error = self._label("functionError", "Function error")
        self.error.setVisible(False)
        self.gradient = QLabel("")
        self.gradient.setObjectName("gradientLabel")
        self.gradient.setAccessibleName("Partial derivatives")
        self.gradient.setWordWrap(True)
        self.gradient.setTextFormat(Qt.TextFormat.RichText)
        self.gradient.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.gradient.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        font = QFont(self.gradient.font())
        font.setPointSizeF(font.pointSizeF() * 1.05)
        self.gradient.setFont(font)
        # A long function's derivatives wrap inside a box of a few lines that scrolls,
        # instead of pushing the optimisers below off the screen.
        self.gradient_box = FormulaBox(self.gradient)
        self.gradient_box.setObjectName("gradientBox")
        # The hint and the error share one place, a few lines tall, so showing one for
        # the other moves nothing below them.
        slot = QWidget()
        slot.setObjectName("functionMessage")
        inner = QVBoxLayout(slot)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(0)
        inner.addWidget(self.hint)
        inner.addWidget(self.error)
        inner.addStretch(1)
        slot.setMinimumHeight(self.hint.fontMetrics().lineSpacing() * MESSAGE_LINES + 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.preset_combo)
        layout.addWidget(self.editor)
        layout.addWidget(slot)
        layout.addWidget(self.gradient_box)
        self._showing = False
        self._settled = ""  # the text last announced (or shown) as the function
        self._error: Exception | None = None
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(SETTLE_MS)
        self._settle_timer.timeout.connect(self.settle)
        self.preset_combo.activated.connect(self._on_preset_combo_activated)
        self.editor.textChanged.connect(self._on_editor_text_changed)
        self.editor.committed.connect(self.settle)

    @staticmethod
    def _label(name: str, accessible: str) -> QLabel:
        label = QLabel("")
        label.setObjectName(name)
        label.setAccessibleName(accessible)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return label

    # -- showing ---------------------------------------------------------------------------
    def set_text(self, text: str) -> None:
        """Show ``text`` (already known to be valid) without announcing it as an edit."""
        self._settle_timer.stop()
        self._showing = True
        try:
            self.editor.set_text(text)
        finally:
            self._showing = False
        self._settled = text
        self.set_error(None)

    def set_preset(self, name: str | None) -> None:
        index = self.preset_combo.findData(name) if name else 0
        self.preset_combo.setCurrentIndex(max(0, index))

    def set_error(self, error: Exception | None, *, typing: bool = False) -> None:
        """Explain ``error`` (an ExpressionError) beside the editor and mark its spot;
        ``typing``: the text is still being typed, so say it quietly."""
        self._error = error
        if error is None:
            self.error.clear()
            self.error.setVisible(False)
            self.editor.clear_mark()
            self.hint.setVisible(True)
            return
        column = int(getattr(error, "column", 1))
        length = int(getattr(error, "length", 1))
        message = str(getattr(error, "message", error))
        # Most messages name their column already ("… at column 9"); say it once.
        where = "" if "column" in message else f"<b>Column {column}:</b> "
        colour = theme.quiet() if typing else ERROR_COLOUR
        self.error.setText(
            f"<span style='color:{colour}'>{where}{html.escape(message, quote=False)}</span>"
            f"<br><span style='color:{theme.quiet()}'>The picture shows the last function "
            "you finished.</span>"
        )
        self.error.setVisible(True)
        self.hint.setVisible(False)
        self.editor.mark(column, length)

    def set_gradient(self, dx: str, dy: str) -> None:
        """Show ∂f/∂x and ∂f/∂y (text in the function language)."""
        if not dx and not dy:
            self.gradient.clear()
        else:
            self.gradient.setText(
                f"<i>∂f/∂x</i> = {formula_html(_tidy(dx))}<br>"
                f"<i>∂f/∂y</i> = {formula_html(_tidy(dy))}"
            )
            self.gradient.setToolTip(f"∂f/∂x = {dx}\n∂f/∂y = {dy}")
        self.gradient_box.fit()

    @property
    def typing(self) -> bool:
        """Whether typed text is waiting to settle."""
        return self._settle_timer.isActive()

    def stop(self) -> None:
        """Forget typing that has not settled (the window is closing)."""
        self._settle_timer.stop()

    # -- what a person does ----------------------------------------------------------------
    def settle(self) -> None:
        """Make what is typed the function now (a pause or Enter does this): announce it
        if it is valid and new; if not, say what is wrong, in red."""
        self._settle_timer.stop()
        from gradient_studio.engine.expression import ExpressionError, parse_expression

        text = self.editor.text()
        try:
            expression = parse_expression(text)
        except ExpressionError as error:
            self.set_error(error)
            return
        self.set_error(None)
        if text != self._settled:
            self._settled = text
            self.function_edited.emit(text, tuple(expression.parameters))

    def _on_editor_text_changed(self) -> None:
        if self._showing:
            return
        from gradient_studio.engine.expression import ExpressionError, parse_expression

        try:
            parse_expression(self.editor.text())
        except ExpressionError as error:
            self.set_error(error, typing=True)
        else:
            self.set_error(None)
        self._settle_timer.start()

    def _on_preset_combo_activated(self, index: int) -> None:
        name = self.preset_combo.itemData(index)
        if name:
            self.preset_chosen.emit(str(name))


def _tidy(text: str) -> str:
    return text.replace("Abs(", "abs(")
