"""The 3-D view as a widget: the surface scene, turned with the mouse, with its own small
tool bar (reset camera, log height).

:class:`SurfaceView` is what View ▸ 3-D Surface shows, in a dock beside the contour view
(objectName ``surfaceView``). It draws :class:`~gradient_studio.scene.surface.scene.SurfaceScene`
offscreen and paints the picture, so it works wherever the scene can draw — also on Qt's
headless platform, where ``QOpenGLWidget`` cannot. The window drives it through
:attr:`SurfaceView.scene` (``set_grid``, ``set_trajectories``, ``set_step`` …), as it
drives the contour view's scene; every change repaints on the next turn of the event loop.

Mouse: drag to turn, right- or Shift-drag to move, wheel to zoom, double-click to reset.
Keys: arrows turn, + and − zoom, Home resets. On a software renderer a moving picture is
drawn from every other row and column of the surface, and finely once it stops.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolBar, QVBoxLayout, QWidget

from gradient_studio.scene.surface import OpenGLUnavailable, require_opengl
from gradient_studio.scene.surface.scene import SurfaceScene

TURN_PER_PIXEL = 0.4  # degrees of camera turn per pixel dragged
KEY_TURN = 5.0
WHEEL_ZOOM = 1.12  # per wheel notch
SETTLE_MS = 160  # a picture that stopped changing this long ago is drawn finely
MOVING_S = 0.12  # changes closer together than this are a drag: draw them coarsely


class SurfaceCanvas(QWidget):
    """Where the picture is painted and the mouse turns it."""

    def __init__(self, scene: SurfaceScene, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.setObjectName("surfaceCanvas")
        self.setAccessibleName("3-D surface")
        self.setToolTip(
            "Drag to turn · right- or Shift-drag to move · wheel to zoom · double-click to reset"
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._press: QPointF | None = None
        self._panning = False
        self._last_change = 0.0
        self._coarse_next = False
        self.frames = 0  # pictures painted (tests and benchmarks count them)
        self.settle = QTimer(self)
        self.settle.setSingleShot(True)
        self.settle.setInterval(SETTLE_MS)
        self.settle.timeout.connect(self._on_settle_timeout)
        scene.changed.connect(self._on_scene_changed)

    # -- drawing -----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        ratio = self.devicePixelRatioF()
        w, h = max(1, round(self.width() * ratio)), max(1, round(self.height() * ratio))
        coarse = self._coarse_next and self._software()
        painter = QPainter(self)
        try:
            image = self.scene.render(w, h, scale=ratio, coarse=coarse)
        except OpenGLUnavailable as e:  # the driver gave up mid-session: say so, carry on
            painter.fillRect(self.rect(), QColor("#ffffff"))
            painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), str(e))
            painter.end()
            return
        self.frames += 1
        painter.drawImage(0, 0, image)
        painter.end()
        if coarse:
            self.settle.start()  # and once it has stopped moving, finely
        self._coarse_next = False

    def _software(self) -> bool:
        renderer = self.scene._renderer
        return renderer is not None and renderer.software

    def _on_scene_changed(self) -> None:
        now = time.perf_counter()
        self._coarse_next = self._press is not None or now - self._last_change < MOVING_S
        self._last_change = now
        self.update()

    def _on_settle_timeout(self) -> None:
        self._coarse_next = False
        self.update()

    def stop(self) -> None:
        self.settle.stop()

    # -- the mouse and the keys ----------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position()
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self._panning = (
            event.button() in (Qt.MouseButton.RightButton, Qt.MouseButton.MiddleButton) or shift
        )
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            return
        pos = event.position()
        dx, dy = pos.x() - self._press.x(), pos.y() - self._press.y()
        self._press = pos
        if self._panning:
            self.scene.pan(dx, dy)
        else:
            self.scene.orbit(-dx * TURN_PER_PIXEL, dy * TURN_PER_PIXEL)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press = None
        self._coarse_next = False
        self.update()  # the last picture of a drag, drawn finely
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.scene.reset_camera()
        event.accept()

    def wheelEvent(self, event: QWheelEvent) -> None:
        notches = event.angleDelta().y() / 120.0
        if notches:
            self.scene.zoom(WHEEL_ZOOM**notches)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        turns = {
            Qt.Key.Key_Left: (KEY_TURN, 0.0),
            Qt.Key.Key_Right: (-KEY_TURN, 0.0),
            Qt.Key.Key_Up: (0.0, KEY_TURN),
            Qt.Key.Key_Down: (0.0, -KEY_TURN),
        }
        if key in turns:
            self.scene.orbit(*turns[key])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.scene.zoom(WHEEL_ZOOM)
        elif key == Qt.Key.Key_Minus:
            self.scene.zoom(1.0 / WHEEL_ZOOM)
        elif key == Qt.Key.Key_Home:
            self.scene.reset_camera()
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class SurfaceView(QWidget):
    """The 3-D view: a tool bar (Reset Camera, Log Height) over the picture.

    Raises :class:`~gradient_studio.scene.surface.OpenGLUnavailable` (with the reason) where
    OpenGL cannot draw; a window asks :func:`~gradient_studio.scene.surface.opengl_available`
    first and disables its action instead.
    """

    #: The person turned log height on or off (the window may remember it).
    log_height_changed = Signal(bool)

    def __init__(self, scene: SurfaceScene | None = None, parent: QWidget | None = None) -> None:
        require_opengl()
        super().__init__(parent)
        self.setObjectName("surfaceView")
        self.setAccessibleName("3-D surface view")
        self.scene = scene if scene is not None else SurfaceScene()
        self.canvas = SurfaceCanvas(self.scene, self)

        self.reset_camera_action = QAction("Reset Camera", self)
        self.reset_camera_action.setObjectName("resetCameraAction")
        self.reset_camera_action.setToolTip(
            "Look from the first angle again, the whole surface in sight (Home)"
        )
        self.reset_camera_action.setShortcut(QKeySequence(Qt.Key.Key_Home))
        self.reset_camera_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.reset_camera_action.triggered.connect(self._on_reset_camera_triggered)

        self.log_height_action = QAction("Log Height", self)
        self.log_height_action.setObjectName("logHeightAction")
        self.log_height_action.setCheckable(True)
        self.log_height_action.setToolTip(
            "Heights (and colours) by log f: for landscapes like Rosenbrock, whose values "
            "span decades"
        )
        self.log_height_action.toggled.connect(self._on_log_height_toggled)

        self.toolbar = QToolBar("3-D view", self)
        self.toolbar.setObjectName("surfaceToolbar")
        self.toolbar.setIconSize(self.toolbar.iconSize() * 0.75)
        self.toolbar.addAction(self.reset_camera_action)
        self.toolbar.addAction(self.log_height_action)
        self.addAction(self.reset_camera_action)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.canvas, 1)
        self.scene.changed.connect(self._on_scene_changed)
        self._on_scene_changed()

    def set_log_height(self, log: bool | None) -> None:
        """Show heights by log f (True), linearly (False) or as f's span decides (None);
        the action shows the result without reporting it back."""
        self.scene.set_log_height(log)

    def _on_reset_camera_triggered(self) -> None:
        self.scene.reset_camera()

    def _on_log_height_toggled(self, checked: bool) -> None:
        if checked == self.scene.scale.log:
            return  # the scene already shows it: this is the action following the scene
        self.scene.set_log_height(checked)
        self.log_height_changed.emit(checked)

    def _on_scene_changed(self) -> None:
        log = self.scene.scale.log
        if self.log_height_action.isChecked() != log:
            self.log_height_action.blockSignals(True)
            self.log_height_action.setChecked(log)
            self.log_height_action.blockSignals(False)

    def closeEvent(self, event: object) -> None:
        self.release()
        super().closeEvent(event)  # type: ignore[arg-type]

    def release(self) -> None:
        """Stop the timer and free the OpenGL context (the window calls it when the dock
        is destroyed; closing the view does it too). The view can still be drawn after:
        the scene makes a new context when asked."""
        self.canvas.stop()
        self.scene.close()
