"""How the window names the training tools, and the ranges its sliders drag over.

The schedules, their options, defaults and checks are the engine's
(:data:`gradient_studio.engine.schedules.SCHEDULES`); this module adds only what a window
needs beside them: a label in a person's words, a tooltip that says what the option does
(as torch's documentation says it, with the engine's key and default), and for a slider the
stretch of values a drag covers. A drag range lies inside what the engine allows
(``tests/ui/test_training_panel.py`` checks each against ``Option.check``); a value from a
file outside it widens the slider to hold it.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from gradient_studio.engine.schedules import SCHEDULES, Option, ScheduleKind

#: Each schedule in a person's words, in the engine's order.
SCHEDULE_WORDS = {
    "constant": "constant lr",
    "step": "step decay",
    "exponential": "exponential decay",
    "cosine": "cosine annealing",
    "linear": "linear warm-up",
    "onecycle": "one-cycle",
}


class Words(NamedTuple):
    label: str
    tip: str


#: Each option's label and what it does. ``gamma`` means different things in two schedules.
OPTION_WORDS = {
    ("step", "step_size"): Words(
        "decay every", "the learning rate is multiplied by gamma every this many steps"
    ),
    ("step", "gamma"): Words(
        "decay factor", "what the learning rate is multiplied by at each decay"
    ),
    ("exponential", "gamma"): Words(
        "× per step", "what the learning rate is multiplied by after every step"
    ),
    ("cosine", "T_max"): Words(
        "lowest at",
        "the steps of the half cosine from lr down to eta_min (torch: the maximum number "
        "of iterations); after them the learning rate rises again",
    ),
    ("cosine", "eta_min"): Words(
        "lowest lr",
        "the learning rate at the bottom of the cosine (torch: the minimum learning rate); "
        "an absolute learning rate, the same for every optimiser",
    ),
    ("linear", "start_factor"): Words(
        "start (× lr)", "the lr is multiplied by this at the first step, then moves linearly"
    ),
    ("linear", "end_factor"): Words(
        "end (× lr)", "the multiplier reached after total_iters steps, and kept after them"
    ),
    ("linear", "total_iters"): Words(
        "over", "how many steps the multiplier takes from start_factor to end_factor"
    ),
    ("onecycle", "total_steps"): Words(
        "cycle length", "the steps in the cycle; at least the run's"
    ),
    ("onecycle", "pct_start"): Words(
        "rising share", "the share of the cycle spent raising the learning rate"
    ),
    ("onecycle", "div_factor"): Words(
        "start (lr ÷)", "the cycle starts at lr / div_factor (torch: initial_lr)"
    ),
    ("onecycle", "final_div_factor"): Words(
        "end (start ÷)", "the cycle ends at the start lr / final_div_factor (torch: min_lr)"
    ),
    ("onecycle", "cycle_momentum"): Words(
        "cycle momentum",
        "move the momentum (or Adam's β₁) opposite to the learning rate, from "
        "max_momentum down to base_momentum at the lr's peak and back, replacing the "
        "optimiser's own (plain gradient descent has no momentum to cycle)",
    ),
    ("onecycle", "base_momentum"): Words(
        "min momentum", "the momentum at the learning rate's peak"
    ),
    ("onecycle", "max_momentum"): Words(
        "max momentum", "the momentum at the start and the end of the cycle"
    ),
}


#: Options that matter only while another is on: they show only then.
NEEDS = {"base_momentum": "cycle_momentum", "max_momentum": "cycle_momentum"}


class DragRange(NamedTuple):
    low: float
    high: float
    log: bool = False


#: The values a slider's drag covers, where the engine's range is open or too wide to drag.
DRAG_RANGES = {
    ("step", "gamma"): DragRange(0.01, 1.0),  # one slider: the same scale as below
    ("exponential", "gamma"): DragRange(0.5, 1.0),
    ("linear", "start_factor"): DragRange(0.01, 1.0),
    ("onecycle", "div_factor"): DragRange(1.0, 1e4, log=True),
    ("onecycle", "final_div_factor"): DragRange(1.0, 1e6, log=True),
}
#: Options typed into a box rather than dragged (an absolute lr whose default is 0).
TYPED = {("cosine", "eta_min")}

CLIP_WORDS = {
    None: Words("no clipping", "the optimisers see the gradient as it is"),
    "norm": Words(
        "clip by norm",
        "scale the gradient down to length max_norm when it is longer: one norm over x "
        "and y (torch.nn.utils.clip_grad_norm_)",
    ),
    "value": Words(
        "clip by value",
        "clamp each coordinate of the gradient into [−v, v] (torch.nn.utils.clip_grad_value_)",
    ),
}
CLIP_THRESHOLD = Words("threshold", "the largest gradient norm or coordinate let through")
CLIP_RANGE = DragRange(1e-4, 1e4, log=True)
CLIP_DEFAULT = 1.0  # torch's usual max_norm

NOISE_WORDS = Words(
    "gradient noise",
    "add Gaussian noise to every gradient, with variance σₜ² = η / (1 + t)^γ at step t "
    "(Neelakantan et al. 2015); seeded, so a run repeats exactly",
)
NOISE_ETA = Words("η (size)", "η: the variance of the noise at the start")
NOISE_GAMMA = Words("γ (decay)", "γ: how fast the noise fades; 0 keeps it the same size")
NOISE_SEED = Words("seed", "the same seed draws the same noise: type one, or pick a new one")
ETA_RANGE = DragRange(1e-3, 10.0, log=True)
GAMMA_RANGE = DragRange(0.0, 1.0)


def schedule_tip(kind: ScheduleKind) -> str:
    """What a schedule does, with torch's class: the combo box's tooltip."""
    torch = "" if kind.name == "constant" else f" — torch.optim.lr_scheduler.{kind.torch}"
    return f"{kind.summary[0].upper()}{kind.summary[1:]}{torch}"


def option_words(kind: ScheduleKind, option: Option) -> Words:
    """The label and the tooltip of one option of ``kind``: its words, then the engine's
    key, default and range."""
    words = OPTION_WORDS.get((kind.name, option.name), Words(option.name, option.description))
    default = "on" if option.type == "bool" and option.default else option.default_text
    allowed = "" if option.type == "bool" else f"; {_allowed(option)}"
    tip = f"{option.name} ({kind.torch}): {words.tip}. Default {default}{allowed}."
    return Words(words.label, tip)


def drag_range(kind: ScheduleKind, option: Option) -> DragRange:
    """The values a slider for ``option`` drags over."""
    given = DRAG_RANGES.get((kind.name, option.name))
    if given is not None:
        return given
    if math.isfinite(option.low) and math.isfinite(option.high):
        return DragRange(option.low, option.high)
    raise KeyError(f"no drag range for {kind.name} {option.name}")


def _allowed(option: Option) -> str:
    if option.high == math.inf:
        above = "above" if option.low_open else "at least"
        whole = "a whole number " if option.type == "int" else ""
        return f"{whole}{above} {option.low:g}"
    return f"from {option.low:g}{' (not included)' if option.low_open else ''} to {option.high:g}"


def label_texts() -> list[str]:
    """Every text a label of the panel can show (to give the labels one width)."""
    fixed = ["max norm", "max |value|", CLIP_THRESHOLD.label]
    fixed += [NOISE_ETA.label, NOISE_GAMMA.label, NOISE_SEED.label]
    return fixed + [w.label for (_, key), w in OPTION_WORDS.items() if key not in BOOLS]


BOOLS = {o.name for k in SCHEDULES.values() for o in k.options if o.type == "bool"}


def kinds() -> list[ScheduleKind]:
    """The engine's schedules, in its order."""
    return list(SCHEDULES.values())
