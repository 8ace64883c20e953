"""Where a person types f(x, y): the editor, its error, the derivatives and the presets.

The text is checked as it is typed (the engine's parser takes about a millisecond). A valid
function is announced with ``function_edited``; an invalid one is explained beside the
editor with its column, and the spot is underlined, while the window keeps showing the last
valid picture. Nothing typed is ever replaced without going through the undo stack.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from gradient_studio.engine.presets import PRESETS
from gradient_studio.scene.formula import formula_html

ERROR_COLOUR = "#c0392b"
CUSTOM = "Your own function"
HINT = (
    "Type f(x, y) — e.g. <code>x^2 + 3y^2</code> or <code>sin(x) cos(y)</code>. "
    "Any other letter (<code>a</code>, <code>b</code>, …) becomes a slider."
)


class FunctionEditor(QPlainTextEdit):
    """A one-paragraph editor for the function's text, with an underline for errors.

    It wraps long functions instead of scrolling them out of sight; Enter adds no new line.
    """

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
        self.setTextCursor(cursor)

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
        selection.cursor = cursor  # type: ignore[attr-defined]
        selection.format = underline  # type: ignore[attr-defined]
        self.setExtraSelections([selection])

    def clear_mark(self) -> None:
        self.setExtraSelections([])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # one line only; the function is already live
            return
        super().keyPressEvent(event)

    def insertFromMimeData(self, source: QMimeData) -> None:
        text = " ".join(source.text().split()) if source.hasText() else ""
        self.insertPlainText(text)


class FunctionPanel(QWidget):
    """The preset list, the editor, the error under it and ∂f/∂x, ∂f/∂y.

    Signals come only from what a person does: ``function_edited(text, parameters)`` for a
    valid function typed, ``preset_chosen(name)`` for a preset picked from the list.
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
            "Other names become parameters with sliders. Ctrl+Z undoes."
        )
        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("functionHint")
        self.hint.setStyleSheet("color: palette(mid);")
        self.error = QLabel("")
        self.error.setObjectName("functionError")
        self.error.setAccessibleName("Function error")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.RichText)
        self.error.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error.setVisible(False)
        self.gradient = QLabel("")
        self.gradient.setObjectName("gradientLabel")
        self.gradient.setAccessibleName("Partial derivatives")
        self.gradient.setWordWrap(True)
        self.gradient.setTextFormat(Qt.TextFormat.RichText)
        self.gradient.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.gradient.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        font = QFont(self.gradient.font())
        font.setPointSizeF(font.pointSizeF() * 1.05)
        self.gradient.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for widget in (self.preset_combo, self.editor, self.hint, self.error, self.gradient):
            layout.addWidget(widget)
        self._showing = False
        self.preset_combo.activated.connect(self._on_preset_combo_activated)
        self.editor.textChanged.connect(self._on_editor_text_changed)

    # -- showing ---------------------------------------------------------------------------
    def set_text(self, text: str) -> None:
        """Show ``text`` (already known to be valid) without announcing it as an edit."""
        self._showing = True
        try:
            self.editor.set_text(text)
        finally:
            self._showing = False
        self.set_error(None)

    def set_preset(self, name: str | None) -> None:
        index = self.preset_combo.findData(name) if name else 0
        self.preset_combo.setCurrentIndex(max(0, index))

    def set_error(self, error: Exception | None) -> None:
        """Explain ``error`` (an ExpressionError) beside the editor and mark its spot."""
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
        self.error.setText(
            f"{where}{html.escape(message, quote=False)}"
            "<br><span style='color:palette(mid)'>The picture shows the last valid function."
            "</span>"
        )
        self.error.setVisible(True)
        self.hint.setVisible(False)
        self.editor.mark(column, length)

    def set_gradient(self, dx: str, dy: str) -> None:
        """Show ∂f/∂x and ∂f/∂y (text in the function language)."""
        if not dx and not dy:
            self.gradient.clear()
            return
        self.gradient.setText(
            f"<i>∂f/∂x</i> = {formula_html(_tidy(dx))}<br><i>∂f/∂y</i> = {formula_html(_tidy(dy))}"
        )
        self.gradient.setToolTip(f"∂f/∂x = {dx}\n∂f/∂y = {dy}")

    # -- what a person does ----------------------------------------------------------------
    def _on_editor_text_changed(self) -> None:
        if self._showing:
            return
        from gradient_studio.engine.expression import ExpressionError, parse_expression

        text = self.editor.text()
        try:
            expression = parse_expression(text)
        except ExpressionError as error:
            self.set_error(error)
            return
        self.set_error(None)
        self.function_edited.emit(text, tuple(expression.parameters))

    def _on_preset_combo_activated(self, index: int) -> None:
        name = self.preset_combo.itemData(index)
        if name:
            self.preset_chosen.emit(str(name))


def _tidy(text: str) -> str:
    return text.replace("Abs(", "abs(")
