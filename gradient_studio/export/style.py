"""How a picture is drawn, as one value: the View menu's choices, handed to every writer."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from gradient_studio.export.limits import check_levels


@dataclass(frozen=True)
class PictureStyle:
    """The look of an exported picture (what the window's View menu sets).

    ``levels`` is about how many contour lines (``None``: the scene's own 20); ``log_colour``
    colours by log f (True), linearly (False) or by f's span over the view (None).
    """

    colormap: str = "viridis"
    levels: int | None = None
    arrows: bool = False
    log_colour: bool | None = None

    def __post_init__(self) -> None:
        from gradient_studio.scene.palette import COLORMAPS  # (the scene brings Qt: not before)

        if self.colormap not in COLORMAPS:
            raise ValueError(
                f"unknown colour map {self.colormap!r}; choose one of {', '.join(COLORMAPS)}"
            )
        check_levels(self.levels)

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
