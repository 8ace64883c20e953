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
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from gradient_studio.engine.kernel import Optimizer, OptimizerSpec, build
from gradient_studio.engine.objective import Objective
from gradient_studio.engine.optimizers import OPTIMIZERS
from gradient_studio.engine.transforms import Training

if TYPE_CHECKING:
    from gradient_studio.engine.race import Race

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

    def build(self, training: Training | None = None, steps: int = 0) -> Optimizer:
        """The compiled optimiser; with ``training``, its schedule's per-step values for
        a run of ``steps`` steps."""
        scheduled = training.per_step(self.spec, self.resolved, steps) if training else None
        return build(self.spec, self.hyperparameters, scheduled)


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


class Batch:
    """One optimiser from every start: the arrays the steppers fill in."""

    def __init__(
        self, choice: OptimizerChoice, starts: Array, steps: int, training: Training
    ) -> None:
        n = len(starts)
        self.choice = choice
        self.steps = steps
        self.optimizer = choice.build(training, steps)
        self.store = np.empty((steps + 1, 2, n))  # coordinates contiguous per step
        self.store[0] = starts.T
        self.points: Array = self.store.transpose(0, 2, 1)
        self.f = np.empty((steps + 1, n))
        self.grad_norm = np.empty((steps + 1, n))
        self.lr = _learning_rates(self.optimizer, steps)
        self.stop = np.full(n, -1, dtype=np.int64)
        self.status = [RUNNING] * n
        self.notes: list[tuple[str, ...]] = [()] * n
        self.trouble: list[int | None] = [None] * n
        self.done = 0  # steps 0 .. done-1 are evaluated

    @property
    def running(self) -> bool:
        return RUNNING in self.status


def _learning_rates(optimizer: Optimizer, steps: int) -> Array:
    """Row k: the learning rate of the step to row k; row 0 that of the first step."""
    scheduled = optimizer.scheduled.get("lr")
    if scheduled is None:
        return np.full(steps + 1, optimizer.hyperparameters["lr"])
    lr = np.empty(steps + 1)
    lr[1:] = scheduled[:steps]
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
        self.race: Race | None = None  # the Race this came from, when it came from one

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
            lr=b.lr[cut],
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
