"""The learning-rate schedule part of the training panel: the schedule picker, the
sparkline of lr against step, and the chosen schedule's options.

The schedules and their options are the engine's
(:data:`~gradient_studio.engine.schedules.SCHEDULES`): each option is a control named
``schedule_<option>`` that shows while its schedule is chosen — a slider (its drag range
from :mod:`~gradient_studio.ui.training_words`), a step count, a check box, or a box to
type in. An option left at its default is left out of the schedule, as ``--schedule``
leaves it out, so the panel and the command line build equal values.

The editor shows a schedule (:meth:`ScheduleEditor.show_schedule`) and reports what a
person does as ``edited(control, make)``: ``make()`` builds the new schedule, raising the
engine's ValueError or KeyError if it would be wrong — the panel decides what to do.
It remembers the last schedule of each kind, so switching back restores its options.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QWidget

from gradient_studio.engine.schedules import RUN, SCHEDULES, Option, Schedule, ScheduleKind
from gradient_studio.ui import theme
from gradient_studio.ui import training_words as words
from gradient_studio.ui.sliders import FloatSlider, format_number, parse_number
from gradient_studio.ui.sparkline import ScheduleSparkline, check, summary
from gradient_studio.ui.training_controls import (
    SLIDER_MIN,
    QuietCombo,
    StepsBox,
    form,
    refuse,
    show_slider,
)

Control = FloatSlider | StepsBox | QCheckBox | QLineEdit
MakeSchedule = Callable[[], Schedule]
SUMMARY_TIP = (
    "1× is each optimiser's own learning rate: every racing optimiser follows this shape "
    "from its lr. One-cycle's momentum (dashed) moves the momentum or β₁ of the "
    "optimisers that have one."
)


def with_options(name: str, options: Mapping[str, Any]) -> Schedule:
    """The schedule ``name`` with ``options``, those at their default left out."""
    kind = SCHEDULES[name]
    return Schedule(name, {k: v for k, v in options.items() if v != kind.option(k).default})


class ScheduleEditor(QWidget):
    """The schedule, its sparkline and its options. Emits ``edited(control, make)``."""

    edited = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.schedule = Schedule()
        self.steps = 200
        self.base_lr: float | None = None
        self._showing = False
        self._remembered: dict[str, Schedule] = {}
        self.form = form(self)
        self.combo = QuietCombo("scheduleCombo", "Learning-rate schedule")
        for i, kind in enumerate(words.kinds()):
            self.combo.addItem(words.SCHEDULE_WORDS.get(kind.name, kind.name), kind.name)
            self.combo.setItemData(i, words.schedule_tip(kind), Qt.ItemDataRole.ToolTipRole)
        self.combo.currentIndexChanged.connect(self._on_combo_changed)
        self.labels: dict[str, QLabel] = {}
        self.form.addRow(self.combo)  # its items say what they are: "cosine annealing"
        self.sparkline = ScheduleSparkline()
        self.summary = QLabel()
        self.summary.setObjectName("scheduleSummary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(theme.quiet_style())
        self.summary.setToolTip(SUMMARY_TIP)
        self.form.addRow(self.sparkline)
        self.form.addRow(self.summary)
        self.options: dict[str, Control] = {}
        for kind in words.kinds():
            for option in kind.options:
                if option.name not in self.options:
                    self._add_option(kind, option)

    def _add_option(self, kind: ScheduleKind, option: Option) -> None:
        key = option.name
        control: Control
        if option.type == "bool":
            control = QCheckBox(words.option_words(kind, option).label)
            control.toggled.connect(functools.partial(self._on_option_changed, key))
        elif option.type == "int":
            control = StepsBox(int(option.low), follows_run=option.default == RUN)
            control.valueChanged.connect(functools.partial(self._on_steps_box_changed, key))
        elif (kind.name, key) in words.TYPED:
            control = QLineEdit()
            control.editingFinished.connect(functools.partial(self._on_option_typed, key))
        else:
            low, high, log = words.drag_range(kind, option)
            control = FloatSlider(low, high, low, log=log)
            control.setMinimumWidth(SLIDER_MIN)
            control.valueChanged.connect(functools.partial(self._on_option_changed, key))
        control.setObjectName(f"schedule_{key}")
        _name(control, words.option_words(kind, option))
        self.options[key] = control
        if isinstance(control, QCheckBox):
            self.form.addRow(control)  # its own text says what it is
        else:
            self.labels[key] = QLabel(key)
            self.form.addRow(self.labels[key], control)

    # -- showing ---------------------------------------------------------------------------
    def show_schedule(self, schedule: Schedule, steps: int, base_lr: float | None) -> None:
        """Show ``schedule`` for a race of ``steps`` steps (the sparkline × ``base_lr``)."""
        self.schedule, self.steps, self.base_lr = schedule, steps, base_lr
        self._remembered[schedule.name] = schedule
        self._showing = True
        try:
            self._show()
        finally:
            self._showing = False

    def _show(self) -> None:
        schedule = self.schedule
        kind = schedule.kind
        self.combo.setCurrentIndex(self.combo.findData(schedule.name))
        self.combo.setToolTip(words.schedule_tip(kind))
        mine = {o.name: o for o in kind.options}
        for key, control in self.options.items():
            needs = words.NEEDS.get(key)
            used = key in mine and (needs is None or bool(_value(schedule, mine[needs])))
            self.form.setRowVisible(control, used)
            if key in mine:
                self._show_option(kind, mine[key], control)
        try:
            self.sparkline.set_schedule(schedule, self.steps, self.base_lr)
        except ValueError as e:  # a file's schedule that overflows over these steps
            self.summary.setText(str(e.args[0]))
        else:
            self.summary.setText(summary(self.sparkline.values, self.sparkline.momenta))

    def _show_option(self, kind: ScheduleKind, option: Option, control: Control) -> None:
        text = words.option_words(kind, option)
        _name(control, text)
        shown = _value(self.schedule, option)
        if isinstance(control, QCheckBox):
            control.setText(text.label)
            control.setChecked(bool(shown))
            return
        self.labels[option.name].setText(text.label)
        if isinstance(control, StepsBox):
            control.show_steps(None if shown in (None, RUN) else int(shown), self.steps)
        elif isinstance(control, QLineEdit):
            typed = format_number(float(shown) if isinstance(shown, int | float) else 0.0)
            if control.text() != typed:
                control.setText(typed)
        else:
            low, high, _ = words.drag_range(kind, option)
            show_slider(control, float(shown) if shown is not None else low, (low, high))

    # -- what a person does ----------------------------------------------------------------
    def _edit(self, control: str, make: MakeSchedule) -> None:
        if not self._showing:
            self.edited.emit(control, make)

    def _on_combo_changed(self, index: int) -> None:
        name = str(self.combo.itemData(index))
        remembered = self._remembered.get(name)
        if remembered is not None:
            try:
                check(remembered, self.steps, self.base_lr)
            except ValueError:
                remembered = None  # made for other steps: start afresh
        chosen = remembered or with_options(name, self._fresh(name))
        self._edit("scheduleCombo", lambda: chosen)

    def _fresh(self, name: str) -> dict[str, float]:
        """Values for the options a schedule requires, made for this race's steps: a step
        decay three times over the run, an exponential decay to a hundredth of the lr."""
        if name == "step":
            return {"step_size": max(1, round(self.steps / 4))}
        if name == "exponential":
            return {"gamma": float(f"{0.01 ** (1 / self.steps):.4g}")}
        return {}

    def _on_option_changed(self, key: str, value: float | None) -> None:
        name = self.schedule.name
        options: dict[str, Any] = dict(self.schedule.options)
        if value is None:
            options.pop(key, None)
        else:
            options[key] = value
        self._edit(f"schedule_{key}", lambda: with_options(name, options))

    def _on_steps_box_changed(self, key: str, _: int) -> None:
        box = self.options[key]
        assert isinstance(box, StepsBox)
        self._on_option_changed(key, box.steps())

    def _on_option_typed(self, key: str) -> None:
        box = self.options[key]
        assert isinstance(box, QLineEdit)
        value = parse_number(box.text())
        if value is not None:
            self._on_option_changed(key, value)
            return
        problem = f"{self.labels[key].text()}: {box.text().strip()!r} is not a number"
        self._edit(f"schedule_{key}", functools.partial(refuse, problem))


def _name(control: Control, text: words.Words) -> None:
    """The control's accessible name and tooltip, from its option's words."""
    control.setToolTip(text.tip)
    if isinstance(control, FloatSlider):
        control.set_names(f"Schedule {text.label}")
    else:
        control.setAccessibleName(f"Schedule {text.label}")


def _value(schedule: Schedule, option: Option) -> Any:
    """The value of ``option`` in ``schedule``: as set, else its default."""
    return schedule.options.get(option.name, option.default)
