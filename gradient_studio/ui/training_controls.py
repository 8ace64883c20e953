"""The small controls the training panel is made of, and how it shows a value on them.

Combo boxes and step counts that the mouse wheel changes only when they have the focus
(scrolling the side panel must never change a schedule by accident, as the sliders do),
and a step count whose lowest position means "follow the run's steps".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSpinBox, QWidget

from gradient_studio.session.limits import MAX_STEPS
from gradient_studio.ui.sliders import FloatSlider

# px: the narrowest a slider with its value box gets. Narrower than the optimiser panel's:
# in the side panel of an 800 x 600 window (~226 px inside, beside its scroll bar) a label
# and a slider still fit on one line, so one-cycle's seven options do not take fourteen.
SLIDER_MIN = 110
COMBO_CHARACTERS = 10  # a combo box is at least this many characters wide, not its longest


class WheelWhenFocused:
    """Mixed into a Qt control (first): the wheel changes it only while it has the focus,
    as the sliders' tracks do; otherwise the event goes on to the scroll area."""

    def wheelEvent(self, event: QWheelEvent) -> None:
        if cast(QWidget, self).hasFocus():
            super().wheelEvent(event)  # type: ignore[misc]
        else:
            event.ignore()


class QuietCombo(WheelWhenFocused, QComboBox):
    """A combo box the wheel changes only while it has the focus."""

    def __init__(self, name: str, accessible: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(COMBO_CHARACTERS)


class StepsBox(WheelWhenFocused, QSpinBox):
    """A number of steps from ``low``; with ``follows_run``, its lowest position reads
    "the run's (N)" and means "not set: follow the run's steps" (:meth:`steps` is None)."""

    def __init__(self, low: int, *, follows_run: bool) -> None:
        super().__init__()
        self.follows_run = follows_run
        self.run_steps = 1
        self.setRange(low - 1 if follows_run else low, MAX_STEPS)
        self.setSuffix(" steps")
        self.setKeyboardTracking(False)  # typing "150" is one value, not 1, 15, 150
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccelerated(True)

    def steps(self) -> int | None:
        """The number shown, or None at "the run's"."""
        value = self.value()
        return None if self.follows_run and value == self.minimum() else value

    def show_steps(self, steps: int | None, run_steps: int) -> None:
        """Show ``steps`` (None: "the run's", ``run_steps`` of them)."""
        self.run_steps = run_steps
        if self.follows_run:
            self.setSpecialValueText(f"the run's ({run_steps:,})")
        self.setValue(self.minimum() if steps is None else steps)

    def stepBy(self, steps: int) -> None:
        if self.steps() is None and steps > 0:
            self.setValue(self.run_steps + steps - 1)  # up from "the run's" starts there
        else:
            super().stepBy(steps)


def form(parent: QWidget) -> QFormLayout:
    """A form whose rows wrap (the field under its label) when the panel is narrow."""
    layout = QFormLayout(parent)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setVerticalSpacing(3)
    layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    return layout


def align(labels: Iterable[QLabel], texts: Iterable[str]) -> None:
    """Give ``labels`` one width, that of the widest of ``texts``: the fields of several
    forms line up, whatever their labels say at the moment."""
    labels = list(labels)
    if labels:
        metrics = labels[0].fontMetrics()
        width = max(metrics.horizontalAdvance(t) for t in texts)
        for label in labels:
            label.setMinimumWidth(width)


def show_slider(slider: FloatSlider, value: float, bounds: tuple[float, float]) -> None:
    """Show ``value`` on ``slider`` within ``bounds`` widened to hold it, without a signal;
    a slider already there is left alone (it may be under the pointer)."""
    bounds = (min(bounds[0], value), max(bounds[1], value))
    if slider.value() == value and (slider.minimum(), slider.maximum()) == bounds:
        return
    slider.blockSignals(True)
    try:
        slider.setRange(*bounds)
        slider.setValue(value)
    finally:
        slider.blockSignals(False)


def refuse(problem: str) -> NoReturn:
    """Raise the ValueError that says ``problem`` (a value that cannot be built)."""
    raise ValueError(problem)
