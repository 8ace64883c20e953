"""What one picture of the 3-D view is made of, besides the buffers on the GPU: the matrices,
the sizes, and which stretches of the line buffer are which path in which colour."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
RGBA = tuple[float, float, float, float]


@dataclass(frozen=True)
class Strip:
    """``count`` line vertices from ``first``, as one line strip (or pairs, for guides)."""

    first: int
    count: int
    colour: RGBA


@dataclass(frozen=True)
class Frame:
    """Everything one picture needs besides the uploaded buffers."""

    width: int  # device pixels
    height: int
    mv: Array  # world -> eye
    projection: Array  # eye -> clip
    world_per_pixel: float  # at unit distance from the eye, for sprites of a fixed size
    background: RGBA = (1.0, 1.0, 1.0, 1.0)
    samples: int = 0
    coarse: bool = False
    pixel: float = 1.0  # device pixels per logical pixel: lines and sprites grow with it
    guides: Sequence[Strip] = ()
    guide_width: float = 1.0
    paths: Sequence[Strip] = ()
    path_width: float = 2.4
    casing: RGBA = (0.08, 0.08, 0.08, 1.0)
    casing_width: float = 4.6
    path_bias: float = 0.0  # box units nearer the eye the paths are drawn (see shaders)
    balls: tuple[int, int] = (0, 0)  # first, count in the sprite buffer
    ball_size: float = 15.0
    discs: tuple[int, int] = (0, 0)
    disc_size: float = 9.0
    ghosts: bool = True
