"""The mean squared error of a model that is a sum of data features times weights, as one
ordinary function of the two axes.

When ℓ = (z − y)² expands into terms d_k(x, y) · g_k(weights), the mean over the rows is
``L = Σ_k mean(d_k) · g_k``: a tree in the weights with a few numbers in it, whatever the
number of rows. Linear regression (``w*x + b``: the six moments 1, x, x², y, xy, y²), the
two-layer linear net (``w2*w1*x``) and the deep chain (``w^L*x + b``, where w^(2L) is one
g_k even with L a slider) are such models. Their loss then goes through the engine exactly as
a typed f(x, y) does — ``Derivatives``, the straight-line fast path, the grid — at a cost
independent of the rows, and Newton's method lands on the least-squares minimum in one step.

Every other model (tanh, sigmoid, logistic loss) takes the row path of
:mod:`~gradient_studio.engine.models.per_row`.
"""

from __future__ import annotations

import numpy as np
import symengine as se

from gradient_studio.engine import codegen
from gradient_studio.engine.expression import Expression, X, Y, parameter_symbol
from gradient_studio.engine.models.model import Model

MAX_TERMS = 64  # distinct data features; beyond them the row path is cheaper to build
MAX_EXPANDED = 4096  # terms of the expanded loss before they are grouped

_DX, _DY = se.Symbol("_dx"), se.Symbol("_dy")


def moment_expression(model: Model, x: np.ndarray, y: np.ndarray) -> Expression | None:
    """The mean loss over the rows ``x``, ``y`` as an :class:`Expression` whose variables
    ``x`` and ``y`` are the model's two axes and whose parameters are its other weights; or
    None when the loss is not a sum of data features times weights."""
    if model.loss != "mse":
        return None
    grouped = _features(model)
    if grouped is None:
        return None
    a, b = model.axes
    axes = {parameter_symbol(a): X, parameter_symbol(b): Y}
    total: se.Basic = se.Integer(0)
    for feature, weight in grouped.items():
        if feature == 1:
            total += weight
            continue
        mean = _mean(feature, x, y)
        if not np.isfinite(mean):
            return None
        total += se.RealDouble(mean) * weight
    tree = total.xreplace(axes)
    return Expression(model.text, tree, model.parameters, model.expression.smooth)


def _features(model: Model) -> dict[se.Basic, se.Basic] | None:
    """The loss per row as ``{d_k(x, y): g_k(weights)}``, or None."""
    loss = se.expand((model.output.xreplace({X: _DX}) - _DY) ** 2)
    terms = loss.args if type(loss).__name__ == "Add" else (loss,)
    if len(terms) > MAX_EXPANDED:
        return None
    data = {_DX, _DY}
    grouped: dict[se.Basic, se.Basic] = {}
    for term in terms:
        factors = term.args if type(term).__name__ == "Mul" else (term,)
        feature: se.Basic = se.Integer(1)
        weight: se.Basic = se.Integer(1)
        for factor in factors:
            free = factor.free_symbols
            if free and free <= data:
                feature *= factor
            elif free & data:
                return None  # data and weights mixed in one factor: tanh(w*x), x^L
            else:
                weight *= factor
        grouped[feature] = grouped.get(feature, se.Integer(0)) + weight
        if len(grouped) > MAX_TERMS:
            return None
    return grouped


def _mean(feature: se.Basic, x: np.ndarray, y: np.ndarray) -> float:
    if feature == 1:
        return 1.0
    fn = codegen.numpy_function([feature], "_dx", "_dy", [])
    with np.errstate(all="ignore"):
        (values,) = fn(x, y)
    return float(np.mean(np.broadcast_to(values, x.shape)))
