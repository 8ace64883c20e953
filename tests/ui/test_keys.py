"""Keys: the focused control keeps its keys, playback keys drive the race elsewhere, Tab
reaches every control, and Help ▸ Keyboard Shortcuts lists them all."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QSlider, QTableWidget, QWidget

from gradient_studio.ui import shortcuts


def find(window, name: str):
    widget = window.findChild(QObject, name)
    assert widget is not None, f"no widget named {name!r}"
    return widget


def focus(qtbot, widget) -> None:
    widget.window().activateWindow()
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def press(qtbot, key) -> None:
    """A key as a person presses it: to whatever has the focus."""
    qtbot.keyClick(QApplication.focusWidget(), key)


def test_space_ticks_a_focused_check_box_and_does_not_play(qtbot, window):
    box = find(window, "optimizer_nesterov")
    focus(qtbot, box)
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        press(qtbot, Qt.Key.Key_Space)
    assert box.isChecked() and not window.playback.playing
    assert "nesterov" in window.session.selected


def test_arrows_move_a_focused_slider_not_the_playhead(qtbot, window):
    window.playback.seek(200)
    slider = find(window, "lr_adam")
    track = slider.findChild(QSlider)
    focus(qtbot, track)
    before = slider.value()
    press(qtbot, Qt.Key.Key_Right)
    assert slider.value() > before
    press(qtbot, Qt.Key.Key_Left)
    assert slider.value() == before
    assert window.playback.step == 200


def test_playback_keys_drive_the_race_from_the_picture(qtbot, window):
    focus(qtbot, find(window, "contourView"))
    press(qtbot, Qt.Key.Key_Home)
    assert window.playback.step == 0
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_Left)
    assert window.playback.step == 1
    press(qtbot, Qt.Key.Key_End)
    assert window.playback.step == window.playback.last
    press(qtbot, Qt.Key.Key_R)
    assert window.playback.step == 0
    press(qtbot, Qt.Key.Key_Space)
    assert window.playback.playing
    press(qtbot, Qt.Key.Key_Space)
    assert not window.playback.playing


def test_playback_keys_work_from_the_loss_plot_and_the_toolbar(qtbot, window):
    focus(qtbot, find(window, "lossPlot"))
    press(qtbot, Qt.Key.Key_Home)
    press(qtbot, Qt.Key.Key_Right)
    assert window.playback.step == 1
    focus(qtbot, find(window, "stepButton"))
    press(qtbot, Qt.Key.Key_Right)
    assert window.playback.step == 2
    press(qtbot, Qt.Key.Key_Space)  # a focused button's own key presses it: one step on
    assert window.playback.step == 3 and not window.playback.playing


def test_the_back_and_end_buttons(qtbot, window):
    window.playback.seek(10)
    qtbot.mouseClick(find(window, "backButton"), Qt.MouseButton.LeftButton)
    assert window.playback.step == 9
    qtbot.mouseClick(find(window, "endButton"), Qt.MouseButton.LeftButton)
    assert window.playback.step == window.playback.last
    assert find(window, "playheadSlider").value() == window.playback.last


def control_name(widget: QWidget) -> str:
    """The objectName of a widget, or of the named control it is part of."""
    while widget is not None and not widget.objectName():
        widget = widget.parentWidget()
    return widget.objectName() if widget is not None else ""


def test_tab_reaches_every_control(qtbot, window):
    focus(qtbot, find(window, "presetCombo"))
    seen = []
    for _ in range(200):
        seen.append(control_name(QApplication.focusWidget()))
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if control_name(QApplication.focusWidget()) == "presetCombo":
            break
    else:
        raise AssertionError(f"Tab never came back round: {seen}")
    needed = {
        "presetCombo",
        "functionEditor",
        "param_a",
        "param_b",
        "startX",
        "startY",
        "contourView",
        "lossPlot",
        "lossShowF",
        "lossShowGradient",
        "lossLogY",
        "resetButton",
        "backButton",
        "playButton",
        "stepButton",
        "endButton",
        "speedSlider",
        "playheadSlider",
        "stepsSpin",
        *(f"optimizer_{name}" for name in window.optimizer_panel.rows),
        *(f"lr_{name}" for name in window.session.selected),
    }
    assert needed <= set(seen), needed - set(seen)


def test_the_shortcuts_dialog_lists_every_key(qtbot, window):
    dialog = shortcuts.dialog(window)
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget, "shortcutsTable")
    listed = [tuple(table.item(row, c).text() for c in range(3)) for row in range(table.rowCount())]
    does = {row[1] for row in listed}
    for shortcut in shortcuts.PLAYBACK.values():
        assert shortcut.does in does
    assert ("Home or R", "Back to the start", shortcuts.PLAYBACK_WHERE) in listed
    menu_keys = [a.shortcut().toString() for a in window.menus.actions.values()]
    assert len([k for k in menu_keys if k]) >= 4
    for key in menu_keys:
        assert not key or any(row[0] == key for row in listed), key
    assert any("Enter" in row[0] and "editor" in row[2] for row in listed)
    help_menu = window.menuBar().actions()[-1].menu()
    assert "&Keyboard Shortcuts" in [a.text() for a in help_menu.actions()]


def test_the_menus_offer_every_playback_command_and_the_shortcuts(monkeypatch, qtbot, window):
    from PySide6.QtWidgets import QDialog

    titled = {a.text(): a.menu() for a in window.menuBar().actions()}
    race = [a.text() for a in titled["&Race"].actions()]
    assert {"&Play", "&Step", "&Back", "&End", "&Reset"} <= set(race)
    opened = []
    monkeypatch.setattr(QDialog, "exec", lambda self: opened.append(self.objectName()))
    (keys,) = [a for a in titled["&Help"].actions() if a.text() == "&Keyboard Shortcuts"]
    keys.trigger()
    assert opened == ["shortcutsDialog"]
