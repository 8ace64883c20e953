"""Run optimisers from many start points at once.

:func:`run` moves every start of every optimiser for ``steps`` steps; :func:`stream` does the
same in chunks, yielding the growing result between chunks and stopping when asked (the
window's worker thread uses it). Both write into preallocated arrays: points
``(steps + 1, n, 2)``, f and ‖∇f‖ ``(steps + 1, n)`` (see
:mod:`~gradient_studio.engine.results`); how each run ended is decided by
:mod:`~gradient_studio.engine.diagnosis`. A :class:`~gradient_studio.engine.transforms.Training`
adds a schedule, clipping and noise to every optimiser.

A handful of starts go through :mod:`~gradient_studio.engine.fastpath` (plain floats);
more go through numpy arrays, all starts moving in one call per step (see
:mod:`~gradient_studio.engine.steppers`). (Splitting a batch across threads was measured
slower: numpy's per-call work on half a batch is too short to outweigh the interpreter lock.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np
from numpy.typing import ArrayLike

from gradient_studio.engine.diagnosis import BOUND, TOLERANCE, compare, finish, settle
from gradient_studio.engine.kernel import Array
from gradient_studio.engine.objective import Objective
from gradient_studio.engine.results import (
    RUNNING,
    STATUSES,
    OptimizerChoice,
    RunResult,
    Status,
    Trajectory,
)
from gradient_studio.engine.steppers import steppers
from gradient_studio.engine.transforms import Training

FAST_PATH_MAX_STARTS = 16

__all__ = [
    "BOUND",
    "FAST_PATH_MAX_STARTS",
    "RUNNING",
    "STATUSES",
    "TOLERANCE",
    "OptimizerChoice",
    "RunResult",
    "Status",
    "Trajectory",
    "as_starts",
    "run",
    "stream",
]


def as_starts(starts: ArrayLike) -> Array:
    """Start points as a float ``(n, 2)`` array; one point ``(x, y)`` is a batch of one."""
    s = np.array(starts, dtype=np.float64)
    if s.ndim == 1:
        s = s[np.newaxis, :]
    if s.ndim != 2 or s.shape[1] != 2 or len(s) == 0:
        raise ValueError("start points must be (x, y) pairs")
    if not np.isfinite(s).all():
        raise ValueError("start points must be finite numbers")
    return s


def _choices(optimizers: Sequence[str | OptimizerChoice]) -> list[OptimizerChoice]:
    return [o if isinstance(o, OptimizerChoice) else OptimizerChoice(o) for o in optimizers]


def run(
    objective: Objective,
    optimizers: Sequence[str | OptimizerChoice],
    starts: ArrayLike,
    steps: int,
    *,
    tol: float = TOLERANCE,
    training: Training | None = None,
) -> RunResult:
    """Run every optimiser from every start for at most ``steps`` steps, with the
    schedule, clipping and noise of ``training`` (none by default)."""
    # One chunk: nothing waits for progress, and runs still stop at their own step.
    *_, result = stream(
        objective, optimizers, starts, steps, tol=tol, chunk=max(steps, 0) + 1, training=training
    )
    return result


def stream(
    objective: Objective,
    optimizers: Sequence[str | OptimizerChoice],
    starts: ArrayLike,
    steps: int,
    *,
    tol: float = TOLERANCE,
    chunk: int = 256,
    cancelled: Callable[[], bool] = lambda: False,
    training: Training | None = None,
) -> Iterator[RunResult]:
    """Like :func:`run`, yielding the same growing :class:`RunResult` after every ``chunk``
    steps; stops early (leaving runs ``running``) when ``cancelled()`` turns true."""
    if steps < 0:
        raise ValueError("the number of steps cannot be negative")
    points = as_starts(starts)
    training = training or Training()
    result = RunResult(objective, _choices(optimizers), points, int(steps), training)
    groups = [steppers(objective, b, tol, training, FAST_PATH_MAX_STARTS) for b in result.batches]
    k0 = 0
    while k0 <= steps:
        k1 = min(k0 + chunk, steps + 1)
        for batch, group in zip(result.batches, groups, strict=True):
            if batch.running:
                events = [event for stepper in group for event in stepper.advance(k0, k1)]
                for event in sorted(events):
                    settle(batch, event)
                batch.done = k1
                if not batch.running or k1 > steps:
                    finish(batch, group)
        k0 = k1
        if result.finished:
            compare(result)  # notes that need every run of the race (a stalled one)
        yield result
        if cancelled() or result.finished:
            return
