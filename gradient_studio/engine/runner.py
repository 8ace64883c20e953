"""Run optimisers from many start points at once, and say how each run ended.

:func:`run` moves every start of every optimiser for ``steps`` steps; :func:`stream` does the
same in chunks, yielding the growing result between chunks and stopping when asked (the
window's worker thread uses it). Both write into preallocated arrays: points
``(steps + 1, n, 2)``, f and ‖∇f‖ ``(steps + 1, n)``.

Each run ends with one status, decided from the first step that triggers one:

* ``diverged`` — a point is not finite or |x| or |y| exceeds 1e8, or f or ∇f is infinite;
  the run keeps the last good step;
* ``left-domain`` — f is undefined (nan) at the new point; the run keeps the step before;
* ``converged`` — ‖∇f‖ fell below the tolerance; the run keeps that step;
* ``max-steps`` — none of the above within ``steps``.

After its last step a run's arrays repeat that step, so they hold no nan or inf.

A handful of starts go through :mod:`~gradient_studio.engine.fastpath` (plain floats);
more go through numpy arrays, all starts moving in one call per step. (Splitting a batch
across threads was measured slower: numpy's per-call work on half a batch is too short to
outweigh the interpreter lock.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gradient_studio.engine import fastpath
from gradient_studio.engine.kernel import Optimizer, OptimizerSpec, build
from gradient_studio.engine.objective import Objective
from gradient_studio.engine.optimizers import OPTIMIZERS

Array = NDArray[np.float64]

BOUND = 1e8
TOLERANCE = 1e-8
STATUSES = ("converged", "diverged", "left-domain", "max-steps")
RUNNING = "running"
FAST_PATH_MAX_STARTS = 16


@dataclass(frozen=True)
class OptimizerChoice:
    """An optimiser by name with the hyperparameters set away from their defaults."""

    name: str
    hyperparameters: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.name not in OPTIMIZERS:
            known = ", ".join(OPTIMIZERS)
            raise KeyError(f"unknown optimizer {self.name!r} (choose from: {known})")
        self.spec.resolve(self.hyperparameters)  # KeyError for an unknown hyperparameter

    @property
    def spec(self) -> OptimizerSpec:
        return OPTIMIZERS[self.name]

    @property
    def resolved(self) -> dict[str, float]:
        return self.spec.resolve(self.hyperparameters)

    @property
    def label(self) -> str:
        """How a legend names it: the display name and the learning rate."""
        return f"{self.spec.display_name} (lr={self.resolved['lr']:g})"

    def build(self) -> Optimizer:
        return build(self.spec, self.hyperparameters)


@dataclass(frozen=True)
class Trajectory:
    """One optimiser from one start, up to the step it stopped at."""

    optimizer: str
    label: str
    hyperparameters: Mapping[str, float]
    start: tuple[float, float]
    points: Array
    f: Array
    grad_norm: Array
    stop: int
    status: str
    notes: tuple[str, ...]


class Batch:
    """One optimiser from every start: the arrays the steppers fill in."""

    def __init__(self, choice: OptimizerChoice, starts: Array, steps: int) -> None:
        n = len(starts)
        self.choice = choice
        self.steps = steps
        self.store = np.empty((steps + 1, 2, n))  # coordinates contiguous per step
        self.store[0] = starts.T
        self.points: Array = self.store.transpose(0, 2, 1)
        self.f = np.empty((steps + 1, n))
        self.grad_norm = np.empty((steps + 1, n))
        self.stop = np.full(n, -1, dtype=np.int64)
        self.status = [RUNNING] * n
        self.notes: list[tuple[str, ...]] = [()] * n
        self.done = 0  # steps 0 .. done-1 are evaluated

    @property
    def running(self) -> bool:
        return RUNNING in self.status


class RunResult:
    """Every optimiser from every start; filled in as the run goes."""

    def __init__(
        self,
        objective: Objective,
        choices: Sequence[OptimizerChoice],
        starts: Array,
        steps: int,
    ) -> None:
        self.objective = objective
        self.choices = tuple(choices)
        self.starts = starts
        self.steps = steps
        self.batches = [Batch(c, starts, steps) for c in self.choices]
        self.race: Any = None  # the Race this came from, when it came from one

    @property
    def steps_done(self) -> int:
        return min(b.done for b in self.batches) - 1 if self.batches else self.steps

    @property
    def finished(self) -> bool:
        return not any(b.running for b in self.batches)

    def trajectory(self, optimizer: int, start: int) -> Trajectory:
        b = self.batches[optimizer]
        last = int(b.stop[start]) if b.stop[start] >= 0 else b.done - 1
        cut = slice(0, last + 1)
        return Trajectory(
            optimizer=b.choice.name,
            label=b.choice.label,
            hyperparameters=b.choice.resolved,
            start=(float(self.starts[start, 0]), float(self.starts[start, 1])),
            points=b.points[cut, start],
            f=b.f[cut, start],
            grad_norm=b.grad_norm[cut, start],
            stop=last,
            status=b.status[start],
            notes=b.notes[start],
        )

    @property
    def trajectories(self) -> list[Trajectory]:
        """Optimiser-major: every start of the first optimiser, then the next."""
        return [
            self.trajectory(i, j) for i in range(len(self.batches)) for j in range(len(self.starts))
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
) -> RunResult:
    """Run every optimiser from every start for at most ``steps`` steps."""
    # One chunk: nothing waits for progress, and runs still stop at their own step.
    *_, result = stream(objective, optimizers, starts, steps, tol=tol, chunk=max(steps, 0) + 1)
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
) -> Iterator[RunResult]:
    """Like :func:`run`, yielding the same growing :class:`RunResult` after every ``chunk``
    steps; stops early (leaving runs ``running``) when ``cancelled()`` turns true."""
    if steps < 0:
        raise ValueError("the number of steps cannot be negative")
    points = as_starts(starts)
    result = RunResult(objective, _choices(optimizers), points, int(steps))
    steppers = [_steppers(objective, b, tol) for b in result.batches]
    k0 = 0
    while k0 <= steps:
        k1 = min(k0 + chunk, steps + 1)
        for batch, group in zip(result.batches, steppers, strict=True):
            if batch.running:
                for event in sorted(_advance(group, k0, k1)):
                    _settle(batch, *event)
                batch.done = k1
                if not batch.running or k1 > steps:
                    _finish(batch, group)
        k0 = k1
        yield result
        if cancelled() or result.finished:
            return


def _advance(group: list[Any], k0: int, k1: int) -> list[tuple[int, int, int]]:
    """Step every part of a batch; returns the (start, step, reason) of every run that ended."""
    return [event for stepper in group for event in stepper.advance(k0, k1)]


def _steppers(objective: Objective, batch: Batch, tol: float) -> list[Any]:
    n = batch.store.shape[2]
    optimizer = batch.choice.build()
    if n <= FAST_PATH_MAX_STARTS:
        compiled = fastpath.compile_run(objective.derivatives, optimizer.spec)
        if compiled is not None:
            return [_ScalarStepper(objective, optimizer, batch, j, compiled, tol) for j in range(n)]
    return [_ArrayStepper(objective, optimizer, batch, 0, n, tol)]


# Why a run ended, as found by _diagnose.
_GOING, _OUT_OF_BOUNDS, _UNDEFINED, _INFINITE, _CONVERGED = range(5)


def _diagnose(p: Array, f: Array, norm: Array, tol: float) -> NDArray[np.int64]:
    """Per start, why the step with points ``p`` (2, m), values ``f`` and gradient norms
    ``norm`` ends its run (or ``_GOING``). The first reason that applies wins."""
    with np.errstate(invalid="ignore"):
        out_of_bounds = ~(np.abs(p) <= BOUND).all(axis=0)
        return np.select(
            [out_of_bounds, np.isnan(f), ~np.isfinite(f) | ~np.isfinite(norm), norm < tol],
            [_OUT_OF_BOUNDS, _UNDEFINED, _INFINITE, _CONVERGED],
            _GOING,
        )


class _ArrayStepper:
    """Steps the starts ``lo:hi`` of a batch with numpy arrays."""

    def __init__(
        self,
        objective: Objective,
        optimizer: Optimizer,
        batch: Batch,
        lo: int,
        hi: int,
        tol: float,
    ) -> None:
        self.objective = objective
        self.optimizer = optimizer
        self.batch = batch
        self.cols = slice(lo, hi)
        self.tol = tol
        self.state = optimizer.init(batch.store[0, :, self.cols].T)
        self.grad = np.empty((2, hi - lo))
        self.live = np.ones(hi - lo, dtype=bool)
        self.all_live = True

    def advance(self, k0: int, k1: int) -> list[tuple[int, int, int]]:
        b, cols, grad, tol = self.batch, self.cols, self.grad, self.tol
        d = self.objective.derivatives
        args = tuple(self.objective.values.values())
        needs_hessian = self.optimizer.spec.needs_hessian
        events: list[tuple[int, int, int]] = []
        with np.errstate(all="ignore"):
            for k in range(k0, k1):
                if not self.all_live and not self.live.any():
                    break
                p = b.store[k, :, cols]
                f, grad[0], grad[1] = d.value_and_gradient_function(p[0], p[1], *args)
                b.f[k, cols] = f
                f = b.f[k, cols]
                norm = b.grad_norm[k, cols]
                np.multiply(grad[0], grad[0], out=norm)
                norm += grad[1] * grad[1]
                np.sqrt(norm, out=norm)
                # One cheap look per step (nan and inf spread into the sums and extremes);
                # a closer one only when something may have ended.
                if self.all_live:
                    fine = (
                        np.isfinite(np.add.reduce(f) + np.add.reduce(norm))
                        and p.min() >= -BOUND
                        and p.max() <= BOUND
                        and norm.min() >= tol
                    )
                else:
                    live = self.live
                    fine = (
                        np.isfinite(np.add.reduce(f, where=live) + np.add.reduce(norm, where=live))
                        and np.abs(p).max(initial=0.0, where=live) <= BOUND
                        and norm.min(initial=np.inf, where=live) >= tol
                    )
                if not fine:
                    events += self._close(k, p, f, norm)
                if k == b.steps:
                    break
                hessian = self.objective.hessian(p[0], p[1]) if needs_hessian else None
                u, self.state = self.optimizer.update(grad.T, self.state, p.T, hessian)
                np.add(p.T, u, out=b.store[k + 1, :, cols].T)
        return events

    def _close(self, k: int, p: Array, f: Array, norm: Array) -> list[tuple[int, int, int]]:
        reasons = _diagnose(p, f, norm, self.tol)
        ended = np.flatnonzero(self.live & (reasons != _GOING))
        if len(ended):
            self.live[ended] = False
            self.all_live = False
        return [(self.cols.start + int(j), k, int(reasons[j])) for j in ended]

    def final_state(self, j: int) -> dict[str, float]:
        return {
            name: float(np.ravel(value[j - self.cols.start])[0]) if np.ndim(value) else value
            for name, value in self.state._asdict().items()
        }


class _ScalarStepper:
    """Steps one start with the generated straight-line loop."""

    def __init__(
        self,
        objective: Objective,
        optimizer: Optimizer,
        batch: Batch,
        j: int,
        compiled: fastpath.ScalarRun,
        tol: float,
    ) -> None:
        self.objective, self.optimizer, self.batch, self.j = objective, optimizer, batch, j
        self.compiled = compiled
        self.tol = tol
        self.point = (float(batch.store[0, 0, j]), float(batch.store[0, 1, j]))
        spec = optimizer.spec
        init = optimizer.init(batch.store[0, :, j : j + 1].T)
        if spec.joint:
            self.state = [float(getattr(init, n)[0]) for n, _ in spec.state]
        else:
            self.state = [float(getattr(init, n)[0, c]) for c in range(2) for n, _ in spec.state]
        self.stopped = False
        self.count = 0
        self.fallback: _ArrayStepper | None = None

    def advance(self, k0: int, k1: int) -> list[tuple[int, int, int]]:
        if self.fallback is not None:
            return self.fallback.advance(k0, k1)
        if self.stopped:
            return []
        b, j = self.batch, self.j
        values = tuple(self.objective.values.values())
        hyper = tuple(self.optimizer.hyperparameters.values())
        try:
            xs, ys, fs, ns, state, px, py = self.compiled(
                *self.point, k0, k1, b.steps, self.tol**2, BOUND, self.state, *values, *hyper
            )
        except (ArithmeticError, ValueError):
            # Python's math raises where numpy answers nan or inf: redo this start with numpy.
            self.fallback = _ArrayStepper(self.objective, self.optimizer, b, j, j + 1, self.tol)
            return self.fallback.advance(0, k1)
        m = len(xs)
        rows = slice(k0, k0 + m)
        b.store[rows, 0, j] = np.frombuffer(xs)
        b.store[rows, 1, j] = np.frombuffer(ys)
        b.f[rows, j] = np.frombuffer(fs)
        np.sqrt(np.frombuffer(ns), out=b.grad_norm[rows, j])
        self.state = state
        last = k0 + m - 1
        self.count = last
        self.point = (px, py)
        if m == k1 - k0 and last < b.steps:
            b.store[last + 1, :, j] = self.point
            return []
        self.stopped = True
        col = slice(j, j + 1)
        reason = int(
            _diagnose(b.store[last, :, col], b.f[last, col], b.grad_norm[last, col], self.tol)[0]
        )
        if reason == _GOING and last < b.steps:
            reason = _CONVERGED  # ‖∇f‖² under tol² with ‖∇f‖ a rounding above tol
        return [(j, last, reason)] if reason != _GOING else []

    def final_state(self, j: int) -> dict[str, float]:
        if self.fallback is not None:
            return self.fallback.final_state(j)
        names = [n for n, _ in self.optimizer.spec.state]
        return {"count": self.count, **dict(zip(names, self.state, strict=False))}


def _settle(batch: Batch, j: int, k: int, reason: int) -> None:
    """Record how run ``j`` ended at step ``k``, in words a person can act on."""
    x, y = batch.points[k, j]
    if reason == _CONVERGED:
        status, stop, note = "converged", k, ""
    elif reason == _UNDEFINED:
        status, stop = "left-domain", k - 1
        note = f"left the domain at step {k}: f is undefined at ({x:.4g}, {y:.4g})"
    elif reason == _INFINITE:
        status, stop = "diverged", k - 1
        note = (
            f"diverged at step {k}: f or its gradient is infinite at ({x:.4g}, {y:.4g})"
            " — try a smaller learning rate"
        )
    else:
        status, stop = "diverged", k - 1
        note = f"gradient exploded at step {k}: try a smaller learning rate"
    batch.status[j] = status
    batch.stop[j] = max(stop, 0)
    batch.notes[j] = (note,) if note else ()


def _finish(batch: Batch, group: list[Any]) -> None:
    """Close every run still going as max-steps, repeat each run's last step after it, and
    add what the optimiser has to say about each run."""
    batch.done = batch.steps + 1
    notes = batch.choice.spec.notes
    for j, status in enumerate(batch.status):
        if notes is not None:
            stepper = group[j] if isinstance(group[0], _ScalarStepper) else group[0]
            batch.notes[j] = (*batch.notes[j], *notes(stepper.final_state(j)))
        if status == RUNNING:
            batch.status[j] = "max-steps"
            batch.stop[j] = batch.steps
        last = int(batch.stop[j])
        if last < batch.steps:
            batch.store[last + 1 :, :, j] = batch.store[last, :, j]
            batch.f[last + 1 :, j] = batch.f[last, j]
            batch.grad_norm[last + 1 :, j] = batch.grad_norm[last, j]
