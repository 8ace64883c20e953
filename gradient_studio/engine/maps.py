"""What the three maps share: their axes, their levels of detail, and how their runs go.

Every map is thousands of final-state runs (:mod:`~gradient_studio.engine.final`): a basin
map one per start, a sweep one per learning rate, a hyperparameter map one per pair of
values. A map is computed coarse to fine — :func:`levels` gives the grids, 25 × 25 then
doubling to the full size — so a window shows a first picture within milliseconds of a
change and refines it while nothing changes; each level is computed from scratch (the
coarse ones cost a small fraction of the last).

Which engine runs them is :func:`run_final`'s ``compiled`` choice: ``None`` uses the
compiled kernel if it is ready and numpy otherwise (the window: never wait for a compile),
``True`` compiles it first if need be (the command line), ``False`` is numpy alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from gradient_studio.engine.diagnosis import TOLERANCE
from gradient_studio.engine.final import FinalStates, iter_final_states
from gradient_studio.engine.kernel import Array
from gradient_studio.engine.objective import Objective
from gradient_studio.engine.results import OptimizerChoice
from gradient_studio.engine.transforms import Training

#: The most runs one map may have (1000 × 1000): a few arrays of this size, ~60 MB in all.
MAX_RUNS = 1_000_000
#: The most run-steps one map may take: about a minute through numpy, seconds compiled.
MAX_WORK = 2_000_000_000
COARSEST = 25  # the side of a map's first, coarse level


def axis(low: float, high: float, count: int, log: bool = False) -> Array:
    """``count`` values from ``low`` to ``high``, both ends included (as ``numpy.linspace``;
    with ``log``, evenly spaced in log10 as ``numpy.geomspace``)."""
    check_range(low, high, "range", log)
    if count < 1:
        raise ValueError(f"an axis needs at least one value, got {count}")
    if log:
        values: Array = 10.0 ** np.linspace(math.log10(low), math.log10(high), count)
        values[0], values[-1] = low, high  # exactly the ends asked for
        return values
    return np.linspace(low, high, count)


def check_range(low: float, high: float, what: str, log: bool = False) -> None:
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"the {what} must be finite numbers, got {low:g},{high:g}")
    if not low < high:
        raise ValueError(f"the {what} must run from low to high, got {low:g},{high:g}")
    if log and low <= 0:
        raise ValueError(f"a log {what} must be above 0, got {low:g},{high:g}")


def check_work(runs: int, steps: int) -> None:
    """Refuse a map too big to hold or to compute, with what would fit."""
    if runs > MAX_RUNS:
        raise ValueError(f"{runs} runs are too many for one map; at most {MAX_RUNS} fit")
    if runs * max(steps, 1) > MAX_WORK:
        most = MAX_WORK // max(runs, 1)
        raise ValueError(
            f"{runs} runs of {steps} steps are too much work for one map; "
            f"at most {most} steps for {runs} runs"
        )


def check_grid(shape: tuple[int, int], steps: int, what: str) -> None:
    """A grid of at least one run a side, and no more work than :func:`check_work` takes."""
    rows, cols = shape
    if rows < 1 or cols < 1:
        raise ValueError(f"{what} needs at least 1x1 runs, got {cols}x{rows}")
    check_work(rows * cols, steps)


def levels(shape: tuple[int, int], coarsest: int = COARSEST) -> list[tuple[int, int]]:
    """The grids of a map computed coarse to fine, ending at ``shape`` (rows, cols): each
    side halved (rounding up) while the larger stays at least ``coarsest``."""
    rows, cols = shape
    out = [(rows, cols)]
    while max(rows, cols) / 2 >= coarsest:
        rows, cols = max(1, -(-rows // 2)), max(1, -(-cols // 2))
        out.append((rows, cols))
    return out[::-1]


def run_final(
    objective: Objective,
    choice: OptimizerChoice,
    starts: Array,
    steps: int,
    *,
    training: Training | None = None,
    compiled: bool | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    tol: float = TOLERANCE,
) -> FinalStates | None:
    """The final states of ``choice`` from ``starts``, or None if cancelled on the way."""
    training = training or Training()
    kernel = None
    if compiled is not False and training.noise is None:
        from gradient_studio.engine import compiled as kernels  # numba only if it is used

        if compiled:
            kernel = kernels.prepare(objective, choice.spec, training)
        else:
            kernel = kernels.kernel_for(objective, choice.spec, training)
    out = None
    for partial in iter_final_states(
        objective,
        choice,
        starts,
        steps,
        tol=tol,
        training=training,
        kernel=kernel,
        cancelled=cancelled,
    ):
        if cancelled():
            return None
        out = partial
    return out
