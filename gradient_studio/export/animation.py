"""The descent as an animated GIF: every frame a step of the race, its legend that step's.

Drawn by the window's own :class:`~gradient_studio.scene.PlotScene` like the pictures in
:mod:`gradient_studio.export.images`, the landscape once and each frame's race over a copy
of it. The size and frame count are checked together against
:data:`~gradient_studio.export.limits.MAX_ANIMATION_PIXELS` before anything is drawn, and
frames go to Pillow's writer one at a time as they are drawn (Pillow holds each only as
its change from the frame before).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradient_studio.export.atomic import atomic_write
from gradient_studio.export.images import PathLike, ResultLike, build_scene
from gradient_studio.export.limits import check_animation, check_fps
from gradient_studio.export.style import PictureStyle

if TYPE_CHECKING:
    from PIL import Image
    from PySide6.QtGui import QImage

HOLD_LAST_MS = 1500  # the finished race stays up this long before the GIF loops


class ExportCancelled(Exception):
    """The person stopped an export before it finished; nothing was written."""


def write_gif(
    path: PathLike,
    result: ResultLike,
    *,
    size: tuple[int, int] = (640, 480),
    frames: int = 120,
    fps: float = 30,
    style: PictureStyle | None = None,
    progress: Callable[[int, int], bool] | None = None,
    **keywords: Any,
) -> Path:
    """The descent as a looping GIF: ``frames`` frames from step 0 to the last step any path
    reaches, at ``fps`` frames a second, the finished race held for a moment at the end.
    Each frame's legend gives the values at its step.

    Every frame is mapped onto one palette computed once from the first and last frames
    (no dithering), so the colour map does not band or flicker from frame to frame.
    Consecutive frames that come out identical (a race shorter than the frame count, all
    of whose paths have stopped) are merged by the GIF writer into one longer frame, and
    each frame stores only what changed (the rest transparent, through the palette's one
    free entry): the legend's values change every frame, and a frame stored whole from
    the legend to the heads made the file ten times larger.

    ``progress(done, total)`` is called after each frame is drawn; when it returns False the
    export stops with :class:`ExportCancelled` and nothing is written. ``style`` and the old
    keywords as for :func:`~gradient_studio.export.images.write_png`.
    """
    (width, height), frames = check_animation(size, frames)
    fps = check_fps(fps)
    style = PictureStyle.of(style, keywords)
    from PIL import Image

    scene, scale = build_scene(result, size=(width, height), style=style)
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
    palette = _shared_palette(ends, style.colormap, scene.path_colours())
    nodither = Image.Dither.NONE

    def pictures() -> Iterator[Image.Image]:
        for step in steps[1:-1]:
            yield frame_at(step).quantize(palette=palette, dither=nodither)
        if frames > 1:
            yield ends[1].quantize(palette=palette, dither=nodither)

    first = ends[0].quantize(palette=palette, dither=nodither)
    durations = _durations(frames, fps)

    def write(tmp: Path) -> None:
        first.save(
            tmp,
            format="GIF",
            save_all=True,
            append_images=pictures(),
            duration=durations,
            loop=0,
            optimize=True,
        )

    return atomic_write(path, write)


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
    rest = 255 - len(fixed)  # one entry left free: for the transparency of unchanged pixels
    fitted = sheet.quantize(colors=rest, method=Image.Quantize.MEDIANCUT)
    entries = [c for rgb in fixed for c in rgb] + (fitted.getpalette() or [])[: 3 * rest]
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
