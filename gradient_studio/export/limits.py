"""How big an export may be: the one place these limits live.

The window's export dialogs, ``gradient-studio render`` and the writers all check against
these numbers, so a request is refused up front, with one line saying what would fit,
before any work is done: nothing that is accepted runs out of memory or takes minutes.
Every ``check_*`` returns the value cleaned (ints as ints) or raises ``ValueError``.

Measured on the project's reference machine (2 cores): drawing costs about 40 ns a pixel
per frame, and Pillow holds every frame of a GIF until it writes the file (a byte a
pixel); a race's run keeps three floats per point and step.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

MIN_SIDE = 16
MAX_SIDE = 10_000
#: A picture's pixels: 25 million (6000 x 4000, 5000 x 5000) is a 100 MB image in memory.
MAX_PICTURE_PIXELS = 25_000_000
MAX_FRAMES = 10_000
MAX_FPS = 50  # GIF delays are whole hundredths of a second; browsers slow anything faster
#: An animation's pixels over all its frames: 100 million (325 frames at 640 x 480, 1000
#: at 400 x 250) is at most 100 MB held and about 5 s of drawing.
MAX_ANIMATION_PIXELS = 100_000_000
MAX_LEVELS = 100
#: Rows of numbers (steps + 1, times runs) in a CSV or JSON file: half a million is about
#: 50 MB of CSV, and JSON's in-memory form a few hundred MB.
MAX_ROWS = 500_000
#: Points (steps + 1, times runs) one race may compute: five million keep 120 MB of arrays.
MAX_RACE_POINTS = 5_000_000


def check_size(size: Sequence[Any]) -> tuple[int, int]:
    """``(width, height)`` as ints, each side ``MIN_SIDE`` … ``MAX_SIDE`` and the whole at
    most ``MAX_PICTURE_PIXELS``."""
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
    if width * height > MAX_PICTURE_PIXELS:
        raise ValueError(
            f"a picture of size {width}x{height} is {_millions(width * height)} pixels; at "
            f"most {_millions(MAX_PICTURE_PIXELS)} fit (e.g. 6000x4000)"
        )
    return width, height


def check_frames(frames: Any) -> int:
    if isinstance(frames, bool) or not isinstance(frames, numbers.Integral):
        raise ValueError(f"the number of frames must be a whole number, got {frames!r}")
    frames = int(frames)
    if not 1 <= frames <= MAX_FRAMES:
        raise ValueError(f"the number of frames must be from 1 to {MAX_FRAMES}, got {frames}")
    return int(frames)


def check_fps(fps: Any) -> float:
    if isinstance(fps, bool) or not isinstance(fps, numbers.Real) or not math.isfinite(fps):
        raise ValueError(f"the frame rate must be a number, got {fps!r}")
    fps = float(fps)
    if not 0 < fps <= MAX_FPS:
        raise ValueError(f"the frame rate must be above 0 and at most {MAX_FPS} fps, got {fps:g}")
    return float(fps)


def check_animation(size: Sequence[Any], frames: Any) -> tuple[tuple[int, int], int]:
    """A size and frame count whose frames together stay within ``MAX_ANIMATION_PIXELS``."""
    width, height = check_size(size)
    frames = check_frames(frames)
    if frames * width * height > MAX_ANIMATION_PIXELS:
        most = max(1, MAX_ANIMATION_PIXELS // (width * height))
        raise ValueError(
            f"{frames} frames of {width}x{height} are {_millions(frames * width * height)} "
            f"pixels to draw; at most {_millions(MAX_ANIMATION_PIXELS)} fit "
            f"({most} frames at that size): use fewer frames or a smaller size"
        )
    return (width, height), frames


def check_levels(levels: Any) -> int | None:
    if levels is None:
        return None
    if (
        isinstance(levels, bool)
        or not isinstance(levels, numbers.Integral)
        or not 1 <= int(levels) <= MAX_LEVELS
    ):
        raise ValueError(f"the number of contour levels must be from 1 to {MAX_LEVELS}")
    return int(levels)


def check_race(steps: int, runs: int) -> None:
    """Refuse a race of ``runs`` runs (optimisers times starts) of ``steps`` steps whose
    points would not fit."""
    points = (steps + 1) * runs
    if points > MAX_RACE_POINTS:
        raise ValueError(
            f"{runs} run{'s' if runs != 1 else ''} of {steps} steps are {_millions(points)} "
            f"points; at most {_millions(MAX_RACE_POINTS)} fit (at most "
            f"{MAX_RACE_POINTS // max(runs, 1) - 1} steps for {runs}): use fewer steps"
        )


def check_rows(steps: int, runs: int) -> None:
    """Refuse a table of numbers (CSV, JSON) with more than ``MAX_ROWS`` rows."""
    rows = (steps + 1) * runs
    if rows > MAX_ROWS:
        raise ValueError(
            f"{runs} run{'s' if runs != 1 else ''} of {steps} steps are {rows} rows of numbers;"
            f" at most {MAX_ROWS} fit in a file (at most {MAX_ROWS // max(runs, 1) - 1} steps"
            f" for {runs}): use fewer steps"
        )


def _millions(n: int) -> str:
    return f"{n / 1e6:.3g} million" if n < 1e9 else f"{n / 1e9:.3g} billion"
