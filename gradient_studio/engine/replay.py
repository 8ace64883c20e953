"""One run of a race, replayed to any step with the numbers the runner used.

The step inspector needs the optimiser's state at the playhead — velocity, moments,
accumulated squares — which the runner does not keep (it keeps points, f and ‖∇f‖). A
:class:`Replay` recomputes it with the runner's own code for that run: the generated loop
of :mod:`~gradient_studio.engine.fastpath` when the runner took it (a handful of starts and
a function the loop can print), otherwise the compiled ``(init, update)`` pair of
:mod:`~gradient_studio.engine.kernel` and the gradient transforms on numpy arrays — and
the same noise draws (a run's column of the race's draws). So its points are the runner's
to the last bit, and so is the state it hands out.

Memory and time are bounded: it keeps a checkpoint (the point and the state) every
``stride`` steps, at most :data:`CHECKPOINTS` of them, extends them only as far as a step
is asked for, and reaches a step between two checkpoints by replaying from the one before
(one call of the generated loop, or ``stride`` numpy steps).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradient_studio.engine import fastpath, runner
from gradient_studio.engine.codegen import MATH_NAMESPACE
from gradient_studio.engine.diagnosis import BOUND, TOLERANCE
from gradient_studio.engine.kernel import Array, OptimizerState
from gradient_studio.engine.objective import Objective
from gradient_studio.engine.results import OptimizerChoice
from gradient_studio.engine.transforms import GradientTransform, NoiseDraws, Training

CHECKPOINTS = 4096
StateValues = dict[str, "tuple[float, float] | float"]


@dataclass(frozen=True)
class Snapshot:
    """A run just before step ``k`` + 1: the point ``k`` and the optimiser's state after
    ``k`` steps (per coordinate ``(x, y)``, or one number for a joint rule)."""

    k: int
    point: tuple[float, float]
    state: StateValues


class Replay:
    """The run of ``choice`` from start ``j`` of ``starts`` (a race's starts: the noise
    draws and the runner's choice of path depend on how many there are)."""

    def __init__(
        self,
        objective: Objective,
        choice: OptimizerChoice,
        starts: Array,
        j: int,
        steps: int,
        training: Training | None = None,
        *,
        tol: float = TOLERANCE,
        expected: Array | None = None,
    ) -> None:
        self.objective = objective
        self.choice = choice
        self.training = training or Training()
        self.steps = steps
        self.tol = tol
        self.start = (float(starts[j, 0]), float(starts[j, 1]))
        self.expected = expected  # the runner's points, when known: a check on the path
        self.optimizer = choice.build(self.training, steps)
        self.spec = choice.spec
        self.noise = _NoiseColumn(self.training, len(starts), j, steps)
        self.transform = GradientTransform(self.training) if self.training.rules else None
        self.stride = max(1, math.ceil((steps + 1) / CHECKPOINTS))
        scheduled = frozenset(self.optimizer.scheduled)
        compiled = None
        if len(starts) <= runner.FAST_PATH_MAX_STARTS:
            compiled = fastpath.compile_run(
                objective.derivatives, self.spec, self.training.rules, scheduled
            )
        self._compiled = compiled
        self._reset(fast=compiled is not None)

    @property
    def fast(self) -> bool:
        """Whether the run is the generated loop's (else numpy's)."""
        return self._fast

    def _reset(self, *, fast: bool) -> None:
        self._fast = fast
        if fast:
            init = self.optimizer.init(np.array([self.start]))
            names = [n for n, _ in self.spec.state]
            columns = [0] if self.spec.joint else [0, 1]
            flat = [float(np.ravel(getattr(init, n)[0])[c]) for c in columns for n in names]
            self._checkpoints: list[Any] = [(self.start, flat)]
        else:
            p = np.array([self.start])
            self._checkpoints = [(p, self.optimizer.init(p))]

    def at(self, k: int) -> Snapshot:
        """The point ``k`` and the state the step from it starts with."""
        if not 0 <= k <= self.steps:
            raise IndexError(f"step {k} is outside the run's 0…{self.steps}")
        c = k // self.stride
        while len(self._checkpoints) <= c:
            self._extend()
        base = self._checkpoints[c]
        try:
            point, state = self._advance(base, c * self.stride, k)
        except (ArithmeticError, ValueError):
            if not self._fast:
                raise
            self._reset(fast=False)  # where Python's math raises the runner used numpy
            return self.at(k)
        return Snapshot(k, point, self._state_values(state))

    def probe(self, k: int) -> None:
        """Evaluate point ``k`` as the run's path does: where Python's math raises there
        (the point that left the domain), the runner redid the run with numpy, and so does
        the replay from now on."""
        if not self._fast or not 0 < k <= self.steps:
            return
        c = (k - 1) // self.stride
        while len(self._checkpoints) <= c:
            self._extend()
        if not self._fast:
            return
        try:
            self._advance(self._checkpoints[c], c * self.stride, k + 1)
        except (ArithmeticError, ValueError):
            self._reset(fast=False)

    def _extend(self) -> None:
        c = len(self._checkpoints)
        k0, k1 = (c - 1) * self.stride, c * self.stride
        try:
            point, state = self._advance(self._checkpoints[-1], k0, k1)
        except (ArithmeticError, ValueError):
            if not self._fast:
                raise
            self._reset(fast=False)
            return
        expected = self.expected
        known = expected is not None and k1 < len(expected)
        if self._fast and expected is not None and known and point != tuple(expected[k1]):
            self._reset(fast=False)  # the runner fell back to numpy at a later step
            return
        self._checkpoints.append((point, state) if self._fast else (np.array([point]), state))

    def _advance(self, base: Any, k0: int, k1: int) -> tuple[tuple[float, float], Any]:
        if self._fast:
            (px, py), state = base
            if k1 == k0:
                return (px, py), state
            assert self._compiled is not None
            out = self._compiled(
                px,
                py,
                k0,
                k1,
                self.steps,
                self.tol**2,
                BOUND,
                state,
                *self.objective.values.values(),
                *self._hyper(),
                *self.training.constants.values(),
                *self.noise.lists(k0, k1),
            )
            return (out[5], out[6]), out[4]
        p, state = base
        for k in range(k0, k1):
            p, state = self._array_step(p, state, k)
        return (float(p[0, 0]), float(p[0, 1])), state

    def _hyper(self) -> tuple[Any, ...]:
        scheduled = self.optimizer.scheduled
        return tuple(scheduled.get(k, v) for k, v in self.optimizer.hyperparameters.items())

    def _array_step(self, p: Array, state: OptimizerState, k: int) -> tuple[Array, OptimizerState]:
        """One step as the array path takes it (see ``steppers.ArrayStepper``)."""
        _, gx, gy, hessian = self.derivatives(p[0, 0], p[0, 1])
        g = np.array([[gx, gy]])
        transform = self.transform
        if transform is not None:
            norm = np.sqrt(np.array([gx * gx + gy * gy]))
            noise = self.noise.row(k)
            g = transform(g, norm, None if noise is None else np.array([noise]))
        h = None if hessian is None else np.array([hessian])
        u, state = self.optimizer.update(g, state, p, h)
        out: Array = p + u
        return out, state

    def derivatives(
        self, x: float, y: float
    ) -> tuple[float, float, float, tuple[tuple[float, float], tuple[float, float]] | None]:
        """f, ∂f/∂x, ∂f/∂y and (for an optimiser that needs it) the Hessian at ``(x, y)``,
        evaluated by the code the run's path uses."""
        if self._fast:
            out = _scalar_derivatives(self.objective, self.spec.needs_hessian)(x, y)
        else:
            xs, ys = np.array([x]), np.array([y])
            f, g = self.objective.value_and_gradient(xs, ys)
            out = [np.ravel(f)[0], g[0, 0], g[0, 1]]
            if self.spec.needs_hessian:
                h = self.objective.hessian(xs, ys)[0]
                out += [h[0, 0], h[0, 1], h[1, 1]]
        f, gx, gy = (float(v) for v in out[:3])
        if len(out) == 3:
            return f, gx, gy, None
        hxx, hxy, hyy = (float(v) for v in out[3:])
        return f, gx, gy, ((hxx, hxy), (hxy, hyy))

    def hyperparameters_at(self, k: int) -> dict[str, float]:
        """The hyperparameters the step from point ``k`` uses (a schedule's value for it)."""
        values = dict(self.optimizer.hyperparameters)
        for name, per_step in self.optimizer.scheduled.items():
            values[name] = float(per_step[min(k, len(per_step) - 1)])
        return values

    def _state_values(self, state: Any) -> StateValues:
        names = [n for n, _ in self.spec.state]
        if self._fast:
            if self.spec.joint:
                return dict(zip(names, state, strict=True))
            x, y = state[: len(names)], state[len(names) :]
            return {n: (x[i], y[i]) for i, n in enumerate(names)}
        out: StateValues = {}
        for n in names:
            v = np.ravel(getattr(state, n)[0])
            out[n] = float(v[0]) if self.spec.joint else (float(v[0]), float(v[1]))
        return out


def _scalar_derivatives(
    objective: Objective, hessian: bool
) -> Callable[[float, float], list[float]]:
    """f, ∇f (and the Hessian) in plain floats: the generated loop's own lines, compiled
    into a function (the same printed code on the same numbers gives the same values)."""
    d = objective.derivatives
    key = f"inspector derivatives{' and hessian' if hessian else ''}"
    function = d.scalar_runs.get(key)  # the derivatives' cache of generated code
    if function is None:
        lines = fastpath._objective_lines(d, hessian)
        outputs = ["fv", "gx", "gy", *(["hxx", "hxy", "hyy"] if hessian else [])]
        params = ", ".join(d.parameter_names)
        source = (
            f"def derivatives(px, py{', ' if params else ''}{params}):\n"
            + "".join(f"    {line}\n" for line in lines)
            + f"    return [{', '.join(outputs)}]\n"
        )
        namespace: dict[str, Any] = {**MATH_NAMESPACE, "math": math}
        exec(compile(source, "<inspected derivatives>", "exec"), namespace)  # printed by codegen
        function = namespace["derivatives"]
        d.scalar_runs[key] = function
    args = tuple(objective.values.values())
    return lambda x, y: function(x, y, *args)


class _NoiseColumn:
    """One start's noise draws from a race's: row k (the gradient at step k) for start
    ``j`` of ``n``, drawn block by block in the race's order only as far as asked."""

    def __init__(self, training: Training, n: int, j: int, steps: int) -> None:
        self.j = j
        self.steps = steps
        self.draws = (
            None if training.noise is None else NoiseDraws(training.noise, n, steps, keep=False)
        )
        self.rows: Array = np.empty((0, 2))

    def _through(self, k1: int) -> None:
        draws = self.draws
        assert draws is not None
        k1 = min(k1, self.steps)
        size = draws.block_rows
        parts = [self.rows]
        k = len(self.rows)
        while k < k1:
            b = min((k // size + 1) * size, self.steps)
            parts.append(draws.rows(k, b)[:, :, self.j].copy())
            k = b
        self.rows = np.concatenate(parts)

    def row(self, k: int) -> tuple[float, float] | None:
        if self.draws is None or k >= self.steps:
            return None
        if k >= len(self.rows):
            self._through(k + 1)
        return float(self.rows[k, 0]), float(self.rows[k, 1])

    def lists(self, k0: int, k1: int) -> tuple[list[float], ...]:
        """The noise of steps ``k0 … k1 − 1`` as the generated loop takes it."""
        if self.draws is None:
            return ()
        if k1 > len(self.rows):
            self._through(k1)
        rows = self.rows[k0:k1]
        pad = [0.0] * (k1 - k0 - len(rows))
        return rows[:, 0].tolist() + pad, rows[:, 1].tolist() + pad
