"""What a person does to the 3-D view's camera — look from an angle, go back to the first
view, orbit, zoom, pan — as methods of :class:`~gradient_studio.scene.surface.SurfaceScene`.
Each changes the scene's :class:`~gradient_studio.scene.surface.camera.Camera` and emits the
scene's ``changed``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gradient_studio.scene.surface.camera import Camera


class CameraControls:
    """The camera's controls, for a scene with a ``camera``, a ``changed`` signal, the
    last picture's frame and the distance that fits the box at an aspect ratio."""

    camera: Camera
    changed: Any  # the scene's Signal
    _last_frame: tuple[NDArray[np.float64], float, float] | None

    def _fit(self, aspect: float) -> float:
        raise NotImplementedError

    def set_camera(
        self,
        elevation: float | None = None,
        azimuth: float | None = None,
        distance: float | None = None,
    ) -> None:
        """Look from ``elevation`` degrees up and ``azimuth`` degrees round (from +x,
        counter-clockwise); ``distance`` 1 fits the box, 2 stands twice as far."""
        c = self.camera
        if elevation is not None:
            c = replace(c, elevation=max(-90.0, min(90.0, float(elevation))))
        if azimuth is not None:
            c = replace(c, azimuth=(float(azimuth) + 180.0) % 360.0 - 180.0)
        if distance is not None:
            if not distance > 0:
                raise ValueError(f"the camera distance must be above 0, got {distance}")
            c = replace(c, distance=float(distance))
        self.camera = c
        self.changed.emit()

    def reset_camera(self) -> None:
        """Back to the first view: 30° up, −60° round, the whole box in sight."""
        self.camera = Camera()
        self.changed.emit()

    def orbit(self, d_azimuth: float, d_elevation: float) -> None:
        self.camera = self.camera.orbited(d_azimuth, d_elevation)
        self.changed.emit()

    def zoom(self, factor: float) -> None:
        self.camera = self.camera.zoomed(factor)
        self.changed.emit()

    def pan(self, dx: float, dy: float) -> None:
        """Move the picture by ``dx, dy`` logical pixels (as the last picture was drawn)."""
        if self._last_frame is None:
            return
        _, _, height = self._last_frame
        fit = self._fit(self._last_frame[1] / max(height, 1.0))
        per_pixel = 2.0 * np.tan(np.radians(self.camera.fov) / 2.0) * self.camera.distance * fit
        per_pixel /= max(height, 1.0)
        self.camera = self.camera.panned(-dx * per_pixel, dy * per_pixel)
        self.changed.emit()
