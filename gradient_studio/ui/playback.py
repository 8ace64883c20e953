"""The animation: a clock that moves the playhead, and the toolbar that drives it.

The clock keeps wall-clock time: the playhead is ``anchor + speed x (now - then)``, so a
slow frame shows a later step rather than slowing the race down. New paths arriving while
it plays (a slider moved) keep the playhead where it is: the race continues from the
current step on the new paths. Stopped at the end, the playhead follows the end of new
paths, so a person changing a slider after a race sees the whole new race.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QLabel, QSlider, QSpinBox, QStyle, QToolBar, QWidget

from gradient_studio.ui.shortcuts import PLAYBACK, key_text
from gradient_studio.ui.sliders import FloatSlider

FRAME_MS = 16  # the clock's tick: one frame at 60 Hz
DEFAULT_SPEED = 100.0  # steps per second
MAX_STEPS = 1_000_000
SPEED_WIDTH = 170  # px: the speed slider with its value box
SPEED_WIDTH_COMPACT = 120


class Playback(QObject):
    """Where the playhead is, whether it moves, and how fast (steps per second)."""

    step_changed = Signal(float)
    playing_changed = Signal(bool)
    last_changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.step = 0.0
        self.last = 0
        self.complete = True  # the race is computed to its end (else the end may grow)
        self.playing = False
        self.speed = DEFAULT_SPEED
        self._anchor = (0.0, 0.0)  # (step, time) the clock counts from
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def at_end(self) -> bool:
        return self.step >= self.last

    # -- changes ---------------------------------------------------------------------------
    def play(self) -> None:
        if self.playing:
            return
        if self.at_end and self.complete:
            self._move(0.0)
        self.playing = True
        self._reanchor()
        self._timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if not self.playing:
            return
        self.playing = False
        self._timer.stop()
        self.playing_changed.emit(False)

    def set_playing(self, playing: bool) -> None:
        if playing:
            self.play()
        else:
            self.pause()

    def step_forward(self) -> None:
        """One whole step on (pausing)."""
        self.pause()
        self._move(min(float(int(self.step) + 1), float(self.last)))

    def step_back(self) -> None:
        """One whole step back (pausing)."""
        self.pause()
        whole = float(int(self.step))
        self._move(max(0.0, whole - 1 if whole == self.step else whole))

    def reset(self) -> None:
        """Back to the start (pausing)."""
        self.pause()
        self._move(0.0)

    def go_to_end(self) -> None:
        """To the last step computed (pausing)."""
        self.pause()
        self._move(float(self.last))

    def seek(self, step: float) -> None:
        """Put the playhead at ``step`` (a scrub); playing goes on from there."""
        self._move(max(0.0, min(float(step), float(self.last))))
        self._reanchor()

    def set_speed(self, steps_per_second: float) -> None:
        self._reanchor()  # the steps so far at the old speed stay counted
        self.speed = max(1e-3, float(steps_per_second))

    def set_race(self, last: int, complete: bool) -> None:
        """New paths whose last step is ``last`` (``complete``: nothing more to come)."""
        follow = not self.playing and self.at_end
        self.last = max(0, int(last))
        self.complete = complete
        self.last_changed.emit(self.last)
        if follow or self.step > self.last:
            self._move(float(self.last))
        if self.playing:
            self._reanchor()

    def stop(self) -> None:
        """Stop the clock for good (the window is closing)."""
        self.pause()
        self._timer.stop()

    # -- the clock -------------------------------------------------------------------------
    def _reanchor(self) -> None:
        self._anchor = (self.step, time.perf_counter())

    def _on_timer_timeout(self) -> None:
        step0, t0 = self._anchor
        step = step0 + self.speed * (time.perf_counter() - t0)
        if step >= self.last:
            step = float(self.last)
            if self.complete:
                self._move(step)
                self.pause()
                return
        self._move(step)

    def _move(self, step: float) -> None:
        if step != self.step:
            self.step = step
            self.step_changed.emit(step)


class PlaybackControls(QObject):
    """The toolbar's play, step and reset buttons, speed, playhead and step count, showing
    a :class:`Playback`. Emits ``steps_edited(n)`` when a person sets the maximum steps.

    The buttons' keys come from :data:`~gradient_studio.ui.shortcuts.PLAYBACK`. In a narrow
    window the toolbar condenses (icons only, a shorter speed slider) so that everything
    in it, Max steps included, stays in sight.
    """

    steps_edited = Signal(int)

    def __init__(self, playback: Playback, toolbar: QToolBar, window: QWidget) -> None:
        super().__init__(window)
        self.playback = playback
        self.toolbar = toolbar
        style = window.style()
        icon = style.standardIcon
        Pixmap = QStyle.StandardPixmap
        self.reset_action = self._action(
            window, "reset", "&Reset", icon(Pixmap.SP_MediaSkipBackward)
        )
        self.back_action = self._action(window, "back", "&Back", icon(Pixmap.SP_MediaSeekBackward))
        self.play_action = self._action(window, "play", "&Play", icon(Pixmap.SP_MediaPlay))
        self.play_action.setCheckable(True)
        self.step_action = self._action(window, "step", "&Step", icon(Pixmap.SP_MediaSeekForward))
        self.end_action = self._action(window, "end", "&End", icon(Pixmap.SP_MediaSkipForward))
        #: In the order the Race menu lists them.
        self.actions = (
            self.play_action,
            self.step_action,
            self.back_action,
            self.end_action,
            self.reset_action,
        )
        self._play_icon = icon(Pixmap.SP_MediaPlay)
        self._pause_icon = icon(Pixmap.SP_MediaPause)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action, name, accessible in (
            (self.reset_action, "resetButton", "Reset to the start"),
            (self.back_action, "backButton", "Step back"),
            (self.play_action, "playButton", "Play or pause"),
            (self.step_action, "stepButton", "Step forward"),
            (self.end_action, "endButton", "Go to the end"),
        ):
            toolbar.addAction(action)
            button = toolbar.widgetForAction(action)
            button.setObjectName(name)
            button.setAccessibleName(accessible)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the focus be
        self.play_button = toolbar.widgetForAction(self.play_action)
        toolbar.addSeparator()
        self.speed_label = QLabel(" Speed ")
        toolbar.addWidget(self.speed_label)
        self.speed = FloatSlider(1.0, 1000.0, DEFAULT_SPEED, log=True, name="Speed")
        self.speed.setObjectName("speedSlider")
        self.speed.setToolTip("Animation speed in steps per second (1 to 1000)")
        self.speed.setFixedWidth(SPEED_WIDTH)
        toolbar.addWidget(self.speed)
        self.speed_unit = toolbar.addWidget(QLabel(" steps/s "))
        toolbar.addSeparator()
        self.playhead = QSlider(Qt.Orientation.Horizontal)
        self.playhead.setObjectName("playheadSlider")
        self.playhead.setAccessibleName("Playhead: the step shown")
        self.playhead.setToolTip("Drag to scrub through the race")
        self.playhead.setMinimumWidth(80)
        self.playhead.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        toolbar.addWidget(self.playhead)
        self.step_label = QLabel()
        self.step_label.setObjectName("stepLabel")
        toolbar.addWidget(self.step_label)
        toolbar.addSeparator()
        self.steps_label = QLabel(" Max steps ")
        toolbar.addWidget(self.steps_label)
        self.steps = QSpinBox()
        self.steps.setObjectName("stepsSpin")
        self.steps.setAccessibleName("Maximum steps")
        self.steps.setToolTip("The most steps each optimiser takes")
        self.steps.setRange(1, MAX_STEPS)
        self.steps.setSingleStep(100)
        self.steps.setKeyboardTracking(False)
        self.steps.setGroupSeparatorShown(True)
        toolbar.addWidget(self.steps)
        self._compact: bool | None = None
        self._full = 0
        toolbar.installEventFilter(self)

        self.play_action.toggled.connect(self._on_play_action_toggled)
        self.step_action.triggered.connect(self._on_step_action_triggered)
        self.back_action.triggered.connect(self._on_back_action_triggered)
        self.end_action.triggered.connect(self._on_end_action_triggered)
        self.reset_action.triggered.connect(self._on_reset_action_triggered)
        self.speed.valueChanged.connect(self._on_speed_value_changed)
        self.playhead.valueChanged.connect(self._on_playhead_value_changed)
        self.steps.valueChanged.connect(self._on_steps_value_changed)
        playback.step_changed.connect(self._show_step)
        playback.last_changed.connect(self._show_last)
        playback.playing_changed.connect(self._show_playing)
        self._show_last(playback.last)

    @staticmethod
    def _action(window: QWidget, key: str, text: str, icon: QIcon) -> QAction:
        shortcut = PLAYBACK[key]
        action = QAction(icon, text, window)
        action.setObjectName(f"action_{key}")
        action.setShortcuts([QKeySequence(k) for k in shortcut.keys])
        action.setToolTip(f"{shortcut.does} ({key_text(shortcut.keys)})")
        action.setStatusTip(shortcut.does)
        window.addAction(action)
        return action

    # -- fitting the window's width -----------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.toolbar and event.type() == QEvent.Type.Resize:
            self.fit(self.toolbar.width())
        return False

    def fit(self, width: int) -> None:
        """Condense the toolbar if its full form is wider than ``width`` pixels."""
        compact = width < self._full_width()
        if compact == self._compact:
            return
        self._compact = compact
        self.toolbar.setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonIconOnly
            if compact
            else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        )
        self.speed.setFixedWidth(SPEED_WIDTH_COMPACT if compact else SPEED_WIDTH)
        self.speed_unit.setVisible(not compact)
        self.steps_label.setText(" Steps " if compact else " Max steps ")
        self.speed_label.setText(" " if compact else " Speed ")

    def _full_width(self) -> int:
        """The toolbar's width with labelled buttons, measured while it has them."""
        if not self._compact:
            self._full = self.toolbar.sizeHint().width()
        return self._full

    # -- showing ---------------------------------------------------------------------------
    def set_steps(self, steps: int) -> None:
        self.steps.blockSignals(True)
        self.steps.setValue(int(steps))
        self.steps.blockSignals(False)

    def _show_step(self, step: float) -> None:
        self.playhead.blockSignals(True)
        self.playhead.setValue(int(step))
        self.playhead.blockSignals(False)
        self.step_label.setText(f" step {int(step)} / {self.playback.last} ")

    def _show_last(self, last: int) -> None:
        self.playhead.blockSignals(True)
        self.playhead.setRange(0, last)
        self.playhead.setValue(int(self.playback.step))
        self.playhead.blockSignals(False)
        # A fixed width for this many steps: no toolbar layout every frame.
        self.step_label.setFixedWidth(
            self.step_label.fontMetrics().horizontalAdvance(f" step {last} / {last} ") + 4
        )
        self.step_label.setText(f" step {int(self.playback.step)} / {last} ")

    def _show_playing(self, playing: bool) -> None:
        self.play_action.blockSignals(True)
        self.play_action.setChecked(playing)
        self.play_action.blockSignals(False)
        self.play_action.setText("&Pause" if playing else "&Play")
        self.play_action.setIcon(self._pause_icon if playing else self._play_icon)

    # -- what a person does ----------------------------------------------------------------
    def _on_play_action_toggled(self, checked: bool) -> None:
        self.playback.set_playing(checked)

    def _on_step_action_triggered(self) -> None:
        self.playback.step_forward()

    def _on_back_action_triggered(self) -> None:
        self.playback.step_back()

    def _on_end_action_triggered(self) -> None:
        self.playback.go_to_end()

    def _on_reset_action_triggered(self) -> None:
        self.playback.reset()

    def _on_speed_value_changed(self, value: float) -> None:
        self.playback.set_speed(value)

    def _on_playhead_value_changed(self, value: int) -> None:
        self.playback.seek(value)

    def _on_steps_value_changed(self, value: int) -> None:
        self.steps_edited.emit(int(value))
