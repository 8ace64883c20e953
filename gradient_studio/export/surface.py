"""The 3-D view as a PNG: the landscape as a shaded surface with the race on it.

Drawn offscreen by the window's own :class:`~gradient_studio.scene.surface.scene.SurfaceScene`
at any size and from any camera, and written atomically. OpenGL is needed (a display, or a
virtual one such as ``xvfb-run`` on a headless machine); without it
:class:`~gradient_studio.scene.surface.OpenGLUnavailable` says why, before any work is done.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradient_studio.export.atomic import atomic_write
from gradient_studio.export.images import _plain_title, _view_of, picture_scale, png_bytes
from gradient_studio.export.limits import check_size
from gradient_studio.export.style import PictureStyle

if TYPE_CHECKING:
    from gradient_studio.engine import RunResult
    from gradient_studio.scene.surface.scene import SurfaceScene

PathLike = str | Path

MIN_CELLS, MAX_CELLS = 100, 400  # the surface's cells a side in an export


def parse_camera(text: str) -> tuple[float, ...]:
    """``"elevation,azimuth"`` or ``"elevation,azimuth,distance"`` (degrees; distance 1
    fits the box) as numbers, or ``ValueError`` with a one-line reason."""
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) not in (2, 3) or not all(parts):
        raise ValueError(
            f"the camera must be elevation,azimuth (degrees), e.g. 30,-60, got {text!r}"
        )
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise ValueError(f"the camera must be numbers, e.g. 30,-60, got {text!r}") from None
    return check_camera(values)


def check_camera(camera: Sequence[Any]) -> tuple[float, ...]:
    """``(elevation, azimuth[, distance])`` checked: elevation within ±90°, azimuth any
    angle, distance above 0."""
    try:
        values = tuple(camera)
    except TypeError:
        raise ValueError(f"the camera must be (elevation, azimuth), got {camera!r}") from None
    if len(values) not in (2, 3):
        raise ValueError(f"the camera must be (elevation, azimuth[, distance]), got {camera!r}")
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise ValueError(f"the camera's angles must be finite numbers, got {camera!r}")
    elevation = float(values[0])
    if not -90.0 <= elevation <= 90.0:
        raise ValueError(
            f"the camera's elevation must be from -90 to 90 degrees, got {elevation:g}"
        )
    if len(values) == 3 and not float(values[2]) > 0:
        raise ValueError(f"the camera's distance must be above 0, got {float(values[2]):g}")
    return tuple(float(v) for v in values)


def write_surface_png(
    path: PathLike,
    result: RunResult,
    *,
    size: tuple[int, int] = (1200, 900),
    step: float | None = None,
    style: PictureStyle | None = None,
    camera: Sequence[float] | None = None,
    title: bool = True,
) -> Path:
    """The race in 3-D as a PNG of ``size`` pixels seen from ``camera`` (elevation,
    azimuth in degrees, and optionally distance; the view's own default if None), its
    paths drawn to ``step`` (None: to their ends). Of ``style`` (the View menu's choices)
    it takes the colour map and ``log_colour``, which decides the heights and colours
    alike. Returns the path written."""
    width, height = check_size(size)
    view = check_camera(camera) if camera is not None else None
    style = style or PictureStyle()
    scene = build_surface_scene(
        result, size=(width, height), colormap=style.colormap, log_height=style.log_colour
    )
    try:
        if view is not None:
            scene.set_camera(*view)
        scene.set_step(step)
        if title:
            scene.set_title(_plain_title(result))
        image = scene.render(width, height, scale=picture_scale(width, height), samples=4)
    finally:
        scene.close()
    from PySide6.QtGui import QImage

    data = png_bytes(image.convertToFormat(QImage.Format.Format_RGB32))
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def build_surface_scene(
    result: RunResult,
    *,
    size: tuple[int, int] = (1200, 900),
    colormap: str = "viridis",
    log_height: bool | None = None,
) -> SurfaceScene:
    """The 3-D scene the writer draws for ``result``, with a surface fine enough for
    ``size`` (for the window's own exports, and for checking pictures)."""
    from gradient_studio.scene.palette import COLORMAPS
    from gradient_studio.scene.qt import ensure_app
    from gradient_studio.scene.surface import require_opengl

    if colormap not in COLORMAPS:
        raise ValueError(f"unknown colour map {colormap!r}; choose one of {', '.join(COLORMAPS)}")
    width, height = check_size(size)
    ensure_app()
    require_opengl()  # the reason, before any work
    from gradient_studio.scene.surface.scene import SurfaceScene

    cells = max(MIN_CELLS, min(MAX_CELLS, round(max(width, height) / 4)))
    scene = SurfaceScene(colormap=colormap, log_height=log_height, cells=cells)
    xrange, yrange = _view_of(result)
    scene.set_view(xrange, yrange)
    scene.set_objective(result.objective)
    scene.set_trajectories(result.trajectories)
    return scene
