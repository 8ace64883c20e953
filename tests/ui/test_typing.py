"""Typing a function at a person's pace: nothing half-typed is drawn, and nothing left over
from a replaced race stays on screen."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QObject, Qt

from gradient_studio.engine import PRESETS
from gradient_studio.ui.function_editor import ERROR_COLOUR, SETTLE_MS
from gradient_studio.ui.status import OUTCOME
from gradient_studio.ui.worker import Frame

# QTest waits this long before each press and again before each release: a character every
# 200 ms, five a second.
PACE_MS = 100


def find(window, name: str):
    widget = window.findChild(QObject, name)
    assert widget is not None, f"no widget named {name!r}"
    return widget


def requested_races(window) -> list[str]:
    """The function text of every race the window asks for from now on."""
    texts: list[str] = []
    request = window.worker.request_race

    def spy(job):
        texts.append(job.text)
        return request(job)

    window.worker.request_race = spy
    return texts


def clear_editor(qtbot, editor) -> None:
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)


def test_typing_at_five_characters_a_second_draws_only_the_finished_function(qtbot, window):
    editor = find(window, "functionEditor")
    edited: list[tuple[str, tuple]] = []
    window.function_panel.function_edited.connect(lambda t, p: edited.append((t, p)))
    races = requested_races(window)
    clear_editor(qtbot, editor)  # "" is not a function: nothing is drawn for it either
    # s, si, sin(x) co … are each a valid function on the way; none may become the picture.
    qtbot.keyClicks(editor, "sin(x) cos(a y)", delay=PACE_MS)
    assert edited == [] and races == []
    assert window.session.text == PRESETS["rosenbrock"].text
    assert set(window.parameter_panel.sliders) == {"a", "b"}  # Rosenbrock's, untouched
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        pass  # the pause
    assert edited == [("sin(x) cos(a y)", ("a",))]
    assert races == ["sin(x) cos(a y)"]
    assert list(window.parameter_panel.sliders) == ["a"]
    assert window.race_job.text == "sin(x) cos(a y)"


def test_enter_draws_at_once(qtbot, window):
    editor = find(window, "functionEditor")
    races = requested_races(window)
    clear_editor(qtbot, editor)
    qtbot.keyClicks(editor, "x^2 + 3y^2")
    assert races == []
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert races == ["x^2 + 3y^2"]  # no waiting for the pause
    assert editor.toPlainText() == "x^2 + 3y^2"
    qtbot.wait(SETTLE_MS + 100)
    assert races == ["x^2 + 3y^2"]  # and the pause after it asks for nothing more
    qtbot.waitUntil(lambda: window.race_update.job.text == "x^2 + 3y^2", timeout=5000)


def test_a_half_typed_function_leaves_the_last_finished_one_on_screen(qtbot, window):
    editor = find(window, "functionEditor")
    races = requested_races(window)
    before = window.result
    clear_editor(qtbot, editor)
    qtbot.keyClicks(editor, "x^2 + (y", delay=PACE_MS)
    # While typing: the spot is marked at once and the message is there, quietly.
    error = find(window, "functionError")
    assert error.isVisible() and "column" in error.text().lower()
    assert ERROR_COLOUR not in error.text()
    assert editor.extraSelections()
    qtbot.wait(SETTLE_MS + 200)
    # Settled and still wrong: said in red; Rosenbrock (not x^2) is still the picture.
    assert ERROR_COLOUR in error.text()
    assert races == []
    assert window.result is before
    assert window.scene.objective.text == PRESETS["rosenbrock"].text
    assert window.session.text == PRESETS["rosenbrock"].text
    assert find(window, "functionHint").isHidden()


def test_hint_and_error_share_one_place_so_nothing_below_moves(qtbot, window):
    editor = find(window, "functionEditor")
    box = window.function_panel.gradient_box
    qtbot.wait(50)  # the layout after the derivatives arrived
    top = box.mapTo(window, box.rect().topLeft()).y()
    clear_editor(qtbot, editor)
    qtbot.keyClicks(editor, "x^2 + (")
    qtbot.wait(50)  # a layout pass
    assert find(window, "functionError").isVisible()
    assert box.mapTo(window, box.rect().topLeft()).y() == top
    qtbot.keyClicks(editor, "y)")
    qtbot.wait(50)
    assert not find(window, "functionError").isVisible()
    assert box.mapTo(window, box.rect().topLeft()).y() == top


def test_a_race_of_a_replaced_function_leaves_nothing_behind(qtbot, window):
    # A blow-up, said in the table, the notes and the status bar alike.
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        find(window, "lr_sgd").setValue(0.004)
    summary, notes, table = (
        find(window, name) for name in ("raceSummary", "statusNotes", "statusTable")
    )
    qtbot.waitUntil(lambda: "diverged" in summary.text())
    assert summary.text() == window.status.troubles()[0]
    stale = window.race_update
    # A new function settles; its race replaces the one that blew up.
    editor = find(window, "functionEditor")
    clear_editor(qtbot, editor)
    qtbot.keyClicks(editor, "x^2 + y^2")
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.race_update.finished and window._pending_panes is None)
    assert summary.text() == "" and notes.text() == ""
    assert "diverged" not in table.item(0, OUTCOME).text()
    # A frame of the old race arriving late (it was on its way) is not shown at all.
    late = dataclasses.replace(stale, job=dataclasses.replace(stale.job, text="x^2 + 2y^2"))
    with qtbot.assertNotEmitted(window.trajectories_updated, wait=100):
        window._on_worker_frame_ready(Frame(race=late))
    assert window.race_update.job.text == "x^2 + y^2"
    assert summary.text() == "" and "diverged" not in table.item(0, OUTCOME).text()


def test_with_no_optimiser_ticked_the_status_bar_says_what_to_do(qtbot, window):
    for name in window.session.selected:
        with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
            find(window, f"optimizer_{name}").click()
    summary = find(window, "raceSummary")
    qtbot.waitUntil(lambda: "Tick an optimiser" in summary.text())
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        find(window, "optimizer_adam").click()
    qtbot.waitUntil(lambda: summary.text() == "")


def test_a_failure_is_said_until_the_next_picture_replaces_it(qtbot, window):
    summary = find(window, "raceSummary")
    window._on_worker_job_failed("race", "out of memory")  # as the worker reports one
    window._on_worker_job_failed("landscape", "recursion too deep")
    assert summary.text() == "Could not compute the race: out of memory"
    assert "recursion too deep" in window.statusBar().currentMessage()
    editor = find(window, "functionEditor")
    clear_editor(qtbot, editor)
    qtbot.keyClicks(editor, "x^2 + y^2")
    with qtbot.waitSignals([window.landscape_updated, window.trajectories_updated], timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window._pending_panes is None)
    assert window.statusBar().currentMessage() == ""
    assert summary.text() == ""
