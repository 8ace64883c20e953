"""Arrows at every moving head: the gradient there, and the step the optimiser really took.

At the playhead's step k each run stands at ``points[k]``. Three arrows start there:

* **∇f**, white: the direction of fastest increase (uphill). A gradient has no length in
  the plane, so it is drawn at a fixed length, whatever the mode.
* **the step taken**, solid in the run's colour: ``points[k + 1] − points[k]``, the move the
  optimiser made. For momentum, Adam and the rest it is not −∇f.
* **−η∇f**, dashed in the run's colour: the plain gradient step with the same learning
  rate — where gradient descent would have gone. For gradient descent it lies under the
  step; for the others the two part, and that is the lesson.

Modes: ``"readable"`` draws every arrow at a fixed length (directions only, the dashed one
a little longer, so that where the two agree both still show); ``"true"`` draws the step and
−η∇f as long as they are in the plane. While the playhead glides between steps k and k + 1
the head travels along the step arrow.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray

from gradient_studio.scene.arrows import TRUE_LENGTH, Arrow, ArrowItem, ArrowLook
from gradient_studio.scene.palette import optimizer_style
from gradient_studio.scene.paths import TrajectoryLike as Run

Array = NDArray[np.float64]
ArrowMode = Literal["off", "readable", "true"]
ARROW_MODES: tuple[ArrowMode, ...] = ("off", "readable", "true")

GRADIENT_PX = 40.0  # ∇f, in every mode
STEP_PX = 46.0  # the step taken, readable mode
GRADIENT_STEP_PX = 60.0  # −η∇f, readable mode: longer, so that under the step it still shows
GRADIENT_LOOK = ArrowLook("#ffffff", shaft=2.2, head=10.0)
RUNNING_STATUSES = ("max-steps", "running")  # a run that stops here has ∇f left to show


def arrow_mode(mode: bool | str | None) -> ArrowMode:
    """``mode`` as one of :data:`ARROW_MODES`; ``True`` (the View menu's old switch) is
    ``"readable"``, ``False`` and ``None`` are ``"off"``."""
    if mode is True:
        return "readable"
    if mode is False or mode is None:
        return "off"
    for known in ARROW_MODES:
        if mode == known:
            return known
    raise ValueError(f"unknown arrow mode {mode!r}; choose one of {', '.join(ARROW_MODES)}")


def step_look(colour: str) -> ArrowLook:
    """The step a run took: solid, in its colour."""
    return ArrowLook(colour)


def gradient_step_look(colour: str) -> ArrowLook:
    """−η∇f beside a run's step: dashed, in its colour."""
    return ArrowLook(colour, dashed=True, shaft=2.8)


class Gradient(Protocol):
    def gradient(self, x: Any, y: Any) -> Array: ...


@dataclass(frozen=True)
class HeadVectors:
    """At each head drawn (rows: the runs in order, those still moving at ``step``): the
    step ``k`` it stands at, where (``points[k]``), ∇f there, the step taken
    (``points[k + 1] − points[k]``, nan at a run's last point) and −η∇f with η the
    learning rate of that step (nan where the run has no learning rate)."""

    runs: tuple[int, ...]
    steps: tuple[int, ...]
    points: Array
    gradient: Array
    step: Array
    gradient_step: Array
    colours: tuple[str, ...]


def head_vectors(runs: Sequence[Run], step: float | None, objective: Gradient) -> HeadVectors:
    """The vectors at every head at ``step`` (``None``: the end of every run), from the
    runs' own points and one ∇f call for all heads."""
    index, ks, points, steps, rates, colours = [], [], [], [], [], []
    for i, run in enumerate(runs):
        p = np.asarray(run.points, dtype=np.float64).reshape(-1, 2)
        last = max(0, min(len(p), len(run.f)) - 1)
        k = last if step is None else min(max(0, math.floor(step)), last)
        if not len(p) or (k == last and str(run.status) not in RUNNING_STATUSES):
            continue  # converged, diverged or left the domain: no descent left to show
        if not np.isfinite(p[k]).all():
            continue
        lr = getattr(run, "lr", None)
        index.append(i)
        ks.append(k)
        points.append(p[k])
        steps.append(p[k + 1] - p[k] if k < last else (math.nan, math.nan))
        rates.append(float(lr[k + 1]) if lr is not None and k + 1 < len(lr) else math.nan)
        colours.append(optimizer_style(run.optimizer).colour)
    here = np.array(points, dtype=np.float64).reshape(-1, 2)
    if len(here):
        with np.errstate(all="ignore"):
            g = np.asarray(objective.gradient(here[:, 0], here[:, 1]), float).reshape(-1, 2)
    else:
        g = np.empty((0, 2))
    eta = np.array(rates, dtype=np.float64).reshape(-1, 1)
    return HeadVectors(
        tuple(index),
        tuple(ks),
        here,
        g,
        np.array(steps, dtype=np.float64).reshape(-1, 2),
        -eta * g,
        tuple(colours),
    )


def head_arrows(vectors: HeadVectors, mode: ArrowMode) -> list[Arrow]:
    """The arrows for ``vectors``: every ∇f first, then the dashed −η∇f, then the solid
    steps on top."""
    if mode == "off":
        return []
    readable = mode == "readable"
    gradients, dashed, solid = [], [], []
    for p, g, s, gs, colour in zip(
        vectors.points,
        vectors.gradient,
        vectors.step,
        vectors.gradient_step,
        vectors.colours,
        strict=True,
    ):
        tail = (float(p[0]), float(p[1]))
        gradients.append(Arrow(tail, (float(g[0]), float(g[1])), GRADIENT_LOOK, GRADIENT_PX))
        dashed.append(
            Arrow(
                tail,
                (float(gs[0]), float(gs[1])),
                gradient_step_look(colour),
                GRADIENT_STEP_PX if readable else TRUE_LENGTH,
            )
        )
        solid.append(
            Arrow(
                tail,
                (float(s[0]), float(s[1])),
                step_look(colour),
                STEP_PX if readable else TRUE_LENGTH,
            )
        )
    return gradients + dashed + solid


class HeadArrows:
    """The arrows at the heads, as one item in ``plot``; :meth:`show` redraws them."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.item = ArrowItem(z=20.5)  # over the end markers, under the heads
        plot.addItem(self.item)
        self.mode: ArrowMode = "off"
        self.vectors: HeadVectors | None = None

    def show(
        self, mode: ArrowMode, runs: Sequence[Run], step: float | None, objective: Gradient | None
    ) -> None:
        self.mode = mode
        if mode == "off" or objective is None:
            self.vectors = None
            self.item.set_arrows([])
            return
        self.vectors = head_vectors(runs, step, objective)
        self.item.set_arrows(head_arrows(self.vectors, mode))
