"""The built-in datasets, each chosen to teach one thing about training a model.

Every dataset is generated from a fixed seed when first asked for, and always comes out
the same on every machine and numpy version: the noise is drawn from PCG64's raw output
(a fixed algorithm), not from a distribution method numpy may change, and every value is
rounded to a few decimals so the data reads well as a table. Each records the model and
loss it was made for; its lesson is the text a student reads beside the race.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from gradient_studio.engine.data.dataset import Array, Dataset


@dataclass(frozen=True)
class BuiltInDataset:
    """A built-in dataset's name and words; :meth:`load` builds the data (once)."""

    name: str
    title: str
    description: str
    lesson: str
    model: str
    loss: str
    rows: int
    _build: Callable[[], tuple[Array, Array]] = field(repr=False, compare=False)

    def load(self) -> Dataset:
        return _load(self)


@cache
def _load(spec: BuiltInDataset) -> Dataset:
    x, y = spec._build()
    return Dataset(spec.name, x, y)


def _uniform(seed: int, n: int) -> Array:
    """``n`` floats in [0, 1) from PCG64's raw 64-bit stream, the same on every numpy."""
    raw = np.random.PCG64(seed).random_raw(n)
    return (raw >> np.uint64(11)).astype(np.float64) * 2.0**-53


def _normal(seed: int, n: int) -> Array:
    """``n`` standard normal draws by Box–Muller from :func:`_uniform`."""
    u = _uniform(seed, 2 * n)
    return np.sqrt(-2.0 * np.log1p(-u[:n])) * np.cos(2.0 * np.pi * u[n:])


def _spread(low: float, high: float, n: int, seed: int, jitter: float = 0.3) -> Array:
    """``n`` points evenly spaced from ``low`` to ``high``, each moved by up to ``jitter``
    of the spacing so the data does not look machine-made."""
    step = (high - low) / (n - 1)
    shake = (_uniform(seed, n) - 0.5) * jitter * step
    return np.clip(np.linspace(low, high, n) + shake, low, high)


def _linear() -> tuple[Array, Array]:
    x = np.repeat(np.arange(8.0, 13.0), 8)
    y = 1.5 * x + 4.0 + 0.5 * _normal(101, len(x))
    return x, np.round(y, 2)


def _classes(extra: tuple[float, float] | None) -> tuple[Array, Array]:
    x = np.round(np.concatenate([_spread(-3.0, -0.5, 10, 201), _spread(0.5, 3.0, 10, 202)]), 2)
    y = np.repeat([0.0, 1.0], 10)
    if extra is not None:
        x, y = np.append(x, extra[0]), np.append(y, extra[1])
    return x, y


def _tanh_unit() -> tuple[Array, Array]:
    x = np.round(_spread(-3.0, 3.0, 40, 301), 2)
    y = 2.0 * np.tanh(1.2 * x) + 0.1 * _normal(302, len(x))
    return x, np.round(y, 3)


def _two_layer() -> tuple[Array, Array]:
    x = np.round(_spread(-1.5, 1.5, 30, 401), 2)
    y = 1.5 * x + 0.2 * _normal(402, len(x))
    return x, np.round(y, 3)


def _deep_chain() -> tuple[Array, Array]:
    x = np.round(_spread(-2.0, 2.0, 30, 501), 2)
    y = x + 0.5 + 0.2 * _normal(502, len(x))
    return x, np.round(y, 3)


_ALL = (
    BuiltInDataset(
        "linear",
        "Linear regression, raw inputs",
        "40 readings at x = 8, 9, 10, 11, 12 with y ≈ 1.5x + 4: a large mean of x",
        "Fit the line w*x + b by least squares (the best is w = 1.51, b = 3.95). Because "
        "every x is far from 0 (8 to 12), "
        "changing w moves every prediction by about 10 times as much as changing b, so the "
        "loss is a long, thin valley: its Hessian 2·[[mean x², mean x], [mean x, 1]] = "
        "2·[[102, 10], [10, 1]] curves κ ≈ 5,300 times more steeply across the valley than "
        "along it. Gradient descent diverges above the learning rate 2/L ≈ 0.0097, and "
        "below it crawls along the valley floor for thousands of steps. Normalise the "
        "inputs (x' = (x − 10) / 1.414) and the Hessian becomes 2·I: a round bowl, κ = 1, "
        "where one step of 0.5 lands on the minimum.",
        "w*x + b",
        "mse",
        40,
        _linear,
    ),
    BuiltInDataset(
        "separable",
        "Logistic regression, separable classes",
        "20 points, label 0 for x < 0 and 1 for x > 0: a gap no point crosses",
        "Fit sigmoid(w*x + b) with the logistic loss. A threshold at x = 0 separates the "
        "two classes perfectly, so making w larger always makes every prediction more "
        "confident and the loss smaller: the loss creeps towards 0 but never reaches it, "
        "there is no minimum, and every optimiser's w grows for as long as it runs. "
        "Compare the dataset with one point on the wrong side.",
        "sigmoid(w*x + b)",
        "logistic",
        20,
        lambda: _classes(None),
    ),
    BuiltInDataset(
        "separable-plus-one",
        "Logistic regression, one point on the wrong side",
        "The separable points plus one label-0 point at x = 1: the classes overlap",
        "The same classes with one label-0 point at x = 1, among the 1s. Now no threshold "
        "is perfect, an ever larger w would make that point's loss grow without bound, and "
        "the loss has a finite minimum, at (w, b) ≈ (2.9, −1.2): the optimisers stop there "
        "instead of running off. One data point (or an L2 penalty on w) is the difference "
        "between a minimum and none.",
        "sigmoid(w*x + b)",
        "logistic",
        21,
        lambda: _classes((1.0, 0.0)),
    ),
    BuiltInDataset(
        "tanh-unit",
        "One tanh unit",
        "40 points of y ≈ 2·tanh(1.2x) for w2*tanh(w1*x): a saddle and two mirror minima",
        "Fit one neuron, w2*tanh(w1*x). Flipping both weights' signs gives the same "
        "predictions, so there are two mirror-image minima, near (w1, w2) = (1.3, 2) and "
        "(−1.3, −2), with a saddle between them at the origin, where every gradient is 0 "
        "and a start exactly there never moves. Far out along w1, tanh saturates to ±1 and "
        "the loss is a flat plateau with almost no gradient (vanishing gradients): where an "
        "optimiser starts decides where it ends, as initialisation does in a network.",
        "w2*tanh(w1*x)",
        "mse",
        40,
        _tanh_unit,
    ),
    BuiltInDataset(
        "two-layer",
        "Two-layer linear network",
        "30 points of y ≈ 1.5x for w2*w1*x: a valley of minima along w1·w2 = 1.56",
        "Fit w2*w1*x: two layers of one linear unit each. Only the product w1·w2 matters, "
        "so every point on the curve w1·w2 = 1.56 is a minimum: a whole valley of them. The "
        "valley is narrower the farther it is from the origin (its sharpness grows with "
        "w1² + w2²), so a large learning rate cannot settle in the sharp parts: it bounces "
        "there and comes to rest only where the valley is flat enough, near w1 = w2 (the "
        "edge of stability).",
        "w2*w1*x",
        "mse",
        30,
        _two_layer,
    ),
    BuiltInDataset(
        "deep-chain",
        "A deep chain of one shared weight",
        "30 points of y ≈ x + 0.5 for w^L*x + b: the minimum stays at w = 1 for every L",
        "Fit w^L*x + b: L layers sharing one weight w. The data wants w^L = 1, so the "
        "minimum is at w = 1 whatever L is, but the gradient along w carries the factor "
        "L·w^(L−1): for w a little above 1 it grows exponentially with L (exploding "
        "gradients, and gradient descent diverges), a little below 1 it shrinks towards 0 "
        "(vanishing gradients, and nothing moves). Raise L and watch the landscape turn "
        "into a cliff beside a plateau.",
        "w^L*x + b",
        "mse",
        30,
        _deep_chain,
    ),
)

DATASETS: dict[str, BuiltInDataset] = {d.name: d for d in _ALL}
"""The built-in datasets by name, in the order ``gradient-studio list`` shows them."""
