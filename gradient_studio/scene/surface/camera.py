"""Where the 3-D view looks from: a camera orbiting the box's centre, in plain numpy.

The camera looks at a point (the box's centre, until a person pans), from ``elevation``
degrees above the floor's plane and ``azimuth`` degrees round from the +x axis
(counter-clockwise seen from above: matplotlib's convention, whose default view, 30° up and
−60° round, is ours). Its ``distance`` is relative: at 1 the whole box and its labels just
fit the picture, whatever its shape; at 2 the camera stands twice as far.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

ELEVATION = 60.0
AZIMUTH = -105.0
FOV = 30.0  # vertical field of view, degrees: a long lens, so the box barely distorts
MAX_ELEVATION = 90.0
DISTANCES = (0.15, 8.0)  # the nearest and farthest a person can zoom, relative


@dataclass(frozen=True)
class Camera:
    elevation: float = ELEVATION
    azimuth: float = AZIMUTH
    distance: float = 1.0
    centre: tuple[float, float, float] = (0.0, 0.0, 0.75)
    fov: float = FOV

    def orbited(self, d_azimuth: float, d_elevation: float) -> Camera:
        """Turned round the centre by the given degrees (elevation stays within ±90°)."""
        elevation = max(-MAX_ELEVATION, min(MAX_ELEVATION, self.elevation + d_elevation))
        azimuth = (self.azimuth + d_azimuth + 180.0) % 360.0 - 180.0
        return replace(self, elevation=elevation, azimuth=azimuth)

    def zoomed(self, factor: float) -> Camera:
        """``factor`` times nearer (above 1) or farther, within :data:`DISTANCES`."""
        distance = max(DISTANCES[0], min(DISTANCES[1], self.distance / factor))
        return replace(self, distance=distance)

    def panned(self, right: float, up: float) -> Camera:
        """The looked-at point moved ``right`` and ``up`` in the picture's plane (box units)."""
        _, r, u = self.axes()
        centre = np.asarray(self.centre) + right * r + up * u
        return replace(self, centre=(float(centre[0]), float(centre[1]), float(centre[2])))

    def eye(self, fit: float) -> Array:
        """Where the camera stands, ``fit`` being the distance at which the box fits."""
        forward, _, _ = self.axes()
        return np.asarray(self.centre) - self.distance * fit * forward

    def axes(self) -> tuple[Array, Array, Array]:
        """Unit vectors: the way the camera looks, the picture's right and its up."""
        e, a = math.radians(self.elevation), math.radians(self.azimuth)
        back = np.array([math.cos(e) * math.cos(a), math.cos(e) * math.sin(a), math.sin(e)])
        # The picture's up is the floor's vertical tilted towards the camera: well defined
        # even looking straight down.
        up = np.array([-math.sin(e) * math.cos(a), -math.sin(e) * math.sin(a), math.cos(e)])
        right = np.cross(-back, up)
        return -back, right, up

    def view_matrix(self, fit: float) -> Array:
        """World to eye coordinates (4 x 4, acting on column vectors)."""
        forward, right, up = self.axes()
        eye = self.eye(fit)
        m = np.identity(4)
        m[0, :3], m[1, :3], m[2, :3] = right, up, -forward
        m[:3, 3] = -m[:3, :3] @ eye
        return m

    def projection_matrix(self, aspect: float, near: float, far: float) -> Array:
        """Eye to clip coordinates for a picture ``aspect`` = width / height wide."""
        f = 1.0 / math.tan(math.radians(self.fov) / 2.0)
        m = np.zeros((4, 4))
        m[0, 0] = f / aspect
        m[1, 1] = f
        m[2, 2] = (far + near) / (near - far)
        m[2, 3] = 2.0 * far * near / (near - far)
        m[3, 2] = -1.0
        return m


def fitting_distance(
    corners: Array, centre: Array, fov: float, aspect: float, margin: float = 1.22
) -> float:
    """How far a camera looking at ``centre`` must stand for every corner to fit a picture
    ``aspect`` = width / height wide, with room for the labels."""
    radius = float(np.max(np.linalg.norm(corners - np.asarray(centre), axis=1)))
    half = math.radians(fov) / 2.0
    half = min(half, math.atan(math.tan(half) * aspect))  # the narrower of the two angles
    return margin * radius / math.sin(half)


def project(points: Array, matrix: Array, width: float, height: float) -> tuple[Array, Array]:
    """Points ``(n, 3)`` through ``matrix`` (projection @ view) to pixels ``(n, 2)`` from the
    top-left, and their depth (nan behind the camera)."""
    p = np.asarray(points, np.float64).reshape(-1, 3)
    clip = np.column_stack([p, np.ones(len(p))]) @ matrix.T
    w = clip[:, 3]
    with np.errstate(divide="ignore", invalid="ignore"):
        ndc = clip[:, :3] / w[:, np.newaxis]
    ndc[w <= 0] = np.nan
    px = np.column_stack([(ndc[:, 0] + 1.0) * 0.5 * width, (1.0 - ndc[:, 1]) * 0.5 * height])
    return px, ndc[:, 2]
