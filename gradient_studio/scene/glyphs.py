"""The gradient made visible, as parts of the picture: the arrows at the heads, the −∇f
field, the curvature glyph and the key that words them.

:class:`Glyphs` holds what is switched on and redraws each part when what it depends on
changes — the step, the runs, f, the view — so the window and the exporters drive them
through :class:`~gradient_studio.scene.PlotScene`'s ``set_arrows``, ``set_field`` and
``set_curvature`` alone. The redrawing waits for the next paint (:meth:`Glyphs.flush`, on
pyqtgraph's ``sigPrepareForPaint``): a slider's new f and new runs, handed over one after
the other, are drawn once. Each part lives in its own module: :mod:`head_arrows`,
:mod:`descent_field`, :mod:`curvature_glyph`, :mod:`glyph_key`.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QRectF

from gradient_studio.scene.curvature_glyph import CurvatureGlyph
from gradient_studio.scene.descent_field import FIELD_COLOURS, DescentFieldLayer, check_shape
from gradient_studio.scene.glyph_key import GlyphKey, KeyRow, arrow_swatch, ramp_swatch, row
from gradient_studio.scene.head_arrows import (
    GRADIENT_LOOK,
    ArrowMode,
    HeadArrows,
    arrow_mode,
    gradient_step_look,
    step_look,
)
from gradient_studio.scene.palette import format_value
from gradient_studio.scene.paths import TrajectoryLike as Run

Point = tuple[float, float]
KEY_ROW_PX = 18  # a row of the key, about
KEY_GREY = "#a8a8a8"  # the step's swatch in the key: every run draws it in its own colour


class Glyphs:
    """The glyphs of one plot, and the key card ``key`` (placed by the overlays)."""

    def __init__(
        self, plot: pg.PlotItem, key: GlyphKey, on_key_changed: Callable[[], None]
    ) -> None:
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
        # Weakly: a scene that holds its glyphs and is held by them would live on until
        # the cycle collector ran — and that may be in the middle of another scene's paint.
        self._on_key_changed = weakref.WeakMethod(on_key_changed)
        self._stale: set[str] = set()  # the parts to redraw at the next flush

    def items(self, part: str) -> list[Any]:
        """The items of ``part`` as :meth:`Drawing.without` names them: the field stays
        with the landscape, the rest moves with the race."""
        if part == "landscape":
            return [self.field.item]
        return [self.heads.item, *self.curvature.items(), self.key]

    def marks(self) -> NDArray[np.float64]:
        """Points the cards over the view should leave clear: the curvature glyph's fixed
        point (a followed head is part of the race already)."""
        return np.array([self.point] if self.point is not None else [], float).reshape(-1, 2)

    def colours(self) -> list[str]:
        """The colours the glyphs shown draw with (for an animation's palette)."""
        on = self.arrow_mode != "off" or self.point is not None or self.run is not None
        return (["#ffffff"] if on else []) + (list(FIELD_COLOURS) if self.field_on else [])

    # -- what is shown ----------------------------------------------------------------------
    def set_arrows(self, mode: bool | str | None) -> None:
        self.arrow_mode = arrow_mode(mode)
        self._stale |= {"heads", "key"}
        self.flush()

    def set_field(self, on: bool, shape: tuple[int, int] | None = None) -> None:
        shape = None if shape is None else check_shape(shape)
        self.field_on = bool(on)
        if shape is not None:
            self.field.shape = shape
        self._stale |= {"field", "key"}
        self.flush()

    def set_curvature(
        self, point: Sequence[float] | None, run: int | None, lr: float | None
    ) -> None:
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
        self._stale |= {"curvature", "key"}
        self.flush()

    # -- what they depend on ----------------------------------------------------------------
    def update(
        self,
        *,
        objective: Any = ...,
        runs: Sequence[Run] | None = None,
        step: Any = ...,
        view: tuple[tuple[float, float], tuple[float, float]] | None = None,
    ) -> None:
        """Note what changed (``...``/None: unchanged); the parts that depend on it are
        redrawn at the next :meth:`flush`."""
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
            self._stale.add("field")
        self._stale.add("heads")
        # A fixed point's glyph (and so the key) stays as it is while only the step moves.
        if objective is not ... or view is not None or runs is not None or self.run is not None:
            self._stale |= {"curvature", "key"}

    def resized(self) -> None:
        """The view changed size: the key may need to be brief, or may be full again."""
        self._stale.add("key")

    def flush(self) -> None:
        """Redraw what is out of date — before a paint, or for a test to look at it."""
        stale, self._stale = self._stale, set()
        if "field" in stale:
            self._show_field()
        if "heads" in stale:
            self._show_heads()
        if "curvature" in stale:
            self._show_curvature()
        if "key" in stale and self.key.set_rows(self._key_rows_that_fit()):
            placing = self._on_key_changed()
            if placing is not None:
                placing()

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
    def key_rows(self, brief: bool = False) -> list[KeyRow]:
        """The key's rows for what is shown; ``brief``: a few words a row, for a small
        view (a picture of 480 x 360 with every glyph on)."""
        rows: list[KeyRow] = []
        if self.arrow_mode != "off":
            lengths = (
                "lengths as in the plane (∇f: direction only)"
                if self.arrow_mode == "true"
                else "lengths not to scale: directions only"
            )
            rows += [
                row(
                    arrow_swatch(GRADIENT_LOOK),
                    "∇f: uphill" if brief else "∇f: uphill, the direction of fastest increase",
                ),
                row(
                    arrow_swatch(step_look(KEY_GREY)),
                    "the step taken" if brief else "the step each run took (in its colour)",
                ),
                row(
                    arrow_swatch(gradient_step_look(KEY_GREY)),
                    "−η∇f: plain descent"
                    if brief
                    else "−η∇f: where plain gradient descent would go",
                ),
                *([] if brief else [row(None, lengths)]),
            ]
        edges = self.field.bins.edges
        if self.field_on and edges:
            low, high = format_value(edges[0]), format_value(edges[-1])
            if brief:
                rows.append(row(ramp_swatch(FIELD_COLOURS), f"−∇f, ‖∇f‖ {low} to {high}"))
            else:
                rows.append(row(ramp_swatch(FIELD_COLOURS), "−∇f field: the way downhill"))
                rows.append(row(None, f"colour: ‖∇f‖ from {low} (pale) to {high} (deep)"))
        return rows + self.curvature.key_rows(brief)

    def _key_rows_that_fit(self) -> list[KeyRow]:
        """The full key, or the brief one where the full one would cover more than half
        the view's height."""
        rows = self.key_rows()
        view = self.key.parentItem()
        if view is not None and view.height() > 1 and len(rows) * KEY_ROW_PX > 0.5 * view.height():
            return self.key_rows(brief=True)
        return rows


class GlyphFlusher(pg.GraphicsObject):  # type: ignore[misc]  # (pyqtgraph has no type hints)
    """An empty item that flushes ``glyphs`` before every paint of its scene (pyqtgraph's
    ``sigPrepareForPaint``, which the window's view and every render emit). Like
    pyqtgraph's ViewBox it connects when it enters a scene and disconnects when it leaves,
    so no signal outlives either; it holds the glyphs weakly."""

    def __init__(self, glyphs: Glyphs) -> None:
        super().__init__()
        self._glyphs = weakref.ref(glyphs)

    def itemChange(self, change: Any, value: Any) -> Any:
        out = super().itemChange(change, value)
        scene = self.scene()
        if scene is not None and hasattr(scene, "sigPrepareForPaint"):
            if change == self.GraphicsItemChange.ItemSceneChange:
                scene.sigPrepareForPaint.disconnect(self.prepare_for_paint)
            elif change == self.GraphicsItemChange.ItemSceneHasChanged:
                scene.sigPrepareForPaint.connect(self.prepare_for_paint)
        return out

    def prepare_for_paint(self) -> None:
        glyphs = self._glyphs()
        if glyphs is not None:
            glyphs.flush()

    def boundingRect(self) -> QRectF:
        return QRectF()

    def paint(self, *args: Any) -> None:
        pass


def _rate(run: Run, k: int) -> float | None:
    """The learning rate of the step from point ``k`` of ``run`` (None if it has none)."""
    lr = getattr(run, "lr", None)
    if lr is None or not len(lr):
        return None
    return float(lr[min(k + 1, len(lr) - 1)])
