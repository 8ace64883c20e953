"""A float slider that shows its value, takes a typed exact value and, optionally, lets a
person type its bounds; linear or logarithmic.

superqt 0.9 has labeled float sliders but no logarithmic one, and none with editable bounds,
so the window uses this one everywhere: every slider looks and behaves the same. It mirrors
Qt's slider API (``value``, ``setValue``, ``valueChanged``) so it is a drop-in for a
``QSlider`` in tests and automation.

A logarithmic slider has detents at the round values 1, 2, 5, 10, 20 … (learning rates
of 1e-3, 2e-3, 5e-3): a drag that comes within a few pixels of one lands on it, and the
arrow keys and the wheel go from one to the next (Page Up/Down a decade at a time).
Whatever is typed, the bounds and the value stay finite and ordered: numbers are held
within ±``LIMIT``, and new bounds that move the value say so (``value_moved``; the
window puts :meth:`FloatSlider.moved_text` in its status bar).
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractSlider,
    QHBoxLayout,
    QLineEdit,
    QSizePolicy,
    QSlider,
    QWidget,
)

from gradient_studio.ui import theme

TICKS = 1000  # slider positions between the bounds
VALUE_WIDTH = 62  # px: the value box, room for "0.00123" or "-1.5e-10"
LIMIT = 1e100  # the largest magnitude a slider holds: its span stays a finite number
SNAP_PX = 4  # a drag this close to a 1-2-5 value lands on it
DETENTS = (1.0, 2.0, 5.0)  # round values in each decade of a logarithmic slider
BOUND_STYLE = (
    "QLineEdit {{ color: {quiet}; background: transparent; border: none;"
    " border-bottom: 1px dotted {quiet}; }}"
    "QLineEdit:focus {{ color: palette(text); border-bottom: 1px solid palette(highlight); }}"
)


def format_number(value: float) -> str:
    """A short, exact-enough text for a value: ``0.001``, ``1e-5``, ``100``, ``-2.5``."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    text = f"{value:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def parse_number(text: str) -> float | None:
    """The number typed, or None; accepts ``1e-3``, ``.5``, ``−2`` (a true minus sign)."""
    try:
        value = float(text.strip().replace("−", "-").replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def held(value: float) -> float:
    """``value`` within ±``LIMIT``."""
    return min(max(value, -LIMIT), LIMIT)


def detents(low: float, high: float) -> list[float]:
    """The 1-2-5 values from ``low`` to ``high`` (both positive), in order."""
    out: list[float] = []
    for decade in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for d in DETENTS:
            value = float(f"{d}e{decade}")  # exactly 0.002, not 2 * 10**-3
            if low <= value <= high:
                out.append(value)
    return out


class _Track(QSlider):
    """A slider that ignores the mouse wheel unless it has focus, so scrolling the side panel
    never changes a value by accident."""

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class FloatSlider(QWidget):
    """A horizontal slider over ``[minimum, maximum]`` with an editable value box.

    ``log=True`` spaces the positions evenly in log10 (learning rates, speeds).
    ``editable_bounds=True`` shows the bounds in boxes a person can type into, and a typed
    value outside them widens them instead of being clamped.
    ``value_moved(before, after)`` is emitted when new bounds move the value into them.
    """

    valueChanged = Signal(float)
    value_moved = Signal(float, float)

    def __init__(
        self,
        minimum: float,
        maximum: float,
        value: float,
        *,
        log: bool = False,
        editable_bounds: bool = False,
        name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if log and minimum <= 0:
            raise ValueError("a logarithmic slider needs positive bounds")
        self._log = log
        self._editable_bounds = editable_bounds
        self._min, self._max = held(float(minimum)), held(float(maximum))
        self._value = self._min  # then setValue(value) below, as if typed
        self._stepping = False
        self._track = _Track(Qt.Orientation.Horizontal)
        self._track.setRange(0, TICKS)
        self._track.setPageStep(TICKS // 10)
        self._track.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._track.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._value_box = self._box(VALUE_WIDTH, "value")
        self._low_box = self._box(40, "lowest value") if editable_bounds else None
        self._high_box = self._box(40, "highest value") if editable_bounds else None
        for bound in (self._low_box, self._high_box):
            if bound is not None:  # quieter than the value: they are the slider's ends
                bound.setStyleSheet(BOUND_STYLE.format(quiet=theme.quiet()))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        if self._low_box is not None and self._high_box is not None:
            layout.addWidget(self._low_box)
            layout.addWidget(self._track, 1)
            layout.addWidget(self._high_box)
        else:
            layout.addWidget(self._track, 1)
        layout.addWidget(self._value_box)
        self._track.valueChanged.connect(self._on_track_value_changed)
        self._track.actionTriggered.connect(self._on_track_action_triggered)
        self._value_box.editingFinished.connect(self._on_value_box_editing_finished)
        if self._low_box is not None and self._high_box is not None:
            self._low_box.editingFinished.connect(self._on_low_box_editing_finished)
            self._high_box.editingFinished.connect(self._on_high_box_editing_finished)
        self.setValue(value)
        self._show()
        if name:
            self.set_names(name)

    def _box(self, width: int, what: str) -> QLineEdit:
        box = QLineEdit()
        box.setFixedWidth(width)
        box.setAlignment(Qt.AlignmentFlag.AlignRight)
        box.setToolTip(f"Type the {what} and press Enter")
        return box

    def set_names(self, name: str) -> None:
        """Accessible names for the slider and its boxes, from a person's word for it."""
        self.setAccessibleName(name)
        self._track.setAccessibleName(name)
        self._value_box.setAccessibleName(f"{name} value")
        if self._low_box is not None and self._high_box is not None:
            self._low_box.setAccessibleName(f"{name} lowest value")
            self._high_box.setAccessibleName(f"{name} highest value")

    def setToolTip(self, text: str) -> None:
        super().setToolTip(text)
        self._track.setToolTip(text)

    # -- the value --------------------------------------------------------------------------
    def value(self) -> float:
        return self._value

    def minimum(self) -> float:
        return self._min

    def maximum(self) -> float:
        return self._max

    def setValue(self, value: float) -> None:
        """Set the value (emitting ``valueChanged`` if it changed). Out of bounds it is
        clamped, or with editable bounds the bounds widen to hold it."""
        value = float(value)
        if not math.isfinite(value) or (self._log and value <= 0):
            self._show()
            return
        value = held(value)
        if self._editable_bounds and not self._min <= value <= self._max:
            self._min, self._max = widened((self._min, self._max), value)
        value = min(max(value, self._min), self._max)
        changed = value != self._value
        self._value = value
        self._show()
        if changed:
            self.valueChanged.emit(value)

    def setRange(self, minimum: float, maximum: float) -> None:
        """New bounds (swapped if given backwards); the value is clamped into them, and
        ``value_moved`` says so. Bounds that are not finite, or equal, are refused."""
        low, high = sorted((float(minimum), float(maximum)))
        if not (math.isfinite(low) and math.isfinite(high)):
            self._show()
            return
        low, high = held(low), held(high)
        if not low < high or (self._log and low <= 0):
            self._show()
            return
        self._min, self._max = low, high
        before = self._value
        clamped = min(max(before, low), high)
        if clamped != before:
            self.setValue(clamped)
            self.value_moved.emit(before, clamped)
        else:
            self._show()

    def moved_text(self, before: float, after: float) -> str:
        """The sentence for ``value_moved``: what moved, from where to where, and why."""
        return (
            f"{self.accessibleName() or 'The value'} moved from {format_number(before)} "
            f"to {format_number(after)} to stay inside its new range "
            f"{format_number(self._min)} … {format_number(self._max)}."
        )

    # -- what a person does -----------------------------------------------------------------
    def _on_track_value_changed(self, position: int) -> None:
        self.setValue(self._from_position(position))

    def _on_track_action_triggered(self, action: int) -> None:
        """Keys and the wheel on a logarithmic slider go from one 1-2-5 value to the next
        (a decade for Page Up/Down); a drag snaps in :meth:`_from_position`."""
        if not self._log or self._stepping:
            return
        Action = QAbstractSlider.SliderAction
        track = self._track
        moves = {
            Action.SliderSingleStepAdd.value: 1,
            Action.SliderSingleStepSub.value: -1,
            Action.SliderPageStepAdd.value: len(DETENTS),
            Action.SliderPageStepSub.value: -len(DETENTS),
        }
        move = moves.get(int(action))
        if move is None and int(action) == Action.SliderMove.value and not track.isSliderDown():
            # The wheel: one round value per notch, in the direction it turned.
            current = self._to_position(self._value)
            if track.sliderPosition() != current:
                move = 1 if track.sliderPosition() > current else -1
        if move is None:
            return
        self._stepping = True  # setSliderPosition triggers an action of its own
        try:
            track.setSliderPosition(self._to_position(self._detent_from(self._value, move)))
        finally:
            self._stepping = False

    def _detent_from(self, value: float, moves: int) -> float:
        """The round value ``moves`` detents above (or below) ``value``, within bounds."""
        marks = detents(self._min, self._max)
        if moves > 0:
            above = [d for d in marks if d > value * (1 + 1e-9)]
            return above[min(moves, len(above)) - 1] if above else self._max
        below = [d for d in marks if d < value * (1 - 1e-9)]
        return below[max(moves, -len(below))] if below else self._min

    def _on_value_box_editing_finished(self) -> None:
        typed = parse_number(self._value_box.text())
        if typed is None:
            self._show()
        else:
            self.setValue(typed)

    def _on_low_box_editing_finished(self) -> None:
        assert self._low_box is not None
        typed = parse_number(self._low_box.text())
        if typed is None or typed >= self._max:
            self._show()
        else:
            self.setRange(typed, self._max)

    def _on_high_box_editing_finished(self) -> None:
        assert self._high_box is not None
        typed = parse_number(self._high_box.text())
        if typed is None or typed <= self._min:
            self._show()
        else:
            self.setRange(self._min, typed)

    # -- showing ----------------------------------------------------------------------------
    def _show(self) -> None:
        self._track.blockSignals(True)
        self._track.setValue(self._to_position(self._value))
        self._track.blockSignals(False)
        if not self._value_box.hasFocus() or self._value_box.text() != format_number(self._value):
            self._value_box.setText(format_number(self._value))
        if self._low_box is not None and self._high_box is not None:
            self._low_box.setText(format_number(self._min))
            self._high_box.setText(format_number(self._max))

    def _to_position(self, value: float) -> int:
        low, high, v = self._min, self._max, value
        if self._log:
            low, high, v = math.log10(low), math.log10(high), math.log10(v)
        # Each term is finite and at most 2 LIMIT, so their ratio is a number in 0 … 1.
        t = (v - low) / (high - low) if high > low else 0.0
        return round(min(max(t, 0.0), 1.0) * TICKS)

    def _from_position(self, position: int) -> float:
        t = position / TICKS
        if self._log:
            low, high = math.log10(self._min), math.log10(self._max)
            value = 10 ** (low + t * (high - low))
            marks = detents(self._min, self._max)
            if marks:
                nearest = min(marks, key=lambda d: abs(math.log10(d / value)))
                snap = SNAP_PX * TICKS / max(1, self._track.width())
                if abs(self._to_position(nearest) - position) <= snap:
                    return nearest
            return min(max(float(f"{value:.2g}"), self._min), self._max)
        step = (self._max - self._min) / TICKS
        decimals = max(0, -math.floor(math.log10(step)))
        value = round(self._min + t * (self._max - self._min), decimals)
        return min(max(value, self._min), self._max)


def widened(bounds: tuple[float, float], value: float) -> tuple[float, float]:
    """Bounds that hold ``value`` with room to move: ``(-5, 5)`` and 100 give ``(-5, 200)``."""
    low, high = bounds
    if value > high:
        high = 2 * value if value > 0 else value + (high - low)
    if value < low:
        low = 2 * value if value < 0 else value - (high - low)
    return held(low), held(high)
