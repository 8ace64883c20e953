"""Curvature at a point, drawn: the shape of f there and three steps from the point.

At a point p the Hessian H says how f curves (see
:mod:`gradient_studio.engine.curvature`). The glyph shows it where it is:

* the **shape**: a bowl's or dome's ellipse centred on p (long where f curves gently, its
  sides in the ratio √κ), a saddle's two lines along which f does not curve, a trough's
  flat line;
* three **steps** from p, each as long as it is in the plane: the gradient step −η∇f
  (dashed, as at the heads), the best step along −∇f (ε* = gᵀg / gᵀHg: the bottom of the
  parabola along that line) and Newton's step −H⁻¹∇f (dark: the centre of the local
  quadratic model);
* the **numbers** — λ₁, λ₂, κ and the stability edge in a sentence — in the glyph key.

The point is fixed (a clicked point, ``render --curvature X,Y``) or a run's head, which it
follows as the playhead moves.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any, cast

import numpy as np
import pyqtgraph as pg

from gradient_studio.engine.curvature import Curvature, PointKind, curvature_at
from gradient_studio.scene.arrows import TRUE_LENGTH, Arrow, ArrowItem, ArrowLook
from gradient_studio.scene.glyph_key import (
    KeyRow,
    arrow_swatch,
    cross_swatch,
    diamond_swatch,
    ellipse_swatch,
    row,
)
from gradient_studio.scene.legend import Run
from gradient_studio.scene.palette import CASING, format_value

GLYPH_OF_VIEW = 0.09  # the shape's long radius, as a fraction of the view's shorter side
GRADIENT_STEP_LOOK = ArrowLook("#ffffff", dashed=True, shaft=2.8)
BEST_STEP_LOOK = ArrowLook("#ffffff", shaft=2.2, head=10.0)
NEWTON_LOOK = ArrowLook(CASING, shaft=3.0, rim="#ffffff")
SENTENCE_WIDTH = 44  # characters in a line of the key's sentence

Point = tuple[float, float]


class CurvatureGlyph:
    """The glyph in ``plot``: :meth:`show` draws it at a point, :meth:`key_rows` words it."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.arrows = ArrowItem(z=27)  # the shape and the three steps, in one item
        plot.addItem(self.arrows)
        self.curvature: Curvature | None = None
        self.lr: float | None = None
        self.failure = ""  # why there is no glyph where one was asked for

    def items(self) -> list[Any]:
        return [self.arrows]

    def clear(self) -> None:
        self.curvature, self.failure = None, ""
        self._draw(np.empty((0, 2)), [])

    def show(
        self,
        objective: Any,
        point: Point,
        lr: float | None,
        xrange: tuple[float, float],
        yrange: tuple[float, float],
    ) -> None:
        """The glyph at ``point`` of ``objective``, its gradient step with learning rate
        ``lr`` (None: no gradient step), sized for the view."""
        self.arrows.set_view(xrange, yrange)
        self.lr = lr
        try:
            c = curvature_at(cast("Any", objective), point)
        except (NotImplementedError, ArithmeticError, ValueError, TypeError) as e:
            self.curvature, self.failure = None, f"no curvature here: {e}"
            self._draw(np.empty((0, 2)), [])
            return
        self.curvature, self.failure = c, ""
        if not c.defined:
            self.failure = "f is not defined here"
            self._draw(np.empty((0, 2)), [])
            return
        size = GLYPH_OF_VIEW * min(xrange[1] - xrange[0], yrange[1] - yrange[0])
        self._draw(c.glyph(size), glyph_arrows(c, lr), c.point)

    def _draw(self, line: Any, arrows: list[Arrow], mark: Point | None = None) -> None:
        self.arrows.set_line(line, mark)
        self.arrows.set_arrows(arrows)

    def key_rows(self, brief: bool = False) -> list[KeyRow]:
        """What the key says of the glyph: where, what kind of point, the numbers, the
        stability edge, then a row per mark drawn (``brief``: fewer words)."""
        c = self.curvature
        if c is None:
            return [row(None, Run(f"Curvature: {self.failure}"))] if self.failure else []
        x, y = c.point
        where = f"Curvature at ({_n(x)}, {_n(y)})"
        if not c.defined:
            return [row(diamond_swatch, f"{where}: {self.failure}")]
        l1, l2 = c.eigenvalues
        kappa = "∞" if c.condition_number is None else _n(c.condition_number)
        rows = [
            row(diamond_swatch, f"a {c.kind.value}" if brief else f"{where}: a {c.kind.value}"),
            row(None, f"λ₁ = {_n(l1)}, λ₂ = {_n(l2)}, κ = {kappa}"),
        ]
        edge = c.stable_lr
        if brief:
            rows.append(
                row(None, "no stability edge" if edge is None else f"GD unstable: η > {_n(edge)}")
            )
        else:
            sentence = c.stability[0].upper() + c.stability[1:] + "."
            rows += [row(None, part) for part in textwrap.wrap(sentence, SENTENCE_WIDTH)]
            shape = _SHAPES.get(c.kind)
            if shape is not None:
                rows.append(row(*shape))
        if self.lr is not None:
            step = c.gradient_step(self.lr)
            text = f"gradient step −η∇f, η = {_n(self.lr)}: {_length(step)} long"
            rows.append(row(arrow_swatch(GRADIENT_STEP_LOOK), "−η∇f" if brief else text))
        rate, best = c.best_rate, c.best_step
        if rate is not None and best is not None:
            text = f"best step along −∇f, ε* = {_n(rate)}: {_length(best)} long"
            rows.append(row(arrow_swatch(BEST_STEP_LOOK), "best step" if brief else text))
        else:
            rows.append(
                row(
                    None,
                    "no best step" if brief else "no best step along −∇f (f curves down or ∇f = 0)",
                )
            )
        newton = c.newton_step
        if newton is not None:
            text = f"Newton's step −H⁻¹∇f: {_length(newton)} long"
            rows.append(row(arrow_swatch(NEWTON_LOOK), "Newton's step" if brief else text))
        else:
            rows.append(
                row(None, "no Newton step" if brief else "no Newton step: the Hessian is singular")
            )
        return rows


_SHAPES = {
    PointKind.BOWL: (ellipse_swatch, "the bowl's shape (long where f curves gently)"),
    PointKind.DOME: (ellipse_swatch, "the dome's shape (long where f curves gently)"),
    PointKind.SADDLE: (cross_swatch, "the saddle: f does not curve along these"),
    PointKind.TROUGH: (cross_swatch, "f is flat along this line"),
    PointKind.RIDGE: (cross_swatch, "f is flat along this line"),
}


def glyph_arrows(c: Curvature, lr: float | None) -> list[Arrow]:
    """The three steps from the point, each as long as it is; the gradient step only with
    a learning rate. Newton's step last, on top."""
    tail = c.point
    out = []
    # The best step and the gradient step lie on one line: the dashed one on top shows
    # both (the solid one goes on beyond it, or its head stands inside it).
    if c.best_step is not None:
        out.append(Arrow(tail, c.best_step, BEST_STEP_LOOK, TRUE_LENGTH))
    if lr is not None:
        out.append(Arrow(tail, c.gradient_step(lr), GRADIENT_STEP_LOOK, TRUE_LENGTH))
    if c.newton_step is not None:
        out.append(Arrow(tail, c.newton_step, NEWTON_LOOK, TRUE_LENGTH))
    return out


def _n(v: float) -> str:
    return format_value(float(v))


def _length(step: tuple[float, float]) -> str:
    return _n(math.hypot(*step))
