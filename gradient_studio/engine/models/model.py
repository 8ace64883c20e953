"""A model a person types, and the loss it is trained with.

The model is text in the function language (see :mod:`~gradient_studio.engine.expression`)
that predicts y from the data column ``x``: ``w*x + b``, ``w2*tanh(w1*x)``,
``sigmoid(w*x + b)``. Every other name in it is a weight. Two weights are the axes of the
landscape (by default the first two in the order they appear); any other is a parameter
with a slider, exactly as in a function of x and y.

The loss is the mean over the rows of the data of a per-row loss ℓ(z, y) of the model's
output z:

* ``mse``: (z − y)², the mean squared error;
* ``logistic``: softplus(z) − y·z with labels y in {0, 1}, the cross-entropy of the
  probability sigmoid(z). A model whose outermost call is ``sigmoid(u)`` has z = u (so
  ``sigmoid(w*x + b)`` is logistic regression and its prediction is the probability);
  any other model's output is taken as z itself, the log-odds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

import symengine as se

from gradient_studio.engine.expression import (
    Expression,
    ExpressionError,
    X,
    parse_expression,
)
from gradient_studio.engine.expression.tokens import scan

__all__ = ["LOSSES", "Loss", "Model"]

Loss = Literal["mse", "logistic"]
LOSSES: dict[str, str] = {
    "mse": "mean squared error",
    "logistic": "logistic loss",
}
# How a title says the loss, with z the model's output (or the log-odds).
LOSS_FORMULAS: dict[str, str] = {
    "mse": "mean (prediction − y)²",
    "logistic": "mean softplus(z) − y·z",
}


@dataclass(frozen=True)
class Model:
    """A checked model: its text and tree, the loss, and which two weights are the axes."""

    text: str
    loss: Loss
    axes: tuple[str, str]
    expression: Expression

    @classmethod
    def parse(cls, text: str, loss: str = "mse", axes: tuple[str, str] | None = None) -> Model:
        """Check ``text`` as a model; raises ``ExpressionError`` (with the column) for text
        that is not one, ``ValueError`` for an unknown loss or axes it does not have."""
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r} (choose from: {', '.join(LOSSES)})")
        expression = parse_expression(text)
        _refuse_y(text)
        free = expression.tree.free_symbols
        if X not in free:
            raise ExpressionError(
                "the model must use the data column x, as in w*x + b", 1, len(text)
            )
        weights = expression.parameters
        if len(weights) < 2:
            has = f"it has only {weights[0]!r}" if weights else "it has none"
            raise ExpressionError(
                f"the model needs two weights for the two axes ({has}); add one, as in w*x + b",
                1,
                len(text),
            )
        chosen = _axes(axes, weights)
        return cls(text, cast(Loss, loss), chosen, expression)

    @property
    def weights(self) -> tuple[str, ...]:
        """Every weight, in the order it first appears."""
        return self.expression.parameters

    @property
    def parameters(self) -> tuple[str, ...]:
        """The weights that are not axes: each has a slider."""
        return tuple(w for w in self.weights if w not in self.axes)

    @property
    def probability(self) -> bool:
        """Whether the model's own output is sigmoid(z) (so it predicts a probability)."""
        return self.loss == "logistic" and _sigmoid_argument(self.expression.tree) is not None

    @property
    def output(self) -> se.Basic:
        """z, the output the loss reads: the model, or the u of a logistic ``sigmoid(u)``."""
        if self.loss == "logistic":
            inner = _sigmoid_argument(self.expression.tree)
            if inner is not None:
                return inner
        return self.expression.tree

    @property
    def title(self) -> str:
        """``w*x + b  ·  mean (prediction − y)²``: the model and its loss, for a title."""
        return f"{self.text}  ·  {LOSS_FORMULAS[self.loss]}"


def _refuse_y(text: str) -> None:
    for token in scan(text):
        if token.kind == "name" and token.text == "y":
            raise ExpressionError(
                f"y at column {token.column} is the label the model predicts, not an input; "
                "the model reads x, and its weights need other names (w, b, w1, …)",
                token.column,
                1,
            )


def _axes(axes: tuple[str, str] | None, weights: tuple[str, ...]) -> tuple[str, str]:
    if axes is None:
        return weights[0], weights[1]
    a, b = (str(n).strip() for n in axes)
    for name in (a, b):
        if name not in weights:
            raise ValueError(
                f"the model has no weight {name!r} for an axis (it has: {', '.join(weights)})"
            )
    if a == b:
        raise ValueError(f"the two axes must be different weights, not {a!r} twice")
    return a, b


def _sigmoid_argument(tree: se.Basic) -> se.Basic | None:
    """u when ``tree`` is sigmoid(u) as the language builds it, (1 + e^(−u))^(−1); else None."""
    if not (tree.is_Pow and tree.args[1] == -1):
        return None
    base = tree.args[0]
    if type(base).__name__ != "Add" or len(base.args) != 2 or 1 not in base.args:
        return None
    other = base.args[1] if base.args[0] == 1 else base.args[0]
    if not (other.is_Pow and other.args[0] == se.E):
        return None
    return cast(se.Basic, -other.args[1])
