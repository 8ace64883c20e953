"""A slider for every free parameter of the function, made as the parameter appears.

Typing ``a*x^2 + b*y^2`` gives sliders ``a`` and ``b``; deleting ``b`` removes its slider. A
parameter that comes back gets its old value and bounds back: the panel remembers each
slider's bounds by name, the window's session remembers the values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from gradient_studio.ui import theme
from gradient_studio.ui.sliders import FloatSlider, widened

DEFAULT_BOUNDS = (-5.0, 5.0)
EMPTY = (
    "No parameters. Any letter besides x and y (as in <code>a*x^2 + b*y^2</code>) "
    "gets a slider here."
)


class ParameterPanel(QWidget):
    """One ``param_<name>`` slider per parameter; emits ``value_changed(name, value)`` when a
    person moves one."""

    value_changed = Signal(str, float)
    notice = Signal(str)  # a sentence for the status bar (new bounds moved a value)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("parameterPanel")
        self.setAccessibleName("Function parameters")
        self._form = QFormLayout()
        self._form.setContentsMargins(0, 0, 0, 0)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._empty = QLabel(EMPTY)
        self._empty.setWordWrap(True)
        self._empty.setStyleSheet(theme.quiet_style())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._form)
        layout.addWidget(self._empty)
        self.sliders: dict[str, FloatSlider] = {}
        self._bounds: dict[str, tuple[float, float]] = {}

    def set_parameters(self, names: Sequence[str], values: Mapping[str, float]) -> None:
        """Show a slider per name, in order, at ``values``; sliders of other names go."""
        for name in [n for n in self.sliders if n not in names]:
            slider = self.sliders.pop(name)
            self._bounds[name] = (slider.minimum(), slider.maximum())
            self._form.removeRow(slider)
        for row, name in enumerate(names):
            value = float(values.get(name, 1.0))
            shown = self.sliders.get(name)
            if shown is None:
                made = self.sliders[name] = self._make(name, value)
                self._form.insertRow(row, self._label(name), made)
            else:
                self._show_value(shown, value)
        self._empty.setVisible(not names)

    def set_values(self, values: Mapping[str, float]) -> None:
        """Show new values (e.g. a preset's) without announcing them."""
        for name, value in values.items():
            if name in self.sliders:
                self._show_value(self.sliders[name], value)

    def _make(self, name: str, value: float) -> FloatSlider:
        bounds = self._bounds.get(name, DEFAULT_BOUNDS)
        if not bounds[0] <= value <= bounds[1]:
            bounds = widened(bounds, value)
        slider = FloatSlider(*bounds, value, editable_bounds=True, name=f"Parameter {name}")
        slider.setObjectName(f"param_{name}")
        slider.setToolTip(
            f"The parameter {name}: drag, or type a value; the boxes at either end set the "
            "slider's range."
        )
        slider.valueChanged.connect(lambda v, n=name: self._on_slider_value_changed(n, v))
        slider.value_moved.connect(lambda a, b, s=slider: self.notice.emit(s.moved_text(a, b)))
        return slider

    def _label(self, name: str) -> QLabel:
        label = QLabel(f"<i>{name}</i>")
        label.setTextFormat(Qt.TextFormat.RichText)
        return label

    @staticmethod
    def _show_value(slider: FloatSlider, value: float) -> None:
        slider.blockSignals(True)  # its bounds widen to hold a value typed elsewhere
        slider.setValue(value)
        slider.blockSignals(False)

    def _on_slider_value_changed(self, name: str, value: float) -> None:
        self.value_changed.emit(name, value)
