"""The loss a step sees when it sees a minibatch: the full loss's value (what the landscape
under the ball shows, what the run records), the batch's gradient and Hessian (what moves
it).

Two views, one for each of the runner's paths, drawing the same rows at the same step
(:class:`~gradient_studio.engine.minibatches.Minibatches`):

* :class:`StepView` — for the numpy path: ``ModelObjective.at_step(k)`` wraps one in an
  ``Objective``, the surface of ``Derivatives`` with the batch's rows;
* :class:`SampledDerivatives` — for the straight-line fast path: the derivatives of a
  stochastic ``ModelObjective``, whose loop line reads the step ``k`` and calls
  :meth:`SampledDerivatives.gradient_at` (and ``hessian_at`` for Newton's method).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from gradient_studio.engine.minibatches import Minibatches
from gradient_studio.engine.models.per_row import RowLoss


class StepView:
    """Step k's loss for the numpy path: the full value, the batch's gradient and Hessian."""

    def __init__(self, full: Any, batch: RowLoss) -> None:
        self.expression = full.expression
        self.value_function = full.value_function
        self.gradient_function = batch.gradient_function
        self.hessian_function = batch.hessian_function
        self.scalar_runs: dict[str, Any] = {}
        self._full_value = full.value_function
        self._batch = batch

    def value_and_gradient_function(self, a: ArrayLike, b: ArrayLike, *p: float) -> list[Any]:
        return [*self._full_value(a, b, *p), *self._batch.gradient_function(a, b, *p)]


class SampledDerivatives:
    """The derivatives of a loss drawn in minibatches. Its functions are the full loss's
    (the landscape, the grid, a point's gradient); the fast path's line draws step k's
    batch. Code that prints trees must decline it (``value`` raises)."""

    def __init__(self, full: Any, rows: RowLoss, batches: Minibatches) -> None:
        self.full, self.rows, self.batches = full, rows, batches
        self.expression = full.expression
        self.parameter_names = [f"_p{i}" for i in range(len(full.expression.parameters))]
        self.value_function = full.value_function
        self.gradient_function = full.gradient_function
        self.value_and_gradient_function = full.value_and_gradient_function
        self.hessian_function = full.hessian_function
        self.scalar_runs: dict[str, Any] = {}
        self.scalar_namespace = {
            "_batch_gradient": self.gradient_at,
            "_batch_hessian": self.hessian_at,
        }
        loss = getattr(full, "loss", None)  # a row path's RowLoss (the moment path: a tree)
        self._full_scalar = loss.scalar_value if isinstance(loss, RowLoss) else None

    @property
    def value(self) -> Any:
        raise NotImplementedError("a loss drawn in minibatches is no single tree")

    gradient = hessian = value

    def scalar_lines(self, hessian: bool) -> list[str]:
        """The fast path's line: f over every row, the gradient (and Hessian) of step k's."""
        args = ", ".join(["k", "px", "py", *self.parameter_names])
        if hessian:
            return [f"fv, gx, gy, hxx, hxy, hyy = _batch_hessian({args})"]
        return [f"fv, gx, gy = _batch_gradient({args})"]

    def _full(self, a: float, b: float, p: tuple[float, ...]) -> float:
        if self._full_scalar is not None:
            return float(self._full_scalar(a, b, *p))
        with np.errstate(all="ignore"):
            (f,) = self.full.value_function(a, b, *p)
        return float(f)

    def _batch(self, k: int) -> RowLoss:
        rows = self.batches.rows_at(k)
        return self.rows if rows is None else self.rows.on_rows(rows)

    def gradient_at(self, k: int, a: float, b: float, *p: float) -> tuple[float, ...]:
        _, ga, gb = self._batch(k).scalar_value_and_gradient(a, b, *p)
        return self._full(a, b, p), ga, gb

    def hessian_at(self, k: int, a: float, b: float, *p: float) -> tuple[float, ...]:
        _, *rest = self._batch(k).scalar_with_hessian(a, b, *p)
        return (self._full(a, b, p), *rest)
