"""Plain gradient descent and its two momentum variants (torch.optim.SGD).

torch starts the momentum buffer as a copy of the first gradient. Here it starts at zero and
is updated as ``b·μ + g`` from the first step: ``0·μ + g`` is exactly ``g``, so the two agree
bit for bit (torch's default ``dampening=0`` is what makes this so).
"""

from __future__ import annotations

from gradient_studio.engine.kernel import OptimizerSpec, Quantity, StepKind
from gradient_studio.engine.optimizers import hyperparameters as hp

SGD = OptimizerSpec(
    name="sgd",
    display_name="Gradient descent",
    summary="Step straight down the gradient, scaled by the learning rate.",
    rule="θ ← θ − lr · g",
    reference="torch.optim.SGD (momentum=0); Robbins & Monro, 1951",
    kind=StepKind.GRADIENT_SCALED,
    hyperparameters=(hp.lr(1e-3),),
    per_coord="u = -lr * g",
)

MOMENTUM = OptimizerSpec(
    name="momentum",
    display_name="Momentum",
    summary="A heavy ball: the step is a running sum of past gradients, so it speeds up "
    "along steady slopes and rolls through small bumps.",
    rule="b ← μ · b + g   (b₁ = g₁)\nθ ← θ − lr · b",
    reference="torch.optim.SGD(momentum=μ); Polyak, 1964; Sutskever et al., 2013",
    kind=StepKind.GRADIENT_SCALED,
    hyperparameters=(hp.lr(1e-3), hp.momentum()),
    state=(("buf", 0.0),),
    per_coord="""
        buf = buf * momentum + g
        u = -lr * buf
    """,
    quantities=(Quantity("buf", "b", "velocity"),),
)

NESTEROV = OptimizerSpec(
    name="nesterov",
    display_name="Nesterov momentum",
    summary="Momentum that looks ahead: it steps with the gradient plus where the velocity "
    "is about to carry it, so it overshoots less.",
    rule="b ← μ · b + g   (b₁ = g₁)\nθ ← θ − lr · (g + μ · b)",
    reference="torch.optim.SGD(momentum=μ, nesterov=True); Nesterov, 1983; Sutskever et al., 2013",
    kind=StepKind.GRADIENT_SCALED,
    hyperparameters=(hp.lr(1e-3), hp.momentum()),
    state=(("buf", 0.0),),
    per_coord="""
        buf = buf * momentum + g
        u = -lr * (g + momentum * buf)
    """,
    quantities=(Quantity("buf", "b", "velocity"),),
)
