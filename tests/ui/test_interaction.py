"""Sliders, optimisers, the start point and the view: every change redraws the paths."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QSlider

from gradient_studio.engine import PRESETS


def find(window, name: str):
    widget = window.findChild(QObject, name)
    assert widget is not None, f"no widget named {name!r}"
    return widget


def path_of(window, optimizer: str) -> np.ndarray:
    (t,) = [t for t in window.result.trajectories if t.optimizer == optimizer]
    return np.array(t.points)


def viewport_point(window, x: float, y: float) -> QPoint:
    """Where the data point (x, y) is on the contour view's viewport, in its pixels."""
    view = find(window, "contourView")
    scene_point = window.scene.plot.vb.mapViewToScene(QPointF(x, y))
    return view.mapFromScene(scene_point)


def send_mouse(widget, kind, pos: QPoint, buttons) -> None:
    """A mouse event with the buttons held (QTest's moves carry no buttons)."""
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    local = QPointF(pos)
    event = QMouseEvent(
        kind,
        local,
        QPointF(widget.mapToGlobal(pos)),
        button,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def test_dragging_the_learning_rate_slider_redraws_the_path(qtbot, window):
    before = path_of(window, "adam")
    slider = find(window, "lr_adam")
    track = slider.findChild(QSlider)
    track.setFocus()
    for _ in range(3):  # the keyboard drives the same slider a drag does
        with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
            qtbot.keyClick(track, Qt.Key.Key_PageUp)
    assert slider.value() > 0.05
    assert window.result.choices[2].hyperparameters["lr"] == pytest.approx(slider.value())
    assert not np.array_equal(before, path_of(window, "adam"))
    assert "lr=" + f"{slider.value():g}" in window.result.trajectories[2].label


def test_a_typed_learning_rate_is_exact(qtbot, window):
    box = find(window, "lr_momentum").findChild(QLineEdit)
    box.setFocus()
    box.selectAll()
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        qtbot.keyClicks(box, "2.5e-4")
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert find(window, "lr_momentum").value() == 2.5e-4
    assert window.result.choices[1].hyperparameters["lr"] == 2.5e-4


def test_hyperparameter_and_parameter_sliders_redraw(qtbot, window):
    before = path_of(window, "momentum")
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        find(window, "hyper_momentum_momentum").setValue(0.5)
    after = path_of(window, "momentum")
    assert not np.array_equal(before, after)
    old_grid = window.landscape.z
    with qtbot.waitSignals([window.trajectories_updated, window.landscape_updated], timeout=5000):
        find(window, "param_b").setValue(10.0)
    assert window.result.objective.values["b"] == 10.0
    assert not np.array_equal(old_grid, window.landscape.z)
    assert not np.array_equal(after, path_of(window, "momentum"))


def test_ticking_an_optimiser_races_it_in_its_own_colour(qtbot, window):
    box = find(window, "optimizer_nesterov")
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert [t.optimizer for t in window.result.trajectories] == [
        "sgd",
        "momentum",
        "nesterov",
        "adam",
    ]
    assert find(window, "lr_nesterov").isVisible()
    colours = [g.colour for g in window.scene.paths.groups]
    assert len(set(colours)) == 4
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert "nesterov" not in [t.optimizer for t in window.result.trajectories]
    assert not find(window, "lr_nesterov").isVisible()


def test_clicking_the_view_sets_the_start(qtbot, window):
    view = find(window, "contourView")
    where = viewport_point(window, 0.5, 2.5)
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    start = window.result.trajectories[0].start
    assert start == pytest.approx((0.5, 2.5), abs=0.05)
    assert all(t.start == start for t in window.result.trajectories)


def test_dragging_the_start_marker_moves_it_and_the_paths_follow(qtbot, window):
    viewport = find(window, "contourView").viewport()
    held = Qt.MouseButton.LeftButton
    start = PRESETS["rosenbrock"].start
    send_mouse(viewport, QEvent.Type.MouseButtonPress, viewport_point(window, *start), held)
    moves = 0
    for x in np.linspace(start[0], -0.5, 6)[1:]:
        with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
            send_mouse(viewport, QEvent.Type.MouseMove, viewport_point(window, x, 2.0), held)
        moves += 1
        assert window.result.trajectories[0].start[0] == pytest.approx(x, abs=0.05)
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        send_mouse(
            viewport,
            QEvent.Type.MouseButtonRelease,
            viewport_point(window, -0.5, 2.0),
            Qt.MouseButton.NoButton,
        )
    assert moves == 5
    assert window.session.start == pytest.approx((-0.5, 2.0), abs=0.05)
    assert window.session.view == (PRESETS["rosenbrock"].xrange, PRESETS["rosenbrock"].yrange)


def test_zooming_re_evaluates_the_landscape_and_reset_view_returns(qtbot, window):
    view = find(window, "contourView")
    centre = viewport_point(window, 1.0, 1.0)
    wheel = QWheelEvent(
        QPointF(centre),
        QPointF(view.viewport().mapToGlobal(centre)),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    with qtbot.waitSignal(window.landscape_updated, timeout=5000):
        QApplication.sendEvent(view.viewport(), wheel)
    (x0, x1), _ = window.session.view
    assert x1 - x0 < 4.0  # zoomed in from -2…2
    xs = window.landscape.xs
    assert xs[0] == pytest.approx(x0, abs=(x1 - x0) / 100)
    with qtbot.waitSignal(window.landscape_updated, timeout=5000):
        window.menus.actions["reset_view"].trigger()
    assert window.session.view == (PRESETS["rosenbrock"].xrange, PRESETS["rosenbrock"].yrange)
    assert window.landscape.xs[0] < -1.99


def test_view_menu_changes_the_picture(qtbot, window):
    menu = window.menuBar().actions()[1].menu()
    colour_maps = menu.actions()[0].menu()
    magma = next(a for a in colour_maps.actions() if a.text() == "magma")
    magma.trigger()
    assert window.scene.landscape.colormap == "magma"
    window.menus.actions["arrows"].trigger()
    assert window.scene.show_arrows
    assert window.menus.picture_options()["arrows"] is True
