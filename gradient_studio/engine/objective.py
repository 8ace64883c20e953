"""The user's function of x and y, with its exact gradient and Hessian.

An :class:`Objective` is built from text through :mod:`gradient_studio.engine.expression`
(our own parser: no text a person typed is ever evaluated as code), differentiated exactly
in SymEngine (see ``differentiation``) and compiled to numpy code with common subexpressions
shared (see ``codegen``). sympy is loaded only to show the derivatives' formulas. It evaluates
on a scalar point, on an ``(n, 2)`` batch and on a whole grid, quietly: outside the domain
the answer is nan or inf, never an exception or a numpy warning.

Parameter values are bound by name; :meth:`Objective.with_values` shares the compiled code,
so dragging a slider costs no recompilation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import symengine as se
from numpy.typing import ArrayLike, NDArray

from gradient_studio.engine import codegen, differentiation, formulas
from gradient_studio.engine._memory import tune_allocator
from gradient_studio.engine.expression import (
    Expression,
    X,
    Y,
    parameter_symbol,
    parse_expression,
)

if TYPE_CHECKING:
    import sympy

Array = NDArray[np.float64]

tune_allocator()  # every evaluation and every step makes numpy temporaries: see _memory


# Inside the engine every function is written in these names, whatever the person called
# their parameters: generated code and common subexpressions can never collide with them.
_CX = se.Symbol("_x")
_CY = se.Symbol("_y")


@dataclass(frozen=True)
class Derivatives:
    """The exact derivatives of one expression and the code evaluating them, shared by
    every parameter binding. Code is generated on first use (see ``codegen``)."""

    expression: Expression
    canonical: se.Basic
    value: Any
    gradient: tuple[Any, Any]
    _hessian: Callable[[], list[Any]] = field(compare=False, repr=False)

    @classmethod
    def of(cls, expression: Expression) -> Derivatives:
        renames = {X: _CX, Y: _CY}
        for i, name in enumerate(expression.parameters):
            renames[parameter_symbol(name)] = se.Symbol(f"_p{i}")
        canonical = expression.tree.xreplace(renames)
        grad, hessian = differentiation.derivatives(canonical, _CX, _CY, expression.smooth)
        return cls(expression, canonical, canonical, (grad[0], grad[1]), hessian)

    @cached_property
    def hessian(self) -> tuple[Any, Any, Any]:
        hxx, hxy, hyy = self._hessian()
        return hxx, hxy, hyy

    @property
    def parameter_names(self) -> list[str]:
        return [f"_p{i}" for i in range(len(self.expression.parameters))]

    def _compile(self, exprs: list[Any]) -> Callable[..., list[Any]]:
        return codegen.numpy_function(exprs, "_x", "_y", self.parameter_names)

    @cached_property
    def value_function(self) -> Callable[..., list[Any]]:
        """``fn(x, y, *parameters) -> [f]``"""
        return self._compile([self.value])

    @cached_property
    def gradient_function(self) -> Callable[..., list[Any]]:
        """``fn(x, y, *parameters) -> [fx, fy]``"""
        return self._compile(list(self.gradient))

    @cached_property
    def value_and_gradient_function(self) -> Callable[..., list[Any]]:
        """``fn(x, y, *parameters) -> [f, fx, fy]``, sharing their common subexpressions."""
        return self._compile([self.value, *self.gradient])

    @cached_property
    def hessian_function(self) -> Callable[..., list[Any]]:
        """``fn(x, y, *parameters) -> [fxx, fxy, fyy]``"""
        return self._compile(list(self.hessian))

    @cached_property
    def scalar_runs(self) -> dict[str, Any]:
        """Generated straight-line loops per optimiser (see ``fastpath``), built on demand."""
        return {}

    @property
    def names(self) -> dict[str, str]:
        """The person's name of each symbol in the derivatives."""
        names = {"_x": "x", "_y": "y"}
        names.update((f"_p{i}", name) for i, name in enumerate(self.expression.parameters))
        return names

    @cached_property
    def formulas(self) -> tuple[sympy.Expr, sympy.Expr]:
        """∂f/∂x and ∂f/∂y as sympy expressions in the person's own names (this loads sympy)."""
        gx, gy = (formulas.to_sympy(g, self.names) for g in self.gradient)
        return gx, gy

    @cached_property
    def formula_texts(self) -> tuple[str, str]:
        """∂f/∂x and ∂f/∂y as text in the function language, on any thread's stack."""
        gx, gy = (formulas.text(g, self.names) for g in self.gradient)
        return gx, gy


class Objective:
    """f(x, y) with bound parameter values; evaluates values, gradients and Hessians.

    Every method takes ``x`` and ``y`` as numbers or broadcastable arrays (a grid is just
    two 2-D arrays), or use the ``*_at`` forms with points of shape ``(..., 2)``.
    """

    def __init__(self, derivatives: Derivatives, values: Mapping[str, float] | None = None) -> None:
        self._d = derivatives
        known = derivatives.expression.parameters
        given = dict(values or {})
        self.values: dict[str, float] = {name: float(given.get(name, 1.0)) for name in known}
        self._args = tuple(self.values[name] for name in known)

    @classmethod
    def from_text(cls, text: str, values: Mapping[str, float] | None = None) -> Objective:
        """Parse and compile ``text``; raises ``ExpressionError`` for text that is not a
        function. Parameters not in ``values`` start at 1.0; names in ``values`` that the
        function does not use are ignored (a slider's value survives edits that keep it)."""
        return cls(Derivatives.of(parse_expression(text)), values)

    def with_values(self, values: Mapping[str, float]) -> Objective:
        """The same function with some parameters set anew; the compiled code is shared."""
        return Objective(self._d, {**self.values, **values})

    # -- description ---------------------------------------------------------------------
    @property
    def text(self) -> str:
        return self._d.expression.text

    @property
    def expression(self) -> Expression:
        return self._d.expression

    @property
    def derivatives(self) -> Derivatives:
        return self._d

    @property
    def parameters(self) -> tuple[str, ...]:
        return self._d.expression.parameters

    def gradient_formulas(self) -> tuple[sympy.Expr, sympy.Expr]:
        """∂f/∂x and ∂f/∂y as sympy expressions, for showing to a person. Printing a very
        tall one with sympy recurses deeply: :meth:`gradient_texts` never does."""
        return self._d.formulas

    def gradient_texts(self) -> tuple[str, str]:
        """∂f/∂x and ∂f/∂y as text in the function language (``2*x - 400*x*(y - x^2)``)."""
        return self._d.formula_texts

    # -- what the two coordinates are and which loss a step descends -------------------------
    #: The names of the two coordinates (a model's loss names them after its weights).
    axes: tuple[str, str] = ("x", "y")

    @property
    def stochastic(self) -> bool:
        """Whether each step sees its own sample of the function (a model's minibatches):
        :meth:`at_step` is then the sample the numpy path descends, and the derivatives'
        own lines for the straight-line path (``scalar_lines``) draw the same one."""
        return False

    def at_step(self, step: int) -> Objective:
        """The function step ``step`` descends: this one, unless it is stochastic."""
        return self

    def __repr__(self) -> str:
        bound = ", ".join(f"{k}={v:g}" for k, v in self.values.items())
        return f"Objective({self.text!r}{', ' + bound if bound else ''})"

    # -- evaluation ----------------------------------------------------------------------
    def _call(self, function: Callable[..., Any], x: ArrayLike, y: ArrayLike) -> Any:
        with np.errstate(all="ignore"):
            return function(x, y, *self._args)

    def value(self, x: ArrayLike, y: ArrayLike) -> Any:
        """f at the points; a float for scalar input, else an array of the broadcast shape."""
        x, y = _as_float(x), _as_float(y)
        (f,) = self._call(self._d.value_function, x, y)
        out = np.broadcast_to(f, np.broadcast(x, y).shape)
        return _scalar_or(np.asarray(out, dtype=np.float64))

    def gradient(self, x: ArrayLike, y: ArrayLike) -> Array:
        """∇f, shape ``(..., 2)``."""
        x, y = _as_float(x), _as_float(y)
        parts = self._call(self._d.gradient_function, x, y)
        return _stack(parts, np.broadcast(x, y).shape)

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        """The Hessian, shape ``(..., 2, 2)``."""
        x, y = _as_float(x), _as_float(y)
        shape = np.broadcast(x, y).shape
        hxx, hxy, hyy = self._call(self._d.hessian_function, x, y)
        out = np.empty((*shape, 2, 2), dtype=np.float64)
        out[..., 0, 0] = hxx
        out[..., 0, 1] = out[..., 1, 0] = hxy
        out[..., 1, 1] = hyy
        return out

    def value_and_gradient(self, x: ArrayLike, y: ArrayLike) -> tuple[Any, Array]:
        """f and ∇f together, sharing their common subexpressions."""
        x, y = _as_float(x), _as_float(y)
        shape = np.broadcast(x, y).shape
        f, gx, gy = self._call(self._d.value_and_gradient_function, x, y)
        return _scalar_or(np.broadcast_to(np.asarray(f, dtype=np.float64), shape)), _stack(
            (gx, gy), shape
        )

    def value_at(self, points: ArrayLike) -> Any:
        p = np.asarray(points, dtype=np.float64)
        return self.value(p[..., 0], p[..., 1])

    def gradient_at(self, points: ArrayLike) -> Array:
        p = np.asarray(points, dtype=np.float64)
        return self.gradient(p[..., 0], p[..., 1])

    def hessian_at(self, points: ArrayLike) -> Array:
        p = np.asarray(points, dtype=np.float64)
        return self.hessian(p[..., 0], p[..., 1])

    def grid(
        self,
        xrange: tuple[float, float],
        yrange: tuple[float, float],
        shape: tuple[int, int] = (400, 400),
    ) -> tuple[Array, Array, Array]:
        """f on a ``rows x cols`` grid of cell centres spanning the ranges.

        Returns ``(xs, ys, z)`` with ``z[i, j] = f(xs[j], ys[i])``: row-major, rows along y.
        """
        rows, cols = shape
        xs = _centres(xrange, cols)
        ys = _centres(yrange, rows)
        z = self.value(xs[np.newaxis, :], ys[:, np.newaxis])
        return xs, ys, np.asarray(z, dtype=np.float64)


def _centres(bounds: tuple[float, float], count: int) -> Array:
    low, high = float(bounds[0]), float(bounds[1])
    step = (high - low) / count
    return low + step * (np.arange(count, dtype=np.float64) + 0.5)


def _as_float(v: ArrayLike) -> Any:
    # Even a single point goes in as a numpy value: Python's own float arithmetic raises
    # (0.0 ** -1) where numpy answers inf.
    return np.asarray(v, dtype=np.float64)


def _scalar_or(a: Array) -> Any:
    return float(a) if a.ndim == 0 else a


def _stack(parts: Any, shape: tuple[int, ...]) -> Array:
    """Stack the generated code's list output (constants come back as plain numbers) on a
    last axis."""
    out = np.empty((*shape, len(parts)), dtype=np.float64)
    for i, part in enumerate(parts):
        out[..., i] = part
    return out
