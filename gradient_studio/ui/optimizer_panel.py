"""The optimisers a person can race: a check box each, and sliders for the chosen ones.

Every optimiser of the engine gets a row: ``optimizer_<name>`` (checkable, its tooltip the
update rule), and under it, shown while it is checked, its learning rate ``lr_<name>``
(logarithmic, 1e-5…10) and a slider ``hyper_<name>_<key>`` for each other hyperparameter.
A checked optimiser shows a swatch in the colour its path has in the picture.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from gradient_studio.engine.optimizers import OPTIMIZERS
from gradient_studio.ui.sliders import FloatSlider
from gradient_studio.ui.styles import Style, swatch

SLIDER_WIDTH = 150  # px: the narrowest a hyperparameter's slider (with its box) gets

#: How the window names hyperparameters (the engine's keys are for programs).
WORDS = {h.name: h.label for spec in OPTIMIZERS.values() for h in spec.hyperparameters}


def describe(word: str, description: str) -> str:
    """``word: description``, saying the word once even if the description starts with it
    ("learning rate: how far each step goes", not "learning rate: learning rate: …")."""
    if description.casefold().startswith(word.casefold()):
        return description
    return f"{word}: {description}" if description else word


def slider_name(optimizer: str, key: str) -> str:
    """The objectName of a hyperparameter's slider."""
    return f"lr_{optimizer}" if key == "lr" else f"hyper_{optimizer}_{key}"


class OptimizerRow(QWidget):
    """One optimiser: its check box, colour swatch and (while checked) its sliders."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        spec = OPTIMIZERS[name]
        self.name = name
        self.path_style: Style | None = None
        self.check = QCheckBox(spec.display_name)
        self.check.setObjectName(f"optimizer_{name}")
        self.check.setAccessibleName(f"Race {spec.display_name}")
        self.check.setToolTip(spec.tooltip)
        self.swatch = QLabel()
        self.swatch.setObjectName(f"swatch_{name}")
        self.swatch.setFixedSize(26, 10)
        self.swatch.setAccessibleName(f"{spec.display_name} path colour")
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.check, 1)
        head.addWidget(self.swatch, 0, Qt.AlignmentFlag.AlignVCenter)
        self.body = QWidget()
        form = QFormLayout(self.body)
        form.setContentsMargins(22, 0, 0, 4)
        form.setVerticalSpacing(2)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # In a narrow panel a slider goes under its name rather than shrink to a sliver.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.sliders: dict[str, FloatSlider] = {}
        for h in spec.hyperparameters:
            slider = FloatSlider(
                h.low,
                h.high,
                h.default,
                log=h.log,
                name=f"{spec.display_name} {WORDS.get(h.name, h.name)}",
            )
            slider.setObjectName(slider_name(name, h.name))
            slider.setMinimumWidth(SLIDER_WIDTH)
            word = WORDS.get(h.name, h.name)
            slider.setToolTip(f"{describe(word, h.description)}\n\n{spec.rule}")
            label = QLabel(word)
            label.setToolTip(describe(word, h.description))
            form.addRow(label, slider)
            self.sliders[h.name] = slider
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(head)
        layout.addWidget(self.body)
        self.body.setVisible(False)

    def set_checked(self, checked: bool) -> None:
        self.check.blockSignals(True)
        self.check.setChecked(checked)
        self.check.blockSignals(False)
        self.body.setVisible(checked)

    def set_style(self, style: Style | None) -> None:
        """Show the colour (and dashes) of this optimiser's path, or nothing."""
        self.path_style = style
        if style is None:
            self.swatch.clear()
        else:
            self.swatch.setPixmap(swatch(style, ratio=self.devicePixelRatioF()))


class OptimizerPanel(QWidget):
    """Every optimiser of the engine, in its order. Emits ``selection_changed(names)`` and
    ``hyperparameter_changed(optimizer, key, value)`` on what a person does."""

    selection_changed = Signal(list)
    hyperparameter_changed = Signal(str, str, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("optimizerPanel")
        self.setAccessibleName("Optimisers")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.rows: dict[str, OptimizerRow] = {}
        for name in OPTIMIZERS:
            row = OptimizerRow(name)
            row.check.toggled.connect(self._on_check_toggled)
            for key, slider in row.sliders.items():
                slider.valueChanged.connect(
                    lambda v, n=name, k=key: self._on_slider_value_changed(n, k, v)
                )
            layout.addWidget(row)
            self.rows[name] = row

    # -- showing ---------------------------------------------------------------------------
    def set_selected(self, names: Sequence[str]) -> None:
        for name, row in self.rows.items():
            row.set_checked(name in names)

    def set_hyperparameters(self, values: Mapping[str, Mapping[str, float]]) -> None:
        """Show every optimiser's hyperparameters without announcing them."""
        for name, hyper in values.items():
            for key, value in hyper.items():
                slider = self.rows[name].sliders[key]
                slider.blockSignals(True)
                slider.setValue(value)
                slider.blockSignals(False)

    def set_styles(self, styles: Mapping[str, Style]) -> None:
        """The path style of each optimiser racing (the others show none)."""
        for name, row in self.rows.items():
            row.set_style(styles.get(name))

    # -- what a person does ----------------------------------------------------------------
    def _on_check_toggled(self, checked: bool) -> None:
        for row in self.rows.values():
            row.body.setVisible(row.check.isChecked())
        self.selection_changed.emit([n for n, r in self.rows.items() if r.check.isChecked()])

    def _on_slider_value_changed(self, optimizer: str, key: str, value: float) -> None:
        self.hyperparameter_changed.emit(optimizer, key, value)
