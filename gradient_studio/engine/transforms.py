"""Training tools for every optimiser: a schedule, gradient clipping and gradient noise.

A run is optax's chain: ``[gradient transforms] → optimiser rule``, with the learning rate
from a schedule (:mod:`~gradient_studio.engine.schedules`). The transforms run in this
order, each written once as kernel text (see :mod:`~gradient_studio.engine.kernel`) that
every engine path prints into its own code, so the paths agree:

* **noise** (Neelakantan et al., 2015): g ← g + N(0, σₜ²), σₜ² = η/(1 + t)^γ with t counted
  from 0 (the gradient at the start). The draws are standard normals from numpy's
  ``Generator(SFC64(seed))`` in the order (step, coordinate, start) of the batch — so every
  optimiser of a race sees the same draws, and every engine path reads the same numbers;
* **clipping by norm**, as ``torch.nn.utils.clip_grad_norm_`` on each point's gradient:
  one norm over both coordinates, g ← g · min(1, max_norm/(‖g‖ + 1e-6));
* **clipping by value**, as ``clip_grad_value_``: each coordinate into [−v, v].

:class:`Training` is the one frozen value that carries the three (and the schedule): the
runner, a :class:`~gradient_studio.engine.race.Race` and the window take it whole.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from gradient_studio.engine.kernel import NUMPY_FUNCTIONS, OptimizerSpec, statements
from gradient_studio.engine.schedules import Schedule

Array = NDArray[np.float64]
NOISE_BLOCK_BYTES = 1 << 22  # the array path draws noise ~4 MB at a time


@dataclass(frozen=True)
class TransformRule:
    """A gradient transform in the kernel language.

    ``per_coord`` statements read and assign ``g`` (one coordinate of one point); ``joint``
    statements read ``gx, gy`` and ``norm`` (‖g‖ of the gradient as this transform receives
    it) and assign ``gx, gy``. ``constants`` are the numbers it reads by name; ``data`` the
    per-step, per-point, per-coordinate inputs (the noise draws)."""

    name: str
    per_coord: str = ""
    joint: str = ""
    constants: tuple[str, ...] = ()
    data: tuple[str, ...] = ()


NOISE_RULE = TransformRule("noise", per_coord="g = g + noise", data=("noise",))
CLIP_VALUE_RULE = TransformRule(
    "clip_value", per_coord="g = clip(g, -clip_value, clip_value)", constants=("clip_value",)
)
# torch: clip_coef = max_norm / (total_norm + 1e-6), clamped at 1, then g *= clip_coef.
CLIP_NORM_RULE = TransformRule(
    "clip_norm",
    joint="""
        coef = max_norm / (norm + 1e-6)
        scale = minimum(coef, 1.0)
        gx = gx * scale
        gy = gy * scale
    """,
    constants=("max_norm",),
)


@dataclass(frozen=True)
class Clipping:
    """Clip each point's gradient: by its norm (``"norm"``) or each coordinate (``"value"``)."""

    by: Literal["norm", "value"]
    threshold: float

    def __post_init__(self) -> None:
        if self.by not in ("norm", "value"):
            raise ValueError(f"clip by 'norm' or 'value', not {self.by!r}")
        if not (math.isfinite(self.threshold) and self.threshold > 0):
            raise ValueError(f"the clip {self.by} must be above 0, got {self.threshold:g}")

    @property
    def rule(self) -> TransformRule:
        return CLIP_NORM_RULE if self.by == "norm" else CLIP_VALUE_RULE


@dataclass(frozen=True)
class GradientNoise:
    """Gaussian noise on the gradient, σₜ² = eta/(1 + t)^gamma, drawn from ``seed``."""

    eta: float = 0.3
    gamma: float = 0.55
    seed: int = 0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.eta) and self.eta > 0):
            raise ValueError(f"the noise eta must be above 0, got {self.eta:g}")
        if not (math.isfinite(self.gamma) and self.gamma >= 0):
            raise ValueError(f"the noise gamma must be 0 or more, got {self.gamma:g}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError(f"the noise seed must be a whole number, got {self.seed!r}")
        if not 0 <= self.seed < 2**63:
            raise ValueError(f"the noise seed must be from 0 to 2^63 - 1, got {self.seed}")

    def sigma(self, k0: int, k1: int) -> Array:
        """σₜ for t = k0 … k1 − 1 (t = 0 is the gradient at the start)."""
        t = np.arange(k0, k1, dtype=np.float64)
        out: Array = np.sqrt(self.eta / (1.0 + t) ** self.gamma)
        return out


@dataclass(frozen=True)
class Training:
    """How the gradient and the learning rate are treated during a run: a schedule,
    clipping and noise. ``Training()`` is plain: the optimisers' own rules, untouched."""

    schedule: Schedule = field(default_factory=Schedule)
    clip: Clipping | None = None
    noise: GradientNoise | None = None

    @property
    def rules(self) -> tuple[TransformRule, ...]:
        """The gradient transforms in the order they run: noise, then clipping."""
        noise = (NOISE_RULE,) if self.noise is not None else ()
        clip = (self.clip.rule,) if self.clip is not None else ()
        return (*noise, *clip)

    @property
    def constants(self) -> dict[str, float]:
        """The numbers the transforms' text reads."""
        if self.clip is None:
            return {}
        return {self.clip.rule.constants[0]: float(self.clip.threshold)}

    def per_step(
        self, spec: OptimizerSpec, hyper: Mapping[str, float], steps: int
    ) -> dict[str, list[float]]:
        """The hyperparameters the schedule sets per step, for ``steps`` steps of ``spec``
        with the hyperparameters ``hyper``: step t at index t − 1."""
        if self.schedule.name == "constant" or steps < 1:
            return {}
        out = {"lr": _learning_rates(self.schedule, float(hyper["lr"]), steps)}
        names = {h.name for h in spec.hyperparameters}
        cycled = next((n for n in ("momentum", "beta1") if n in names), None)
        momenta = _momenta(self.schedule, steps) if cycled else None
        if cycled and momenta is not None:
            out[cycled] = momenta
        return {k: list(v) for k, v in out.items()}

    def to_dict(self, steps: int) -> dict[str, Any]:
        """Everything needed to repeat the run exactly (the schedule's options resolved)."""
        clip = {self.clip.by: self.clip.threshold} if self.clip is not None else None
        noise = None
        if self.noise is not None:
            noise = {"eta": self.noise.eta, "gamma": self.noise.gamma, "seed": self.noise.seed}
        return {"schedule": self.schedule.to_dict(steps), "clip": clip, "noise": noise}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Training:
        """The inverse of :meth:`to_dict`; ValueError names the field that is wrong."""
        if not isinstance(data, Mapping):
            raise ValueError("training must be an object with schedule, clip and noise")
        unknown = sorted(set(data) - {"schedule", "clip", "noise"})
        if unknown:
            raise ValueError(
                f"training has no field {unknown[0]!r} (it has: schedule, clip, noise)"
            )
        return cls(
            schedule=_schedule_from(data.get("schedule")),
            clip=_clip_from(data.get("clip")),
            noise=_noise_from(data.get("noise")),
        )


# A slider drag reruns the same schedules many times: remember the last few.
@functools.lru_cache(maxsize=64)
def _learning_rates(schedule: Schedule, lr: float, steps: int) -> tuple[float, ...]:
    return tuple(schedule.learning_rates(lr, steps).tolist())


@functools.lru_cache(maxsize=16)
def _momenta(schedule: Schedule, steps: int) -> tuple[float, ...] | None:
    momenta = schedule.momenta(steps)
    return None if momenta is None else tuple(momenta.tolist())


def _schedule_from(data: Any) -> Schedule:
    if data is None:
        return Schedule()
    if not isinstance(data, Mapping) or not isinstance(data.get("name"), str):
        raise ValueError("training.schedule must be an object with a name")
    options = {k: v for k, v in data.items() if k != "name"}
    for key, value in options.items():
        if not isinstance(value, int | float):
            raise ValueError(f"training.schedule.{key} must be a number")
    try:
        return Schedule(data["name"], options)
    except (KeyError, ValueError) as e:
        raise ValueError(f"training.schedule: {e.args[0]}") from None


def _clip_from(data: Any) -> Clipping | None:
    if data is None:
        return None
    if not isinstance(data, Mapping) or len(data) != 1:
        raise ValueError('training.clip must be null, {"norm": V} or {"value": V}')
    ((by, threshold),) = data.items()
    if by not in ("norm", "value") or not isinstance(threshold, int | float):
        raise ValueError('training.clip must be null, {"norm": V} or {"value": V}')
    try:
        return Clipping(by, float(threshold))
    except ValueError as e:
        raise ValueError(f"training.clip: {e.args[0]}") from None


def _noise_from(data: Any) -> GradientNoise | None:
    if data is None:
        return None
    if not isinstance(data, Mapping) or set(data) - {"eta", "gamma", "seed"}:
        raise ValueError("training.noise must be null or an object with eta, gamma and seed")
    values = {"eta": 0.3, "gamma": 0.55, "seed": 0, **data}
    if not all(isinstance(values[k], int | float) for k in ("eta", "gamma")):
        raise ValueError("training.noise eta and gamma must be numbers")
    try:
        return GradientNoise(float(values["eta"]), float(values["gamma"]), values["seed"])
    except ValueError as e:
        raise ValueError(f"training.{e.args[0].removeprefix('the ')}") from None


# -- the array path ---------------------------------------------------------------------


class GradientTransform:
    """The transforms of a :class:`Training`, compiled for ``(n, 2)`` gradients:
    ``transform(grads, norm, noise)`` returns the gradient the optimiser should see;
    ``norm`` is ‖g‖ per point as it arrives and ``noise`` the step's ``(n, 2)`` draws."""

    def __init__(self, training: Training) -> None:
        self.rules = training.rules
        self.apply: Callable[..., Array] = _compiled(self.rules)(**training.constants)

    def __call__(self, grads: Array, norm: Array, noise: Array | None = None) -> Array:
        with np.errstate(all="ignore"):
            return self.apply(grads, norm, noise)


def _pair(gx: Array, gy: Array) -> Array:
    """(n, 2) gradients stored as two rows, the layout the runner keeps them in (without
    np.stack's checks, which cost more than the copy)."""
    out = np.empty((2, *np.shape(gx)))
    out[0] = gx
    out[1] = gy
    return out.T


@functools.cache
def _compiled(rules: tuple[TransformRule, ...]) -> Callable[..., Callable[..., Array]]:
    constants = ", ".join(c for rule in rules for c in rule.constants)
    lines = ["g = grads"]
    changed = False
    for rule in rules:
        if rule.per_coord:
            lines += statements(rule.per_coord).splitlines()
        else:
            lines.append("gx = g[..., 0]; gy = g[..., 1]")
            if changed:  # an earlier transform moved g: its norm is no longer the one given
                lines.append("norm = sqrt(gx * gx + gy * gy)")
            lines += statements(rule.joint).splitlines()
            lines.append("g = _pair(gx, gy)")
        changed = True
    body = "".join(f"        {line}\n" for line in lines)
    source = (
        f"def _factory({constants}):\n"
        "    def transform(grads, norm, noise=None):\n"
        f"{body}"
        "        return g\n"
        "    return transform\n"
    )
    namespace: dict[str, Any] = {"np": np, "_pair": _pair, **NUMPY_FUNCTIONS}
    exec(compile(source, "<gradient transforms>", "exec"), namespace)  # our rule text only
    factory: Callable[..., Callable[..., Array]] = namespace["_factory"]
    return factory


@functools.cache
def _helper() -> ThreadPoolExecutor:
    """The one thread that draws noise ahead of the steps (made on first use)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="gradient-noise")


class NoiseDraws:
    """The noise of one batch of ``n`` starts over ``steps`` steps: row k (the gradient at
    step k, which makes step k + 1) is ``(2, n)`` standard normals times σₖ, drawn in the
    order (step, coordinate, start) from ``Generator(SFC64(seed))`` (SFC64: a fifth faster
    than numpy's default PCG64 here, and the draws are most of what noise costs).

    With ``keep`` every row is drawn at once and kept (the fast path, for a handful of
    starts, reads any row); without, :meth:`rows` hands out consecutive blocks, so memory
    stays at two blocks however long the run: while one block is used, the next of the
    same length is drawn on a helper thread (numpy draws without holding the interpreter
    lock, so on a free core the draws — 20 million for 10,000 starts × 1,000 steps — cost
    the run little). One thread draws at a time, in order: the numbers do not change."""

    def __init__(self, noise: GradientNoise, n: int, steps: int, *, keep: bool) -> None:
        self.noise = noise
        self.n = n
        self.steps = steps
        self.rng = np.random.Generator(np.random.SFC64(noise.seed))
        self.drawn = 0
        self._current: tuple[int, Array] | None = None
        rows = min(self.block_rows, steps)
        self._buffers = (np.empty((rows, 2, n)), np.empty((rows, 2, n))) if not keep else ()
        self._next: tuple[int, Future[Array]] | None = None
        self.history: Array | None = self._draw(0, steps) if keep else None

    @property
    def block_rows(self) -> int:
        return max(1, NOISE_BLOCK_BYTES // (16 * self.n))

    def _draw(self, k0: int, k1: int, out: Array | None = None) -> Array:
        if k0 != self.drawn:
            raise RuntimeError(f"noise rows are drawn in order: asked for {k0}, next {self.drawn}")
        if out is None:
            block = self.rng.standard_normal((k1 - k0, 2, self.n))
        else:
            block = self.rng.standard_normal(out=out[: k1 - k0])
        block *= self.noise.sigma(k0, k1)[:, np.newaxis, np.newaxis]
        self.drawn = k1
        return block

    def rows(self, k0: int, k1: int) -> Array:
        """Rows ``k0 … k1 − 1`` (at most up to ``steps``). Without ``keep``, asked for in
        order and within one block of :attr:`block_rows` (aligned on its multiples); they
        stay valid until rows of the block after the next are asked for."""
        k1 = min(k1, self.steps)
        if self.history is not None:
            return self.history[k0:k1]
        if k1 <= k0:
            return np.empty((0, 2, self.n))
        size = self.block_rows
        b = k0 // size
        if (k1 - 1) // size != b:
            raise ValueError(f"noise rows {k0}..{k1} span two blocks of {size}")
        return self._block(b)[k0 - b * size : k1 - b * size]

    def _block(self, b: int) -> Array:
        """Block ``b``, drawn into one of two buffers (fresh memory each block would be
        page-faulted in again: a third of what the draws cost); the other buffer takes
        block ``b + 1`` on the helper thread meanwhile."""
        if self._current is not None and self._current[0] == b:
            return self._current[1]
        size = self.block_rows
        buffer = self._buffers[b % 2]
        if self._next is not None and self._next[0] == b:
            block = self._next[1].result()
        else:
            block = self._draw(b * size, min((b + 1) * size, self.steps), buffer)
        self._current = (b, block)
        self._next = None
        if (b + 1) * size < self.steps:
            after = (b + 1) * size, min((b + 2) * size, self.steps)
            draw = _helper().submit(self._draw, *after, self._buffers[(b + 1) % 2])
            self._next = (b + 1, draw)
        return block
