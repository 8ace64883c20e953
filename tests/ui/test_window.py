"""The window as issue 4's contract describes it, and typing functions into it."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QPlainTextEdit, QSlider, QSpinBox

from gradient_studio.engine import OPTIMIZERS, PRESETS
from gradient_studio.ui.status import OUTCOME, TO_MIN

CONTRACT = [
    "functionEditor",
    "functionError",
    "presetCombo",
    "parameterPanel",
    "optimizerPanel",
    "contourView",
    "lossPlot",
    "playButton",
    "stepButton",
    "resetButton",
    "speedSlider",
    "playheadSlider",
    "stepsSpin",
    "gradientLabel",
]


def find(window, name: str):
    widget = window.findChild(QObject, name)
    assert widget is not None, f"no widget named {name!r}"
    return widget


def type_function(qtbot, window, text: str, *, valid: bool = True) -> None:
    """Select everything in the editor and type ``text`` key by key, as a person would."""
    editor = find(window, "functionEditor")
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, text)
    if valid:  # every valid prefix typed is raced too: wait for the whole text's race
        qtbot.waitUntil(lambda: shown(window) == text, timeout=5000)


def shown(window) -> str | None:
    """The function whose landscape and paths are both on screen."""
    race, picture = window.race_job, window.scene.objective
    if race is None or picture is None or race.text != picture.text:
        return None
    if not window.race_update.finished:
        return None
    return race.text


def test_every_contract_name_is_there_with_an_accessible_name(window):
    for name in CONTRACT:
        assert find(window, name).accessibleName(), name
    for name, spec in OPTIMIZERS.items():
        box = find(window, f"optimizer_{name}")
        assert isinstance(box, QAbstractButton) and box.isCheckable()
        assert spec.rule in box.toolTip()
        assert find(window, f"lr_{name}").accessibleName()
        for h in spec.hyperparameters[1:]:
            assert find(window, f"hyper_{name}_{h.name}").accessibleName()
    assert isinstance(find(window, "functionEditor"), QPlainTextEdit)
    assert isinstance(find(window, "functionError"), QLabel)
    assert isinstance(find(window, "presetCombo"), QComboBox)
    assert isinstance(find(window, "contourView"), pg.PlotWidget)
    assert isinstance(find(window, "lossPlot"), pg.PlotWidget)
    assert find(window, "playButton").isCheckable()
    assert isinstance(find(window, "playheadSlider"), QSlider)
    assert isinstance(find(window, "stepsSpin"), QSpinBox)


def test_default_window_races_rosenbrock_with_the_presets_learning_rates(window):
    preset = PRESETS["rosenbrock"]
    assert find(window, "functionEditor").toPlainText() == preset.text
    assert find(window, "presetCombo").currentText() == preset.title
    assert find(window, "functionError").text() == ""
    ticked = [n for n in OPTIMIZERS if find(window, f"optimizer_{n}").isChecked()]
    assert ticked == ["sgd", "momentum", "adam"]
    for name in ticked:
        assert find(window, f"lr_{name}").value() == pytest.approx(preset.suggested_lr(name))
    assert find(window, "stepsSpin").value() == preset.steps
    assert find(window, "param_a").value() == 1.0
    assert find(window, "param_b").value() == 100.0
    runs = window.result.trajectories
    assert [t.optimizer for t in runs] == ticked
    assert all(t.start == preset.start for t in runs)
    # The first race is telling: momentum ends far closer to the minimum than plain descent.
    f = {t.optimizer: t.f[t.stop] for t in runs}
    assert f["momentum"] < f["sgd"] / 100
    assert "∂f/∂x" in find(window, "gradientLabel").text()


def test_a_valid_function_updates_contours_sliders_and_paths_at_once(qtbot, window):
    type_function(qtbot, window, "x^2 + 3y^2 + a*sin(x)")
    assert window.scene.objective.text == "x^2 + 3y^2 + a*sin(x)"
    assert window.result.objective.text == "x^2 + 3y^2 + a*sin(x)"
    assert find(window, "functionError").text() == ""
    assert list(window.parameter_panel.sliders) == ["a"]
    assert find(window, "presetCombo").currentText() == "Your own function"
    gradient = find(window, "gradientLabel").text()
    assert "cos" in gradient and "6" in gradient  # ∂/∂x has a·cos(x), ∂/∂y = 6y


def test_an_invalid_function_is_explained_marked_and_keeps_the_picture(qtbot, window):
    type_function(qtbot, window, "x^2 + y^2")
    before = window.result
    editor = find(window, "functionEditor")
    with qtbot.assertNotEmitted(window.trajectories_updated, wait=300):
        editor.insertPlainText(" + (")  # pasted: one edit, invalid
        qtbot.keyClicks(editor, "y")  # typed: still invalid
    error = find(window, "functionError").text()
    assert "column 13" in error.lower() and "')'" in error
    assert error.lower().count("column") == 1  # said once, not twice
    (marked,) = editor.extraSelections()
    assert marked.cursor.selectionStart() == 12  # the '(' at column 13
    assert editor.toPlainText() == "x^2 + y^2 + (y"  # nothing typed is lost
    assert shown(window) == "x^2 + y^2"  # the last valid picture stays
    assert window.result is before
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        qtbot.keyClicks(editor, ")")
    assert find(window, "functionError").text() == ""
    assert editor.extraSelections() == []


def test_undo_and_redo_in_the_editor(qtbot, window):
    editor = find(window, "functionEditor")
    original = editor.toPlainText()
    type_function(qtbot, window, "x^2 + y^2")
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: editor.toPlainText() != "x^2 + y^2")
    for _ in range(20):
        if editor.toPlainText() == original:
            break
        qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == original
    qtbot.keyClick(
        editor,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert editor.toPlainText() != original


def test_typing_r_space_and_arrows_in_the_editor_is_typing_not_playback(qtbot, window):
    editor = find(window, "functionEditor")
    step = window.playback.step
    type_function(qtbot, window, "r x^2 + y^2")
    qtbot.keyClick(editor, Qt.Key.Key_Right)
    assert editor.toPlainText() == "r x^2 + y^2"
    assert not window.playback.playing
    assert window.playback.step == pytest.approx(window.playback.last) or step == 0


def test_parameter_sliders_appear_disappear_and_keep_their_values(qtbot, window):
    type_function(qtbot, window, "a*x^2 + b*y^2")
    assert set(window.parameter_panel.sliders) == {"a", "b"}
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        find(window, "param_a").setValue(3.0)
    type_function(qtbot, window, "a*x^2 + c*y^2")
    assert find(window, "parameterPanel").findChild(QObject, "param_b") is None
    assert find(window, "param_a").value() == 3.0
    assert find(window, "param_c").value() == 1.0
    type_function(qtbot, window, "x^2 + y^2")
    assert window.parameter_panel.sliders == {}


def test_choosing_a_preset_sets_function_view_start_and_rates(qtbot, window):
    combo = find(window, "presetCombo")
    index = combo.findData("himmelblau")
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        combo.activated.emit(index)
    preset = PRESETS["himmelblau"]
    assert find(window, "functionEditor").toPlainText() == preset.text
    assert window.session.view == (preset.xrange, preset.yrange)
    assert window.result.trajectories[0].start == preset.start
    assert find(window, "lr_adam").value() == pytest.approx(preset.suggested_lr("adam"))
    assert find(window, "statusTable").isColumnHidden(TO_MIN) is False  # distance to a minimum


def test_a_blow_up_is_reported_in_the_status(qtbot, window):
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        find(window, "lr_sgd").setValue(0.004)
    (sgd,) = [t for t in window.result.trajectories if t.optimizer == "sgd"]
    assert sgd.status == "diverged"
    table = find(window, "statusTable")
    # The table follows the picture on the next turn of the event loop.
    qtbot.waitUntil(lambda: table.item(0, OUTCOME).text() == f"diverged at step {sgd.stop + 1}")
    notes = find(window, "statusNotes").text()
    assert "Gradient descent diverged" in notes and "try a smaller learning rate" in notes
    message = find(window, "raceSummary").text()  # in the status bar, from the same race
    assert message.startswith("Gradient descent diverged") and "smaller learning rate" in message
    assert window.isVisible()  # never a crash or a frozen window
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        find(window, "lr_sgd").setValue(0.001)
    qtbot.waitUntil(lambda: find(window, "statusNotes").text() == "")


def test_menus_hold_the_commands(monkeypatch, window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&View", "&Race", "&Help"]
    file_menu = window.menuBar().actions()[0].menu()
    assert [a.text() for a in file_menu.actions() if a.text()] == [
        "Export &Image…",
        "Export &Animation…",
        "Export &Trajectories…",
        "&Quit",
    ]
    shown = []
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    window.menus.actions["about"].trigger()
    from gradient_studio import __version__

    assert __version__ in shown[0]
