"""Learning from data: the loss of a small model over a dataset as a landscape.

:class:`Model` is a prediction a person types (``w*x + b``) and its loss (``mse`` or
``logistic``); :class:`ModelObjective` its mean loss over a
:class:`~gradient_studio.engine.data.Dataset` as an
:class:`~gradient_studio.engine.objective.Objective` of two of its weights, with the exact
gradient and Hessian; :class:`ModelRace` a whole race on it, and :data:`MODEL_PRESETS` five
models chosen to teach. Minibatches are in :mod:`gradient_studio.engine.minibatches`.

numpy and SymEngine only, like the rest of the engine.
"""

from __future__ import annotations

from gradient_studio.engine.models.model import LOSSES, Loss, Model
from gradient_studio.engine.models.objective import GridPart, ModelObjective
from gradient_studio.engine.models.presets import MODEL_PRESETS, ModelPreset
from gradient_studio.engine.models.race import ModelRace

__all__ = [
    "LOSSES",
    "MODEL_PRESETS",
    "GridPart",
    "Loss",
    "Model",
    "ModelObjective",
    "ModelPreset",
    "ModelRace",
]
