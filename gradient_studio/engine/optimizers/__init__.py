"""The optimisers Gradient Studio races, each following the algorithm torch.optim documents.

Each entry is an :class:`~gradient_studio.engine.kernel.OptimizerSpec`; see that module for
the kernel language. ``OPTIMIZERS`` maps the command-line name to the spec, in the order the
window lists them. ``tests/crosscheck`` runs every first-order optimiser here against its
torch.optim class for 500 steps on Rosenbrock.
"""

from __future__ import annotations

from gradient_studio.engine.kernel import OptimizerSpec
from gradient_studio.engine.optimizers.adam_family import (
    ADAM,
    ADAMAX,
    ADAMW,
    AMSGRAD,
    NADAM,
    RADAM,
)
from gradient_studio.engine.optimizers.adaptive import ADADELTA, ADAGRAD, RMSPROP, RPROP
from gradient_studio.engine.optimizers.gradient_descent import MOMENTUM, NESTEROV, SGD
from gradient_studio.engine.optimizers.newton import NEWTON

OPTIMIZERS: dict[str, OptimizerSpec] = {
    spec.name: spec
    for spec in (
        SGD,
        MOMENTUM,
        NESTEROV,
        ADAGRAD,
        RMSPROP,
        ADAM,
        AMSGRAD,
        ADAMW,
        ADAMAX,
        NADAM,
        RADAM,
        ADADELTA,
        RPROP,
        NEWTON,
    )
}

__all__ = [
    "ADADELTA",
    "ADAGRAD",
    "ADAM",
    "ADAMAX",
    "ADAMW",
    "AMSGRAD",
    "MOMENTUM",
    "NADAM",
    "NESTEROV",
    "NEWTON",
    "OPTIMIZERS",
    "RADAM",
    "RMSPROP",
    "RPROP",
    "SGD",
]
