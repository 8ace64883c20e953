"""A race, described plainly: everything needed to run it again and get the same numbers.

A :class:`Race` holds only text and numbers (function text, parameter values, optimiser
choices, starts, steps, view, and the training tools — schedule, clipping, noise and its
seed), so it can be written to JSON, shared and replayed exactly; ``Race.run()`` turns it
into a :class:`~gradient_studio.engine.results.RunResult`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from gradient_studio.engine.diagnosis import compare
from gradient_studio.engine.objective import Objective
from gradient_studio.engine.presets import PRESETS, Preset
from gradient_studio.engine.results import OptimizerChoice, RunResult
from gradient_studio.engine.runner import run
from gradient_studio.engine.transforms import Training

DEFAULT_RANGE = (-2.0, 2.0)
DEFAULT_START = (-1.5, 1.5)  # well inside the default view, up and to the left
DEFAULT_STEPS = 200


@dataclass(frozen=True, kw_only=True)
class RaceInputs:
    """What every race holds besides what it runs on (a function, or a model and its data):
    parameter values, optimiser choices, starts, steps, view, preset and training tools.
    :class:`Race` and :class:`~gradient_studio.engine.models.ModelRace` are the two kinds."""

    parameters: Mapping[str, float]
    optimizers: tuple[OptimizerChoice, ...]
    starts: tuple[tuple[float, float], ...]
    steps: int
    xrange: tuple[float, float]
    yrange: tuple[float, float]
    preset: str | None = None
    training: Training = field(default_factory=Training)

    def objective(self) -> Objective:
        """What the race runs on, with its parameter values."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """The record that runs the race again."""
        raise NotImplementedError

    def run(self) -> RunResult:
        """Every optimiser from every start, the result knowing the race it came from."""
        result = run(
            self.objective(), self.optimizers, self.starts, self.steps, training=self.training
        )
        result.race = self
        return result

    def _check_steps(self) -> None:
        """Refuse no steps at all, and a schedule the run's length does not fit."""
        if self.steps < 1:
            raise ValueError("the number of steps must be at least 1")
        self.training.schedule.resolved(self.steps)  # a one-cycle shorter than the run


@dataclass(frozen=True, kw_only=True)
class Race(RaceInputs):
    """The inputs of a run. Build one with :meth:`create`, which fills in the defaults."""

    function: str
    _objective: list[Objective] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def create(
        cls,
        *,
        function: str | None = None,
        preset: str | None = None,
        parameters: Mapping[str, float] | None = None,
        optimizers: Sequence[OptimizerChoice] = (),
        lr: float | None = None,
        starts: Sequence[tuple[float, float]] = (),
        steps: int | None = None,
        xrange: tuple[float, float] | None = None,
        yrange: tuple[float, float] | None = None,
        training: Training | None = None,
    ) -> Race:
        """A race from what a person gave; what they left out comes from the preset, then
        from the defaults. An optimiser without its own lr takes ``lr``, else the preset's
        suggestion, else its own default."""
        p: Preset | None = None
        if preset is not None:
            if preset not in PRESETS:
                raise KeyError(f"unknown preset {preset!r} (choose from: {', '.join(PRESETS)})")
            p = PRESETS[preset]
        if function is None:
            if p is None:
                raise ValueError("give a function or a preset")
            function = p.text
        values = {**(p.values if p else {}), **(parameters or {})}
        chosen = tuple(optimizers) or (OptimizerChoice("sgd"),)
        chosen = tuple(_with_lr(c, lr, p) for c in chosen)
        race = cls(
            function=function,
            parameters=MappingProxyType(dict(values)),
            optimizers=chosen,
            starts=tuple((float(x), float(y)) for x, y in starts)
            or ((p.start if p else DEFAULT_START),),
            steps=int(steps if steps is not None else p.steps if p else DEFAULT_STEPS),
            xrange=_range(xrange or (p.xrange if p else DEFAULT_RANGE), "x"),
            yrange=_range(yrange or (p.yrange if p else DEFAULT_RANGE), "y"),
            preset=preset,
            training=training or Training(),
        )
        race._check_steps()
        race.objective()  # parse now: an ExpressionError belongs to the person's input
        return race

    def objective(self) -> Objective:
        """The compiled function with this race's parameter values (compiled once)."""
        if not self._objective:
            self._objective.append(Objective.from_text(self.function, self.parameters))
        return self._objective[0]

    def run(self) -> RunResult:
        result = super().run()
        if self.preset is not None:  # a stalled run measured against the known minimum
            compare(result, PRESETS[self.preset].minimum_value, PRESETS[self.preset].minima)
        return result

    def to_dict(self) -> dict[str, Any]:
        return {"function": self.function, **inputs_record(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Race:
        return cls.create(function=data["function"], **inputs_from_record(data))


def inputs_record(race: RaceInputs) -> dict[str, Any]:
    """A race's inputs besides what it runs on (the function, or a model and its data), as
    JSON takes them: a Race's and a model's race share this part of their records."""
    return {
        "parameters": dict(race.objective().values),
        "optimizers": [{"name": c.name, "hyperparameters": c.resolved} for c in race.optimizers],
        "starts": [list(s) for s in race.starts],
        "steps": race.steps,
        "xrange": list(race.xrange),
        "yrange": list(race.yrange),
        "preset": race.preset,
        "training": race.training.to_dict(race.steps),
    }


def inputs_from_record(data: Mapping[str, Any]) -> dict[str, Any]:
    """The keywords of ``create`` that :func:`inputs_record` wrote."""
    return {
        "preset": data.get("preset"),
        "parameters": data.get("parameters"),
        "optimizers": [
            OptimizerChoice(o["name"], o.get("hyperparameters", {}))
            for o in data.get("optimizers", [])
        ],
        "starts": [tuple(s) for s in data.get("starts", [])],
        "steps": data.get("steps"),
        "xrange": tuple(data["xrange"]) if data.get("xrange") else None,
        "yrange": tuple(data["yrange"]) if data.get("yrange") else None,
        "training": Training.from_dict(data.get("training") or {}),
    }


def _with_lr(choice: OptimizerChoice, lr: float | None, preset: Preset | None) -> OptimizerChoice:
    if "lr" in choice.hyperparameters:
        return choice
    value = lr if lr is not None else preset.suggested_lr(choice.name) if preset else None
    if value is None:
        return choice
    return OptimizerChoice(choice.name, {**choice.hyperparameters, "lr": value})


def _range(bounds: tuple[float, float], axis: str) -> tuple[float, float]:
    low, high = float(bounds[0]), float(bounds[1])
    if not low < high:
        raise ValueError(f"the {axis} range must run from low to high, got {low:g},{high:g}")
    return (low, high)
