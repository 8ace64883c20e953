"""``python -m gradient_studio.engine.compiled ORDER``: compile one kernel into the disk
cache, for :func:`~gradient_studio.engine.compiled.compile_async` (whose process then loads
it). ``ORDER`` is JSON: the function's ``text``, the ``optimizer``'s name, the transforms'
``rules`` by name and the ``scheduled`` hyperparameters."""

from __future__ import annotations

import json
import sys

from gradient_studio.engine import Objective
from gradient_studio.engine.compiled import _compile, available
from gradient_studio.engine.optimizers import OPTIMIZERS
from gradient_studio.engine.transforms import CLIP_NORM_RULE, CLIP_VALUE_RULE, NOISE_RULE

RULES = {rule.name: rule for rule in (NOISE_RULE, CLIP_VALUE_RULE, CLIP_NORM_RULE)}


def main(argv: list[str]) -> int:
    order = json.loads(argv[0])
    if not available():
        return 1
    objective = Objective.from_text(order["text"])
    rules = tuple(RULES[name] for name in order["rules"])
    kernel = _compile(
        objective.derivatives, OPTIMIZERS[order["optimizer"]], rules, frozenset(order["scheduled"])
    )
    return 0 if kernel is not None else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
