"""Five small models, each chosen to teach one thing about training, with its lesson.

A :class:`ModelPreset` is a :class:`~gradient_studio.engine.presets.Preset` whose text is a
model: it adds the loss, the built-in dataset, the two weights on the axes and the
optimisers of its first race, chosen so that race shows the lesson without anyone touching
anything. The lesson is the preset's ``description``: the text a student reads beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from gradient_studio.engine.presets import Preset, _values
from gradient_studio.engine.results import OptimizerChoice

View = tuple[tuple[float, float], tuple[float, float], tuple[tuple[float, float], ...]]


@dataclass(frozen=True)
class ModelPreset(Preset):
    """A model on a built-in dataset. ``start`` is the first of ``starts``; ``normalized``
    is the view (x range, y range, starts) when the inputs are normalised, where the
    weights mean something else."""

    loss: str = "mse"
    dataset: str = ""
    axes: tuple[str, str] = ("w", "b")
    starts: tuple[tuple[float, float], ...] = ()
    optimizers: tuple[OptimizerChoice, ...] = ()
    normalized: View | None = None

    def view(self, normalize: bool) -> View:
        """The x range, y range and starts to show, for raw or normalised inputs."""
        if normalize and self.normalized is not None:
            return self.normalized
        return self.xrange, self.yrange, self.starts or (self.start,)


def _choices(*items: tuple[str, float]) -> tuple[OptimizerChoice, ...]:
    return tuple(OptimizerChoice(name, {"lr": lr}) for name, lr in items)


_ALL = (
    ModelPreset(
        "linear-regression",
        "Linear regression",
        "w*x + b",
        (-1.0, 4.0),
        (-12.0, 14.0),
        (0.2, -8.0),
        ((1.512, 3.94775),),
        0.33337,
        gd_lr=0.005,
        step_lr=0.1,
        steps=400,
        description=(
            "Fit the line w*x + b to 40 points by least squares. Every x is far from 0 "
            "(8 to 12), so w moves every prediction ten times as much as b does: the loss "
            "is a long, thin valley, its Hessian 2·[[102, 10], [10, 1]] about 5,300 times "
            "steeper across than along (κ ≈ 5,300). Gradient descent at lr = 0.0095, just "
            "under 2/L ≈ 0.0097, drops into the valley in a few steps and then crawls along "
            "its floor (above 0.0097 it diverges); momentum gets further, Adam, which scales "
            "each weight's step, goes straight along. Press Normalise: x' = (x − 10)/1.41 "
            "turns the valley into a round bowl (κ = 1) that one step of 0.5 crosses."
        ),
        loss="mse",
        dataset="linear",
        axes=("w", "b"),
        optimizers=_choices(("sgd", 0.005), ("momentum", 0.005), ("adam", 0.1)),
        normalized=((-2.0, 5.0), (14.0, 24.0), ((-1.0, 15.0),)),
    ),
    ModelPreset(
        "logistic-separable",
        "Logistic regression, separable data",
        "sigmoid(w*x + b)",
        (-1.0, 9.0),
        (-4.0, 4.0),
        (0.0, -3.0),
        (),
        None,
        gd_lr=1.0,
        step_lr=0.1,
        steps=600,
        description=(
            "Fit sigmoid(w*x + b) with the logistic loss to two classes that a threshold "
            "at x = 0 separates perfectly. A larger w makes every prediction more confident "
            "and the loss smaller, so there is no minimum: the loss creeps towards 0 and "
            "every optimiser's w keeps growing for as long as it runs (the curves in the "
            "model pane steepen into a step). One point on the wrong side (the dataset "
            "separable-plus-one) or an L2 penalty on w gives the loss a finite minimum."
        ),
        loss="logistic",
        dataset="separable",
        axes=("w", "b"),
        optimizers=_choices(("sgd", 1.0), ("momentum", 1.0), ("adam", 0.1)),
    ),
    ModelPreset(
        "tanh-unit",
        "One tanh unit",
        "w2*tanh(w1*x)",
        (-4.0, 4.0),
        (-3.5, 3.5),
        (0.3, -0.4),
        ((1.28, 1.97), (-1.28, -1.97)),
        None,
        gd_lr=0.05,
        step_lr=0.05,
        steps=400,
        description=(
            "Fit one neuron, w2*tanh(w1*x). Flipping both weights' signs gives the same "
            "predictions, so there are two mirror-image minima, near (1.3, 2) and "
            "(−1.3, −2), and between them a saddle at the origin, where the gradient is 0. "
            "Far out along w1, tanh saturates to ±1 and the loss is a flat plateau with "
            "almost no gradient (vanishing gradients). Runs starting either side of the "
            "saddle end in different minima; a run starting out on the plateau barely "
            "moves: where training starts decides where it ends, as initialisation does."
        ),
        loss="mse",
        dataset="tanh-unit",
        axes=("w1", "w2"),
        starts=((0.3, -0.4), (-0.3, 0.4), (3.6, 0.3)),
        optimizers=_choices(("sgd", 0.05), ("adam", 0.05)),
    ),
    ModelPreset(
        "two-layer-linear",
        "Two-layer linear network",
        "w2*w1*x",
        (-3.0, 3.0),
        (-3.0, 3.0),
        (2.6, 0.15),
        (),
        0.0,
        gd_lr=0.1,
        step_lr=0.05,
        steps=300,
        description=(
            "Fit w2*w1*x: two layers of one linear unit. Only the product w1·w2 matters, so "
            "every point of the curve w1·w2 = 1.56 is a minimum: a valley of minima, "
            "narrower the farther it lies from the origin (its sharpness, the Hessian's "
            "largest eigenvalue, grows with w1² + w2²). Momentum with a small step settles "
            "where it first meets the valley, in a sharp part. Gradient descent with "
            "lr = 0.25 cannot settle anywhere sharper than 2/lr = 8: it bounces across the "
            "valley until it reaches its flattest part, near w1 = w2 = 1.25, and stops "
            "there (the edge of stability). Both fit the data equally well."
        ),
        loss="mse",
        dataset="two-layer",
        axes=("w1", "w2"),
        optimizers=_choices(("sgd", 0.25), ("momentum", 0.005), ("adam", 0.02)),
    ),
    ModelPreset(
        "deep-chain",
        "A deep chain of one shared weight",
        "w^L*x + b",
        (0.0, 1.6),
        (-1.5, 2.5),
        (1.12, 0.0),
        ((1.0, 0.5),),
        None,
        gd_lr=0.01,
        step_lr=0.02,
        steps=300,
        values=_values(L=8.0),
        description=(
            "Fit w^L*x + b: a chain of L layers that share one weight w. The data wants "
            "w^L = 1, so the best w is 1 for every L, but the gradient along w carries the "
            "factor L·w^(L−1): at L = 8 it is 8·1.12^7 ≈ 18 at w = 1.12 and 8·0.38^7 ≈ 0.01 "
            "at w = 0.38. Gradient descent started at w = 1.12 takes one huge step "
            "(exploding gradient) that flings it to w = 0.38, and there it crawls for "
            "hundreds of steps (vanishing gradient) while b, whose gradient does not vanish, "
            "fits on its own. Adam, which divides each step by the gradient's size, walks "
            "straight in. Drag L from 1 to 12 and watch the landscape turn into a cliff "
            "beside a plateau."
        ),
        loss="mse",
        dataset="deep-chain",
        axes=("w", "b"),
        optimizers=_choices(("sgd", 0.01), ("adam", 0.02)),
    ),
)

MODEL_PRESETS: MappingProxyType[str, ModelPreset] = MappingProxyType({p.name: p for p in _ALL})
