"""The 3-D view's widget driven as a person would: it shows the race, follows new steps and
grids, turns with the mouse and the keys, resets, switches log height; and where OpenGL is
missing it says why instead of appearing.

Like the scene's tests, these draw with OpenGL on an X display (the machine's, or a private
Xvfb), and fail with the reason when there can be none.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QToolBar
from virtual_display import opengl_or_fail

from gradient_studio.engine import OptimizerChoice, Race
from gradient_studio.scene.surface import NO_OPENGL_ENV, OpenGLUnavailable


@pytest.fixture(scope="module")
def gl(qapp):
    return opengl_or_fail()


@pytest.fixture(scope="module")
def race_result():
    race = Race.create(
        preset="rosenbrock",
        optimizers=[OptimizerChoice("sgd"), OptimizerChoice("momentum"), OptimizerChoice("adam")],
        steps=120,
    )
    return race.run()


@pytest.fixture
def view(gl, qtbot, race_result):
    from gradient_studio.scene.surface.scene import SurfaceScene
    from gradient_studio.ui.surface_view import SurfaceView

    scene = SurfaceScene(cells=80)
    scene.set_view(race_result.race.xrange, race_result.race.yrange)
    scene.set_objective(race_result.objective)
    scene.set_trajectories(race_result.trajectories)
    v = SurfaceView(scene)
    qtbot.addWidget(v)
    v.resize(480, 380)
    v.show()
    canvas = v.findChild(type(v.canvas), "surfaceCanvas")
    qtbot.waitUntil(lambda: canvas.frames > 0, timeout=10_000)
    yield v
    v.close()
    assert not v.canvas.settle.isActive()


def drag(
    widget, start, end, button=Qt.MouseButton.LeftButton, modifiers=Qt.KeyboardModifier.NoModifier
):
    """A press, a few moves and a release, as a hand makes them."""
    send = QApplication.sendEvent
    p0 = QPointF(*start)
    send(
        widget,
        QMouseEvent(
            QEvent.Type.MouseButtonPress, p0, widget.mapToGlobal(p0), button, button, modifiers
        ),
    )
    for t in (0.25, 0.5, 0.75, 1.0):
        p = QPointF(start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1]))
        send(
            widget,
            QMouseEvent(
                QEvent.Type.MouseMove,
                p,
                widget.mapToGlobal(p),
                Qt.MouseButton.NoButton,
                button,
                modifiers,
            ),
        )
    p1 = QPointF(*end)
    send(
        widget,
        QMouseEvent(
            QEvent.Type.MouseButtonRelease,
            p1,
            widget.mapToGlobal(p1),
            button,
            Qt.MouseButton.NoButton,
            modifiers,
        ),
    )


def test_the_view_is_found_by_name_with_its_actions(view):
    assert view.objectName() == "surfaceView"
    toolbar = view.findChild(QToolBar, "surfaceToolbar")
    names = {a.objectName() for a in toolbar.actions()}
    assert {"resetCameraAction", "logHeightAction"} <= names
    assert view.log_height_action.isChecked()  # Rosenbrock spans decades: log height
    assert view.canvas.accessibleName() and view.canvas.toolTip()


def test_the_view_shows_the_surface_and_the_balls(view):
    picture = view.canvas.grab().toImage()
    heads, colours = view.scene.heads()
    assert len(heads) == 3
    px = view.scene.pixels_of(heads.astype(float))
    ratio = picture.devicePixelRatio()
    found = 0
    for (x, y), colour in zip(px, colours, strict=True):
        want = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0
        for dx in range(-9, 10):
            for dy in range(-14, 6):
                c = picture.pixelColor(int((x + dx) * ratio), int((y + dy) * ratio))
                p = np.array([c.redF(), c.greenF(), c.blueF()])
                k = p @ want / (want @ want)
                if 0.3 < k < 1.3 and np.abs(p - k * want).max() < 0.15:
                    found += 1
    assert found >= 30


def test_a_new_step_and_a_new_grid_repaint(view, qtbot, race_result):
    frames = view.canvas.frames
    before = view.scene.heads()[0].copy()
    view.scene.set_step(20)
    qtbot.waitUntil(lambda: view.canvas.frames > frames, timeout=5_000)
    assert np.abs(view.scene.heads()[0] - before).max() > 0.01
    frames = view.canvas.frames
    obj = race_result.objective
    xs, ys, z = obj.grid(view.scene.xrange, view.scene.yrange, shape=(50, 50))
    view.scene.set_grid(xs, ys, z * 0 + np.hypot(*np.meshgrid(xs, ys)))
    qtbot.waitUntil(lambda: view.canvas.frames > frames, timeout=5_000)
    assert not view.scene.scale.log  # a cone spans no decades
    assert not view.log_height_action.isChecked()  # the action follows the scene
    qtbot.waitUntil(lambda: not view.canvas.settle.isActive(), timeout=5_000)


def test_dragging_turns_wheel_zooms_and_reset_comes_back(view, qtbot):
    first = view.scene.camera
    drag(view.canvas, (200, 200), (260, 170))
    turned = view.scene.camera
    assert turned.azimuth == pytest.approx(first.azimuth - 60 * 0.4)
    assert turned.elevation == pytest.approx(first.elevation - 30 * 0.4)
    drag(view.canvas, (200, 200), (230, 200), button=Qt.MouseButton.RightButton)
    assert view.scene.camera.centre != turned.centre  # moved, not turned
    assert view.scene.camera.azimuth == turned.azimuth
    centre = QPointF(200, 200)
    QApplication.sendEvent(
        view.canvas,
        QWheelEvent(
            centre,
            view.canvas.mapToGlobal(centre),
            QPoint(0, 0),
            QPoint(0, 240),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        ),
    )
    assert view.scene.camera.distance < turned.distance
    view.reset_camera_action.trigger()
    assert view.scene.camera == first
    qtbot.keyClick(view.canvas, Qt.Key.Key_Left)
    assert view.scene.camera.azimuth == pytest.approx(first.azimuth + 5)
    qtbot.keyClick(view.canvas, Qt.Key.Key_Home)
    assert view.scene.camera == first
    qtbot.waitUntil(lambda: not view.canvas.settle.isActive(), timeout=5_000)


def test_log_height_switches_the_shape_and_tells_the_window(view, qtbot):
    heights = view.scene.mesh.vertices[:, 2].copy()
    with qtbot.waitSignal(view.log_height_changed) as told:
        view.log_height_action.trigger()
    assert told.args == [False]
    assert not view.scene.scale.log
    assert np.abs(view.scene.mesh.vertices[:, 2] - heights).max() > 0.3
    frames = view.canvas.frames
    qtbot.waitUntil(lambda: view.canvas.frames > frames, timeout=5_000)
    view.set_log_height(True)  # from the window: shown, not reported back
    assert view.log_height_action.isChecked()


def test_without_opengl_the_view_refuses_with_the_reason(qapp, monkeypatch):
    from gradient_studio.ui.surface_view import SurfaceView

    monkeypatch.setenv(NO_OPENGL_ENV, "1")
    with pytest.raises(OpenGLUnavailable, match=NO_OPENGL_ENV):
        SurfaceView()


def test_a_driver_giving_up_mid_session_is_said_not_crashed(view, qtbot, monkeypatch):
    def broken(*args, **kwargs):
        raise OpenGLUnavailable("the 3-D view needs OpenGL: the context was lost")

    monkeypatch.setattr(view.scene, "render", broken)
    frames = view.canvas.frames
    picture = view.canvas.grab().toImage()  # paints now, through the failure
    assert view.canvas.frames == frames
    c = picture.pixelColor(5, 5)
    assert (c.red(), c.green(), c.blue()) == (255, 255, 255)
