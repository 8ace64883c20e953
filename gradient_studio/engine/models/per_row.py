"""The loss of a model over its data rows, with its exact gradient and Hessian, in numpy.

SymEngine differentiates the per-row output z of the model once (``z``, ``∂z/∂a``,
``∂z/∂b`` and, for the Hessian, ``∂²z``), compiled by :mod:`~gradient_studio.engine.codegen`
as one function of the two axes ``a``, ``b``, the parameters and the data column. The outer
loss ℓ(z, y) is written here by hand in its stable form and joined by the chain rule::

    ∇L = mean(ℓ′·∇z)        H = mean(ℓ″·∇z∇zᵀ + ℓ′·∇²z)

    mse       ℓ = (z − y)²                       ℓ′ = 2(z − y)   ℓ″ = 2
    logistic  ℓ = logaddexp(0, z) − y·z          ℓ′ = s − y      ℓ″ = s(1 − s),  s = sigmoid(z)

so no sum over the rows ever exists as a tree, and the logistic loss never overflows where
z reaches hundreds (separable data). Points get a trailing axis of rows; every temporary is
``points × rows`` doubles, so the points are taken :data:`ROW_CHUNK` elements at a time:
memory stays bounded on any grid, and a worker can stop between chunks. At one point (the
runner's straight-line loop, once a step) the sums over the rows are dot products on plain
floats: :meth:`RowLoss.scalar_value_and_gradient`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import symengine as se
from numpy.typing import ArrayLike, NDArray

from gradient_studio.engine import codegen, differentiation
from gradient_studio.engine.expression import X, parameter_symbol
from gradient_studio.engine.models.model import Model

Array = NDArray[np.float64]
Rows = NDArray[np.intp]

ROW_CHUNK = 1 << 18  # elements of one (points, rows) temporary: 2 MB

_A, _B, _DX = se.Symbol("_x"), se.Symbol("_y"), se.Symbol("_dx")


@dataclass(frozen=True)
class RowCode:
    """The compiled per-row pieces of one model, shared by every dataset and row subset."""

    model: Model
    z: se.Basic  # in the engine's names: _x, _y the axes, _p0… the parameters, _dx the data
    gradient: tuple[se.Basic, se.Basic]
    _hessian: Callable[[], list[se.Basic]] = field(compare=False, repr=False)

    @classmethod
    def of(cls, model: Model) -> RowCode:
        a, b = model.axes
        renames = {X: _DX, parameter_symbol(a): _A, parameter_symbol(b): _B}
        for i, name in enumerate(model.parameters):
            renames[parameter_symbol(name)] = se.Symbol(f"_p{i}")
        z = model.output.xreplace(renames)
        grad, hessian = differentiation.derivatives(z, _A, _B, model.expression.smooth)
        return cls(model, z, (grad[0], grad[1]), hessian)

    @property
    def parameter_names(self) -> list[str]:
        return [f"_p{i}" for i in range(len(self.model.parameters))]

    @cached_property
    def second_derivatives(self) -> tuple[se.Basic, se.Basic, se.Basic]:
        """∂²z/∂a², ∂²z/∂a∂b, ∂²z/∂b²: all 0 for a model linear in its axes."""
        zaa, zab, zbb = self._hessian()
        return zaa, zab, zbb

    def _compile(self, exprs: Sequence[se.Basic]) -> Callable[..., list[Any]]:
        # The data column comes first, as the generated code's own x (its parameters are
        # converted to numpy floats on every call: a copy of every row, for nothing).
        names = ["_x", "_y", *self.parameter_names]
        return codegen.numpy_function(list(exprs), "_dx", "_dy", names)

    @cached_property
    def output(self) -> Callable[..., list[Any]]:
        """``fn(x, y, a, b, *parameters) -> [z]`` (``y`` unused)"""
        return self._compile([self.z])

    @cached_property
    def with_gradient(self) -> Callable[..., list[Any]]:
        """``fn(x, y, a, b, *parameters) -> [z, z_a, z_b]``"""
        return self._compile([self.z, *self.gradient])

    @cached_property
    def with_hessian(self) -> Callable[..., list[Any]]:
        """``fn(x, y, a, b, *parameters) -> [z, z_a, z_b, z_aa, z_ab, z_bb]``"""
        return self._compile([self.z, *self.gradient, *self.second_derivatives])

    @property
    def names(self) -> dict[str, str]:
        """The person's name of each symbol in the trees."""
        a, b = self.model.axes
        names = {"_x": a, "_y": b, "_dx": "x"}
        names.update((f"_p{i}", n) for i, n in enumerate(self.model.parameters))
        return names


class RowLoss:
    """L(a, b) = mean over the rows of ℓ(z(a, b; x), y), for the rows ``x``, ``y``.

    The ``*_function`` attributes have the signatures the runner and :class:`Objective`
    call: ``fn(a, b, *parameters) -> [values…]`` for numbers or broadcastable arrays.
    """

    def __init__(self, code: RowCode, x: ArrayLike, y: ArrayLike) -> None:
        self.code = code
        self.x = np.ascontiguousarray(x, dtype=np.float64)
        self.y = np.ascontiguousarray(y, dtype=np.float64)
        self.rows = len(self.x)
        self.logistic = code.model.loss == "logistic"
        self.sign = 1.0 - 2.0 * self.y  # for the logistic loss: +1 for label 0, −1 for 1
        # Views of this loss kept to share their compiled loops (a minibatch schedule's
        # derivatives, by its Minibatches): a slider drag must not recompile them.
        self.views: dict[Any, Any] = {}

    def on_rows(self, rows: Rows) -> RowLoss:
        """The same loss over the rows ``rows`` only (a minibatch)."""
        return RowLoss(self.code, self.x[rows], self.y[rows])

    # -- the signatures of Derivatives ------------------------------------------------------
    def value_function(self, a: ArrayLike, b: ArrayLike, *p: float) -> list[Any]:
        return self._reduce(0, a, b, p)

    def gradient_function(self, a: ArrayLike, b: ArrayLike, *p: float) -> list[Any]:
        return self._reduce(1, a, b, p)[1:]

    def value_and_gradient_function(self, a: ArrayLike, b: ArrayLike, *p: float) -> list[Any]:
        return self._reduce(1, a, b, p)

    def hessian_function(self, a: ArrayLike, b: ArrayLike, *p: float) -> list[Any]:
        return self._reduce(2, a, b, p)[3:]

    # -- one point, as plain floats (the runner's straight-line fast path calls these) ------
    def scalar_value(self, a: float, b: float, *p: float) -> float:
        """f at one point, as a float."""
        with np.errstate(all="ignore"):
            (z,) = self.code.output(self.x, self.y, a, b, *p)
            if self.logistic:
                total = float(np.add.reduce(self._loss(z, self.y)))
            else:
                r = z - self.y
                total = float(r @ r)
        return total / self.rows

    def scalar_value_and_gradient(self, a: float, b: float, *p: float) -> tuple[float, ...]:
        """f, ∂f/∂a, ∂f/∂b at one point, as floats: the rows' sums as dot products."""
        return self._scalar(False, a, b, p)

    def scalar_with_hessian(self, a: float, b: float, *p: float) -> tuple[float, ...]:
        """f, the gradient's two and the Hessian's three at one point, as floats."""
        return self._scalar(True, a, b, p)

    def _scalar(self, hessian: bool, a: float, b: float, p: Sequence[float]) -> tuple[float, ...]:
        code, y, n = self.code, self.y, self.rows
        inv = 1.0 / n
        with np.errstate(all="ignore"):
            if hessian:
                z, za, zb, zaa, zab, zbb = code.with_hessian(self.x, y, a, b, *p)
            else:
                z, za, zb = code.with_gradient(self.x, y, a, b, *p)
            if self.logistic:
                e = np.exp(-np.abs(z))
                total = float(np.add.reduce(np.log1p(e) + np.maximum(z, 0.0)) - y @ z)
                q = 1.0 / (1.0 + e)
                slope = np.where(z >= 0.0, q, e * q)  # sigmoid(z), then less y: ℓ′
                bend: Any = slope * (1.0 - slope) if hessian else 0.0
                slope -= y
                two = 1.0
            else:
                slope = z - y
                total = float(slope @ slope)
                bend, two = 2.0, 2.0  # ℓ′ = 2(z − y): the 2 applied to the sums
            out = [total * inv, two * _dot(slope, za, n) * inv, two * _dot(slope, zb, n) * inv]
            if hessian:
                out += [
                    (_dot(bend * za, za, n) + two * _dot(slope, zaa, n)) * inv,
                    (_dot(bend * za, zb, n) + two * _dot(slope, zab, n)) * inv,
                    (_dot(bend * zb, zb, n) + two * _dot(slope, zbb, n)) * inv,
                ]
        return tuple(out)

    # -- evaluation --------------------------------------------------------------------------
    def blocks(
        self, order: int, a: ArrayLike, b: ArrayLike, p: Sequence[float]
    ) -> Iterator[tuple[slice, list[Array]]]:
        """The points of ``a``, ``b`` (broadcast, flattened) a chunk at a time: ``(where,
        values)`` with f (order 0), f and ∇f (1), or those and the Hessian's three (2) of
        the flattened points ``where``. A worker can stop between chunks."""
        flat_a, flat_b, _ = _flat(a, b)
        n = len(flat_a)
        chunk = self.chunk
        for lo in range(0, n, chunk):
            where = slice(lo, min(n, lo + chunk))
            yield where, self._chunk(order, flat_a[where], flat_b[where], p)

    @property
    def chunk(self) -> int:
        """How many points one chunk takes."""
        return max(1, ROW_CHUNK // max(1, self.rows))

    def _reduce(self, order: int, a: ArrayLike, b: ArrayLike, p: Sequence[float]) -> list[Any]:
        flat_a, flat_b, shape = _flat(a, b)
        if len(flat_a) <= self.chunk:
            return [v.reshape(shape) for v in self._chunk(order, flat_a, flat_b, p)]
        out = [np.empty(len(flat_a)) for _ in range((1, 3, 6)[order])]
        for where, values in self.blocks(order, flat_a, flat_b, p):
            for o, v in zip(out, values, strict=True):
                o[where] = v
        return [o.reshape(shape) for o in out]

    def _chunk(self, order: int, a: Array, b: Array, p: Sequence[float]) -> list[Array]:
        """The values (see :meth:`blocks`) of the points ``a``, ``b`` of shape ``(m, 1)``,
        each of shape ``(m,)``."""
        code = self.code
        y, m = self.y, len(a)
        # (callers hold np.errstate: the runner, Objective, grid_parts)
        if order == 0:
            (z,) = code.output(self.x, y, a, b, *p)
            return [self._mean(self._loss(z, y), m)]
        if order == 1:
            z, za, zb = code.with_gradient(self.x, y, a, b, *p)
        else:
            z, za, zb, zaa, zab, zbb = code.with_hessian(self.x, y, a, b, *p)
        if self.logistic:
            s = 0.5 + 0.5 * np.tanh(0.5 * z)  # sigmoid without overflow
            slope = s - y
        else:
            slope = 2.0 * (z - y)
        out = [self._mean(self._loss(z, y), m)]
        out += [self._mean(slope * za, m), self._mean(slope * zb, m)]
        if order == 2:
            bend = s * (1.0 - s) if self.logistic else 2.0
            out += [
                self._mean(bend * za * za + slope * zaa, m),
                self._mean(bend * za * zb + slope * zab, m),
                self._mean(bend * zb * zb + slope * zbb, m),
            ]
        return out

    def _loss(self, z: Any, y: Array) -> Any:
        if self.logistic:
            # softplus(z) − y·z = softplus(u) with u = (1 − 2y)·z for labels 0 and 1, as
            # max(u, 0) + log1p(e^−|u|): no overflow, and in place (3x np.logaddexp's speed).
            u = z * self.sign
            out = np.abs(u)
            np.negative(out, out=out)
            np.exp(out, out=out)
            np.log1p(out, out=out)
            out += np.maximum(u, 0.0, out=u)
            return out
        r = z - y
        r *= r
        return r

    def _mean(self, v: Any, m: int) -> Array:
        """The mean over the rows (the last axis) of ``v``, one value per point."""
        v = np.asarray(v, dtype=np.float64)
        if v.shape != (m, self.rows):
            v = np.broadcast_to(v, (m, self.rows))
        total: Array = np.add.reduce(v, axis=-1)
        return total / self.rows


def _flat(a: ArrayLike, b: ArrayLike) -> tuple[Array, Array, tuple[int, ...]]:
    """``a`` and ``b`` broadcast together as two ``(n, 1)`` columns, and their shape."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    shape = np.broadcast_shapes(a.shape, b.shape)
    if a.shape != shape or b.shape != shape:
        a, b = np.broadcast_arrays(a, b)
    return a.reshape(-1, 1), b.reshape(-1, 1), shape


def _dot(u: Any, v: Any, rows: int) -> float:
    """Σ u·v over ``rows`` rows, for ``u`` and ``v`` arrays of the rows or numbers that
    stand for every row."""
    if type(v) is np.ndarray and type(u) is np.ndarray and u.shape == v.shape:
        return float(u @ v)
    if np.ndim(u) == 0 and np.ndim(v) == 0:
        return float(u) * float(v) * rows
    u, v = np.broadcast_arrays(u, v)
    total: float = np.add.reduce(u * v, axis=None)
    return float(total)
