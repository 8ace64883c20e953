"""The two ways a batch of starts is moved, behind one interface.

* :class:`ArrayStepper` moves its starts with numpy arrays, all of them in one call per
  step (the compiled ``(init, update)`` pair of :mod:`~gradient_studio.engine.kernel`
  and the transforms of :mod:`~gradient_studio.engine.transforms`);
* :class:`ScalarStepper` moves one start with the generated straight-line loop of
  :mod:`~gradient_studio.engine.fastpath`, ~50x faster for a handful of starts, and
  hands its start to an :class:`ArrayStepper` where Python's math raises.

Both fill the same rows of the same :class:`~gradient_studio.engine.results.Batch` with
the same numbers (a test holds them to it), read the same noise draws, and report the runs
that ended as :class:`~gradient_studio.engine.diagnosis.Event` values.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from gradient_studio.engine import fastpath
from gradient_studio.engine.diagnosis import BOUND, Ending, Event, diagnose
from gradient_studio.engine.kernel import Array, Optimizer, OptimizerState
from gradient_studio.engine.objective import Objective
from gradient_studio.engine.results import Batch
from gradient_studio.engine.transforms import GradientTransform, NoiseDraws, Training


class Stepper(Protocol):
    """Moves the starts ``columns`` of a batch through steps ``k0 … k1 − 1``."""

    @property
    def columns(self) -> range: ...

    def advance(self, k0: int, k1: int) -> list[Event]:
        """Evaluate rows ``k0 … k1 − 1`` and take the steps from them; the runs that
        ended, with the step and why."""
        ...

    def final_state(self, j: int) -> dict[str, float]:
        """The optimiser's state of start ``j`` after its last step, as numbers."""
        ...


class ArrayStepper:
    """Steps the starts ``lo:hi`` of a batch with numpy arrays."""

    def __init__(
        self,
        objective: Objective,
        batch: Batch,
        lo: int,
        hi: int,
        tol: float,
        training: Training,
        noise: NoiseDraws | None,
    ) -> None:
        self.objective = objective
        self.optimizer: Optimizer = batch.optimizer_for(lo, hi, training)
        self.batch = batch
        self.columns = range(lo, hi)
        self.cols = slice(lo, hi)
        self.tol = tol
        self.transform = GradientTransform(training) if training.rules else None
        self.noise = noise
        self.state: OptimizerState = self.optimizer.init(batch.store[0, :, self.cols].T)
        self.grad = np.empty((2, hi - lo))
        self.live = np.ones(hi - lo, dtype=bool)
        self.all_live = True

    def advance(self, k0: int, k1: int) -> list[Event]:
        if self.noise is None:
            return self._advance(k0, k1, None)
        events: list[Event] = []
        size, a = self.noise.block_rows, k0
        while a < k1 and (self.all_live or self.live.any()):
            b = min((a // size + 1) * size, k1)  # the noise comes in blocks of `size` rows
            events += self._advance(a, b, self.noise.rows(a, b)[:, :, self.cols])
            a = b
        return events

    def _advance(self, k0: int, k1: int, noise: Array | None) -> list[Event]:
        b, cols, grad, tol = self.batch, self.cols, self.grad, self.tol
        objective, stochastic = self.objective, self.objective.stochastic
        needs_hessian = self.optimizer.spec.needs_hessian
        transform = self.transform
        events: list[Event] = []
        with np.errstate(all="ignore"):
            for k in range(k0, k1):
                if not self.all_live and not self.live.any():
                    break
                p = b.store[k, :, cols]
                here = objective.at_step(k) if stochastic else objective  # a minibatch's loss
                b.f[k, cols] = evaluate(here, p, grad, b.grad_norm[k, cols])
                f = b.f[k, cols]
                norm = b.grad_norm[k, cols]
                fine = looks_fine(p, f, norm, tol, None if self.all_live else self.live)
                if not fine:
                    events += self._close(k, p, f, norm)
                if k == b.steps:
                    break
                hessian = here.hessian(p[0], p[1]) if needs_hessian else None
                g = grad.T
                if transform is not None:
                    g = transform(g, norm, None if noise is None else noise[k - k0].T)
                u, self.state = self.optimizer.update(g, self.state, p.T, hessian)
                np.add(p.T, u, out=b.store[k + 1, :, cols].T)
        return events

    def _close(self, k: int, p: Array, f: Array, norm: Array) -> list[Event]:
        reasons = diagnose(p, f, norm, self.tol)
        ended = np.flatnonzero(self.live & (reasons != Ending.GOING))
        if len(ended):
            self.live[ended] = False
            self.all_live = False
        return [Event(self.cols.start + int(j), k, Ending(int(reasons[j]))) for j in ended]

    def final_state(self, j: int) -> dict[str, float]:
        return {
            name: float(np.ravel(value[j - self.cols.start])[0]) if np.ndim(value) else value
            for name, value in self.state._asdict().items()
        }


def evaluate(objective: Objective, p: Array, grad: Array, norm: Array) -> Array:
    """f at the points ``p`` (2, m); their gradient into ``grad`` (2, m), ‖∇f‖ into ``norm``."""
    d, args = objective.derivatives, objective.values.values()
    f, grad[0], grad[1] = d.value_and_gradient_function(p[0], p[1], *args)
    np.multiply(grad[0], grad[0], out=norm)
    norm += grad[1] * grad[1]
    np.sqrt(norm, out=norm)
    return np.asarray(f)


def looks_fine(p: Array, f: Array, norm: Array, tol: float, live: NDArray[np.bool_] | None) -> bool:
    """Whether no run (of those ``live``; None: all) can have ended at this step: one cheap
    look (nan and inf spread into the sums and extremes); a closer one only if not."""
    if live is None:
        return bool(
            np.isfinite(np.add.reduce(f) + np.add.reduce(norm))
            and p.min() >= -BOUND
            and p.max() <= BOUND
            and norm.min() >= tol
        )
    return bool(
        np.isfinite(np.add.reduce(f, where=live) + np.add.reduce(norm, where=live))
        and np.abs(p).max(initial=0.0, where=live) <= BOUND
        and norm.min(initial=np.inf, where=live) >= tol
    )


class ScalarStepper:
    """Steps one start with the generated straight-line loop."""

    def __init__(
        self,
        objective: Objective,
        batch: Batch,
        j: int,
        compiled: fastpath.ScalarRun,
        tol: float,
        training: Training,
        noise: NoiseDraws | None,
    ) -> None:
        self.objective, self.batch, self.j = objective, batch, j
        self.optimizer = batch.optimizer_for(j, j + 1, training)
        self.columns = range(j, j + 1)
        self.compiled = compiled
        self.tol = tol
        self.training = training
        self.noise = noise
        self.point = (float(batch.store[0, 0, j]), float(batch.store[0, 1, j]))
        spec = self.optimizer.spec
        init = self.optimizer.init(batch.store[0, :, j : j + 1].T)
        if spec.joint:
            self.state = [float(getattr(init, n)[0]) for n, _ in spec.state]
        else:
            self.state = [float(getattr(init, n)[0, c]) for c in range(2) for n, _ in spec.state]
        scheduled = self.optimizer.scheduled
        self.hyper = tuple(scheduled.get(k, v) for k, v in self.optimizer.hyperparameters.items())
        self.constants = tuple(training.constants.values())
        self.stopped = False
        self.count = 0
        self.fallback: ArrayStepper | None = None

    def _data(self, k0: int, k1: int) -> tuple[list[float], ...]:
        if self.noise is None:
            return ()
        rows = self.noise.rows(k0, k1)
        pad = [0.0] * (k1 - k0 - len(rows))  # the last row's gradient makes no step
        return rows[:, 0, self.j].tolist() + pad, rows[:, 1, self.j].tolist() + pad

    def advance(self, k0: int, k1: int) -> list[Event]:
        if self.fallback is not None:
            return self.fallback.advance(k0, k1)
        if self.stopped:
            return []
        b, j = self.batch, self.j
        values = tuple(self.objective.values.values())
        try:
            xs, ys, fs, ns, state, px, py = self.compiled(
                *self.point,
                k0,
                k1,
                b.steps,
                self.tol**2,
                BOUND,
                self.state,
                *values,
                *self.hyper,
                *self.constants,
                *self._data(k0, k1),
            )
        except (ArithmeticError, ValueError):
            # Python's math raises where numpy answers nan or inf: redo this start with numpy.
            self.fallback = ArrayStepper(
                self.objective, b, j, j + 1, self.tol, self.training, self.noise
            )
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
        reason = Ending(
            int(
                diagnose(b.store[last, :, col], b.f[last, col], b.grad_norm[last, col], self.tol)[0]
            )
        )
        if reason == Ending.GOING and last < b.steps:
            reason = Ending.CONVERGED  # ‖∇f‖² under tol² with ‖∇f‖ a rounding above tol
        return [Event(j, last, reason)] if reason != Ending.GOING else []

    def final_state(self, j: int) -> dict[str, float]:
        if self.fallback is not None:
            return self.fallback.final_state(j)
        names = [n for n, _ in self.optimizer.spec.state]
        return {"count": self.count, **dict(zip(names, self.state, strict=False))}


def steppers(
    objective: Objective,
    batch: Batch,
    tol: float,
    training: Training,
    fast_path_max_starts: int,
) -> list[Stepper]:
    """The steppers of a batch: one generated loop per start for a handful of starts
    (where the function can be printed as plain Python), else one array stepper."""
    n = batch.store.shape[2]
    spec = batch.optimizer.spec
    fast = n <= fast_path_max_starts
    tol = 0.0 if objective.stochastic else tol  # a minibatch's gradient can vanish by chance
    noise = None
    if training.noise is not None:
        noise = NoiseDraws(training.noise, n, batch.steps, keep=fast)
    if fast:
        scheduled = frozenset(batch.optimizer_for(0, 1, training).scheduled)
        compiled = fastpath.compile_run(objective.derivatives, spec, training.rules, scheduled)
        if compiled is not None:
            return [
                ScalarStepper(objective, batch, j, compiled, tol, training, noise) for j in range(n)
            ]
    return [ArrayStepper(objective, batch, 0, n, tol, training, noise)]
