"""How a picture is drawn, as one value: the View menu's choices, handed to every writer."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from gradient_studio.export.limits import check_levels


@dataclass(frozen=True)
class PictureStyle:
    """The look of an exported picture (what the window's View menu sets).

    ``levels`` is about how many contour lines (``None``: the scene's own 20); ``log_colour``
    colours by log f (True), linearly (False) or by f's span over the view (None).

    The gradient, drawn (see :mod:`gradient_studio.scene.glyphs`): ``arrows`` at the heads
    — ``"readable"``, ``"true"`` (lengths as in the plane) or ``"off"``; ``True`` and
    ``False`` are ``"readable"`` and ``"off"`` — ``field`` the −∇f quiver (``True``:
    25 x 25 arrows, or ``(rows, cols)``), ``curvature`` the curvature glyph at a point
    ``(x, y)`` or at the head of the run with that index (an ``int``; it follows the
    step), and ``colour_by`` the landscape's colouring, ``"f"`` or ``"gradient_norm"``.
    Unknown values are a ``ValueError`` naming the field.
    """

    colormap: str = "viridis"
    levels: int | None = None
    arrows: bool | str = False
    log_colour: bool | None = None
    field: bool | tuple[int, int] = False
    curvature: tuple[float, float] | int | None = None
    colour_by: str = "f"

    def __post_init__(self) -> None:
        # (The scene brings Qt: not before a style is made.)
        from gradient_studio.scene.descent_field import check_shape
        from gradient_studio.scene.gradient_colouring import colouring
        from gradient_studio.scene.head_arrows import arrow_mode
        from gradient_studio.scene.palette import COLORMAPS

        if self.colormap not in COLORMAPS:
            raise ValueError(
                f"unknown colour map {self.colormap!r}; choose one of {', '.join(COLORMAPS)}"
            )
        check_levels(self.levels)
        arrow_mode(self.arrows)  # (kept as given: True stays True for the View menu)
        object.__setattr__(self, "colour_by", colouring(self.colour_by))
        if not isinstance(self.field, bool):
            object.__setattr__(self, "field", check_shape(self.field))
        point = self.curvature
        if isinstance(point, bool) or not (
            point is None
            or (isinstance(point, int) and point >= 0)
            or (isinstance(point, tuple) and len(point) == 2 and all(map(_finite, point)))
        ):
            raise ValueError(
                f"curvature: {point!r} is neither a point (x, y) nor the index of a run"
            )

    @property
    def arrow_mode(self) -> str:
        """``arrows`` as ``"off"``, ``"readable"`` or ``"true"``."""
        from gradient_studio.scene.head_arrows import arrow_mode

        return arrow_mode(self.arrows)

    @property
    def field_shape(self) -> tuple[int, int] | None:
        """The −∇f field's (rows, cols), or None when it is off."""
        if self.field is True:
            return (25, 25)
        return None if self.field is False else self.field

    #: The keywords the writers took before there was a PictureStyle.
    KEYWORDS: ClassVar[tuple[str, ...]] = ("colormap", "levels", "arrows", "log_colour")

    @classmethod
    def of(cls, style: PictureStyle | None, options: Mapping[str, Any]) -> PictureStyle:
        """``style`` with any of the old keywords in ``options`` laid over it. (The keywords
        still work for one release, so that the window can move over to ``style=``.)"""
        unknown = set(options) - set(cls.KEYWORDS)
        if unknown:
            raise TypeError(f"unknown picture option {sorted(unknown)[0]!r}")
        return dataclasses.replace(style or cls(), **options)


def _finite(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
