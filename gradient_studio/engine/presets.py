"""Classic test functions, each with a view, a telling start and its known minima.

The learning rates are chosen so the first race a person sees is telling: the optimisers
visibly differ (momentum sweeps along Rosenbrock's valley while plain gradient descent
crawls) instead of the library defaults under which nothing moves. ``gd_lr`` is for the
methods whose step is proportional to the gradient (sgd, momentum, nesterov); ``step_lr``
for those whose step is normalised, so that their lr is roughly a distance per step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from gradient_studio.engine.kernel import StepKind
from gradient_studio.engine.optimizers import OPTIMIZERS


@dataclass(frozen=True)
class Preset:
    """A named landscape: function text, parameter values, view, start and known minima."""

    name: str
    title: str
    text: str
    xrange: tuple[float, float]
    yrange: tuple[float, float]
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    minimum_value: float | None
    gd_lr: float
    step_lr: float
    steps: int = 300
    values: MappingProxyType[str, float] = field(default_factory=lambda: MappingProxyType({}))
    description: str = ""

    def suggested_lr(self, optimizer: str) -> float | None:
        """The learning rate under which ``optimizer`` shows its character here, or None
        to keep the optimiser's own default (Adadelta, Newton: they size their own steps)."""
        kind = OPTIMIZERS[optimizer].kind
        if kind is StepKind.GRADIENT_SCALED:
            return self.gd_lr
        if kind is StepKind.NORMALISED:
            return self.step_lr
        if kind is StepKind.SHRINKING:  # its steps shrink from the first: start them longer
            return self.step_lr * 10
        return None


def _values(**kw: float) -> MappingProxyType[str, float]:
    return MappingProxyType(kw)


_ALL = (
    Preset(
        "rosenbrock",
        "Rosenbrock",
        "(a - x)^2 + b*(y - x^2)^2",
        (-2.0, 2.0),
        (-1.0, 3.0),
        (-1.5, 2.0),
        ((1.0, 1.0),),
        0.0,
        gd_lr=1e-3,
        step_lr=0.05,
        steps=500,
        values=_values(a=1.0, b=100.0),
        description="A long curved valley: easy to find, hard to follow to its end.",
    ),
    Preset(
        "himmelblau",
        "Himmelblau",
        "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        (-5.0, 5.0),
        (-5.0, 5.0),
        (0.0, -3.0),
        ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
        0.0,
        gd_lr=5e-3,
        step_lr=0.1,
        description="Four equal minima: where a run ends depends on where it starts "
        "and on how it moves.",
    ),
    Preset(
        "beale",
        "Beale",
        "(1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2",
        (-4.5, 4.5),
        (-4.5, 4.5),
        (1.0, 1.5),
        ((3.0, 0.5),),
        0.0,
        gd_lr=1e-3,
        step_lr=0.05,
        steps=500,
        description="Flat plateaus and steep walls around a minimum at (3, 0.5).",
    ),
    Preset(
        "booth",
        "Booth",
        "(x + 2y - 7)^2 + (2x + y - 5)^2",
        (-10.0, 10.0),
        (-10.0, 10.0),
        (-8.0, 8.0),
        ((1.0, 3.0),),
        0.0,
        gd_lr=0.01,
        step_lr=0.3,
        steps=200,
        description="A tilted bowl: every method gets there, at different speeds.",
    ),
    Preset(
        "matyas",
        "Matyas",
        "0.26(x^2 + y^2) - 0.48x y",
        (-10.0, 10.0),
        (-10.0, 10.0),
        (-8.0, 6.0),
        ((0.0, 0.0),),
        0.0,
        gd_lr=0.5,
        step_lr=0.3,
        steps=300,
        description="A shallow, stretched bowl: small gradients along its long axis.",
    ),
    Preset(
        "three-hump-camel",
        "Three-hump camel",
        "2x^2 - 1.05x^4 + x^6/6 + x y + y^2",
        (-2.5, 2.5),
        (-2.5, 2.5),
        (-1.5, -1.5),
        ((0.0, 0.0),),
        0.0,
        gd_lr=0.08,
        step_lr=0.05,
        steps=300,
        description="One global and two local minima: momentum can carry a run past "
        "the deepest one.",
    ),
    Preset(
        "six-hump-camel",
        "Six-hump camel",
        "(4 - 2.1x^2 + x^4/3)x^2 + x y + (4y^2 - 4)y^2",
        (-2.0, 2.0),
        (-1.2, 1.2),
        (-1.3, -0.9),
        ((0.0898, -0.7126), (-0.0898, 0.7126)),
        -1.0316,
        gd_lr=0.02,
        step_lr=0.03,
        steps=300,
        description="Six valleys, two of them deepest: momentum can overshoot into a shallow one.",
    ),
    Preset(
        "goldstein-price",
        "Goldstein–Price",
        "(1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6x y + 3y^2))"
        " (30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36x y + 27y^2))",
        (-2.0, 2.0),
        (-2.0, 2.0),
        (-0.5, 0.5),
        ((0.0, -1.0),),
        3.0,
        gd_lr=1e-5,
        step_lr=0.02,
        steps=300,
        description="Values spanning six decades: colouring is logarithmic.",
    ),
    Preset(
        "rastrigin",
        "Rastrigin",
        "20 + x^2 - 10cos(2 pi x) + y^2 - 10cos(2 pi y)",
        (-5.12, 5.12),
        (-5.12, 5.12),
        (-3.5, 0.5),
        ((0.0, 0.0),),
        0.0,
        gd_lr=4e-3,
        step_lr=0.1,
        steps=300,
        description="An egg-crate of local minima around one global minimum: every run "
        "stops in a trap, momentum a few further in.",
    ),
    Preset(
        "ackley",
        "Ackley",
        "-20exp(-0.2sqrt(0.5(x^2 + y^2))) - exp(0.5(cos(2 pi x) + cos(2 pi y))) + e + 20",
        (-5.0, 5.0),
        (-5.0, 5.0),
        (-3.3, 2.6),
        ((0.0, 0.0),),
        0.0,
        gd_lr=0.05,
        step_lr=0.1,
        steps=300,
        description="Ripples on a cone: the gradient is undefined at the minimum itself.",
    ),
    Preset(
        "levi",
        "Lévi N.13",
        "sin(3 pi x)^2 + (x - 1)^2 (1 + sin(3 pi y)^2) + (y - 1)^2 (1 + sin(2 pi y)^2)",
        (-4.0, 6.0),
        (-4.0, 6.0),
        (-2.5, 4.5),
        ((1.0, 1.0),),
        0.0,
        gd_lr=5e-3,
        step_lr=0.1,
        steps=300,
        description="A ribbed bowl with many shallow traps.",
    ),
    Preset(
        "styblinski-tang",
        "Styblinski–Tang",
        "(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y)/2",
        (-5.0, 5.0),
        (-5.0, 5.0),
        (0.5, 4.5),
        ((-2.903534, -2.903534),),
        -78.33234,
        gd_lr=0.01,
        step_lr=0.1,
        steps=300,
        description="Four basins; only one holds the global minimum.",
    ),
    Preset(
        "saddle",
        "Saddle",
        "x^2 - y^2",
        (-2.0, 2.0),
        (-2.0, 2.0),
        (-1.8, 0.05),
        (),
        None,
        gd_lr=0.05,
        step_lr=0.05,
        steps=150,
        description="No minimum: the run that escapes the saddle fastest wins.",
    ),
    Preset(
        "monkey-saddle",
        "Monkey saddle",
        "x^3 - 3x y^2",
        (-2.0, 2.0),
        (-2.0, 2.0),
        (0.1, 0.05),
        (),
        None,
        gd_lr=0.05,
        step_lr=0.05,
        steps=150,
        description="A flat saddle with three ways down: the gradient vanishes at the origin.",
    ),
    Preset(
        "ill-conditioned",
        "Ill-conditioned quadratic",
        "a x^2 + b y^2",
        (-3.0, 3.0),
        (-3.0, 3.0),
        (-2.8, 1.5),
        ((0.0, 0.0),),
        0.0,
        gd_lr=0.04,
        step_lr=0.1,
        steps=200,
        values=_values(a=1.0, b=20.0),
        description="Steep across, shallow along: plain gradient descent zig-zags.",
    ),
)

PRESETS: MappingProxyType[str, Preset] = MappingProxyType({p.name: p for p in _ALL})
