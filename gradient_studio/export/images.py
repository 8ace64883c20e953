"""Pictures of a race: PNG and SVG, at the step on screen or of the whole race.

Both are drawn offscreen by the window's own :class:`~gradient_studio.scene.PlotScene`, so a
file shows what the window shows, and both are written atomically. A picture of any size is
the same layout scaled (see :func:`picture_scale`): lines, markers and letters grow with it,
and the landscape is evaluated at the picture's own resolution. The animation (GIF) is in
:mod:`gradient_studio.export.animation`; the limits on sizes in
:mod:`gradient_studio.export.limits`.

Qt and pyqtgraph are imported only when a picture is drawn (QtSvg only for SVG), so bad
arguments fail fast and ``render`` starts quickly.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from gradient_studio.export.atomic import atomic_write
from gradient_studio.export.limits import check_size
from gradient_studio.export.style import PictureStyle

if TYPE_CHECKING:
    from collections.abc import Sequence
    from contextlib import AbstractContextManager

    from PySide6.QtGui import QImage

    from gradient_studio.scene import PlotScene
    from gradient_studio.scene.paths import TrajectoryLike
    from gradient_studio.scene.plot import ObjectiveLike

GRID_LIMIT = 1200  # landscape cells per side in an export (more only costs time)
CONTOUR_DETAIL = 400  # cells per side the contour lines are traced on (up to twice that)

PathLike = str | os.PathLike[str]


class ResultLike(Protocol):
    """What the writers read of an engine ``RunResult`` (its ``race`` may be None)."""

    @property
    def objective(self) -> ObjectiveLike: ...
    @property
    def trajectories(self) -> Sequence[TrajectoryLike]: ...

    race: Any


class Picture(Protocol):
    """What the writers draw and step through: a :class:`~gradient_studio.scene.PlotScene`,
    or a model's landscape with its pane beside it (``model_picture.ModelFigure``)."""

    @property
    def last_step(self) -> int: ...
    @property
    def plot(self) -> Any: ...  # the landscape's pyqtgraph PlotItem (untyped)

    def set_step(self, step: float | None) -> None: ...
    def set_step_counter(self, show: bool) -> None: ...
    def path_colours(self) -> list[str]: ...
    def without(self, part: str) -> AbstractContextManager[None]: ...
    def lay_out(self, width: float, height: float) -> None: ...
    def render(
        self, width: int, height: int, *, scale: float = 1.0, over: QImage | None = None
    ) -> QImage: ...


def write_png(
    path: PathLike,
    result: ResultLike,
    *,
    size: tuple[int, int] = (1200, 900),
    step: float | None = None,
    style: PictureStyle | None = None,
    **keywords: Any,
) -> Path:
    """The race at ``step`` (the playhead's; ``None``: the whole race) as a PNG of ``size``
    pixels, the legend's values those of that step; returns the path written.

    ``style`` is how it looks; the old keywords (``colormap=``, ``levels=``, ``arrows=``,
    ``log_colour=``) still work for one release.
    """
    width, height = check_size(size)
    scene, scale = build_scene(result, size=size, step=step, style=PictureStyle.of(style, keywords))
    image = scene.render(width, height, scale=scale)
    data = png_bytes(image)
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def write_svg(
    path: PathLike,
    result: ResultLike,
    *,
    size: tuple[int, int] = (1200, 900),
    step: float | None = None,
    style: PictureStyle | None = None,
    **keywords: Any,
) -> Path:
    """The race at ``step`` (``None``: the whole race) as an SVG shown at ``size`` pixels
    (lines and text as vectors, the filled landscape as an embedded image); returns the path
    written. ``style`` and the old keywords as for :func:`write_png`."""
    from gradient_studio.export._svg import svg_text

    width, height = check_size(size)
    scene, scale = build_scene(result, size=size, step=step, style=PictureStyle.of(style, keywords))
    from gradient_studio.export.model_picture import ModelFigure, figure_svg

    if isinstance(scene, ModelFigure):  # a model's landscape with its model pane
        text = figure_svg(scene, width, height, scale, _plain_title(result))
        return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    w, h = width / scale, height / scale
    scene.lay_out(w, h)
    text = svg_text(scene.plot, w, h, width, height, title=_plain_title(result))
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def picture_scale(width: int, height: int) -> float:
    """Device pixels per logical pixel for a ``width x height`` picture.

    A picture is laid out as if it had the area of 800 x 600 and then scaled, so a 1200 x 900
    PNG is the 800 x 600 layout at 1.5x; small pictures are laid out no smaller than the
    area of 640 x 480 (at 640 x 480 itself, 1:1), so their letters stay readable.
    """
    area = float(width) * float(height)
    return max(math.sqrt(area / 480_000.0), min(1.0, math.sqrt(area / 307_200.0)))


def build_scene(
    result: ResultLike,
    *,
    size: tuple[int, int] = (1200, 900),
    step: float | None = None,
    style: PictureStyle | None = None,
    scale: float | None = None,
    model_pane: bool = True,
    **keywords: Any,
) -> tuple[Picture, float]:
    """The scene the writers draw for ``result`` at ``size`` and ``step``, laid out, and its
    scale (device pixels per logical pixel; ``scale`` imposes one): for a window's own
    exports, and for checking pictures. A race on a model's loss gives, with
    ``model_pane``, the landscape with the model pane beside it (see ``model_picture``)."""
    from gradient_studio.export import model_picture
    from gradient_studio.scene import PlotScene

    style = PictureStyle.of(style, keywords)
    if model_pane and model_picture.is_model_result(result):
        figure, scale = model_picture.build_model_figure(
            result, build_scene, size=size, step=step, style=style
        )
        return figure, scale
    width, height = check_size(size)
    scale = scale or picture_scale(width, height)
    scene = PlotScene(
        colormap=style.colormap,
        levels=style.levels or 20,
        arrows=style.arrows,
        log_colour=style.log_colour,
        colour_by=style.colour_by,
    )
    race = getattr(result, "race", None)
    scene.set_view(*_view_of(result))
    preset = _preset_of(race)
    scene.set_minima(preset.minima if preset is not None else ())
    cols, rows = scene.view_pixels(width / scale, height / scale)
    # Thinned and placed for the view's size in pixels, at the step asked for.
    scene.set_trajectories(result.trajectories, step=step)
    shape = min(GRID_LIMIT, math.ceil(rows * scale)), min(GRID_LIMIT, math.ceil(cols * scale))
    affordable = getattr(result.objective, "picture_shape", None)  # a model over many rows
    scene.set_grid_shape(*(affordable(shape) if affordable is not None else shape))
    # Trace contours finer for big pictures, where a cell of the tracing grid would show.
    scene.contours.detail = round(CONTOUR_DETAIL * min(2.0, max(1.0, scale / 1.5)))
    text = race.function if race is not None else None
    scene.set_objective(result.objective, title=text, name=preset.title if preset else "")
    _show_glyphs(scene, style)
    scene.lay_out(width / scale, height / scale)
    return scene, scale


def _show_glyphs(scene: PlotScene, style: PictureStyle) -> None:
    """The field and the curvature glyph the style asks for (the arrows came with the
    scene): after f and the runs, which they are drawn from."""
    shape = style.field_shape
    if shape is not None:
        scene.set_field(True, shape)
    point = style.curvature
    if isinstance(point, int):
        scene.set_curvature(run=point)
    elif point is not None:
        scene.set_curvature(point)


def png_bytes(image: QImage) -> bytes:
    """``image`` as PNG data, encoded in memory: a failed write is then Python's one error
    naming the file, not libpng's own message as well."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # Qt's quality 80 is zlib's fast end: a third of the default's time, a quarter larger.
    if not image.save(buffer, "PNG", 80):  # type: ignore[call-overload]  # (str works; bytes not)
        raise OSError("Qt could not encode the picture as PNG")
    buffer.close()
    return bytes(data.data())


def _plain_title(result: ResultLike) -> str:
    race = getattr(result, "race", None)
    model = getattr(result.objective, "model", None)
    if model is not None:
        from gradient_studio.export.model_picture import plain_title

        return plain_title(result)
    preset = _preset_of(race)
    text = race.function if race is not None else getattr(result.objective, "text", "")
    return f"{preset.title}: f(x, y) = {text}" if preset else f"f(x, y) = {text}"


def _preset_of(race: Any) -> Any:
    name = getattr(race, "preset", None)
    if not name:
        return None
    from gradient_studio.engine import PRESETS

    return PRESETS.get(name)


def _view_of(result: ResultLike) -> tuple[tuple[float, float], tuple[float, float]]:
    """The race's view; for a bare run, the box around its paths with a margin."""
    race = getattr(result, "race", None)
    if race is not None:
        (x0, x1), (y0, y1) = race.xrange, race.yrange
        return (float(x0), float(x1)), (float(y0), float(y1))
    import numpy as np

    points = [np.asarray(t.points, dtype=float).reshape(-1, 2) for t in result.trajectories]
    cloud = np.concatenate(points) if points else np.empty((0, 2))
    cloud = cloud[np.isfinite(cloud).all(axis=1) & (np.abs(cloud) < 1e6).all(axis=1)]
    if len(cloud) == 0:
        return (-2.0, 2.0), (-2.0, 2.0)
    low, high = cloud.min(axis=0), cloud.max(axis=0)
    pad = np.maximum((high - low) * 0.1, 0.5)
    return (float(low[0] - pad[0]), float(high[0] + pad[0])), (
        float(low[1] - pad[1]),
        float(high[1] + pad[1]),
    )
