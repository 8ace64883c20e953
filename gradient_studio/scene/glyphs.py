"""The gradient made visible, as parts of the picture: the arrows at the heads, the −∇f
field, the curvature glyph and the key that words them.

:class:`Glyphs` holds what is switched on and redraws each part when what it depends on
changes — the step, the runs, f, the view — so the window and the exporters drive them
through :class:`~gradient_studio.scene.PlotScene`'s ``set_arrows``, ``set_field`` and
``set_curvature`` alone. Each part lives in its own module: :mod:`head_arrows`,
:mod:`descent_field`, :mod:`curvature_glyph`, :mod:`glyph_key`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pyqtgraph as pg

from gradient_studio.scene.curvature_glyph import CurvatureGlyph
from gradient_studio.scene.descent_field import FIELD_COLOURS, DescentFieldLayer, check_shape
from gradient_studio.scene.glyph_key import GlyphKey, KeyRow, arrow_swatch, ramp_swatch, row
from gradient_studio.scene.head_arrows import (
    GRADIENT_LOOK,
    ArrowMode,
    HeadArrows,
    Run,
    arrow_mode,
    gradient_step_look,
    step_look,
)
from gradient_studio.scene.palette import format_value

Point = tuple[float, float]
KEY_GREY = "#a8a8a8"  # the step's swatch in the key: every run draws it in its own colour


class Glyphs:
    """The glyphs of one plot, and the key card ``key`` (placed by the overlays)."""

    def __init__(self, plot: pg.PlotItem, key: GlyphKey) -> None:
        self.heads = HeadArrows(plot)
        self.field = DescentFieldLayer(plot)
        self.curvature = CurvatureGlyph(plot)
        self.key = key
        self.arrow_mode: ArrowMode = "off"
        self.field_on = False
        self.point: Point | None = None  # a fixed point for the curvature glyph
        self.run: int | None = None  # ... or the run whose head it follows
        self.lr: float | None = None  # the gradient step's learning rate (None: the run's)
        self._objective: Any = None
        self._runs: Sequence[Run] = ()
        self._step: float | None = None
        self._view: tuple[tuple[float, float], tuple[float, float]] = ((-1.0, 1.0), (-1.0, 1.0))

    def items(self, part: str) -> list[Any]:
        """The items of ``part`` as :meth:`Drawing.without` names them: the field stays
        with the landscape, the rest moves with the race."""
        if part == "landscape":
            return [self.field.item]
        return [self.heads.item, *self.curvature.items(), self.key]

    def colours(self) -> list[str]:
        """The colours the glyphs shown draw with (for an animation's palette)."""
        on = self.arrow_mode != "off" or self.point is not None or self.run is not None
        return (["#ffffff"] if on else []) + (list(FIELD_COLOURS) if self.field_on else [])

    # -- what is shown ----------------------------------------------------------------------
    def set_arrows(self, mode: bool | str | None) -> bool:
        self.arrow_mode = arrow_mode(mode)
        self._show_heads()
        return self._show_key()

    def set_field(self, on: bool, shape: tuple[int, int] | None = None) -> bool:
        self.field_on = bool(on)
        if shape is not None:
            self.field.shape = check_shape(shape)
        self._show_field()
        return self._show_key()

    def set_curvature(
        self, point: Sequence[float] | None, run: int | None, lr: float | None
    ) -> bool:
        if point is not None and run is not None:
            raise ValueError("the curvature glyph goes at a point or at a run's head, not both")
        if point is not None:
            x, y = float(point[0]), float(point[1])
            if not (math.isfinite(x) and math.isfinite(y)):
                raise ValueError(f"the curvature glyph's point ({x}, {y}) is not finite")
            self.point = (x, y)
        else:
            self.point = None
        self.run = None if run is None else int(run)
        self.lr = None if lr is None else float(lr)
        self._show_curvature()
        return self._show_key()

    # -- what they depend on ----------------------------------------------------------------
    def update(
        self,
        *,
        objective: Any = ...,
        runs: Sequence[Run] | None = None,
        step: Any = ...,
        view: tuple[tuple[float, float], tuple[float, float]] | None = None,
    ) -> bool:
        """Redraw the parts that depend on what changed (``...``/None: unchanged);
        returns whether the key must be placed again."""
        if objective is not ...:
            self._objective = objective
        if runs is not None:
            self._runs = runs
        if step is not ...:
            self._step = step
        if view is not None:
            self._view = view
            self.heads.item.set_view(*view)
        if objective is not ... or view is not None:
            self._show_field()
        self._show_heads()
        self._show_curvature()
        return self._show_key()

    def _show_heads(self) -> None:
        self.heads.show(self.arrow_mode, self._runs, self._step, self._objective)

    def _show_field(self) -> None:
        if self.field_on and self._objective is not None:
            self.field.show(self._objective, *self._view)
        elif len(self.field.item.centres):
            self.field.clear()

    def _show_curvature(self) -> None:
        point, lr = self._curvature_point()
        if point is None or self._objective is None:
            if self.curvature.curvature is not None or self.curvature.failure:
                self.curvature.clear()
            return
        self.curvature.show(self._objective, point, lr, *self._view)

    def _curvature_point(self) -> tuple[Point | None, float | None]:
        """Where the glyph goes and its gradient step's learning rate: the fixed point
        (with the first run's rate), or the followed run's head and rate at the step."""
        lr = self.lr
        if self.point is not None:
            if lr is None and self._runs:
                lr = _rate(self._runs[0], 0)
            return self.point, lr
        if self.run is None or not 0 <= self.run < len(self._runs):
            return None, None
        run = self._runs[self.run]
        last = max(0, min(len(run.points), len(run.f)) - 1)
        k = last if self._step is None else min(max(0, math.floor(self._step)), last)
        x, y = (float(v) for v in run.points[k])
        return (x, y), lr if lr is not None else _rate(run, k)

    # -- the key ----------------------------------------------------------------------------
    def key_rows(self) -> list[KeyRow]:
        rows: list[KeyRow] = []
        if self.arrow_mode != "off":
            rows += [
                row(arrow_swatch(GRADIENT_LOOK), "∇f: uphill, the direction of fastest increase"),
                row(arrow_swatch(step_look(KEY_GREY)), "the step each run took (in its colour)"),
                row(
                    arrow_swatch(gradient_step_look(KEY_GREY)),
                    "−η∇f: where plain gradient descent would go",
                ),
                row(
                    None,
                    "lengths as in the plane (∇f: direction only)"
                    if self.arrow_mode == "true"
                    else "lengths not to scale: directions only",
                ),
            ]
        edges = self.field.bins.edges
        if self.field_on and edges:
            low, high = format_value(edges[0]), format_value(edges[-1])
            rows.append(row(ramp_swatch(FIELD_COLOURS), "−∇f field: the way downhill"))
            rows.append(row(None, f"colour: ‖∇f‖ from {low} (pale) to {high} (deep)"))
        return rows + self.curvature.key_rows()

    def _show_key(self) -> bool:
        return self.key.set_rows(self.key_rows())


def _rate(run: Run, k: int) -> float | None:
    """The learning rate of the step from point ``k`` of ``run`` (None if it has none)."""
    lr = getattr(run, "lr", None)
    if lr is None or not len(lr):
        return None
    return float(lr[min(k + 1, len(lr) - 1)])
