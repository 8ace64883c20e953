"""The step inspector dock, driven through its widgets' objectNames: it shows the engine's own
numbers and statements for the run and step it is given, follows the playhead, asks the
window to move it, says how to choose a run when none is chosen, and copies its text."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QTextBrowser, QToolButton

from gradient_studio.engine.inspector import StepInspection, StepInspector
from gradient_studio.engine.optimizers import OPTIMIZERS
from gradient_studio.engine.race import Race
from gradient_studio.engine.results import OptimizerChoice, RunResult
from gradient_studio.engine.rule_text import number
from gradient_studio.engine.schedules import Schedule
from gradient_studio.engine.transforms import Clipping, GradientNoise, Training
from gradient_studio.ui.inspector import StepInspectorDock
from gradient_studio.ui.inspector_page import EXACT, GRADIENT, SELECT_HINT, equation


@pytest.fixture(scope="module")
def rosenbrock() -> RunResult:
    """Gradient descent, momentum and Adam on Rosenbrock (the first launch's race), 60 steps."""
    names = ("sgd", "momentum", "adam")
    return Race.create(
        preset="rosenbrock", optimizers=[OptimizerChoice(n) for n in names], steps=60
    ).run()


@pytest.fixture
def dock(qtbot):
    d = StepInspectorDock()
    qtbot.addWidget(d)
    d.resize(360, 800)
    d.show()
    return d


def page_text(dock: StepInspectorDock) -> str:
    return dock.findChild(QTextBrowser, "inspectorText").toPlainText()


def statements(dock: StepInspectorDock) -> list[str]:
    """The page's lines with each derivation joined back into one line, as ``Line.text``
    writes it (a continued line starts with "= ")."""
    out: list[str] = []
    for line in page_text(dock).split("\n"):
        if line.startswith("= ") and out:
            out[-1] += " " + line
        else:
            out.append(line)
    return out


def engine_lines(s: StepInspection):  # type: ignore[no-untyped-def]
    blocks = [line for block in s.rule_lines for line in block]
    return [*s.transform_lines, *s.step_lines, *blocks, *s.point_lines]


def shows_inspection(dock: StepInspectorDock, s: StepInspection, digits: int = 6) -> None:
    text, shown = page_text(dock), statements(dock)
    k = s.step
    for value in (*s.point, s.f, *s.gradient, s.grad_norm):
        assert number(value, digits) in text
    for name, value in (("∂f/∂x", s.gradient[0]), ("∂f/∂y", s.gradient[1])):
        assert any(row.startswith(f"{name} = {number(value, digits)}\t") for row in shown)
    for line in engine_lines(s):
        assert line.text(digits) in shown, line.text(digits)
    for v in s.hyperparameters:
        assert any(row.startswith(f"{v.symbol} = ") for row in shown), v.symbol
    assert any(row.startswith(f"t = {k + 1}") for row in shown) == s.takes_step


def test_the_page_shows_the_engines_numbers_and_statements_for_adam_at_step_10(dock, rosenbrock):
    dock.set_run(rosenbrock, 2, 0, "Adam — start (−1.5, 2)")
    dock.set_step(10)
    s = StepInspector(rosenbrock, 2, 0).at(10)
    assert dock.inspection.text(EXACT) == s.text(EXACT)
    shows_inspection(dock, s)
    text = page_text(dock)
    assert GRADIENT in text  # headings in words
    assert "first moment" in text and "second moment" in text  # the state, named
    for v in s.state:  # before and after, x and y side by side
        assert f"{v.symbol} before\t{number(v.value[0])}\t{number(v.value[1])}" in text
        assert f"{v.symbol} after\t{number(v.after[0])}\t{number(v.after[1])}" in text
    assert dock.findChild(QLabel, "inspectorTitle").text() == "Adam — start (−1.5, 2)"
    assert dock.findChild(QLabel, "inspectorStep").text() == "step 10 of 60"
    assert dock.text() == s.text()  # copy as text: the engine's own text


def test_a_derivation_lines_up_under_its_first_equals_sign(dock, rosenbrock):
    dock.set_run(rosenbrock, 0, 0, "Gradient descent")
    dock.set_step(10)
    s = StepInspector(rosenbrock, 0, 0).at(10)
    x_line = s.point_lines[0]
    lhs, formula, numbers, result = equation(x_line, 6)
    page = page_text(dock).split("\n")
    i = page.index(f"{lhs} = {formula}")
    assert page[i + 1 : i + 3] == [f"= {numbers}", f"= {result}"]
    assert result == number(s.next_point[0])
    assert s.next_point[0] == rosenbrock.trajectory(0, 0).points[11][0]


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimisers_page_holds_its_rule_with_the_numbers_put_in(qtbot, name):
    result = Race.create(preset="rosenbrock", optimizers=[OptimizerChoice(name)], steps=8).run()
    d = StepInspectorDock()
    qtbot.addWidget(d)
    d.show()
    d.set_run(result, 0, 0, OPTIMIZERS[name].display_name)
    engine = StepInspector(result, 0, 0)
    k = min(3, engine.last - 1)  # a step that moves (Newton converges within three)
    d.set_step(k)
    s = engine.at(k)
    assert s.takes_step
    shows_inspection(d, s)
    for symbol, words in s.legend:  # every symbol explained once
        assert f"{symbol}\t{words}" in page_text(d)


def test_the_exact_button_shows_17_significant_digits(qtbot, dock, rosenbrock):
    dock.set_run(rosenbrock, 1, 0, "Momentum")
    dock.set_step(10)
    exact = dock.findChild(QToolButton, "inspectorExact")
    qtbot.mouseClick(exact, Qt.MouseButton.LeftButton)
    assert dock.digits == EXACT
    s = StepInspector(rosenbrock, 1, 0).at(10)
    shows_inspection(dock, s, EXACT)
    x = s.point[0]
    assert float(number(x, EXACT).replace("−", "-")) == x  # every bit
    assert dock.text() == s.text(EXACT)
    qtbot.mouseClick(exact, Qt.MouseButton.LeftButton)
    shows_inspection(dock, s)


def test_it_follows_the_playhead_and_a_run_that_stopped_shows_why(dock):
    race = Race.create(
        preset="ill-conditioned", optimizers=[OptimizerChoice("rmsprop", {"lr": 0.1})], steps=100
    )
    result = race.run()
    stop = result.trajectory(0, 0).stop
    assert stop < 100  # RMSprop converges early here
    dock.set_run(result, 0, 0, "RMSprop")
    for k in (0, 1, 7, stop - 1):
        dock.set_step(k)
        assert dock.shown_step == k
        shows_inspection(dock, StepInspector(result, 0, 0).at(k))
    dock.set_step(100)  # the playhead past the run's end: its last point
    assert dock.shown_step == stop
    label = dock.findChild(QLabel, "inspectorStep")
    assert label.text() == f"step {stop}: its end"
    assert label.toolTip() == f"The playhead is at step 100; this run stopped at step {stop}"
    text = page_text(dock)
    assert "Why the run stops here" in text and "the run converged here" in text
    assert "The step, worked out" not in text  # there is no next step


def test_a_diverged_run_shows_the_step_that_threw_it_out(dock):
    result = Race.create(
        preset="ill-conditioned", optimizers=[OptimizerChoice("sgd", {"lr": 0.2})], steps=100
    ).run()
    t = result.trajectory(0, 0)
    assert t.status == "diverged"
    dock.set_run(result, 0, 0, "Gradient descent")
    dock.set_step(100)
    s = StepInspector(result, 0, 0).at(t.stop)
    shows_inspection(dock, s)
    assert "this step is where the run diverged" in page_text(dock).lower()


def test_step_buttons_ask_the_window_to_move_the_playhead(qtbot, dock, rosenbrock):
    back = dock.findChild(QToolButton, "inspectorBack")
    forward = dock.findChild(QToolButton, "inspectorForward")
    dock.set_run(rosenbrock, 2, 0, "Adam")
    dock.set_step(10)
    for button, wanted in ((back, 9), (forward, 11)):
        with qtbot.waitSignal(dock.step_requested, timeout=1000) as blocker:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert blocker.args == [wanted]
    assert dock.shown_step == 10  # the window moves the playhead, then tells the dock
    dock.set_step(0)
    assert not back.isEnabled() and forward.isEnabled()
    dock.set_step(60)
    assert back.isEnabled() and not forward.isEnabled()


def test_with_no_run_it_says_how_to_choose_one(qtbot, dock, rosenbrock):
    assert SELECT_HINT in page_text(dock)  # as it opens
    dock.set_run(rosenbrock, 0, 0, "Gradient descent")
    dock.set_step(5)
    dock.clear("The race was replaced.")
    text = page_text(dock)
    assert "The race was replaced." in text
    assert "click a path, a legend entry or a row of the table" in text
    assert dock.inspection is None and dock.text() == ""
    for name in ("inspectorBack", "inspectorForward", "inspectorCopy", "inspectorExact"):
        assert not dock.findChild(QToolButton, name).isEnabled(), name
    dock.set_step(7)  # a playhead moving with no run shows nothing new
    assert dock.inspection is None


def test_copy_as_text_puts_the_engines_text_on_the_clipboard(qtbot, dock, rosenbrock):
    dock.set_run(rosenbrock, 1, 0, "Momentum")
    dock.set_step(20)
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dock.findChild(QToolButton, "inspectorCopy"), Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == StepInspector(rosenbrock, 1, 0).at(20).text()


def test_the_raw_and_the_transformed_gradient_and_the_scheduled_lr(dock):
    training = Training(
        schedule=Schedule("step", {"step_size": 5, "gamma": 0.5}),
        clip=Clipping("norm", 5.0),
        noise=GradientNoise(seed=3),
    )
    result = Race.create(
        preset="rosenbrock", optimizers=[OptimizerChoice("sgd")], steps=30, training=training
    ).run()
    dock.set_run(result, 0, 0, "Gradient descent")
    dock.set_step(12)
    s = StepInspector(result, 0, 0).at(12)
    shows_inspection(dock, s)
    text = page_text(dock)
    assert "after noise and clipping" in text
    assert s.seen_gradient != s.gradient
    for g in s.seen_gradient:  # what the rule was given, beside ∂f/∂x and ∂f/∂y
        assert number(g) in text
    assert s.lr == pytest.approx(1e-3 * 0.5**2)  # halved at steps 5 and 10
    assert f"η = {number(s.lr)}\tlearning rate: how far each step goes; set by the schedule" in (
        text
    )


def test_a_hidden_inspector_waits_and_catches_up_when_shown(qtbot, rosenbrock):
    d = StepInspectorDock()
    qtbot.addWidget(d)
    d.set_run(rosenbrock, 0, 0, "Gradient descent")
    d.set_step(5)
    assert d.inspection is None  # nothing computed or laid out while it cannot be seen
    d.show()
    qtbot.waitUntil(lambda: d.shown_step == 5, timeout=1000)
    shows_inspection(d, StepInspector(rosenbrock, 0, 0).at(5))


def test_a_new_result_for_the_same_run_keeps_the_step(dock, rosenbrock):
    dock.set_run(rosenbrock, 2, 0, "Adam")
    dock.set_step(15)
    faster = Race.create(
        preset="rosenbrock", optimizers=[OptimizerChoice("adam", {"lr": 0.1})], steps=60
    ).run()
    dock.set_run(faster, 0, 0, "Adam")  # a slider dragged: a new result, the same run
    assert dock.shown_step == 15
    s = StepInspector(faster, 0, 0).at(15)
    assert dock.inspection.text(EXACT) == s.text(EXACT) and math.isclose(s.lr, 0.1)
    shows_inspection(dock, s)
