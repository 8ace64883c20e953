"""Optimisers that give every coordinate its own step size: Adagrad, RMSprop, Adadelta, Rprop.

Each follows the single-tensor code path of its torch.optim class with default options
(no weight decay, ``maximize=False``; Adagrad ``lr_decay=0`` and an initial sum of 0;
RMSprop neither centred nor with momentum).
"""

from __future__ import annotations

from gradient_studio.engine.kernel import Hyperparameter, OptimizerSpec, Quantity, StepKind
from gradient_studio.engine.optimizers import hyperparameters as hp

ADAGRAD = OptimizerSpec(
    name="adagrad",
    display_name="Adagrad",
    summary="Divides each coordinate's step by the root of its summed squared gradients: "
    "steep directions slow down for good.",
    rule="s ← s + g²\nθ ← θ − lr · g / (√s + ε)",
    reference="torch.optim.Adagrad; Duchi, Hazan & Singer, 2011",
    kind=StepKind.SHRINKING,
    hyperparameters=(hp.lr(1e-2), hp.eps(1e-10)),
    state=(("sum", 0.0),),
    per_coord="""
        sum = sum + g * g
        u = -lr * g / (sqrt(sum) + eps)
    """,
    quantities=(Quantity("sum", "s", "sum of squared gradients"),),
)

RMSPROP = OptimizerSpec(
    name="rmsprop",
    display_name="RMSprop",
    summary="Like Adagrad, but divides by a running average of g² that forgets the "
    "distant past, so steps never shrink to nothing.",
    rule="v ← α · v + (1 − α) · g²\nθ ← θ − lr · g / (√v + ε)",
    reference="torch.optim.RMSprop; Hinton, Coursera lecture 6e, 2012",
    kind=StepKind.NORMALISED,
    hyperparameters=(
        hp.lr(1e-2),
        Hyperparameter(
            "alpha",
            0.99,
            0.0,
            0.9999,
            False,
            "decay of the running mean of g²",
            label="α (g² decay)",
            symbol="α",
        ),
        hp.eps(1e-8),
    ),
    state=(("square_avg", 0.0),),
    per_coord="""
        square_avg = square_avg * alpha + (1 - alpha) * g * g
        u = -lr * g / (sqrt(square_avg) + eps)
    """,
    quantities=(Quantity("square_avg", "v", "running mean of g²"),),
)

ADADELTA = OptimizerSpec(
    name="adadelta",
    display_name="Adadelta",
    summary="RMSprop whose step size comes from the size of its own recent steps, so it "
    "needs almost no tuning of the learning rate.",
    rule=(
        "v ← ρ · v + (1 − ρ) · g²\n"
        "Δ ← √(a + ε) / √(v + ε) · g;   a ← ρ · a + (1 − ρ) · Δ²\n"
        "θ ← θ − lr · Δ"
    ),
    reference="torch.optim.Adadelta; Zeiler, 2012",
    kind=StepKind.SELF_SCALED,
    hyperparameters=(
        hp.lr(1.0),
        Hyperparameter(
            "rho",
            0.9,
            0.0,
            0.999,
            False,
            "decay of the running means of g² and of Δ²",
            label="ρ (decay)",
            symbol="ρ",
        ),
        hp.eps(1e-6),
    ),
    state=(("square_avg", 0.0), ("acc_delta", 0.0)),
    per_coord="""
        square_avg = square_avg * rho + (1 - rho) * g * g
        delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g
        acc_delta = acc_delta * rho + (1 - rho) * delta * delta
        u = -lr * delta
    """,
    quantities=(
        Quantity("square_avg", "v", "running mean of g²"),
        Quantity("delta", "Δ", "step before the learning rate"),
        Quantity("acc_delta", "a", "running mean of Δ²"),
    ),
)

# torch replaces sign(g·g₋) by the factor (η₊, η₋ or 1), clamps the step size, zeroes the
# gradient where the sign flipped and moves by −sign(g)·step; so do we, with ``where``.
RPROP = OptimizerSpec(
    name="rprop",
    display_name="Rprop",
    summary="Ignores the gradient's size and uses only its sign: each coordinate's step "
    "grows while the sign holds and halves when it flips.",
    rule=(
        "g · g₋ > 0:  η ← min(η · η₊, η_max)\n"
        "g · g₋ < 0:  η ← max(η · η₋, η_min),  g ← 0\n"
        "θ ← θ − η · sign(g);   g₋ ← g   (η starts at lr)"
    ),
    reference="torch.optim.Rprop; Riedmiller & Braun, 1993",
    kind=StepKind.NORMALISED,
    hyperparameters=(
        hp.lr(1e-2),
        Hyperparameter(
            "eta_minus",
            0.5,
            0.05,
            0.95,
            False,
            "step size factor when the gradient flips sign",
            label="η− (shrink)",
            symbol="η₋",
        ),
        Hyperparameter(
            "eta_plus",
            1.2,
            1.01,
            3.0,
            False,
            "step size factor while the sign holds",
            label="η+ (grow)",
            symbol="η₊",
        ),
        Hyperparameter(
            "step_min",
            1e-6,
            1e-10,
            1e-2,
            True,
            "smallest allowed step size",
            label="smallest step",
            symbol="η_min",
        ),
        Hyperparameter(
            "step_max",
            50.0,
            1e-2,
            1e3,
            True,
            "largest allowed step size",
            label="largest step",
            symbol="η_max",
        ),
    ),
    state=(("prev", 0.0), ("step_size", "lr")),
    per_coord="""
        agreement = g * prev
        factor = where(agreement > 0, eta_plus, where(agreement < 0, eta_minus, 1.0))
        step_size = clip(step_size * factor, step_min, step_max)
        prev = where(agreement < 0, 0.0, g)
        u = -(sign(prev) * step_size)
    """,
    quantities=(
        Quantity("agreement", "g·g₋", "sign agreement"),
        Quantity("factor", "φ", "step size factor"),
        Quantity("step_size", "Δ", "step size (starts at lr)"),
        Quantity("prev", "g₋", "previous gradient"),
    ),
)
