"""Pictures of a run: PNG and SVG of the finished race, an animated GIF of the descent.

All three are drawn offscreen by the window's own :class:`~gradient_studio.scene.PlotScene`,
so a file shows what the window shows, and all three are written atomically. A picture of
any size is the same layout scaled (see :func:`picture_scale`): lines, markers and letters
grow with it, and the landscape is evaluated at the picture's own resolution.

Qt, pyqtgraph and Pillow are imported only when a picture is drawn, and only what that
picture needs (QtSvg for SVG, Pillow for GIF), so bad arguments fail fast and ``render``
starts quickly.
"""

from __future__ import annotations

import itertools
import math
import numbers
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradient_studio.export.atomic import atomic_write

if TYPE_CHECKING:
    from PIL import Image
    from PySide6.QtGui import QImage

    from gradient_studio.engine import RunResult
    from gradient_studio.scene import PlotScene

MIN_SIDE = 16
MAX_SIDE = 10_000
MAX_FRAMES = 10_000
MAX_FPS = 50  # GIF delays are whole hundredths of a second; browsers slow anything faster
MAX_LEVELS = 100
GRID_LIMIT = 1200  # landscape cells per side in an export (more only costs time)
CONTOUR_DETAIL = 400  # cells per side the contour lines are traced on (up to twice that)
HOLD_LAST_MS = 1500  # the finished race stays up this long before the GIF loops

PathLike = str | os.PathLike[str]


# -- checks ----------------------------------------------------------------------------------
class ExportCancelled(Exception):
    """The person stopped an export before it finished; nothing was written."""


def check_size(size: Sequence[Any]) -> tuple[int, int]:
    """``(width, height)`` as ints, or ``ValueError`` with a one-line reason."""
    try:
        width, height = size
    except (TypeError, ValueError):
        raise ValueError(f"the size must be a width and a height, got {size!r}") from None
    for side in (width, height):
        whole = isinstance(side, numbers.Integral) or (
            isinstance(side, numbers.Real) and float(side).is_integer()
        )
        if isinstance(side, bool) or not whole:
            raise ValueError(f"the size must be whole pixels, got {width}x{height}")
    width, height = int(width), int(height)
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise ValueError(
            f"the size must be between {MIN_SIDE} and {MAX_SIDE} pixels a side, "
            f"got {width}x{height}"
        )
    return width, height


def check_frames(frames: Any) -> int:
    if isinstance(frames, bool) or not isinstance(frames, numbers.Integral):
        raise ValueError(f"the number of frames must be a whole number, got {frames!r}")
    if not 1 <= frames <= MAX_FRAMES:
        raise ValueError(f"the number of frames must be from 1 to {MAX_FRAMES}, got {frames}")
    return int(frames)


def check_fps(fps: Any) -> float:
    if isinstance(fps, bool) or not isinstance(fps, numbers.Real) or not math.isfinite(fps):
        raise ValueError(f"the frame rate must be a number, got {fps!r}")
    if not 0 < fps <= MAX_FPS:
        raise ValueError(f"the frame rate must be above 0 and at most {MAX_FPS} fps, got {fps:g}")
    return float(fps)


def _check_style(colormap: str, levels: int | None) -> None:
    from gradient_studio.scene.palette import COLORMAPS

    if colormap not in COLORMAPS:
        raise ValueError(f"unknown colour map {colormap!r}; choose one of {', '.join(COLORMAPS)}")
    if levels is not None and (
        isinstance(levels, bool)
        or not isinstance(levels, numbers.Integral)
        or not 1 <= levels <= MAX_LEVELS
    ):
        raise ValueError(f"the number of contour levels must be from 1 to {MAX_LEVELS}")


# -- the writers -----------------------------------------------------------------------------
def write_png(
    path: PathLike,
    result: RunResult,
    *,
    size: tuple[int, int] = (1200, 900),
    colormap: str = "viridis",
    levels: int | None = None,
    arrows: bool = False,
    log_colour: bool | None = None,
) -> Path:
    """The finished race as a PNG of ``size`` pixels; returns the path written."""
    width, height = check_size(size)
    scene, scale = build_scene(result, size=size, **_style(colormap, levels, arrows, log_colour))
    image = scene.render(width, height, scale=scale)
    return atomic_write(path, lambda tmp: _save_png(image, tmp))


def write_svg(
    path: PathLike,
    result: RunResult,
    *,
    size: tuple[int, int] = (1200, 900),
    colormap: str = "viridis",
    levels: int | None = None,
    arrows: bool = False,
    log_colour: bool | None = None,
) -> Path:
    """The finished race as an SVG shown at ``size`` pixels (lines and text as vectors, the
    filled landscape as an embedded image); returns the path written."""
    from gradient_studio.export._svg import svg_text

    width, height = check_size(size)
    scene, scale = build_scene(result, size=size, **_style(colormap, levels, arrows, log_colour))
    w, h = width / scale, height / scale
    scene.lay_out(w, h)
    text = svg_text(scene.plot, w, h, width, height, title=_plain_title(result))
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_gif(
    path: PathLike,
    result: RunResult,
    *,
    size: tuple[int, int] = (640, 480),
    frames: int = 120,
    fps: float = 30,
    colormap: str = "viridis",
    levels: int | None = None,
    arrows: bool = False,
    log_colour: bool | None = None,
    progress: Callable[[int, int], bool] | None = None,
) -> Path:
    """The descent as a looping GIF: ``frames`` frames from step 0 to the last step any path
    reaches, at ``fps`` frames a second, the finished race held for a moment at the end.

    Every frame is mapped onto one palette computed once from the first and last frames
    (no dithering), so the colour map does not band or flicker from frame to frame.
    Consecutive frames that come out identical (a race shorter than the frame count, all
    of whose paths have stopped) are merged by the GIF writer into one longer frame.

    ``progress(done, total)`` is called after each frame is drawn; when it returns False the
    export stops with :class:`ExportCancelled` and nothing is written.
    """
    width, height = check_size(size)
    frames = check_frames(frames)
    fps = check_fps(fps)
    from PIL import Image

    scene, scale = build_scene(result, size=size, **_style(colormap, levels, arrows, log_colour))
    scene.set_step_counter(True)
    last = scene.last_step
    steps = [last * i / (frames - 1) for i in range(frames)] if frames > 1 else [last]
    with scene.without("race"):
        landscape = scene.render(width, height, scale=scale)

    drawn = 0

    def frame_at(step: float) -> Image.Image:
        nonlocal drawn
        scene.set_step(step)
        with scene.without("landscape"):
            frame = _rgb(scene.render(width, height, scale=scale, over=landscape))
        drawn += 1
        if progress is not None and not progress(min(drawn, frames), frames):
            raise ExportCancelled("the animation export was cancelled")
        return frame

    ends = [frame_at(steps[0]), frame_at(steps[-1])] if frames > 1 else [frame_at(steps[0])]
    palette = _shared_palette(ends, colormap, scene.path_colours())
    nodither = Image.Dither.NONE
    pictures = [ends[0].quantize(palette=palette, dither=nodither)]
    pictures += [frame_at(s).quantize(palette=palette, dither=nodither) for s in steps[1:-1]]
    if frames > 1:
        pictures.append(ends[1].quantize(palette=palette, dither=nodither))
    durations = _durations(frames, fps)

    def write(tmp: Path) -> None:
        pictures[0].save(
            tmp,
            format="GIF",
            save_all=True,
            append_images=pictures[1:],
            duration=durations,
            loop=0,
            optimize=False,
        )

    return atomic_write(path, write)


# -- helpers ---------------------------------------------------------------------------------
def picture_scale(width: int, height: int) -> float:
    """Device pixels per logical pixel for a ``width x height`` picture.

    A picture is laid out as if it had the area of 800 x 600 and then scaled, so a 1200 x 900
    PNG is the 800 x 600 layout at 1.5x; small pictures are laid out no smaller than the
    area of 640 x 480 (at 640 x 480 itself, 1:1), so their letters stay readable.
    """
    area = float(width) * float(height)
    return max(math.sqrt(area / 480_000.0), min(1.0, math.sqrt(area / 307_200.0)))


def build_scene(
    result: RunResult,
    *,
    size: tuple[int, int] = (1200, 900),
    colormap: str = "viridis",
    levels: int | None = None,
    arrows: bool = False,
    log_colour: bool | None = None,
) -> tuple[PlotScene, float]:
    """The scene the writers draw for ``result`` at ``size``, laid out, and its scale (device
    pixels per logical pixel): for a window's own exports, and for checking pictures."""
    width, height = check_size(size)
    _check_style(colormap, levels)
    return _scene_for(result, width, height, colormap, levels, arrows, log_colour)


def _style(
    colormap: str, levels: int | None, arrows: bool, log_colour: bool | None
) -> dict[str, Any]:
    return {"colormap": colormap, "levels": levels, "arrows": arrows, "log_colour": log_colour}


def _scene_for(
    result: RunResult,
    width: int,
    height: int,
    colormap: str,
    levels: int | None,
    arrows: bool,
    log_colour: bool | None,
) -> tuple[PlotScene, float]:
    from gradient_studio.scene import PlotScene

    scale = picture_scale(width, height)
    scene = PlotScene(colormap=colormap, levels=levels or 20, arrows=arrows, log_colour=log_colour)
    race = getattr(result, "race", None)
    xrange, yrange = _view_of(result)
    scene.set_view(xrange, yrange)
    preset = _preset_of(race)
    scene.set_minima(preset.minima if preset is not None else ())
    cols, rows = scene.view_pixels(width / scale, height / scale)
    scene.set_trajectories(result.trajectories)  # thinned for the view's size in pixels
    scene.set_grid_shape(
        min(GRID_LIMIT, math.ceil(rows * scale)), min(GRID_LIMIT, math.ceil(cols * scale))
    )
    # Trace contours finer for big pictures, where a cell of the tracing grid would show.
    scene.contours.detail = round(CONTOUR_DETAIL * min(2.0, max(1.0, scale / 1.5)))
    text = race.function if race is not None else None
    scene.set_objective(result.objective, title=text, name=preset.title if preset else "")
    scene.lay_out(width / scale, height / scale)
    return scene, scale


def _plain_title(result: RunResult) -> str:
    race = getattr(result, "race", None)
    preset = _preset_of(race)
    text = race.function if race is not None else getattr(result.objective, "text", "")
    return f"{preset.title}: f(x, y) = {text}" if preset else f"f(x, y) = {text}"


def _preset_of(race: Any) -> Any:
    name = getattr(race, "preset", None)
    if not name:
        return None
    from gradient_studio.engine import PRESETS

    return PRESETS.get(name)


def _view_of(result: RunResult) -> tuple[tuple[float, float], tuple[float, float]]:
    """The race's view; for a bare run, the box around its paths with a margin."""
    race = getattr(result, "race", None)
    if race is not None:
        return tuple(race.xrange), tuple(race.yrange)  # type: ignore[return-value]
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


def _save_png(image: QImage, path: Path) -> None:
    # Qt's quality 80 is zlib's fast end: a third of the default's time, a quarter larger.
    if not image.save(str(path), "PNG", 80):
        raise OSError(f"Qt could not write PNG data to {str(path)!r}")


def _rgb(image: QImage) -> Image.Image:
    """A Qt RGB32 image as a Pillow RGB image (a copy)."""
    from PIL import Image

    size = (image.width(), image.height())
    data = bytes(image.constBits())
    return Image.frombuffer("RGB", size, data, "raw", "BGRX", image.bytesPerLine(), 1)


def _shared_palette(frames: list[Image.Image], colormap: str, colours: list[str]) -> Image.Image:
    """One 256-colour palette for the whole animation.

    A palette fitted to the pixels alone would spend its entries on the big areas and
    quantise the colour map into visible bands, and lose the thin paths' colours; so it is
    built from three parts: every other entry of the colour map itself (smooth gradients),
    the picture's own colours (paths, markers, text), and a median cut of the first and
    last frames side by side for everything blended (contour lines, the legend's backing).
    """
    from PIL import Image

    from gradient_studio.scene.palette import colormap_lut

    fixed = [tuple(int(c) for c in rgba[:3]) for rgba in colormap_lut(colormap)[::2]]
    for name in ["#ffffff", "#000000", *colours]:
        rgb = tuple(int(name[i : i + 2], 16) for i in (1, 3, 5))
        if rgb not in fixed:
            fixed.append(rgb)
    w, h = frames[0].size
    sheet = Image.new("RGB", (w * len(frames), h))
    for i, frame in enumerate(frames):
        sheet.paste(frame, (i * w, 0))
    rest = 256 - len(fixed)
    fitted = sheet.quantize(colors=rest, method=Image.Quantize.MEDIANCUT)
    entries = [c for rgb in fixed for c in rgb] + fitted.getpalette()[: 3 * rest]
    palette = Image.new("P", (1, 1))
    palette.putpalette(entries + [0] * (768 - len(entries)))
    return palette


def _durations(frames: int, fps: float) -> list[int]:
    """Frame times in ms, whole hundredths of a second (all GIF can store) that add up to
    the requested rate, with the last frame held a moment longer."""
    ticks = [round(i * 100.0 / fps) for i in range(frames + 1)]
    out = [10 * max(1, b - a) for a, b in itertools.pairwise(ticks)]
    out[-1] += HOLD_LAST_MS
    return out
