"""The window's parts on their own: sliders, the function panel, the status sentences."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from monkey import send_wheel
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QLineEdit, QSlider, QWidget

from gradient_studio.engine import ExpressionError, parse_expression
from gradient_studio.ui.function_editor import FunctionPanel
from gradient_studio.ui.loss_plot import _peaks
from gradient_studio.ui.optimizer_panel import OptimizerPanel, describe
from gradient_studio.ui.parameter_panel import ParameterPanel
from gradient_studio.ui.readout import START_LIMIT, StartEntry
from gradient_studio.ui.sliders import FloatSlider, format_number, parse_number, widened
from gradient_studio.ui.status import explanation, nearest_minimum, outcome, said_once


def boxes(slider):
    return slider.findChildren(QLineEdit)


def test_log_slider_spreads_decades_evenly(qtbot):
    slider = FloatSlider(1e-5, 10.0, 1e-3, log=True)
    qtbot.addWidget(slider)
    track = slider.findChild(QSlider)
    assert track.value() == round(2 / 6 * 1000)
    track.setValue(1000)
    assert slider.value() == 10.0
    track.setValue(0)
    assert slider.value() == 1e-5


def test_slider_emits_only_on_change_and_clamps(qtbot):
    slider = FloatSlider(0.0, 1.0, 0.5)
    qtbot.addWidget(slider)
    seen = []
    slider.valueChanged.connect(seen.append)
    slider.setValue(0.5)
    slider.setValue(3.0)
    assert seen == [1.0]
    assert boxes(slider)[0].text() == "1"


def test_typed_value_is_exact_and_widens_editable_bounds(qtbot):
    slider = FloatSlider(-5.0, 5.0, 1.0, editable_bounds=True)
    qtbot.addWidget(slider)
    low, high, value = boxes(slider)
    value.setText("123.456")
    value.editingFinished.emit()
    assert slider.value() == 123.456
    assert slider.maximum() >= 123.456
    high.setText("1000")
    high.editingFinished.emit()
    assert slider.maximum() == 1000
    low.setText("200")  # above the value: the value is clamped into the new range
    low.editingFinished.emit()
    assert slider.minimum() == 200 and slider.value() == 200
    value.setText("nonsense")
    value.editingFinished.emit()
    assert slider.value() == 200 and value.text() == "200"


@given(st.text(max_size=12))
def test_any_text_typed_into_a_slider_box_is_a_number_or_ignored(text):
    number = parse_number(text)
    assert number is None or np.isfinite(number)


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_widened_bounds_hold_the_value(low, value):
    high = low + 10.0
    lo, hi = widened((low, high), value)
    assert lo <= value <= hi and lo <= low and hi >= high


def test_format_number():
    assert [format_number(v) for v in (0.001, 1e-5, 100.0, -2.5, 0.0)] == [
        "0.001",
        "1e-5",
        "100",
        "-2.5",
        "0",
    ]


@given(st.text(alphabet="xyab+-*/^()., 0123456789sinco", max_size=20))
def test_the_function_panel_explains_or_accepts_every_text(qapp, text):
    panel = FunctionPanel()
    accepted = []
    panel.editor.setPlainText("@")  # not in the alphabet: every text below is an edit
    panel.function_edited.connect(lambda t, p: accepted.append((t, p)))
    panel.editor.set_text(text)
    panel.settle()  # as a pause or Enter does
    try:
        expected = parse_expression(text)
    except ExpressionError:
        assert "column" in panel.error.text().lower()
        assert accepted == []
    else:
        assert accepted[-1] == (text, tuple(expected.parameters))
        assert panel.error.text() == ""
    panel.deleteLater()


def test_pasting_several_lines_gives_one(qtbot):
    panel = FunctionPanel()
    qtbot.addWidget(panel)
    panel.editor.selectAll()
    qtbot.keyClick(panel.editor, Qt.Key.Key_Return)
    assert "\n" not in panel.editor.toPlainText()


def test_parameter_panel_remembers_bounds_by_name(qtbot):
    panel = ParameterPanel()
    qtbot.addWidget(panel)
    panel.set_parameters(("a", "b"), {"a": 2.0, "b": 1.0})
    panel.sliders["a"].setRange(0.0, 50.0)
    panel.set_parameters(("b",), {"b": 1.0})
    assert "a" not in panel.sliders
    panel.set_parameters(("a", "b"), {"a": 2.0, "b": 1.0})
    assert (panel.sliders["a"].minimum(), panel.sliders["a"].maximum()) == (0.0, 50.0)
    panel.set_parameters(("c",), {"c": 100.0})  # a value beyond -5…5 widens the bounds
    assert panel.sliders["c"].maximum() >= 100.0


def run(status, stop, notes=(), points=((0.0, 0.0),)):
    return SimpleNamespace(status=status, stop=stop, notes=notes, points=np.array(points))


def test_a_blow_up_is_explained_in_words():
    t = run("diverged", 36, ("gradient exploded at step 37: try a smaller learning rate",))
    assert explanation("Adam", t) == (
        "Adam diverged — gradient exploded at step 37: try a smaller learning rate"
    )
    assert outcome(t) == "diverged at step 37"
    t = run("left-domain", 4, ("left the domain at step 5: f is undefined at (-1, 0)",))
    assert explanation("RMSprop", t).startswith("RMSprop left the domain at step 5")
    assert explanation("Adam", run("converged", 10)) == ""
    assert outcome(run("max-steps", 500)) == "ran out of steps"


def test_distance_to_the_nearest_minimum():
    assert nearest_minimum((1.0, 1.0), [(1.0, 2.0), (4.0, 5.0)]) == pytest.approx(1.0)
    assert nearest_minimum((1.0, 1.0), []) is None


def test_loss_curves_keep_their_peaks_when_thinned():
    values = np.ones(100_000)
    values[54_321] = 1e9
    steps, shown = _peaks(values, limit=1000)
    assert len(steps) <= 1002 and shown.max() == 1e9
    assert steps[-1] == 99_999 and steps[0] == 0
    assert np.all(np.diff(steps) >= 0)


# -- sliders: whatever is typed, and round values by hand ---------------------------------

NUMBERS = st.one_of(
    st.sampled_from(["1e308", "-1e308", "1e-320", "-0", "inf", "nan", "1e100", "-1e101", "0"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(-1e6, 1e6).map(lambda v: f"{v:g}"),
    st.text(max_size=8),
)


def type_into(box: QLineEdit, text: str) -> None:
    box.setText(text)
    box.editingFinished.emit()


def assert_sane(slider: FloatSlider) -> None:
    low, high, value = slider.minimum(), slider.maximum(), slider.value()
    assert all(np.isfinite([low, high, value])), (low, high, value)
    assert low < high and low <= value <= high, (low, high, value)
    assert 0 <= slider.findChild(QSlider).value() <= 1000


@given(st.lists(st.tuples(st.sampled_from([0, 1, 2]), NUMBERS), max_size=8))
def test_bounds_and_value_stay_finite_and_ordered_whatever_is_typed(qapp, typed):
    slider = FloatSlider(-5.0, 5.0, 1.0, editable_bounds=True)
    track = slider.findChild(QSlider)
    try:
        for which, text in typed:
            type_into(boxes(slider)[which], text)  # low, high, value
            assert_sane(slider)
            for position in (0, 517, 1000):  # dragging anywhere works and stays inside
                track.setValue(position)
                assert_sane(slider)
    finally:
        slider.deleteLater()


def test_typing_1e308_then_minus_1e308_keeps_a_working_slider(qtbot):
    slider = FloatSlider(-5.0, 5.0, 1.0, editable_bounds=True)
    qtbot.addWidget(slider)
    value = boxes(slider)[2]
    type_into(value, "1e308")
    assert_sane(slider)
    slider.findChild(QSlider).setValue(700)  # raised OverflowError
    type_into(value, "-1e308")
    assert_sane(slider)
    slider.grab()  # every redraw raised "cannot convert float NaN to integer"
    slider.findChild(QSlider).setValue(300)
    assert_sane(slider)


def log_slider(qtbot, width: int = 140) -> tuple[FloatSlider, QSlider]:
    slider = FloatSlider(1e-5, 10.0, 1e-3, log=True)
    qtbot.addWidget(slider)
    slider.resize(width + 80, 24)
    slider.show()
    qtbot.waitExposed(slider)
    return slider, slider.findChild(QSlider)


def test_dragging_a_log_slider_lands_on_round_values(qtbot):
    slider, track = log_slider(qtbot)
    seen = set()
    track.setSliderDown(True)  # a drag, sweeping every position
    for position in range(1001):
        track.setSliderPosition(position)
        seen.add(slider.value())
    track.setSliderDown(False)
    for round_value in (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1, 1.0):
        assert round_value in seen
    assert all(float(f"{v:.2g}") == v for v in seen)  # no 0.0476


def test_keys_and_wheel_step_a_log_slider_through_1_2_5(qtbot):
    slider, track = log_slider(qtbot)
    track.setFocus()
    qtbot.waitUntil(track.hasFocus)
    values = []
    for _ in range(3):
        qtbot.keyClick(track, Qt.Key.Key_Right)
        values.append(slider.value())
    assert values == [2e-3, 5e-3, 0.01]
    qtbot.keyClick(track, Qt.Key.Key_Left)
    assert slider.value() == 5e-3
    qtbot.keyClick(track, Qt.Key.Key_PageUp)
    assert slider.value() == 0.05
    centre = QPointF(track.rect().center())
    for delta, expected in ((120, 0.1), (-120, 0.05), (-120, 0.02)):
        send_wheel(track, centre, delta)
        assert slider.value() == expected


def test_new_bounds_that_move_the_value_say_so(qtbot):
    slider = FloatSlider(-5.0, 5.0, 1.0, editable_bounds=True, name="Parameter a")
    qtbot.addWidget(slider)
    slider.show()
    moved = []
    slider.value_moved.connect(lambda a, b: moved.append((a, b)))
    low, high, _ = boxes(slider)
    type_into(high, "3")  # the value 1 still fits: nothing to say
    assert moved == []
    type_into(low, "2")
    assert moved == [(1.0, 2.0)] and slider.value() == 2.0
    said = slider.moved_text(*moved[0])
    assert "Parameter a moved from 1 to 2" in said and "2 … 3" in said


def test_every_optimiser_tooltip_says_each_thing_once(qtbot):
    panel = OptimizerPanel()
    qtbot.addWidget(panel)
    tips = [w.toolTip() for w in panel.findChildren(QWidget) if w.toolTip()]
    assert len(tips) > 50
    for tip in tips:
        for line in tip.splitlines():
            head, _, rest = line.partition(": ")
            assert not (rest and rest.casefold().startswith(head.casefold())), line
    assert describe("learning rate", "learning rate: how far each step goes") == (
        "learning rate: how far each step goes"
    )
    assert describe("ε", "added to the denominator") == "ε: added to the denominator"


def test_a_start_outside_the_domain_is_one_message_with_one_step():
    note = "left the domain at step 0: the start (-1.5, 2) is outside the domain"
    runs = [(name, run("left-domain", 0, (note,))) for name in ("Gradient descent", "Adam")]
    for _, t in runs:
        t.trouble_step = 0  # the engine's word for where it went wrong
        assert outcome(t) == "left the domain at step 0"
    assert said_once(runs) == [
        (["Gradient descent", "Adam"], f"Gradient descent and Adam {note}"),
    ]


def test_a_function_without_a_minimum_is_said_so_not_ran_out_of_steps():
    note = "f decreases without bound: -6.5e9 at step 150 — this function has no minimum here"
    t = run("max-steps", 150, (note,))
    assert outcome(t) == "no minimum (step 150)"
    assert explanation("Adam", t) == f"Adam: {note}"
    assert "smaller learning rate" not in explanation("Adam", t)
    diverged = run("diverged", 40, (note,))
    assert explanation("Momentum", diverged) == f"Momentum: {note}"


@given(st.lists(st.tuples(st.booleans(), NUMBERS), max_size=6))
@example([(False, "0\x1f")])  # a control character after the number: shown without it
def test_any_text_typed_as_the_start_is_a_start_or_refused(qapp, typed):
    entry = StartEntry()
    starts = []
    entry.start_edited.connect(lambda x, y: starts.append((x, y)))
    entry.set_start(-1.5, 2.0)
    try:
        for in_x, text in typed:
            box = entry.x_box if in_x else entry.y_box
            box.setText(text)
            box.editingFinished.emit()
            shown = (float(entry.x_box.text()), float(entry.y_box.text()))
            assert all(np.isfinite(shown)) and max(map(abs, shown)) <= START_LIMIT
        for x, y in starts:
            assert np.isfinite([x, y]).all() and max(abs(x), abs(y)) <= START_LIMIT
    finally:
        entry.deleteLater()
