"""What a run is and what it gives back: the optimiser chosen, each run's trajectory, and
the whole result as it fills in.

These are the types the scene, the window and the exporters read. A :class:`RunResult`
holds one :class:`Batch` per optimiser (every start moving together, in preallocated
arrays) and hands out one :class:`Trajectory` per optimiser and start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numpy.typing import NDArray

from gradient_studio.engine.kernel import Optimizer, OptimizerSpec, build
from gradient_studio.engine.objective import Objective
from gradient_studio.engine.optimizers import OPTIMIZERS
from gradient_studio.engine.rows import Rows, Scheduled, build_rows, columns, schedule_rows
from gradient_studio.engine.transforms import Training

if TYPE_CHECKING:
    from gradient_studio.engine.race import RaceInputs

Array = NDArray[np.float64]


class Status(StrEnum):
    """How a run ended (or that it has not yet). Members are strings: ``"converged"``."""

    CONVERGED = "converged"  # ‖∇f‖ fell below the tolerance; the run keeps that step
    DIVERGED = "diverged"  # left the ±1e8 box, or f or ∇f became infinite
    LEFT_DOMAIN = "left-domain"  # f is undefined (nan) at the new point
    MAX_STEPS = "max-steps"  # none of the above within the steps
    RUNNING = "running"  # still going (a streamed result between chunks)


STATUSES = tuple(s.value for s in Status if s is not Status.RUNNING)
RUNNING = Status.RUNNING


@dataclass(frozen=True)
class OptimizerChoice:
    """An optimiser by name with the hyperparameters set away from their defaults, and
    optionally ``per_row``: hyperparameters with one value per start (a learning-rate
    sweep is one choice with sixty learning rates, run from sixty copies of one start)."""

    name: str
    hyperparameters: Mapping[str, float] = field(default_factory=dict)
    per_row: Mapping[str, Sequence[float] | Array] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.name not in OPTIMIZERS:
            known = ", ".join(OPTIMIZERS)
            raise KeyError(f"unknown optimizer {self.name!r} (choose from: {known})")
        self.spec.resolve(self.hyperparameters)  # KeyError for an unknown hyperparameter
        if self.per_row:
            counts = {len(np.atleast_1d(v)) for v in self.per_row.values()}
            Rows.of(self.spec, self.per_row, max(counts))  # names, ranges and lengths

    @property
    def spec(self) -> OptimizerSpec:
        return OPTIMIZERS[self.name]

    @property
    def resolved(self) -> dict[str, float]:
        return self.spec.resolve(self.hyperparameters)

    @property
    def label(self) -> str:
        """How a legend names it: the display name and the learning rate (or, per row, the
        range of each hyperparameter that varies)."""
        if not self.per_row:
            return f"{self.spec.display_name} (lr={self.resolved['lr']:g})"
        spans = ", ".join(
            f"{k}={min(v):g}…{max(v):g}"
            for k, v in ((k, list(np.atleast_1d(v))) for k, v in self.per_row.items())
        )
        return f"{self.spec.display_name} ({spans})"

    def rows(self, count: int) -> Rows | None:
        """The per-row hyperparameters for a batch of ``count`` starts (None if none)."""
        return Rows.of(self.spec, self.per_row, count) if self.per_row else None

    def row(self, j: int) -> OptimizerChoice:
        """The run of row ``j`` as a choice of its own."""
        if not self.per_row:
            return self
        own = {k: float(np.atleast_1d(v)[j]) for k, v in self.per_row.items()}
        return OptimizerChoice(self.name, {**self.hyperparameters, **own})

    def build(self, training: Training | None = None, steps: int = 0) -> Optimizer:
        """The compiled optimiser; with ``training``, its schedule's per-step values for
        a run of ``steps`` steps."""
        scheduled = training.per_step(self.spec, self.resolved, steps) if training else None
        return build(self.spec, self.hyperparameters, scheduled)

    def build_rows(self, count: int, training: Training | None, steps: int) -> Optimizer:
        """The compiled optimiser for a batch of ``count`` starts, each with its own row of
        hyperparameters (see :mod:`~gradient_studio.engine.rows`)."""
        rows = self.rows(count)
        if rows is None:
            return self.build(training, steps)
        hyper = columns(self.spec, self.resolved, rows)
        return build_rows(self.spec, hyper, steps, self.scheduled(hyper, training, steps))

    def scheduled(
        self, hyper: Mapping[str, Array], training: Training | None, steps: int
    ) -> Scheduled | None:
        """The schedule's per-step values for runs with the per-row ``hyper``."""
        if training is None or training.schedule.name == "constant" or steps < 1:
            return None
        resolved = self.resolved
        return schedule_rows(
            lambda h: training.per_step(self.spec, h, steps), hyper["lr"], resolved
        )


class RunKey(NamedTuple):
    """What a run is: the optimiser, its hyperparameters and its start. Two Adam runs with
    different learning rates, or from different starts, are different runs; paths, legend
    rows and a window's state are keyed by this (``Trajectory.key``), not by the name."""

    optimizer: str
    hyperparameters: tuple[tuple[str, float], ...]
    start: tuple[float, float]

    def __str__(self) -> str:
        hyper = ", ".join(f"{k}={v:g}" for k, v in self.hyperparameters)
        return f"{self.optimizer}({hyper}) from ({self.start[0]:g}, {self.start[1]:g})"


@dataclass(frozen=True)
class Trajectory:
    """One optimiser from one start, up to the step it stopped at.

    ``points``, ``f``, ``grad_norm`` and ``lr`` have one row per step from 0 (the start) to
    ``stop``; ``lr[k]`` is the learning rate the step to row k used (row 0: the first
    step's). ``trouble_step`` is the step at which the run went wrong — the first point
    that is undefined or out of bounds, 0 for a start outside the domain — or None.
    """

    optimizer: str
    label: str
    hyperparameters: Mapping[str, float]
    start: tuple[float, float]
    points: Array
    f: Array
    grad_norm: Array
    lr: Array
    stop: int
    status: Status
    notes: tuple[str, ...]
    trouble_step: int | None = None

    @property
    def key(self) -> RunKey:
        """What this run is (see :class:`RunKey`); ``optimizer`` stays the name, for styling."""
        hyper = tuple(sorted((k, float(v)) for k, v in self.hyperparameters.items()))
        return RunKey(self.optimizer, hyper, (float(self.start[0]), float(self.start[1])))


class Batch:
    """One optimiser from every start: the arrays the steppers fill in."""

    def __init__(
        self, choice: OptimizerChoice, starts: Array, steps: int, training: Training
    ) -> None:
        n = len(starts)
        self.choice = choice
        self.steps = steps
        self.rows = choice.rows(n)
        self.optimizer = choice.build_rows(n, training, steps)
        self.store = np.empty((steps + 1, 2, n))  # coordinates contiguous per step
        self.store[0] = starts.T
        self.points: Array = self.store.transpose(0, 2, 1)
        self.f = np.empty((steps + 1, n))
        self.grad_norm = np.empty((steps + 1, n))
        self.lr = _learning_rates(self.optimizer, steps, choice, self.rows, training)
        self.stop = np.full(n, -1, dtype=np.int64)
        self.status = [RUNNING] * n
        self.notes: list[tuple[str, ...]] = [()] * n
        self.trouble: list[int | None] = [None] * n
        self.done = 0  # steps 0 .. done-1 are evaluated

    @property
    def running(self) -> bool:
        return RUNNING in self.status

    def optimizer_for(self, lo: int, hi: int, training: Training) -> Optimizer:
        """The compiled optimiser of the starts ``lo:hi`` (the batch's own for all of them,
        or where every start shares the hyperparameters)."""
        if self.rows is None:
            return self.optimizer
        if hi - lo == 1:  # one start: exactly the optimiser of that run alone
            return self.choice.row(lo).build(training, self.steps)
        if (lo, hi) == (0, self.rows.count):
            return self.optimizer
        own = {k: v[lo:hi] for k, v in self.rows.values.items()}
        subset = OptimizerChoice(self.choice.name, self.choice.hyperparameters, own)
        return subset.build_rows(hi - lo, training, self.steps)


def _learning_rates(
    optimizer: Optimizer,
    steps: int,
    choice: OptimizerChoice,
    rows: Rows | None,
    training: Training,
) -> Array:
    """Row k: the learning rate of the step to row k; row 0 that of the first step. One
    column per start when the starts have learning rates of their own."""
    if rows is not None and "lr" in rows.values:
        hyper = columns(choice.spec, choice.resolved, rows)
        scheduled = choice.scheduled(hyper, training, steps)
        if scheduled is None:
            return np.broadcast_to(hyper["lr"], (steps + 1, rows.count))
        table = scheduled.tables["lr"][scheduled.index].T  # (steps, n)
        return np.vstack([table[:1], table]) if steps else hyper["lr"][np.newaxis, :]
    scheduled_lr = optimizer.scheduled.get("lr")
    if scheduled_lr is None:
        if rows is not None:  # a schedule with per-row hyperparameters other than lr
            one = choice.scheduled(columns(choice.spec, choice.resolved, rows), training, steps)
            if one is not None:
                scheduled_lr = one.tables["lr"][0].tolist()
        if scheduled_lr is None:
            return np.full(steps + 1, optimizer.hyperparameters["lr"])
    lr = np.empty(steps + 1)
    lr[1:] = scheduled_lr[:steps]
    lr[0] = lr[1] if steps else optimizer.hyperparameters["lr"]
    return lr


class RunResult:
    """Every optimiser from every start; filled in as the run goes."""

    def __init__(
        self,
        objective: Objective,
        choices: Sequence[OptimizerChoice],
        starts: Array,
        steps: int,
        training: Training | None = None,
    ) -> None:
        self.objective = objective
        self.choices = tuple(choices)
        self.starts = starts
        self.steps = steps
        self.training = training or Training()
        self.batches = [Batch(c, starts, steps, self.training) for c in self.choices]
        self.race: RaceInputs | None = None  # the race this came from, when it came from one

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
        choice = b.choice.row(start)
        return Trajectory(
            optimizer=choice.name,
            label=choice.label,
            hyperparameters=choice.resolved,
            start=(float(self.starts[start, 0]), float(self.starts[start, 1])),
            points=b.points[cut, start],
            f=b.f[cut, start],
            grad_norm=b.grad_norm[cut, start],
            lr=b.lr[cut] if b.lr.ndim == 1 else b.lr[cut, start],
            stop=last,
            status=b.status[start],
            notes=b.notes[start],
            trouble_step=b.trouble[start],
        )

    @property
    def trajectories(self) -> list[Trajectory]:
        """Optimiser-major: every start of the first optimiser, then the next."""
        return [
            self.trajectory(i, j) for i in range(len(self.batches)) for j in range(len(self.starts))
        ]
