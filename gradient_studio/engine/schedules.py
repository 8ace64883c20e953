"""Learning-rate schedules, as torch.optim.lr_scheduler defines them.

A schedule is a plain function of the step count (optax's habit): the learning rate used
at step t = 1, 2, … is torch's ``group["lr"]`` after t − 1 calls of ``scheduler.step()``,
with the optimiser's own lr as the base (``max_lr`` for one-cycle). Values are computed for
the whole run at once from the closed forms torch itself uses when given an epoch
(``_get_closed_form_lr``; one-cycle has only that form); torch's step-by-step recursion
agrees with them to ~1e-13 relative over thousands of steps (``tests/crosscheck``).

One-cycle also cycles the optimiser's momentum — ``momentum`` (Momentum, Nesterov) or
``beta1`` (the Adam family) — inversely to the lr between ``max_momentum`` and
``base_momentum``, replacing the optimiser's own value as torch does; ``cycle_momentum=0``
leaves it alone. Plain gradient descent has no momentum to cycle (torch's SGD would gain
one: its ``momentum`` default of 0 is replaced by 0.95).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
OptionType = Literal["int", "float", "bool"]
RUN = "the run's steps"  # the default of an option that follows the run's length


@dataclass(frozen=True)
class Option:
    """One setting of a schedule, with the values it allows."""

    name: str
    type: OptionType
    default: float | str | None  # None: required; RUN: the run's number of steps
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False  # low itself is not allowed
    description: str = ""

    @property
    def default_text(self) -> str:
        """The default in words: ``0.1``, ``true``, ``required``, ``the run's steps``."""
        if self.default is None:
            return "required"
        if isinstance(self.default, str):
            return self.default
        if self.type == "bool":
            return _format(bool(self.default))
        return f"{self.default:g}"

    def check(self, value: float) -> float:
        if self.type == "int":
            if not math.isfinite(value) or value != int(value):
                raise ValueError(f"{self.name} must be a whole number, got {value:g}")
            value = int(value)
        elif self.type == "bool":
            if value not in (0, 1):
                raise ValueError(f"{self.name} must be true or false, got {value:g}")
            return bool(value)
        if not math.isfinite(value):
            raise ValueError(f"{self.name} must be a finite number, got {value}")
        too_low = value <= self.low if self.low_open else value < self.low
        if too_low or value > self.high:
            raise ValueError(f"{self.name} must be {self._range()}, got {value:g}")
        return value

    def _range(self) -> str:
        if self.high == math.inf:
            return f"{'above' if self.low_open else 'at least'} {self.low:g}"
        lo = "(" if self.low_open else "["
        return f"in {lo}{self.low:g}, {self.high:g}]"


@dataclass(frozen=True)
class ScheduleKind:
    """A family of schedules: its name, what it does, torch's class and its options."""

    name: str
    summary: str
    torch: str
    options: tuple[Option, ...] = ()
    cycles_momentum: bool = False

    def option(self, key: str) -> Option:
        for o in self.options:
            if o.name == key:
                return o
        known = ", ".join(o.name for o in self.options) or "none"
        raise KeyError(f"schedule {self.name} has no option {key!r} (it has: {known})")


_GAMMA = Option("gamma", "float", None, 0.0, low_open=True, description="factor per decay")
SCHEDULES: Mapping[str, ScheduleKind] = MappingProxyType(
    {
        k.name: k
        for k in (
            ScheduleKind("constant", "the optimiser's lr at every step", "(no scheduler)"),
            ScheduleKind(
                "step",
                "lr times gamma every step_size steps",
                "StepLR",
                (
                    Option("step_size", "int", None, 1, description="steps between decays"),
                    Option("gamma", "float", 0.1, 0.0, low_open=True, description="decay"),
                ),
            ),
            ScheduleKind("exponential", "lr times gamma every step", "ExponentialLR", (_GAMMA,)),
            ScheduleKind(
                "cosine",
                "half a cosine from lr down to eta_min over T_max steps (then back up)",
                "CosineAnnealingLR",
                (
                    Option("T_max", "int", RUN, 1, description="steps to the lowest lr"),
                    Option("eta_min", "float", 0.0, 0.0, description="the lowest lr"),
                ),
            ),
            ScheduleKind(
                "linear",
                "lr times a factor going linearly from start_factor to end_factor over "
                "total_iters steps (the usual warm-up)",
                "LinearLR",
                (
                    Option("start_factor", "float", 1 / 3, 0.0, 1.0, low_open=True),
                    Option("end_factor", "float", 1.0, 0.0, 1.0),
                    Option("total_iters", "int", 5, 1),
                ),
            ),
            ScheduleKind(
                "onecycle",
                "warm up from lr/div_factor to lr over pct_start of the run, then anneal on a "
                "cosine to lr/(div_factor·final_div_factor)",
                "OneCycleLR",
                (
                    Option("total_steps", "int", RUN, 1, description="at least the run's steps"),
                    Option("pct_start", "float", 0.3, 0.0, 1.0),
                    Option("div_factor", "float", 25.0, 0.0, low_open=True),
                    Option("final_div_factor", "float", 1e4, 0.0, low_open=True),
                    Option("cycle_momentum", "bool", True),
                    Option("base_momentum", "float", 0.85, 0.0, 0.999),
                    Option("max_momentum", "float", 0.95, 0.0, 0.999),
                ),
                cycles_momentum=True,
            ),
        )
    }
)


@dataclass(frozen=True)
class Schedule:
    """A schedule by name with the options set away from their defaults (checked)."""

    name: str = "constant"
    options: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if self.name not in SCHEDULES:
            known = ", ".join(SCHEDULES)
            raise KeyError(f"unknown schedule {self.name!r} (choose from: {known})")
        checked = {key: self.kind.option(key).check(v) for key, v in self.options.items()}
        for o in self.kind.options:
            if o.default is None and o.name not in checked:
                raise ValueError(
                    f"schedule {self.name} needs {o.name}, e.g. {self.name}:{o.name}=10"
                )
        if checked.get("base_momentum", 0.85) > checked.get("max_momentum", 0.95):
            raise ValueError("onecycle base_momentum must not exceed max_momentum")
        object.__setattr__(self, "options", MappingProxyType(checked))

    def __hash__(self) -> int:  # a frozen value can key a cache (the options are a mapping)
        return hash((self.name, tuple(sorted(self.options.items()))))

    @property
    def kind(self) -> ScheduleKind:
        return SCHEDULES[self.name]

    def resolved(self, steps: int) -> dict[str, float]:
        """Every option's value for a run of ``steps`` steps."""
        values: dict[str, float] = {}
        for o in self.kind.options:
            default = steps if o.default == RUN else o.default
            assert not isinstance(default, str)
            value = self.options.get(o.name, default)
            assert value is not None  # required options are checked on creation
            values[o.name] = value
        if self.name == "onecycle" and values["total_steps"] < steps:
            raise ValueError(
                f"onecycle total_steps must be at least the run's {steps} steps, "
                f"got {values['total_steps']:g}"
            )
        return values

    def cycles_momentum(self) -> bool:
        return self.kind.cycles_momentum and bool(self.options.get("cycle_momentum", True))

    def learning_rates(self, lr: float, steps: int) -> Array:
        """The learning rate of steps 1 … ``steps`` with ``lr`` as the base."""
        e = np.arange(steps, dtype=np.float64)  # torch's last_epoch: t − 1
        o = self.resolved(steps)
        with np.errstate(all="ignore"):
            if self.name == "step":
                out = lr * o["gamma"] ** (e // o["step_size"])
            elif self.name == "exponential":
                out = lr * o["gamma"] ** e
            elif self.name == "cosine":
                eta = o["eta_min"]
                out = eta + (lr - eta) * (1 + np.cos(math.pi * e / o["T_max"])) / 2
            elif self.name == "linear":
                a, b, n = o["start_factor"], o["end_factor"], o["total_iters"]
                out = lr * (a + (b - a) * np.minimum(n, e) / n)
            elif self.name == "onecycle":
                initial = lr / o["div_factor"]
                out = _one_cycle(e, o, initial, lr, initial / o["final_div_factor"])
            else:
                out = np.full(steps, float(lr))
        return _finite(out, f"the {self.name} schedule")

    def momenta(self, steps: int) -> Array | None:
        """One-cycle's momentum (or β₁) for steps 1 … ``steps``; None if it has none."""
        if not self.cycles_momentum():
            return None
        o = self.resolved(steps)
        e = np.arange(steps, dtype=np.float64)
        high, low = o["max_momentum"], o["base_momentum"]
        with np.errstate(all="ignore"):
            return _finite(_one_cycle(e, o, high, low, high), "the onecycle momentum")

    def to_dict(self, steps: int) -> dict[str, float | str]:
        """The schedule with every option, for JSON: it repeats the run exactly."""
        return {"name": self.name, **self.resolved(steps)}

    @classmethod
    def parse(cls, text: str) -> Schedule:
        """``NAME[:KEY=VALUE,...]``, e.g. ``cosine:T_max=100,eta_min=1e-4``; booleans as
        true/false, on/off or 1/0. KeyError or ValueError name what is wrong."""
        name, _, rest = text.strip().partition(":")
        options: dict[str, float] = {}
        for item in rest.split(",") if rest.strip() else []:
            key, sep, value = item.partition("=")
            key = key.strip()
            if not sep or not key:
                raise ValueError(f"expected KEY=VALUE in the schedule, got {item.strip()!r}")
            if key in options:
                raise ValueError(f"schedule option {key} is given twice")
            options[key] = _option_value(value.strip(), key)
        return cls(name.strip(), options)

    @property
    def text(self) -> str:
        """The schedule as :meth:`parse` reads it."""
        if not self.options:
            return self.name
        items = ",".join(f"{k}={_format(v)}" for k, v in self.options.items())
        return f"{self.name}:{items}"


def _one_cycle(e: Array, o: Mapping[str, float], start: float, peak: float, end: float) -> Array:
    """torch's two-phase one-cycle with cosine annealing: ``start`` → ``peak`` until step
    pct_start·total_steps − 1, then ``peak`` → ``end`` at total_steps − 1."""
    total = o["total_steps"]
    end_1 = float(o["pct_start"] * total) - 1
    end_2 = total - 1
    first = e <= end_1
    pct = np.where(first, e / end_1, (e - end_1) / (end_2 - end_1))
    return np.where(first, _anneal(start, peak, pct), _anneal(peak, end, pct))


def _anneal(start: float, end: float, pct: Array) -> Array:
    """torch's ``_annealing_cos``: cosine from ``start`` to ``end`` as pct goes 0 → 1."""
    out: Array = end + (start - end) / 2.0 * (np.cos(math.pi * pct) + 1)
    return out


def _finite(values: Array, what: str) -> Array:
    if not np.isfinite(values).all() or (values < 0).any():
        k = int(np.flatnonzero(~(np.isfinite(values) & (values >= 0)))[0])
        raise ValueError(f"{what} has no usable value at step {k + 1} with these options")
    return values


_TRUE = {"true": 1.0, "on": 1.0, "yes": 1.0, "false": 0.0, "off": 0.0, "no": 0.0}


def _option_value(text: str, key: str) -> float:
    if text.lower() in _TRUE:
        return _TRUE[text.lower()]
    try:
        value = float(text)
    except ValueError:
        raise ValueError(
            f"schedule option {key}: {text!r} is not a number, true or false"
        ) from None
    if "_" in text or not math.isfinite(value):
        raise ValueError(f"schedule option {key}: {text!r} is not a finite number")
    return value


def _format(v: float) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return f"{v:g}" if isinstance(v, int) or float(v).is_integer() else repr(float(v))
