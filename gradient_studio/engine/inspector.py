"""The step inspector: one step of one run, with every number the run used.

For the selected run at the playhead step k, :meth:`StepInspector.at` gives a
:class:`StepInspection`: the point, f, the gradient's two partial derivatives and ‖∇f‖, the
gradient the optimiser saw after noise and clipping, the learning rate (and momentum or β₁)
the schedule gave that step, the optimiser's state before and after — named as its
documentation names them (:class:`~gradient_studio.engine.kernel.Quantity`) — and the
update written out with the numbers put in::

    x₁₂ = x₁₁ − η·∂f/∂x = 0.31 − 0.001·(−215.4) = 0.5254

The numbers are the run's own (:mod:`~gradient_studio.engine.replay` recomputes the state
with the runner's code) and the text is the optimiser's own rule, run statement by
statement (:mod:`~gradient_studio.engine.rule_text`). Step k shows the move from point k to
point k + 1, the optimiser's step t = k + 1.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradient_studio.engine.kernel import OptimizerSpec
from gradient_studio.engine.objective import Objective
from gradient_studio.engine.replay import Replay
from gradient_studio.engine.results import OptimizerChoice, RunResult, Status
from gradient_studio.engine.rule_text import (
    SCALAR_FUNCTIONS,
    Line,
    number,
    trace,
)
from gradient_studio.engine.runner import run
from gradient_studio.engine.step_trace import TRANSFORM_SYMBOLS, StepTrace, subscripted
from gradient_studio.engine.transforms import Training

Pair = tuple[float, float]
CACHED_STEPS = 64  # inspections kept for stepping back and forth


@dataclass(frozen=True)
class Value:
    """A hyperparameter or state variable as the inspector shows it: what the rule calls it,
    its symbol, its name in words, and its number (per coordinate: ``(x, y)``)."""

    name: str
    symbol: str
    label: str
    value: Pair | float
    after: Pair | float | None = None  # a state variable's value after the step


@dataclass(frozen=True)
class StepInspection:
    """Step k of one run: the point k, the gradient there and the step to point k + 1."""

    optimizer: str
    display_name: str
    step: int
    point: Pair
    f: float
    gradient: Pair
    grad_norm: float
    seen_gradient: Pair  # after noise and clipping: what the rule was given
    noise: Pair | None
    hyperparameters: tuple[Value, ...]  # the values this step used
    scheduled: tuple[str, ...]  # the names a schedule set for this step
    state: tuple[Value, ...]  # before the step, with ``after``
    transform_lines: tuple[Line, ...]
    step_lines: tuple[Line, ...]  # step-wide scalars (bias corrections …)
    rule_lines: tuple[tuple[Line, ...], ...]  # per coordinate (x, y), or one joint block
    point_lines: tuple[Line, ...]  # x_{k+1} = …, y_{k+1} = …
    next_point: Pair | None
    ending: str  # why the run has no step from here, or ""
    hessian: tuple[Pair, Pair] | None = None
    constants: tuple[Value, ...] = ()  # the transforms' numbers (a clip threshold)
    legend: tuple[tuple[str, str], ...] = ()  # (symbol, what it is) of the rule's numbers
    takes_step: bool = True

    @property
    def lr(self) -> float:
        value = next(v.value for v in self.hyperparameters if v.name == "lr")
        assert isinstance(value, float)
        return value

    @property
    def step_vector(self) -> Pair | None:
        """The step the optimiser really took (point k + 1 − point k), for the arrow."""
        if self.next_point is None:
            return None
        return (self.next_point[0] - self.point[0], self.next_point[1] - self.point[1])

    def lines(self, digits: int = 6) -> list[tuple[str, str]]:
        """The inspection as ``(section, text)`` rows, the order a person reads them."""
        k = self.step
        x, y = subscripted("x", k), subscripted("y", k)
        gx, gy = self.gradient
        rows = [
            (
                "point",
                f"{x} = {number(self.point[0], digits)}   {y} = {number(self.point[1], digits)}",
            ),
            ("f", f"f = {number(self.f, digits)}"),
            (
                "gradient",
                f"∂f/∂x = {number(gx, digits)}   ∂f/∂y = {number(gy, digits)}"
                f"   ‖∇f‖ = {number(self.grad_norm, digits)}",
            ),
        ]
        hyper = "   ".join(
            f"{v.symbol} = {_value(v.value, digits)}"
            + (" (scheduled)" if v.name in self.scheduled else "")
            for v in self.hyperparameters
        )
        rows.append(("hyperparameters", f"{hyper}   t = {k + 1}" if self.takes_step else hyper))
        if self.state:
            values = "   ".join(f"{v.symbol} = {_value(v.value, digits)}" for v in self.state)
            rows.append(("state", f"state before: {values}"))
        if self.transform_lines and self.constants:
            values = "   ".join(f"{v.symbol} = {_value(v.value, digits)}" for v in self.constants)
            rows.append(("transforms", values))
        rows += [("transforms", line.text(digits)) for line in self.transform_lines]
        rows += [("step", line.text(digits)) for line in self.step_lines]
        names = ("x, y",) if len(self.rule_lines) == 1 else ("x", "y")
        for axis, block in zip(names, self.rule_lines, strict=False):
            rows += [(axis, line.text(digits)) for line in block]
        rows += [("update", line.text(digits)) for line in self.point_lines]
        if self.ending:
            rows.append(("end", self.ending))
        return rows

    def text(self, digits: int = 6) -> str:
        """Plain text, one statement a line, under a heading naming the step and a line
        naming the rule's symbols."""
        out = [self.heading]
        if self.legend:
            out.append("; ".join(f"{symbol}: {label}" for symbol, label in self.legend))
        section = ""
        for name, text in self.lines(digits):
            if name in ("x", "y", "x, y") and name != section:
                out.append(f"{name}:" if name != "x, y" else "both coordinates:")
            indent = "  " if name in ("x", "y", "x, y") else ""
            out.append(indent + text)
            section = name
        return "\n".join(out)

    def html(self, digits: int = 6) -> str:
        """A small rich-text form (a Qt label or text browser shows it): the heading, what
        the symbols are, and a table whose left column names each part."""

        def cell(text: str) -> str:
            return html.escape(text).replace("   ", "&nbsp;&emsp;&emsp;")

        cells = "".join(
            f"<tr><td><i>{html.escape(name)}</i></td><td>{cell(text)}</td></tr>"
            for name, text in self.lines(digits)
        )
        legend = "; ".join(f"{symbol}: {label}" for symbol, label in self.legend)
        note = f"<p><small>{html.escape(legend)}</small></p>" if legend else ""
        return (
            f"<p><b>{html.escape(self.heading)}</b></p>{note}<table cellspacing='4'>{cells}</table>"
        )

    @property
    def heading(self) -> str:
        k = self.step
        if self.next_point is None:
            return f"{self.display_name} at step {k}"
        return f"{self.display_name}, step {k + 1}: from point {k} to point {k + 1}"


class StepInspector:
    """Inspections of run (``optimizer``, ``start``) of a result, cheap to step through.

    The first call replays the run as far as the step asked for; later calls reuse its
    checkpoints, and the last :data:`CACHED_STEPS` inspections are kept. A result still
    streaming can be inspected up to the steps it has."""

    def __init__(self, result: RunResult, optimizer: int, start: int) -> None:
        self.result = result
        self.optimizer, self.start = optimizer, start
        batch = result.batches[optimizer]
        self.choice = batch.choice
        self.spec = batch.choice.spec
        self.objective = result.objective
        self.training = result.training
        self.replay = Replay(
            result.objective,
            batch.choice,
            result.starts,
            start,
            result.steps,
            result.training,
            expected=batch.points[:, start],
        )
        self._cache: OrderedDict[tuple[int, bool, str], StepInspection] = OrderedDict()

    @classmethod
    def of_run(
        cls,
        objective: Objective,
        choice: OptimizerChoice,
        start: Pair,
        steps: int,
        training: Training | None = None,
    ) -> StepInspector:
        """Run ``choice`` from ``start`` (alone) and inspect it."""
        return cls(run(objective, [choice], start, steps, training=training), 0, 0)

    @property
    def last(self) -> int:
        """The last step that can be inspected (the run's last point)."""
        return self.result.trajectory(self.optimizer, self.start).stop

    def at(self, k: int) -> StepInspection:
        """The inspection of step ``k`` (0 … :attr:`last`)."""
        t = self.result.trajectory(self.optimizer, self.start)
        if not 0 <= k <= t.stop:
            raise IndexError(f"step {k} is outside the run's 0…{t.stop}")
        takes_step = k < t.stop or (t.trouble_step == k + 1 and k + 1 <= self.result.steps)
        ending = _ending(t.status, k, t.stop, t.trouble_step)
        key = (k, takes_step, ending)  # a streaming run's last row changes as it goes on
        inspection = self._cache.get(key)
        if inspection is not None:
            self._cache.move_to_end(key)
            return inspection
        if t.trouble_step is not None and t.trouble_step == k + 1:
            self.replay.probe(k + 1)  # where the runner's loop raised, it redid the run in numpy
        inspection = _inspect(self, k, takes_step, ending)
        self._cache[key] = inspection
        if len(self._cache) > CACHED_STEPS:
            self._cache.popitem(last=False)
        return inspection


def _value(v: Pair | float, digits: int) -> str:
    if isinstance(v, tuple):
        return f"({number(v[0], digits)}, {number(v[1], digits)})"
    return number(v, digits)


def _ending(status: Status, k: int, stop: int, trouble: int | None) -> str:
    if k < stop:
        return ""
    if trouble is not None and trouble == k + 1:
        reason = "left the domain" if status == Status.LEFT_DOMAIN else "diverged"
        return f"this step is where the run {reason}: the next point is not kept"
    return {
        Status.CONVERGED: "‖∇f‖ is below the tolerance: the run converged here",
        Status.MAX_STEPS: "the run's last step",
        Status.RUNNING: "the run has not gone further yet",
        Status.LEFT_DOMAIN: "the start is outside the domain",
    }.get(status, "the run ended here")


def _names(spec: OptimizerSpec) -> tuple[dict[str, str], dict[str, str]]:
    symbols = {h.name: h.symbol or h.label for h in spec.hyperparameters}
    labels = {h.name: h.label for h in spec.hyperparameters}
    for q in spec.quantities:
        symbols[q.name], labels[q.name] = q.symbol, q.label
    return symbols, labels


def _inspect(inspector: StepInspector, k: int, takes_step: bool, ending: str) -> StepInspection:
    replay, spec = inspector.replay, inspector.spec
    snapshot = replay.at(k)
    x, y = snapshot.point
    _, gx, gy, hessian = replay.derivatives(x, y)
    batch = inspector.result.batches[inspector.optimizer]
    f = float(batch.f[k, inspector.start])  # the run's own value (the same code computed it)
    hyper = replay.hyperparameters_at(k)
    symbols, labels = _names(spec)
    norm = float(np.sqrt(gx * gx + gy * gy))
    noise = replay.noise.row(k) if takes_step else None
    values: dict[str, Any] = {**hyper, **inspector.training.constants, "t": float(k + 1)}
    work = StepTrace(values, symbols, labels, k)
    transform_lines: list[Line] = []
    seen = (gx, gy)
    step_lines: list[Line] = []
    after: dict[str, Any] = {}
    if takes_step:
        transform_lines, seen = work.transforms(inspector.training, (gx, gy), norm, noise)
        if spec.per_step.strip():
            step_lines = trace(spec.per_step, values, SCALAR_FUNCTIONS, symbols, labels)
        if spec.joint:
            after = work.joint(spec, snapshot.state, seen, (x, y), hessian)
        else:
            after = work.per_coord(spec, snapshot.state, seen, (x, y))
    points = work.point_lines
    return StepInspection(
        optimizer=spec.name,
        display_name=spec.display_name,
        step=k,
        point=(x, y),
        f=f,
        gradient=(gx, gy),
        grad_norm=norm,
        seen_gradient=seen,
        noise=noise,
        hyperparameters=tuple(
            Value(n, symbols.get(n, n), labels.get(n, ""), v) for n, v in hyper.items()
        ),
        scheduled=tuple(replay.optimizer.scheduled),
        state=tuple(
            Value(n, symbols.get(n, n), labels.get(n, ""), snapshot.state[n], after.get(n))
            for n, _ in spec.state
        ),
        transform_lines=tuple(transform_lines),
        step_lines=tuple(step_lines),
        rule_lines=tuple(work.rule_lines),
        point_lines=tuple(points),
        next_point=(points[0].value, points[1].value) if points else None,
        ending=ending,
        hessian=hessian,
        legend=tuple(
            (symbols[n], labels[n]) for n in _legend_names(spec) if labels.get(n) and n in symbols
        ),
        takes_step=takes_step,
        constants=tuple(
            Value(n, TRANSFORM_SYMBOLS.get(n, n), "clip threshold", v)
            for n, v in inspector.training.constants.items()
        ),
    )


def _legend_names(spec: OptimizerSpec) -> list[str]:
    names = [n for n, _ in spec.state] + [q.name for q in spec.quantities]
    return list(dict.fromkeys(names))
