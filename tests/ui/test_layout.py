"""The window's size and layout: it fits the screen, keeps what is needed in sight at
800×600, and remembers its size, place and splitters. Also the readouts beside the picture."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QSize, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QSplitter

from gradient_studio.ui import settings


def find(window, name: str):
    widget = window.findChild(QObject, name)
    assert widget is not None, f"no widget named {name!r}"
    return widget


def visible_in(widget, window) -> bool:
    """Whether all of ``widget`` is on screen inside ``window``."""
    if not widget.isVisible():
        return False
    top_left = widget.mapTo(window, widget.rect().topLeft())
    return window.rect().contains(QRect(top_left, widget.size()))


def test_a_fitting_size_is_at_most_ninety_percent_of_the_screen():
    assert settings.fitting_size(QRect(0, 0, 1920, 1080)) == QSize(1280, 820)
    small = settings.fitting_size(QRect(0, 0, 1024, 600))
    assert small.width() <= 0.9 * 1024 and small.height() <= 0.9 * 600


@pytest.mark.parametrize("scale", ["1", "2"])
def test_the_window_opens_inside_the_screen(tmp_path, scale):
    """A fresh process on a 1920×1080 screen, also at QT_SCALE_FACTOR=2 (960×540 to Qt)."""
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": 1920, "height": 1080}]})
    )
    script = (
        "from PySide6.QtCore import QSettings\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "ini, user = QSettings.Format.IniFormat, QSettings.Scope.UserScope\n"
        f"QSettings.setPath(ini, user, {str(tmp_path)!r})\n"
        "from gradient_studio.ui import MainWindow\n"
        "w = MainWindow(); w.show(); app.processEvents()\n"
        "a = w.screen().availableGeometry()\n"
        "print(w.width(), w.height(), a.width(), a.height())\n"
        "w.close()\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", QT_SCALE_FACTOR=scale)
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    width, height, screen_width, screen_height = map(int, out.stdout.split())
    assert screen_width == 1920 // int(scale)
    assert width <= 0.9 * screen_width and height <= 0.9 * screen_height


def test_size_place_and_splitters_are_remembered(qtbot, window):
    screen = window.screen().availableGeometry()
    size = QSize(int(screen.width() * 0.88), int(screen.height() * 0.7))
    window.resize(size)
    window.move(40, 30)
    main = window.findChild(QSplitter, "mainSplitter")
    main.setSizes([300, 700])
    qtbot.wait(20)
    remembered = main.sizes()
    window.close()
    from gradient_studio.ui import MainWindow

    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.size() == size
    assert again.findChild(QSplitter, "mainSplitter").sizes() == remembered
    again.close()


def test_a_remembered_size_too_big_for_the_screen_is_shrunk_to_it(qtbot, window):
    screen = window.screen().availableGeometry()
    window.resize(screen.width() + 500, screen.height() + 300)
    window.close()
    from gradient_studio.ui import MainWindow

    again = MainWindow()
    qtbot.addWidget(again)
    assert again.width() <= screen.width() and again.height() <= screen.height()
    again.close()


def test_at_800_by_600_everything_needed_is_in_sight(qtbot, window):
    window.resize(800, 600)
    qtbot.wait(100)
    toolbar = find(window, "playbackToolbar")
    for name in (
        "playButton",
        "stepButton",
        "backButton",
        "resetButton",
        "endButton",
        "speedSlider",
        "playheadSlider",
        "stepsSpin",
    ):
        widget = find(window, name)
        assert visible_in(widget, window), name
        assert toolbar.rect().contains(widget.geometry()), name
    for name in ("contourView", "lossPlot", "statusTable", "functionEditor", "presetCombo"):
        assert visible_in(find(window, name), window), name
    assert find(window, "contourView").width() >= 400
    window.resize(1600, 1000)  # room again: the buttons say their names
    qtbot.wait(100)
    assert toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon


def test_a_long_preset_shows_the_start_of_its_text_and_keeps_the_optimisers_close(qtbot, window):
    combo = find(window, "presetCombo")
    with qtbot.waitSignal(window.landscape_updated, timeout=10_000):
        combo.activated.emit(combo.findData("goldstein-price"))
    qtbot.wait(50)
    editor = find(window, "functionEditor")
    assert editor.cursorRect().top() < editor.fontMetrics().lineSpacing() * 2
    assert editor.textCursor().position() == 0
    box = window.function_panel.gradient_box
    assert box.height() <= editor.fontMetrics().lineSpacing() * 6
    assert len(find(window, "gradientLabel").text()) > 400  # long, yet in a small box


def hover(window, x: float, y: float) -> None:
    view = window.scene.widget
    window.scene.widget.scene().sigMouseMoved.emit(
        window.scene.plot.vb.mapViewToScene(QPointF(x, y))
    )
    assert view is not None


def test_hovering_the_landscape_shows_x_y_and_f(qtbot, window):
    readout = find(window, "cursorReadout")
    hover(window, 0.5, 2.0)
    text = readout.text()
    assert readout.isVisible()
    assert "0.5" in text and "2" in text
    f = (1 - 0.5) ** 2 + 100 * (2.0 - 0.25) ** 2  # Rosenbrock, a = 1, b = 100
    assert f"{f:.3g}" in text
    QApplication.sendEvent(window.scene.widget, QEvent(QEvent.Type.Leave))
    assert not readout.isVisible()


def test_f_is_undefined_where_the_function_is(qtbot, window):
    editor = find(window, "functionEditor")
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "sqrt(x) + y^2")
    with qtbot.waitSignal(window.landscape_updated, timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    hover(window, -0.5, 1.0)
    assert "undefined" in find(window, "cursorReadout").text()


def test_the_start_can_be_typed_exactly(qtbot, window):
    x_box, y_box = find(window, "startX"), find(window, "startY")
    x_box.setText("0.25")
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        x_box.editingFinished.emit()
    assert window.session.start[0] == 0.25
    assert window.result.trajectories[0].start[0] == 0.25
    y_box.setText("nonsense")
    with qtbot.assertNotEmitted(window.trajectories_updated, wait=200):
        y_box.editingFinished.emit()
    assert "not a start y" in window.statusBar().currentMessage()
    assert y_box.text() == f"{window.session.start[1]:.6g}"
    window.set_start(-1.0, 1.5)  # a click elsewhere shows in the boxes
    assert (x_box.text(), y_box.text()) == ("-1", "1.5")


def test_new_bounds_that_move_a_parameter_say_so_in_the_status_bar(qtbot, window):
    low = find(window, "param_a").findChildren(QLineEdit)[0]
    low.setText("3")
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        low.editingFinished.emit()
    assert find(window, "param_a").value() == 3.0
    message = window.statusBar().currentMessage()
    assert message.startswith("Parameter a moved from 1 to 3")
