"""The gradient engine: the function language, exact derivatives, optimisers and the runner.

numpy and SymEngine only (sympy only to show the derivatives' formulas) — this package
never imports Qt or pyqtgraph, so it runs headless and its tests need no display.

Names are imported on first use (PEP 562): the window can read the presets and the
optimisers' metadata before its first paint without loading SymEngine, which the function
language and the derivatives need only once a function is compiled.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "OPTIMIZERS": "optimizers",
    "PRESETS": "presets",
    "Preset": "presets",
    "STATUSES": "results",
    "Status": "results",
    "OptimizerChoice": "results",
    "RunResult": "results",
    "Trajectory": "results",
    "Schedule": "schedules",
    "SCHEDULES": "schedules",
    "Training": "transforms",
    "Clipping": "transforms",
    "GradientNoise": "transforms",
    "run": "runner",
    "stream": "runner",
    "Expression": "expression",
    "ExpressionError": "expression",
    "parse_expression": "expression",
    "Hyperparameter": "kernel",
    "Optimizer": "kernel",
    "OptimizerSpec": "kernel",
    "Objective": "objective",
    "Race": "race",
    "Model": "models",
    "ModelObjective": "models",
    "ModelRace": "models",
    "MODEL_PRESETS": "models",
    "Minibatches": "minibatches",
}

__all__ = [
    "MODEL_PRESETS",
    "OPTIMIZERS",
    "PRESETS",
    "SCHEDULES",
    "STATUSES",
    "Clipping",
    "Expression",
    "ExpressionError",
    "GradientNoise",
    "Hyperparameter",
    "Minibatches",
    "Model",
    "ModelObjective",
    "ModelRace",
    "Objective",
    "Optimizer",
    "OptimizerChoice",
    "OptimizerSpec",
    "Preset",
    "Race",
    "RunResult",
    "Schedule",
    "Status",
    "Training",
    "Trajectory",
    "parse_expression",
    "run",
    "stream",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from gradient_studio.engine.expression import Expression, ExpressionError, parse_expression
    from gradient_studio.engine.kernel import Hyperparameter, Optimizer, OptimizerSpec
    from gradient_studio.engine.minibatches import Minibatches
    from gradient_studio.engine.models import MODEL_PRESETS, Model, ModelObjective, ModelRace
    from gradient_studio.engine.objective import Objective
    from gradient_studio.engine.optimizers import OPTIMIZERS
    from gradient_studio.engine.presets import PRESETS, Preset
    from gradient_studio.engine.race import Race
    from gradient_studio.engine.results import (
        STATUSES,
        OptimizerChoice,
        RunResult,
        Status,
        Trajectory,
    )
    from gradient_studio.engine.runner import run, stream
    from gradient_studio.engine.schedules import SCHEDULES, Schedule
    from gradient_studio.engine.transforms import Clipping, GradientNoise, Training
