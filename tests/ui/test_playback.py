"""Play, pause, step, reset, scrub and speed: the animation keeps wall-clock time."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QObject, Qt

from gradient_studio.ui.status import STEP


def find(window, name: str):
    widget = window.findChild(QObject, name)
    assert widget is not None, f"no widget named {name!r}"
    return widget


def test_the_first_race_is_shown_whole(window):
    assert window.playback.step == window.playback.last == 500
    assert find(window, "playheadSlider").value() == 500
    assert window.scene.paths.step == 500


def test_step_and_reset_buttons(qtbot, window):
    qtbot.mouseClick(find(window, "resetButton"), Qt.MouseButton.LeftButton)
    assert window.playback.step == 0
    assert window.scene.paths.step == 0
    assert find(window, "playheadSlider").value() == 0
    qtbot.mouseClick(find(window, "stepButton"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(find(window, "stepButton"), Qt.MouseButton.LeftButton)
    assert window.playback.step == 2
    assert window.scene.paths.step == 2
    assert window.loss.plot.playhead.value() == 2


def test_keyboard_shortcuts_play_step_and_reset(qtbot, window):
    window.activateWindow()
    find(window, "contourView").setFocus()
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert window.playback.step == 0
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.playback.step == 1
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.playback.playing and find(window, "playButton").isChecked()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.playback.playing and not find(window, "playButton").isChecked()


def test_play_keeps_wall_clock_time_and_pauses_at_the_end(qtbot, window):
    find(window, "speedSlider").setValue(1000)
    window.playback.reset()
    began = time.perf_counter()
    qtbot.mouseClick(find(window, "playButton"), Qt.MouseButton.LeftButton)
    assert window.playback.playing
    qtbot.wait(200)
    elapsed = time.perf_counter() - began
    # Never ahead of the clock, and not far behind it (slow frames skip steps instead).
    assert 0.5 * 1000 * 0.2 <= window.playback.step <= 1000 * elapsed + 1
    qtbot.waitUntil(lambda: not window.playback.playing, timeout=3000)
    assert window.playback.step == window.playback.last
    assert not find(window, "playButton").isChecked()


def test_a_slow_frame_does_not_slow_the_clock(qtbot, window):
    window.playback.reset()
    find(window, "speedSlider").setValue(100)
    window.playback.play()
    time.sleep(0.25)  # the GUI thread is stuck for a quarter of a second
    qtbot.wait(30)
    assert window.playback.step >= 100 * 0.25
    window.playback.pause()


def test_scrubbing_the_playhead(qtbot, window):
    find(window, "playheadSlider").setValue(123)
    assert window.playback.step == 123
    assert window.scene.paths.step == 123
    assert window.loss.plot.playhead.value() == 123
    assert find(window, "statusTable").item(0, STEP).text() == "123"


def test_a_slider_moved_during_play_continues_from_the_current_step(qtbot, window):
    window.playback.reset()
    find(window, "speedSlider").setValue(50)
    window.playback.play()
    qtbot.wait(150)
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        find(window, "lr_adam").setValue(0.02)
    assert window.playback.playing
    assert 0 < window.playback.step < 100
    assert window.scene.paths.step == pytest.approx(window.playback.step, abs=5)
    window.playback.pause()


def test_max_steps_box_reruns_the_race(qtbot, window):
    spin = find(window, "stepsSpin")
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        spin.setValue(50)
    assert window.result.steps == 50
    assert window.playback.last == 50
    assert find(window, "playheadSlider").maximum() == 50
