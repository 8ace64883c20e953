"""The gradient engine: the function language, exact derivatives, optimisers and the runner.

numpy and sympy only — this package never imports Qt or pyqtgraph, so it runs headless and
its tests need no display.
"""

from gradient_studio.engine._memory import tune_allocator
from gradient_studio.engine.expression import Expression, ExpressionError, parse_expression
from gradient_studio.engine.kernel import Hyperparameter, Optimizer, OptimizerSpec
from gradient_studio.engine.objective import Objective
from gradient_studio.engine.optimizers import OPTIMIZERS
from gradient_studio.engine.presets import PRESETS, Preset
from gradient_studio.engine.race import Race
from gradient_studio.engine.runner import (
    STATUSES,
    OptimizerChoice,
    RunResult,
    Trajectory,
    run,
    stream,
)

tune_allocator()

__all__ = [
    "OPTIMIZERS",
    "PRESETS",
    "STATUSES",
    "Expression",
    "ExpressionError",
    "Hyperparameter",
    "Objective",
    "Optimizer",
    "OptimizerChoice",
    "OptimizerSpec",
    "Preset",
    "Race",
    "RunResult",
    "Trajectory",
    "parse_expression",
    "run",
    "stream",
]
