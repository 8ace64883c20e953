"""Where many runs end, without their paths: the final-state mode the maps are made of.

A basin map is forty thousand runs of three hundred steps; keeping their paths would be
(steps + 1, n, 2) floats — 190 MB — to colour forty thousand pixels. Here each run keeps only
its current point and its optimiser's state, and :class:`FinalStates` records, for every run,
the point it ended at, f and ‖∇f‖ there, the steps it took, the length of its last step and
how it ended — by the same rules, at the same step, as the full runner (a test holds them
to it: :mod:`~gradient_studio.engine.diagnosis`).

:func:`iter_final_states` works through the starts in chunks (memory stays at a few arrays
of a chunk's size, whatever the count) and yields the growing result after each, stopping
when ``cancelled()`` turns true; :func:`final_states` runs to the end. Each chunk goes
through the compiled kernel when one is given (see :mod:`~gradient_studio.engine.compiled`),
else through numpy. Gradient noise needs every start's draws in the race's order, so with
noise all starts move together, in chunks of steps, through numpy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gradient_studio.engine.diagnosis import TOLERANCE, Ending, diagnose
from gradient_studio.engine.kernel import Array, Optimizer
from gradient_studio.engine.objective import Objective
from gradient_studio.engine.results import OptimizerChoice, Status
from gradient_studio.engine.runner import as_starts
from gradient_studio.engine.steppers import evaluate, looks_fine
from gradient_studio.engine.transforms import GradientTransform, NoiseDraws, Training

if TYPE_CHECKING:
    from gradient_studio.engine.compiled import Kernel

#: How a run ended, by its code in :attr:`FinalStates.code` (0: not yet run).
CODES: tuple[Status, ...] = (
    Status.RUNNING,
    Status.CONVERGED,
    Status.DIVERGED,
    Status.LEFT_DOMAIN,
    Status.MAX_STEPS,
)
RUNNING, CONVERGED, DIVERGED, LEFT_DOMAIN, MAX_STEPS = range(5)
_CODE_OF = {
    Ending.CONVERGED: CONVERGED,
    Ending.OUT_OF_BOUNDS: DIVERGED,
    Ending.INFINITE: DIVERGED,
    Ending.UNDEFINED: LEFT_DOMAIN,
}
CHUNK = 4096  # starts a chunk: a few arrays of this size stay in the processor's cache


class FinalStates:
    """How each of ``n`` runs ended: ``end`` (n, 2), ``f``, ``grad_norm``, ``steps`` (taken:
    the step the run stopped at, as ``Trajectory.stop``), ``last_move`` (the length of its
    last step) and ``code`` (see :data:`CODES`; 0 for runs not yet run). ``path`` says which
    engine computed them: ``"numpy"`` or ``"compiled"``."""

    def __init__(self, starts: Array, steps: int) -> None:
        n = len(starts)
        self.starts = starts
        self.max_steps = steps
        self.end = starts.copy()
        self.f = np.full(n, np.nan)
        self.grad_norm = np.full(n, np.nan)
        self.steps = np.zeros(n, dtype=np.int64)
        self.last_move = np.zeros(n)
        self.code = np.zeros(n, dtype=np.int8)
        self.path = "numpy"

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def finished(self) -> bool:
        return bool((self.code != RUNNING).all())

    def status(self, j: int) -> Status:
        return CODES[int(self.code[j])]

    @property
    def statuses(self) -> list[Status]:
        return [CODES[c] for c in self.code.tolist()]


def iter_final_states(
    objective: Objective,
    choice: str | OptimizerChoice,
    starts: ArrayLike,
    steps: int,
    *,
    tol: float = TOLERANCE,
    training: Training | None = None,
    kernel: Kernel | None = None,
    chunk: int = CHUNK,
    cancelled: Callable[[], bool] = lambda: False,
) -> Iterator[FinalStates]:
    """Run ``choice`` (its ``per_row`` hyperparameters one row per start) from every start
    for at most ``steps`` steps, yielding the same growing :class:`FinalStates` after each
    chunk of starts; stops early, leaving runs at code 0, when ``cancelled()`` turns true."""
    if steps < 0:
        raise ValueError("the number of steps cannot be negative")
    choice = choice if isinstance(choice, OptimizerChoice) else OptimizerChoice(choice)
    points = as_starts(starts)
    training = training or Training()
    n = len(points)
    rows = choice.rows(n)  # ValueError for per-row values of another length
    out = FinalStates(points, int(steps))
    if kernel is not None and training.noise is None:
        out.path = "compiled"
        for lo in range(0, n, chunk):
            hi = min(lo + chunk, n)
            kernel.run(objective, choice, rows, training, steps, tol, lo, hi, out)
            yield out
            if cancelled():
                return
        return
    if training.noise is not None:  # every start at once: the race's draws, in its order
        noise = NoiseDraws(training.noise, n, steps, keep=False)
        stepper = _Stepper(objective, choice, training, points, 0, n, steps, tol, noise)
        for k0 in range(0, steps + 1, 64):
            stepper.advance(k0, min(k0 + 64, steps + 1), out)
            yield out
            if out.finished or cancelled():
                return
        return
    for lo in range(0, n, chunk):
        hi = min(lo + chunk, n)
        _Stepper(objective, choice, training, points, lo, hi, steps, tol, None).advance(
            0, steps + 1, out, cancelled
        )
        yield out
        if cancelled():
            return


def final_states(
    objective: Objective,
    choice: str | OptimizerChoice,
    starts: ArrayLike,
    steps: int,
    **options: Any,
) -> FinalStates:
    """:func:`iter_final_states` run to the end (options as there)."""
    *_, out = iter_final_states(objective, choice, starts, steps, **options)
    return out


class _Stepper:
    """Moves the starts ``lo:hi`` with numpy, keeping only the current and the last point."""

    def __init__(
        self,
        objective: Objective,
        choice: OptimizerChoice,
        training: Training,
        starts: Array,
        lo: int,
        hi: int,
        steps: int,
        tol: float,
        noise: NoiseDraws | None,
    ) -> None:
        self.objective, self.lo, self.hi, self.steps, self.tol = objective, lo, hi, steps, tol
        self.optimizer = _optimizer(choice, training, steps, lo, hi, len(starts))
        self.transform = GradientTransform(training) if training.rules else None
        self.noise = noise
        m = hi - lo
        self.p = np.ascontiguousarray(starts[lo:hi].T)  # (2, m): coordinates contiguous
        self.state = self.optimizer.init(self.p.T)
        self.before = self.p.copy()  # the point before the current one
        self.f_before = np.full(m, np.nan)
        self.norm_before = np.full(m, np.nan)
        self.move = np.zeros(m)  # the length of the step to the current point
        self.move_before = np.zeros(m)
        self.grad = np.empty((2, m))
        self.norm = np.empty(m)
        self.live = np.ones(m, dtype=bool)

    def advance(
        self, k0: int, k1: int, out: FinalStates, cancelled: Callable[[], bool] = lambda: False
    ) -> None:
        hessian_needed = self.optimizer.spec.needs_hessian
        rows = slice(self.lo, self.hi)
        stochastic = self.objective.stochastic  # a minibatch per step
        with np.errstate(all="ignore"):
            for k in range(k0, k1):
                if k % 64 == 63 and cancelled():
                    return
                here = self.objective.at_step(k) if stochastic else self.objective
                p, norm = self.p, self.norm
                f = np.broadcast_to(evaluate(here, p, self.grad, norm), norm.shape)
                if k == 0:
                    self.before[:], self.f_before[:], self.norm_before[:] = p, f, norm
                if not looks_fine(p, f, norm, self.tol, None if self.live.all() else self.live):
                    self._close(k, f, out)
                if k == self.steps:
                    self._end(np.flatnonzero(self.live), p, f, norm, self.move, out, k)
                    out.code[rows][self.live] = MAX_STEPS
                    self.live[:] = False
                if not self.live.any():
                    return
                hessian = here.hessian(p[0], p[1]) if hessian_needed else None
                g = self.grad.T
                if self.transform is not None:
                    draws = None
                    if self.noise is not None:
                        draws = self.noise.rows(k, k + 1)[0, :, rows].T
                    g = self.transform(g, norm, draws)
                u, self.state = self.optimizer.update(g, self.state, p.T, hessian)
                self.before, self.p = p, p + u.T
                self.f_before, self.norm_before = f.copy(), norm.copy()
                self.move_before, self.move = (
                    self.move,
                    np.sqrt(u[:, 0] * u[:, 0] + u[:, 1] * u[:, 1]),
                )

    def _close(self, k: int, f: Array, out: FinalStates) -> None:
        reasons = diagnose(self.p, f, self.norm, self.tol)
        ended = self.live & (reasons != Ending.GOING)
        if not ended.any():
            return
        converged = np.flatnonzero(ended & (reasons == Ending.CONVERGED))
        self._end(converged, self.p, f, self.norm, self.move, out, k)
        other = np.flatnonzero(ended & (reasons != Ending.CONVERGED))
        back = max(k - 1, 0)
        moves = self.move_before if k > 0 else self.move
        self._end(other, self.before, self.f_before, self.norm_before, moves, out, back)
        codes = np.array([_CODE_OF.get(Ending(int(r)), RUNNING) for r in reasons[ended]])
        out.code[self.lo : self.hi][ended] = codes
        self.live &= ~ended

    def _end(
        self,
        j: NDArray[np.intp],
        p: Array,
        f: Array,
        norm: Array,
        move: Array,
        out: FinalStates,
        step: int,
    ) -> None:
        at = self.lo + j
        out.end[at] = p[:, j].T
        out.f[at] = f[j]
        out.grad_norm[at] = norm[j]
        out.last_move[at] = move[j]
        out.steps[at] = step


def _optimizer(
    choice: OptimizerChoice, training: Training, steps: int, lo: int, hi: int, n: int
) -> Optimizer:
    """The optimiser of the starts ``lo:hi`` of ``n``, their own rows if per row."""
    if not choice.per_row:
        return choice.build(training, steps)
    own = {k: np.asarray(v, dtype=np.float64)[lo:hi] for k, v in choice.per_row.items()}
    if (lo, hi) != (0, n):
        choice = OptimizerChoice(choice.name, choice.hyperparameters, own)
    return choice.build_rows(hi - lo, training, steps)
