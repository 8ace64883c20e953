"""The window's "Training" section: a learning-rate schedule, gradient clipping and gradient
noise for every racing optimiser (each scaled from its own lr).

The panel is a view of one :class:`~gradient_studio.engine.transforms.Training` value:
:meth:`TrainingPanel.set_training` shows it and never emits; a person's change builds a new
value, checked by the engine (``Schedule``, ``Clipping``, ``GradientNoise``, and the
schedule's learning rates over the race's steps), and emits ``training_changed(training)``
— one signal, for every value a drag passes through. A value the engine refuses is not
emitted: the panel says why (``trainingMessage``) and shows the last good value again.

Three parts, each with the session's control path an exercise can lock or hide
(:data:`PARTS`): the schedule (:class:`~gradient_studio.ui.schedule_editor.ScheduleEditor`),
clipping (``clipCombo``: off, by norm, by value; ``clipValue``) and noise (``noiseBox``,
``noiseEta``, ``noiseGamma``, ``noiseSeed``, ``newSeedButton``). A clipping or a noise
switched off keeps its numbers while the panel lives, so switching it on restores them.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, Literal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gradient_studio.engine.transforms import Clipping, GradientNoise, Training
from gradient_studio.session.exercise import Access
from gradient_studio.ui import theme
from gradient_studio.ui import training_words as words
from gradient_studio.ui.schedule_editor import MakeSchedule, ScheduleEditor
from gradient_studio.ui.sliders import FloatSlider, format_number
from gradient_studio.ui.sparkline import check
from gradient_studio.ui.training_controls import (
    SLIDER_MIN,
    QuietCombo,
    StepsBox,
    align,
    form,
    refuse,
    show_slider,
)

#: The session's control paths of the three parts (``gradient_studio.session.changes``).
PARTS = ("training.schedule", "training.clip", "training.noise")
CLIP_BY: tuple[Literal["norm", "value"] | None, ...] = (None, "norm", "value")
LOCKED_TIP = "This exercise fixes it"
SEED_DRAW = 1_000_000  # "New seed" picks one below this: short enough to read and type


def describe(training: Training) -> str:
    """The training in a few words, for a folded section's title or a status line:
    "constant lr", "cosine annealing · clip norm at 1 · noise η 0.3"."""
    parts = [words.SCHEDULE_WORDS.get(training.schedule.name, training.schedule.name)]
    if training.clip is not None:
        parts.append(f"clip {training.clip.by} at {format_number(training.clip.threshold)}")
    if training.noise is not None:
        parts.append(f"noise η {format_number(training.noise.eta)}")
    return " · ".join(parts)


def _rule() -> QFrame:
    """A thin line between two parts of the panel."""
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class TrainingPanel(QWidget):
    """The training tools (objectName ``trainingPanel``). Emits ``training_changed(t)``;
    :attr:`changed_by` is the objectName of the control behind the last emission."""

    training_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingPanel")
        self.setAccessibleName("Training tools")
        self.training = Training()
        self.steps = 200
        self.base_lr: float | None = None
        self.changed_by = ""
        self._showing = False
        self._threshold = words.CLIP_DEFAULT
        self._noise = GradientNoise()
        self._access = dict.fromkeys(PARTS, Access.FREE)
        self.schedule = ScheduleEditor()
        self.schedule.edited.connect(self._on_schedule_edited)
        self.labels = dict(self.schedule.labels)
        self._build_clip()
        self._build_noise()
        self.message = QLabel()
        self.message.setObjectName("trainingMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {theme.ERROR};")
        self.message.setVisible(False)
        self.locked_note = QLabel("Some of these are fixed by the exercise.")
        self.locked_note.setObjectName("trainingLocked")
        self.locked_note.setStyleSheet(theme.quiet_style())
        self.locked_note.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        for widget in (self.schedule, self.clip_part, self.noise_part):
            layout.addWidget(widget)
        layout.addWidget(self.message)
        layout.addWidget(self.locked_note)
        align(self.labels.values(), words.label_texts())
        self._show(self.training)

    # -- building --------------------------------------------------------------------------
    def _build_clip(self) -> None:
        self.clip_part = QWidget()
        self.clip_form = form(self.clip_part)
        self.clip_combo = QuietCombo("clipCombo", "Gradient clipping")
        for i, by in enumerate(CLIP_BY):
            self.clip_combo.addItem(words.CLIP_WORDS[by].label, by)
            self.clip_combo.setItemData(i, words.CLIP_WORDS[by].tip, Qt.ItemDataRole.ToolTipRole)
        self.clip_combo.currentIndexChanged.connect(self._on_clip_combo_changed)
        low, high, log = words.CLIP_RANGE
        self.clip_value = FloatSlider(low, high, words.CLIP_DEFAULT, log=log, name="Clip at")
        self.clip_value.setObjectName("clipValue")
        self.clip_value.setMinimumWidth(SLIDER_MIN)
        self.clip_value.valueChanged.connect(self._on_clip_value_changed)
        self.labels["clipValue"] = QLabel(words.CLIP_THRESHOLD.label)
        self.clip_form.addRow(_rule())
        self.clip_form.addRow(self.clip_combo)  # "no clipping", "clip by norm", …
        self.clip_form.addRow(self.labels["clipValue"], self.clip_value)

    def _build_noise(self) -> None:
        self.noise_part = QWidget()
        self.noise_form = form(self.noise_part)
        self.noise_box = QCheckBox("Gradient noise")
        self.noise_box.setObjectName("noiseBox")
        self.noise_box.setAccessibleName("Gradient noise")
        self.noise_box.setToolTip(_sentence(words.NOISE_WORDS.tip))
        self.noise_box.toggled.connect(self._on_noise_box_toggled)
        self.noise_eta = self._noise_slider("noiseEta", words.ETA_RANGE, words.NOISE_ETA)
        self.noise_gamma = self._noise_slider("noiseGamma", words.GAMMA_RANGE, words.NOISE_GAMMA)
        self.noise_eta.valueChanged.connect(functools.partial(self._on_noise_changed, "eta"))
        self.noise_gamma.valueChanged.connect(functools.partial(self._on_noise_changed, "gamma"))
        self.noise_seed = QLineEdit()
        self.noise_seed.setObjectName("noiseSeed")
        self.noise_seed.setAccessibleName("Noise seed")
        self.noise_seed.setToolTip(_sentence(words.NOISE_SEED.tip))
        self.noise_seed.setMinimumWidth(self.noise_seed.fontMetrics().horizontalAdvance("0" * 9))
        self.noise_seed.editingFinished.connect(self._on_noise_seed_edited)
        self.new_seed = QPushButton("New seed")
        self.new_seed.setObjectName("newSeedButton")
        self.new_seed.setAccessibleName("New noise seed")
        self.new_seed.setToolTip("Draw the noise again, from another seed")
        self.new_seed.clicked.connect(self._on_new_seed_clicked)
        self._seed_row = QWidget()
        row = QHBoxLayout(self._seed_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.noise_seed, 1)
        row.addWidget(self.new_seed)
        self.noise_summary = QLabel()
        self.noise_summary.setObjectName("noiseSummary")
        self.noise_summary.setWordWrap(True)
        self.noise_summary.setStyleSheet(theme.quiet_style())
        self.noise_summary.setToolTip("The noise's standard deviation σₜ = √(η / (1 + t)^γ)")
        self.noise_form.addRow(_rule())
        self.noise_form.addRow(self.noise_box)
        for key, text, field in (
            ("noiseEta", words.NOISE_ETA, self.noise_eta),
            ("noiseGamma", words.NOISE_GAMMA, self.noise_gamma),
            ("noiseSeed", words.NOISE_SEED, self._seed_row),
        ):
            self.labels[key] = QLabel(text.label)
            self.labels[key].setToolTip(_sentence(text.tip))
            self.noise_form.addRow(self.labels[key], field)
        self.noise_form.addRow(self.noise_summary)

    def _noise_slider(self, name: str, drag: words.DragRange, text: words.Words) -> FloatSlider:
        slider = FloatSlider(drag.low, drag.high, drag.low, log=drag.log, name=text.label)
        slider.setObjectName(name)
        slider.setMinimumWidth(SLIDER_MIN)
        slider.setToolTip(_sentence(text.tip))
        return slider

    # -- showing ---------------------------------------------------------------------------
    def set_training(self, training: Training, *, steps: int, base_lr: float | None = None) -> None:
        """Show ``training`` for a race of ``steps`` steps (the sparkline × ``base_lr``,
        the lr of the optimiser to show exactly, or × 1). Emits nothing."""
        self.steps, self.base_lr = max(1, int(steps)), base_lr
        self.training = training
        self._say("")
        self._show(training)

    def set_access(self, access: Callable[[str], Access] | Mapping[str, Access]) -> None:
        """Lock or hide the parts an exercise fixes: ``access(path)`` for each path of
        :data:`PARTS` (the session's ``exercise.access``), or a mapping of those paths
        (a path left out is free)."""
        if isinstance(access, Mapping):
            self._access = {p: access.get(p, Access.FREE) for p in PARTS}
        else:
            self._access = {p: access(p) for p in PARTS}
        for path, part in zip(PARTS, (self.schedule, self.clip_part, self.noise_part), strict=True):
            part.setVisible(self._access[path] != Access.HIDDEN)
            part.setEnabled(self._access[path] == Access.FREE)
            part.setToolTip(LOCKED_TIP if self._access[path] == Access.LOCKED else "")
        self.locked_note.setVisible(Access.LOCKED in self._access.values())

    @property
    def merge_key(self) -> str | None:
        """What the last change may merge with in Undo: the objectName of the slider or
        step count that made it (the values of one drag are one undo step), or None for
        a choice, a switch or a new seed (each its own step)."""
        control = self.findChild(QWidget, self.changed_by) if self.changed_by else None
        return self.changed_by if isinstance(control, FloatSlider | StepsBox) else None

    @property
    def hidden_by_exercise(self) -> bool:
        """True if the exercise hides every part (the window then hides the section)."""
        return all(a == Access.HIDDEN for a in self._access.values())

    def _show(self, training: Training) -> None:
        if training.clip is not None:
            self._threshold = training.clip.threshold
        if training.noise is not None:
            self._noise = training.noise
        self._showing = True
        try:
            self.schedule.show_schedule(training.schedule, self.steps, self.base_lr)
            self._show_clip(training.clip)
            self._show_noise(training.noise)
        finally:
            self._showing = False

    def _show_clip(self, clip: Clipping | None) -> None:
        by = clip.by if clip is not None else None
        self.clip_combo.setCurrentIndex(CLIP_BY.index(by))
        self.clip_combo.setToolTip(_sentence(words.CLIP_WORDS[by].tip))
        self.clip_form.setRowVisible(self.clip_value, clip is not None)
        if clip is not None:
            show_slider(self.clip_value, clip.threshold, words.CLIP_RANGE[:2])
            label = "max norm" if clip.by == "norm" else "max |value|"
            self.labels["clipValue"].setText(label)
            self.clip_value.set_names(f"Clip gradient {label}")
            self.clip_value.setToolTip(_sentence(words.CLIP_WORDS[clip.by].tip))

    def _show_noise(self, noise: GradientNoise | None) -> None:
        self.noise_box.setChecked(noise is not None)
        shown = noise if noise is not None else self._noise
        show_slider(self.noise_eta, shown.eta, words.ETA_RANGE[:2])
        show_slider(self.noise_gamma, shown.gamma, words.GAMMA_RANGE[:2])
        for field in (self.noise_eta, self.noise_gamma, self._seed_row, self.noise_summary):
            self.noise_form.setRowVisible(field, noise is not None)
        sigma = shown.sigma(0, self.steps)
        self.noise_summary.setText(
            f"σ: {sigma[0]:.2g} at the first step → {sigma[-1]:.2g} at step {self.steps:,}"
        )
        if self.noise_seed.text() != str(shown.seed):
            self.noise_seed.setText(str(shown.seed))

    def _say(self, problem: str) -> None:
        self.message.setText(problem)
        self.message.setVisible(bool(problem))

    # -- what a person does ----------------------------------------------------------------
    def _propose(self, control: str, make: Callable[[], Training]) -> None:
        """Emit the value ``make`` builds if the engine takes it; else say why and show the
        last good value again."""
        if self._showing:
            return
        try:
            training = make()
            check(training.schedule, self.steps, self.base_lr)
        except (KeyError, ValueError) as e:
            text = str(e.args[0]) if e.args else type(e).__name__
            self._say(f"Not applied: {text}. The last good value stays.")
            self._show(self.training)
            return
        self._say("")
        if training == self.training:
            self._show(training)  # as it is: "00" typed reads "0" again
            return
        self.training = training
        self.changed_by = control
        self._show(training)
        self.training_changed.emit(training)

    def _on_schedule_edited(self, control: str, make: MakeSchedule) -> None:
        self._propose(control, lambda: replace(self.training, schedule=make()))

    def _on_clip_combo_changed(self, index: int) -> None:
        by = CLIP_BY[index]
        clip = None if by is None else Clipping(by, self._threshold)
        self._propose("clipCombo", lambda: replace(self.training, clip=clip))

    def _on_clip_value_changed(self, value: float) -> None:
        clip = self.training.clip
        if clip is not None:
            made = functools.partial(Clipping, clip.by, value)
            self._propose("clipValue", lambda: replace(self.training, clip=made()))

    def _on_noise_box_toggled(self, on: bool) -> None:
        self._propose("noiseBox", lambda: replace(self.training, noise=self._noise if on else None))

    def _on_noise_changed(self, key: str, value: float) -> None:
        self._change_noise("noiseEta" if key == "eta" else "noiseGamma", **{key: value})

    def _on_noise_seed_edited(self) -> None:
        text = self.noise_seed.text().strip()
        try:
            seed = int(text)
        except ValueError:
            problem = f"the seed {text!r} is not a whole number"
            self._propose("noiseSeed", functools.partial(refuse, problem))
            return
        self._change_noise("noiseSeed", seed=seed)

    def _on_new_seed_clicked(self) -> None:
        noise = self.training.noise
        if noise is not None:
            seed = noise.seed
            while seed == noise.seed:
                seed = random.randrange(SEED_DRAW)
            self._change_noise("newSeedButton", seed=seed)

    def _change_noise(self, control: str, **change: Any) -> None:
        noise = self.training.noise
        if noise is not None:
            self._propose(control, lambda: replace(self.training, noise=replace(noise, **change)))
