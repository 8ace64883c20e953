"""Optimisers as pure ``(init, update)`` pairs, built from one small description.

Every optimiser in Gradient Studio is an :class:`OptimizerSpec`: its hyperparameters, its
per-coordinate state and its update rule written as a few lines of arithmetic. From that one
text come two implementations that cannot drift apart:

* :func:`build` compiles it into an optax-style pair over ``(n, 2)`` batches of points,
  ``init(params) -> state`` and ``update(grads, state, params, hessian) -> (updates, state)``
  with the state a small ``NamedTuple``;
* :mod:`gradient_studio.engine.fastpath` inlines the same lines, once per coordinate, into a
  straight-line Python loop for a handful of start points, where numpy's per-call overhead
  would dominate.

The rule text is ours (it lives in :mod:`gradient_studio.engine.optimizers`), never a
person's: hyperparameter values reach the compiled code as arguments, never as source.

The kernel language
-------------------
``per_step``
    Statements on scalars, run once per step. They see ``t`` (the 1-based step count as a
    float) and the hyperparameters, and may define step-wide scalars such as bias corrections.
``per_coord``
    Statements run elementwise on every coordinate of every point. They see ``g`` (the
    gradient component), ``p`` (the parameter component), the state variables, the step
    scalars and the hyperparameters; they must assign ``u``, the update added to ``p``
    (the minus sign of descent lives here, written once per rule), and assign each state
    variable its new value. A state variable starts at a number, or at the value of a
    hyperparameter named as a string.
``joint``
    For rules that couple the two coordinates (Newton): statements on ``gx, gy`` (gradient),
    ``px, py`` (parameters) and ``hxx, hxy, hyy`` (Hessian), assigning ``ux`` and ``uy``. The
    state of a joint rule is per point, not per coordinate.

Hyperparameters are numbers fixed for the run, unless they are *per-step*: a schedule
(:mod:`~gradient_studio.engine.schedules`) gives ``lr`` — and for one-cycle also
``momentum`` or ``beta1`` — one value per step. The rule text does not change: every
implementation binds the name to that step's value before the step's first statement, and
treats it as varying (the fast path's hoisting of constant arithmetic leaves it alone).

Functions available in both: ``sqrt``, ``abs``, ``sign``, ``maximum``, ``minimum``,
``where(cond, a, b)`` and ``clip(v, low, high)``.

Gradient transforms (noise, clipping: :mod:`~gradient_studio.engine.transforms`) are
written in the same language — ``per_coord`` statements on ``g``, ``joint`` ones on
``gx, gy`` and ``norm`` — and run before the rule, so every rule gets them unchanged.
"""

from __future__ import annotations

import ast
import functools
import math
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, NamedTuple, Protocol

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Hyperparameter:
    """One knob of an optimiser, with what the window needs to make a slider for it."""

    name: str
    default: float
    low: float
    high: float
    log: bool
    description: str
    label: str  # how the window names it: "β₁", "learning rate"
    symbol: str = ""  # how a formula writes it: "η", "β₁" (the name, if empty)


@dataclass(frozen=True)
class Quantity:
    """A number a rule computes — a state variable, a step-wide scalar or a scratch value —
    named as the optimiser's documentation names it: ``m`` is "first moment", written ``m``;
    ``bias_correction2_sqrt`` is written ``√(1 − β₂ᵗ)``. The step inspector prints these."""

    name: str  # as the rule text writes it
    symbol: str  # in a formula
    label: str = ""  # in words


class StepKind(Enum):
    """How an optimiser's step size relates to its learning rate: what a good lr looks
    like on a given landscape (see ``Preset.suggested_lr``)."""

    GRADIENT_SCALED = "the step is lr times the gradient (or a sum of gradients)"
    NORMALISED = "the step is about lr long, whatever the gradient's size"
    SHRINKING = "normalised, with steps that shrink as squared gradients add up"
    SELF_SCALED = "the method sizes its own step; lr is a factor near 1"


@dataclass(frozen=True)
class OptimizerSpec:
    """An optimiser described once: metadata for people, kernel text for the machine."""

    name: str
    display_name: str
    summary: str
    rule: str
    reference: str
    hyperparameters: tuple[Hyperparameter, ...]
    kind: StepKind
    per_coord: str = ""
    joint: str = ""
    per_step: str = ""
    state: tuple[tuple[str, float | str], ...] = ()
    needs_hessian: bool = False
    quantities: tuple[Quantity, ...] = ()  # how the inspector names the rule's numbers
    notes: Callable[[Mapping[str, float]], list[str]] | None = field(default=None, compare=False)

    @property
    def defaults(self) -> dict[str, float]:
        return {h.name: h.default for h in self.hyperparameters}

    def hyperparameter(self, key: str) -> Hyperparameter:
        for h in self.hyperparameters:
            if h.name == key:
                return h
        known = ", ".join(h.name for h in self.hyperparameters)
        raise KeyError(f"{self.name} has no hyperparameter {key!r} (it has: {known})")

    def resolve(self, overrides: Mapping[str, float] | None = None) -> dict[str, float]:
        """The full set of hyperparameters: defaults, with ``overrides`` checked and applied.

        Raises ``KeyError`` for a name the optimiser does not have and ``ValueError`` for a
        value outside the hyperparameter's range."""
        values = self.defaults
        for key, value in (overrides or {}).items():
            h = self.hyperparameter(key)
            v = float(value)
            # The slider's range is also what the rule is defined for (beta1 = 1 divides by 0).
            if not h.low <= v <= h.high:
                raise ValueError(
                    f"{self.name} {key} must be between {h.low:g} and {h.high:g}, got {v:g}"
                )
            values[key] = v
        return values

    @property
    def tooltip(self) -> str:
        return f"{self.display_name}: {self.summary}\n\n{self.rule}\n\n{self.reference}"


class OptimizerState(Protocol):
    """An optimiser's state between steps: a ``NamedTuple`` of the step count and the
    spec's state variables (arrays shaped like the points, or per point for joint rules)."""

    @property
    def count(self) -> int: ...

    def _asdict(self) -> dict[str, Any]: ...


class Update(Protocol):
    """``update(grads, state, params, hessian=None) -> (updates, new_state)``."""

    def __call__(
        self,
        grads: Array,
        state: OptimizerState,
        params: Array,
        hessian: Array | None = None,
    ) -> tuple[Array, OptimizerState]: ...


class Optimizer(NamedTuple):
    """A compiled optimiser: the pure pair plus what it was built from."""

    spec: OptimizerSpec
    hyperparameters: Mapping[str, float]
    init: Callable[[Array], OptimizerState]
    update: Update
    scheduled: Mapping[str, Sequence[float]] = {}  # per-step values, step t at [t - 1]


NUMPY_FUNCTIONS: dict[str, Any] = {
    "sqrt": np.sqrt,
    "abs": np.abs,
    "sign": np.sign,
    "maximum": np.maximum,
    "minimum": np.minimum,
    "where": np.where,
    "clip": np.clip,
    "math_sqrt": math.sqrt,
}


def state_names(spec: OptimizerSpec) -> list[str]:
    return [name for name, _ in spec.state]


def indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return "\n".join(pad + line for line in lines) or pad + "pass"


def _per_step_source(spec: OptimizerSpec) -> str:
    # Step-wide scalars are plain Python floats in both implementations.
    return indent(ast.unparse(_ScalarSqrt().visit(ast.parse(statements(spec.per_step)))), 8)


def statements(text: str) -> str:
    """Rule text one statement a line, without its indentation."""
    return "\n".join(line.strip() for line in text.strip().splitlines() if line.strip())


class _ScalarSqrt(ast.NodeTransformer):
    """Step-wide statements run on floats: ``sqrt`` there is ``math.sqrt``."""

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id == "sqrt":
            return ast.copy_location(ast.Name("math_sqrt", node.ctx), node)
        return node


@functools.cache
def state_type(spec: OptimizerSpec) -> type:
    return namedtuple(f"{spec.name.title()}State", ["count", *state_names(spec)])


@functools.cache
def _compiled(spec: OptimizerSpec, scheduled: frozenset[str]) -> Callable[..., Update]:
    """The update factory of ``spec`` with the ``scheduled`` hyperparameters read per step,
    compiled once per spec and set of scheduled names."""
    names = state_names(spec)
    hyper_args = ", ".join(
        f"_steps_{h.name}" if h.name in scheduled else h.name for h in spec.hyperparameters
    )
    # A step's per-step values sit at index t - 1, which is the count before the step.
    per_step_values = "".join(
        f"        {h.name} = _steps_{h.name}[state.count]\n"
        for h in spec.hyperparameters
        if h.name in scheduled
    )
    unpack = "".join(f"        {n} = state.{n}\n" for n in names)
    pack = ", ".join(names)
    body = rule_body(spec)
    source = (
        f"def _factory({hyper_args}):\n"
        "    def update(grads, state, params, hessian=None):\n"
        f"{per_step_values}"
        "        count = state.count + 1\n"
        "        t = float(count)\n"
        f"{_per_step_source(spec)}\n"
        f"{unpack}{body}"
        f"        return u, _State(count, {pack})\n"
        "    return update\n"
    )
    namespace: dict[str, Any] = {"np": np, "_State": state_type(spec), **NUMPY_FUNCTIONS}
    exec(compile(source, f"<optimizer {spec.name}>", "exec"), namespace)  # our rule text only
    factory: Callable[..., Update] = namespace["_factory"]
    return factory


def build(
    spec: OptimizerSpec,
    overrides: Mapping[str, float] | None = None,
    scheduled: Mapping[str, Sequence[float]] | None = None,
) -> Optimizer:
    """Compile ``spec`` with its hyperparameters into an ``(init, update)`` pair.

    ``init(params)`` takes the ``(n, 2)`` start points and returns the initial state;
    ``update(grads, state, params, hessian=None)`` returns ``(updates, new_state)`` where the
    new points are ``params + updates``. ``hessian`` has shape ``(n, 2, 2)`` and is needed
    only when ``spec.needs_hessian``. ``scheduled`` gives hyperparameters one value per
    step (step t reads index t − 1); the state then holds at most ``len(values)`` steps.
    """
    hyper = spec.resolve(overrides)
    per_step = {key: [float(v) for v in values] for key, values in (scheduled or {}).items()}
    for key, values in per_step.items():
        spec.hyperparameter(key)  # KeyError for a name the optimiser does not have
        if not values:
            raise ValueError(f"the schedule of {key} has no steps")
    made = state_type(spec)
    factory = _compiled(spec, frozenset(per_step))
    update = factory(
        **{(f"_steps_{k}" if k in per_step else k): per_step.get(k, v) for k, v in hyper.items()}
    )
    # A state variable starts at a number, or at the value of a hyperparameter (Rprop: lr),
    # which for a scheduled one is its value at the first step (as torch reads group["lr"]).
    first = {**hyper, **{k: v[0] for k, v in per_step.items()}}
    initial = {name: float(first[v] if isinstance(v, str) else v) for name, v in spec.state}

    def init(params: Array) -> OptimizerState:
        params = np.asarray(params, dtype=np.float64)
        # Per-coordinate state takes the layout of the points, so elementwise updates run
        # in memory order whichever way the runner stores them.
        like = params[..., 0] if spec.joint else params
        state: OptimizerState = made(
            0, **{name: np.full_like(like, v) for name, v in initial.items()}
        )
        return state

    return Optimizer(spec, hyper, init, checked(spec, update), per_step)


def rule_body(spec: OptimizerSpec) -> str:
    """The rule's statements inside a generated ``update``, on the arrays it is given."""
    if spec.joint:
        return (
            "        gx = grads[..., 0]; gy = grads[..., 1]\n"
            "        px = params[..., 0]; py = params[..., 1]\n"
            "        hxx = hessian[..., 0, 0]; hxy = hessian[..., 0, 1]; hyy = hessian[..., 1, 1]\n"
            f"{indent(spec.joint, 8)}\n"
            "        u = np.stack(np.broadcast_arrays(ux, uy), axis=-1)\n"
        )
    return f"        g = grads\n        p = params\n{indent(spec.per_coord, 8)}\n"


def checked(spec: OptimizerSpec, update: Update) -> Update:
    """``update`` that asks for the Hessian where the rule needs it, and is quiet about
    numpy's floating-point warnings (a run that overflows is diagnosed, not warned of)."""

    def checked_update(
        grads: Array, state: OptimizerState, params: Array, hessian: Array | None = None
    ) -> tuple[Array, OptimizerState]:
        if spec.needs_hessian and hessian is None:
            raise ValueError(f"{spec.display_name} needs the Hessian")
        with np.errstate(all="ignore"):
            return update(grads, state, params, hessian)

    return checked_update
