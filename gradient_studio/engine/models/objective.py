"""A model's loss over a dataset as an :class:`~gradient_studio.engine.objective.Objective`:
the landscape whose axes are two of the model's weights.

:meth:`ModelObjective.build` picks one of two exact paths (never finite differences, never a
sum of a thousand terms as a tree):

* the **moment path** (:mod:`~gradient_studio.engine.models.moments`) when the mean squared
  error is a sum of data features times weights: an ordinary f(w, b) tree, so the runner's
  straight-line fast path, the grid and Newton's Hessian are exactly those of a typed
  function, at a cost independent of the rows;
* the **row path** (:mod:`~gradient_studio.engine.models.per_row`) for every other model:
  the per-row output differentiated once, the loss and its derivatives reduced over the rows
  in bounded chunks. Its derivatives have no single tree: the runner's straight-line loop
  calls the rows' sums once a step, and code that prints trees (numba kernels) declines it.

With :class:`~gradient_studio.engine.minibatches.Minibatches` smaller than the data, the
objective is *stochastic*: :meth:`ModelObjective.at_step` is the loss step k descends — the
full loss's value (what the landscape under the ball shows) with the gradient and Hessian
of step k's batch (see :mod:`~gradient_studio.engine.models.sampled`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import symengine as se
from numpy.typing import ArrayLike

from gradient_studio.engine import formulas
from gradient_studio.engine.data import Dataset
from gradient_studio.engine.expression import Expression
from gradient_studio.engine.minibatches import Minibatches
from gradient_studio.engine.models.model import Model
from gradient_studio.engine.models.moments import moment_expression
from gradient_studio.engine.models.per_row import RowCode, RowLoss
from gradient_studio.engine.models.sampled import SampledDerivatives, StepView
from gradient_studio.engine.objective import Array, Derivatives, Objective, _centres

if TYPE_CHECKING:
    import sympy

_LABEL = se.Symbol("_dy")

COARSE_ELEMENTS = 2_000_000  # cells × rows of the first, coarse landscape: ~15 ms in numpy
PICTURE_ELEMENTS = 200_000_000  # cells × rows of an exported picture's landscape: ~2 s


@dataclass(frozen=True)
class GridPart:
    """A grid being filled: the first ``done`` of ``total`` cells (row-major) of ``z`` are
    computed, the rest are nan."""

    xs: Array
    ys: Array
    z: Array
    done: int
    total: int

    @property
    def finished(self) -> bool:
        return self.done == self.total


class RowDerivatives:
    """The derivatives of a loss on the row path, with the surface the runner and
    :class:`Objective` read of :class:`Derivatives`. They have no single tree: the
    straight-line fast path calls the rows' sums as one function (:meth:`scalar_lines`),
    and code that prints trees (``value``, ``gradient``, ``hessian``) must decline them."""

    def __init__(self, loss: RowLoss, expression: Expression) -> None:
        self.loss = loss
        self.expression = expression
        self.value_function = loss.value_function
        self.gradient_function = loss.gradient_function
        self.value_and_gradient_function = loss.value_and_gradient_function
        self.hessian_function = loss.hessian_function
        self.scalar_runs: dict[str, Any] = {}
        self.parameter_names = loss.code.parameter_names
        # The straight-line fast path calls the rows' sums as one function (see fastpath).
        self.scalar_namespace = {
            "_rows_gradient": loss.scalar_value_and_gradient,
            "_rows_hessian": loss.scalar_with_hessian,
        }

    def scalar_lines(self, hessian: bool) -> list[str]:
        """The fast path's lines evaluating f, ∇f (and the Hessian) at ``px, py``."""
        args = ", ".join(["px", "py", *self.parameter_names])
        if hessian:
            return [f"fv, gx, gy, hxx, hxy, hyy = _rows_hessian({args})"]
        return [f"fv, gx, gy = _rows_gradient({args})"]

    @property
    def value(self) -> Any:
        raise NotImplementedError("a loss over data rows is no single tree")

    gradient = hessian = value


class ModelObjective(Objective):
    """The mean loss of ``model`` over ``data``, as a function of the model's two axes."""

    def __init__(
        self,
        derivatives: Any,
        values: Mapping[str, float] | None,
        *,
        model: Model,
        data: Dataset,
        rows: RowLoss,
        batches: Minibatches | None = None,
    ) -> None:
        self._full = derivatives
        if batches is not None and not batches.full:
            derivatives = _sampled(derivatives, rows, batches)
        super().__init__(derivatives, values)
        self.model = model
        self.data = data
        self.rows = rows
        self.batches = batches
        self.axes = model.axes

    @classmethod
    def build(
        cls,
        model: Model,
        data: Dataset,
        values: Mapping[str, float] | None = None,
        batches: Minibatches | None = None,
    ) -> ModelObjective:
        """The loss of ``model`` on ``data`` (standardise it first to normalise the inputs),
        its parameters set from ``values`` (1.0 if not given). Raises ``DataError`` when the
        logistic loss meets a label that is not 0 or 1, ``ValueError`` for batches of
        another dataset's size."""
        if model.loss == "logistic":
            data.check_labels()
        if batches is not None and batches.rows != data.rows:
            raise ValueError(
                f"the batches are for {batches.rows} rows but the data has {data.rows}"
            )
        derivatives, rows = _paths(model, data)
        return cls(derivatives, values, model=model, data=data, rows=rows, batches=batches)

    def _again(self, values: Mapping[str, float], batches: Minibatches | None) -> ModelObjective:
        return ModelObjective(
            self._full, values, model=self.model, data=self.data, rows=self.rows, batches=batches
        )

    def with_values(self, values: Mapping[str, float]) -> ModelObjective:
        return self._again({**self.values, **values}, self.batches)

    def with_batches(self, batches: Minibatches | None) -> ModelObjective:
        """The same loss drawn in ``batches`` (None: every step sees every row)."""
        if batches is not None and batches.rows != self.data.rows:
            raise ValueError(
                f"the batches are for {batches.rows} rows but the data has {self.data.rows}"
            )
        return self._again(self.values, batches)

    # -- what the landscape is ---------------------------------------------------------------
    @property
    def moment_path(self) -> bool:
        """Whether the loss is an ordinary tree in the axes (see ``moments``)."""
        return isinstance(self._full, Derivatives)

    @property
    def stochastic(self) -> bool:
        return self.batches is not None and not self.batches.full

    def at_step(self, step: int) -> Objective:
        rows = self.batches.rows_at(step) if self.batches is not None else None
        if rows is None:
            return self
        view: Any = StepView(self._full, self.rows.on_rows(rows))  # the surface of Derivatives
        return Objective(view, self.values)

    @property
    def title(self) -> str:
        """The model, the loss and the data in words, for a picture's title."""
        data = self.data
        title = f"{self.model.title}  ·  {data.name} ({data.rows:,} rows)"
        if data.standardization is not None:
            s = data.standardization
            title += f"  ·  x' = (x − {s.mean:.4g}) / {s.scale:.4g}"
        return title

    def __repr__(self) -> str:
        return f"ModelObjective({self.model.text!r}, {self.model.loss}, {self.data.name!r})"

    def gradient_formulas(self) -> tuple[sympy.Expr, sympy.Expr]:
        """The per-row ∂ℓ/∂a and ∂ℓ/∂b in the person's names (L is their mean)."""
        ga, gb = (formulas.to_sympy(g, self._names) for g in self._row_gradient)
        return ga, gb

    def gradient_texts(self) -> tuple[str, str]:
        """∂L/∂a and ∂L/∂b as ``mean(…)`` of the per-row derivative, in the person's names."""
        ga, gb = (f"mean({formulas.text(g, self._names)})" for g in self._row_gradient)
        return ga, gb

    @cached_property
    def _row_gradient(self) -> tuple[se.Basic, se.Basic]:
        code = self.rows.code
        if self.model.loss == "logistic":
            slope = 1 / (1 + se.exp(-code.z)) - _LABEL
        else:
            slope = 2 * (code.z - _LABEL)
        return slope * code.gradient[0], slope * code.gradient[1]

    @property
    def _names(self) -> dict[str, str]:
        return {**self.rows.code.names, "_dy": "y"}

    def least_squares_minimum(self) -> tuple[float, float] | None:
        """The minimum, for a mean squared error whose model is linear in its two axes (the
        loss then is a quadratic bowl: one Newton step from anywhere lands on it), or None
        (another model, a flat direction, the logistic loss)."""
        code = self.rows.code
        if self.model.loss != "mse" or any(h != 0 for h in code.second_derivatives):
            return None
        with np.errstate(all="ignore"):
            g = self.gradient(0.0, 0.0)
            h = self.hessian(0.0, 0.0)
            if not (np.isfinite(g).all() and np.isfinite(h).all()):
                return None
            if np.linalg.det(h) <= 1e-12 * max(1.0, float(np.abs(h).max()) ** 2):
                return None
            step = np.linalg.solve(h, -g)
        return (float(step[0]), float(step[1])) if np.isfinite(step).all() else None

    # -- the model pane ----------------------------------------------------------------------
    def predict(self, points: ArrayLike, xs: ArrayLike) -> Array:
        """The model's prediction at weights ``points`` (``(n, 2)``, the axes) for inputs
        ``xs`` in the data's own units: ``(n, len(xs))``. For the logistic loss, the
        probability sigmoid(z)."""
        p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        x = np.asarray(xs, dtype=np.float64).reshape(-1)
        if self.data.standardization is not None:
            x = self.data.standardization.apply(x)
        with np.errstate(all="ignore"):
            (z,) = self.rows.code.output(x, x, p[:, :1], p[:, 1:], *self._args)  # (y unused)
            z = np.broadcast_to(z, (len(p), len(x)))
            out: Array = 0.5 + 0.5 * np.tanh(0.5 * z) if self.model.loss == "logistic" else z
        return np.array(out, dtype=np.float64)

    @property
    def probability_output(self) -> bool:
        """Whether :meth:`predict` gives probabilities (the logistic loss)."""
        return self.model.loss == "logistic"

    @property
    def raw_x(self) -> Array:
        """The data's x in its own units (before any standardisation)."""
        s = self.data.standardization
        return self.data.x if s is None else s.undo(self.data.x)

    # -- the grid, in parts a worker can stop between -----------------------------------------
    def coarse_shape(self, shape: tuple[int, int] = (400, 400)) -> tuple[int, int]:
        """The grid to show first after a change: ``shape`` itself on the moment path (its
        cost does not grow with the rows), else shrunk until cells × rows is at most
        :data:`COARSE_ELEMENTS` — 141 × 141 at 100 rows, 71 × 71 at 400 — but never below
        48 cells a side."""
        return self.shape_within(shape, COARSE_ELEMENTS)

    def picture_shape(self, shape: tuple[int, int]) -> tuple[int, int]:
        """The grid an exported picture evaluates instead of ``shape``: at most
        :data:`PICTURE_ELEMENTS` cells × rows (a few seconds), so a 1200-pixel picture of
        100,000 rows does not take an hour; the moment path's is ``shape``."""
        return self.shape_within(shape, PICTURE_ELEMENTS)

    def shape_within(self, shape: tuple[int, int], elements: float) -> tuple[int, int]:
        """``shape`` shrunk in proportion until cells × rows ≤ ``elements`` (never below 48
        cells a side); unchanged on the moment path."""
        rows, cols = shape
        if self.moment_path or rows * cols * self.data.rows <= elements:
            return rows, cols
        shrink = math.sqrt(elements / (rows * cols * self.data.rows))
        return max(min(rows, 48), round(rows * shrink)), max(min(cols, 48), round(cols * shrink))

    def grid_parts(
        self,
        xrange: tuple[float, float],
        yrange: tuple[float, float],
        shape: tuple[int, int] = (400, 400),
    ) -> Iterator[GridPart]:
        """The grid of :meth:`grid`, computed a chunk of cells at a time (each ~2 MB of
        temporaries): every part is the same arrays with more cells filled in."""
        rows, cols = shape
        xs, ys = _centres(xrange, cols), _centres(yrange, rows)
        total = rows * cols
        if self.moment_path:
            _, _, z = self.grid(xrange, yrange, shape)
            yield GridPart(xs, ys, z, total, total)
            return
        z = np.full(total, np.nan)
        a, b = np.meshgrid(xs, ys)
        parts = self.rows.blocks(0, a, b, self._args)
        while True:
            with np.errstate(all="ignore"):
                part = next(parts, None)
            if part is None:
                return
            where, (f,) = part
            z[where] = f
            yield GridPart(xs, ys, z.reshape(rows, cols), where.stop, total)


def _sampled(full: Any, rows: RowLoss, batches: Minibatches) -> SampledDerivatives:
    """The derivatives of ``full`` drawn in ``batches``, made once per schedule."""
    view = rows.views.get(batches)
    if view is None:
        if len(rows.views) >= 16:
            rows.views.clear()
        view = rows.views[batches] = SampledDerivatives(full, rows, batches)
    return view


@lru_cache(maxsize=16)
def _row_code(model: Model) -> RowCode:
    return RowCode.of(model)


@lru_cache(maxsize=8)
def _paths(model: Model, data: Dataset) -> tuple[Any, RowLoss]:
    """The derivatives the objective runs on (moment path if it can), and the row path."""
    rows = RowLoss(_row_code(model), data.x, data.y)
    moments = moment_expression(model, data.x, data.y)
    expression = Expression(
        model.text, model.expression.tree, model.parameters, model.expression.smooth
    )
    if moments is not None:
        return Derivatives.of(moments), rows
    return RowDerivatives(rows, expression), rows
