"""Learning-rate sweeps and hyperparameter maps: one start, many runs, one value apart.

A :class:`Sweep` runs each chosen optimiser from one start at learning rates log-spaced over
a range (both ends included), recording each run's final f, the steps it took and how it
ended — diverged runs included, so the edge where a learning rate becomes too large shows.
For gradient descent and momentum it also gives the edge theory predicts from the Hessian at
the start, H's largest eigenvalue λmax: a quadratic diverges under gradient descent exactly
when lr > 2/λmax, and under the heavy ball with momentum β when lr > (2 + 2β)/λmax.

A :class:`HyperMap` varies two hyperparameters of one optimiser over a grid (each axis
linear or log, both ends included), one run per pair: Distill's momentum phase diagram is
the map of momentum's lr and β on an ill-conditioned quadratic.

Both batch their runs as rows of one optimiser (:mod:`~gradient_studio.engine.rows`) and
keep final states only (:mod:`~gradient_studio.engine.final`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradient_studio.engine.curvature import curvature_at
from gradient_studio.engine.final import CONVERGED, DIVERGED, FinalStates
from gradient_studio.engine.kernel import Array
from gradient_studio.engine.maps import (
    axis,
    check_grid,
    check_range,
    check_work,
    levels,
    run_final,
)
from gradient_studio.engine.objective import Objective
from gradient_studio.engine.results import OptimizerChoice
from gradient_studio.engine.transforms import Training

DEFAULT_LR_RANGE = (1e-5, 10.0)


@dataclass(frozen=True)
class StabilityMark:
    """Where theory puts the edge of stability for ``optimizer``: lr = ``lr``, ``label``
    saying which formula (``2/λmax``, ``(2+2β)/λmax``)."""

    optimizer: str
    lr: float
    label: str


@dataclass(frozen=True)
class SweepCurve:
    """One optimiser across the learning rates: per lr, the final f, the steps taken and
    the end's code (see :data:`~gradient_studio.engine.final.CODES`)."""

    choice: OptimizerChoice
    final: FinalStates

    @property
    def diverged(self) -> Array:
        return np.asarray(self.final.code == DIVERGED)

    @property
    def steps_to_converge(self) -> Array:
        """Steps taken by the runs that converged; nan for the others."""
        return np.where(self.final.code == CONVERGED, self.final.steps, np.nan)


@dataclass(frozen=True)
class Sweep:
    """Each optimiser of :attr:`curves` (by name, in order) at every lr of :attr:`lrs`, from
    :attr:`start`; :attr:`marks` the theory's edges; :attr:`eigenvalues` of H at the start."""

    start: tuple[float, float]
    steps: int
    lrs: Array
    curves: dict[str, SweepCurve]
    marks: tuple[StabilityMark, ...]
    eigenvalues: tuple[float, float]
    training: Training = field(default_factory=Training)


def stability_marks(
    eigenvalues: tuple[float, float], choices: Sequence[OptimizerChoice]
) -> tuple[StabilityMark, ...]:
    """The theory's edges for the gradient descent and momentum among ``choices``, from the
    Hessian's eigenvalues at the start (none where H has no positive one)."""
    top = max(eigenvalues)
    if not (top > 0 and math.isfinite(top)):
        return ()
    marks = []
    for c in choices:
        if c.name == "sgd":
            marks.append(StabilityMark("sgd", 2.0 / top, "2/λmax"))
        elif c.name == "momentum":
            beta = c.resolved["momentum"]
            marks.append(StabilityMark("momentum", (2.0 + 2.0 * beta) / top, "(2+2β)/λmax"))
    return tuple(marks)


def hessian_eigenvalues(objective: Objective, point: tuple[float, float]) -> tuple[float, float]:
    """The Hessian's eigenvalues at ``point``, smaller first (nan where it is undefined):
    :func:`~gradient_studio.engine.curvature.curvature_at`'s closed form."""
    low, high = curvature_at(objective, point).eigenvalues
    return (float(low), float(high))


def lr_sweep(
    objective: Objective,
    choices: Sequence[str | OptimizerChoice],
    start: tuple[float, float],
    lr_range: tuple[float, float] = DEFAULT_LR_RANGE,
    points: int = 60,
    steps: int = 500,
    *,
    training: Training | None = None,
    compiled: bool | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Sweep | None:
    """Every optimiser of ``choices`` from ``start`` at ``points`` learning rates log-spaced
    over ``lr_range``; None if cancelled on the way. Each keeps its other hyperparameters."""
    picked = [c if isinstance(c, OptimizerChoice) else OptimizerChoice(c) for c in choices]
    check_range(*lr_range, "learning-rate range", log=True)
    lrs = axis(*lr_range, points, log=True)
    check_work(points * len(picked), steps)
    starts = np.tile(np.asarray(start, dtype=np.float64), (points, 1))
    curves = {}
    for c in picked:
        h = c.spec.hyperparameter("lr")
        if not (h.low <= lr_range[0] and lr_range[1] <= h.high):
            raise ValueError(
                f"{c.name} takes learning rates from {h.low:g} to {h.high:g}, "
                f"not {lr_range[0]:g},{lr_range[1]:g}"
            )
        rows = OptimizerChoice(c.name, c.hyperparameters, per_row={"lr": lrs})
        final = run_final(
            objective,
            rows,
            starts,
            steps,
            training=training,
            compiled=compiled,
            cancelled=cancelled,
        )
        if final is None:
            return None
        curves[c.name] = SweepCurve(c, final)
    eigenvalues = hessian_eigenvalues(objective, start)
    return Sweep(
        (float(start[0]), float(start[1])),
        steps,
        lrs,
        curves,
        stability_marks(eigenvalues, picked),
        eigenvalues,
        training or Training(),
    )


@dataclass(frozen=True)
class Axis:
    """One hyperparameter along one side of a map: from ``low`` to ``high``, log or linear."""

    name: str
    low: float
    high: float
    log: bool = False

    def values(self, count: int) -> Array:
        return axis(self.low, self.high, count, self.log)


@dataclass(frozen=True)
class HyperMap:
    """One optimiser from one start at every pair of values of :attr:`x` and :attr:`y`; per
    run, row-major (run ``i * cols + j`` has ``x = xs[j]``, ``y = ys[i]``), its final state."""

    choice: OptimizerChoice
    x: Axis
    y: Axis
    xs: Array
    ys: Array
    start: tuple[float, float]
    steps: int
    final: FinalStates
    eigenvalues: tuple[float, float] = (math.nan, math.nan)  # of the Hessian at the start
    training: Training = field(default_factory=Training)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.ys), len(self.xs)

    def stability_edge(self, count: int = 100) -> Array | None:
        """Where theory puts the edge of stability across the map, as ``(count, 2)`` points
        in (x, y) values: for momentum's lr against its β, lr = (2 + 2β)/λmax; None for
        any other map, or where the Hessian at the start has no positive eigenvalue."""
        top = max(self.eigenvalues)
        names = {self.x.name, self.y.name}
        if self.choice.name != "momentum" or names != {"lr", "momentum"} or not top > 0:
            return None
        beta_axis = self.y if self.y.name == "momentum" else self.x
        beta = np.linspace(beta_axis.low, beta_axis.high, count)
        lr = (2.0 + 2.0 * beta) / top
        return np.column_stack([lr, beta] if self.x.name == "lr" else [beta, lr])


def check_axes(choice: OptimizerChoice, x: Axis, y: Axis) -> None:
    """Two different hyperparameters of ``choice``, each range within its own (``KeyError``
    for a name it lacks, ``ValueError`` for a range it does not take)."""
    if x.name == y.name:
        raise ValueError(f"the two axes must vary different hyperparameters, not {x.name} twice")
    for a in (x, y):
        h = choice.spec.hyperparameter(a.name)
        check_range(a.low, a.high, f"{a.name} range", a.log)
        if not (h.low <= a.low and a.high <= h.high):
            raise ValueError(
                f"{choice.name} {a.name} must be between {h.low:g} and {h.high:g}, "
                f"not {a.low:g},{a.high:g}"
            )


def hyper_map(
    objective: Objective,
    choice: str | OptimizerChoice,
    x: Axis,
    y: Axis,
    start: tuple[float, float],
    shape: tuple[int, int] = (100, 100),
    steps: int = 300,
    *,
    training: Training | None = None,
    compiled: bool | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> HyperMap | None:
    """``choice`` from ``start`` over the ``shape`` (rows along ``y``, cols along ``x``)
    grid of two hyperparameters; None if cancelled on the way."""
    choice = choice if isinstance(choice, OptimizerChoice) else OptimizerChoice(choice)
    check_axes(choice, x, y)
    check_grid(shape, steps, "a hyperparameter map")
    rows, cols = shape
    xs, ys = x.values(cols), y.values(rows)
    gx, gy = np.meshgrid(xs, ys)
    per_row = {x.name: gx.ravel(), y.name: gy.ravel()}
    fixed = {k: v for k, v in choice.hyperparameters.items() if k not in per_row}
    runs = OptimizerChoice(choice.name, fixed, per_row=per_row)
    starts = np.tile(np.asarray(start, dtype=np.float64), (rows * cols, 1))
    final = run_final(
        objective, runs, starts, steps, training=training, compiled=compiled, cancelled=cancelled
    )
    if final is None:
        return None
    point = (float(start[0]), float(start[1]))
    eigenvalues = hessian_eigenvalues(objective, point)
    return HyperMap(choice, x, y, xs, ys, point, steps, final, eigenvalues, training or Training())


def refine_hyper_maps(
    objective: Objective,
    choice: str | OptimizerChoice,
    x: Axis,
    y: Axis,
    start: tuple[float, float],
    shape: tuple[int, int] = (100, 100),
    steps: int = 300,
    **options: Any,
) -> Iterator[HyperMap]:
    """The map coarse to fine (see :func:`~gradient_studio.engine.maps.levels`)."""
    for level in levels(shape):
        found = hyper_map(objective, choice, x, y, start, level, steps, **options)
        if found is None:
            return
        yield found
