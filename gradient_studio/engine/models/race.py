"""A race on a model's loss, described plainly: enough to run it again and get the same
numbers.

:class:`ModelRace` is :class:`~gradient_studio.engine.race.Race`'s counterpart for a model:
it holds the model text, the loss, the axes, the dataset (a built-in one by name, or a
person's file, named by its checksum), whether the inputs are normalised, the minibatch
size and seed, and the race's own inputs (parameters, optimisers, starts, steps, view,
training tools). The exporters read it as they read a Race (``function`` is the model text).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from gradient_studio.engine.data import DATASETS, DataError, Dataset, load_csv
from gradient_studio.engine.minibatches import Minibatches
from gradient_studio.engine.models.model import Model
from gradient_studio.engine.models.objective import ModelObjective
from gradient_studio.engine.models.presets import MODEL_PRESETS, ModelPreset
from gradient_studio.engine.race import (
    DEFAULT_RANGE,
    DEFAULT_START,
    DEFAULT_STEPS,
    RaceInputs,
    _range,
    _with_lr,
    inputs_from_record,
    inputs_record,
)
from gradient_studio.engine.results import OptimizerChoice
from gradient_studio.engine.transforms import Training

# Rows × steps × runs a race on the row path may cost (~20 ns each): a minute at most.
MAX_ROW_STEPS = 2_000_000_000


@dataclass(frozen=True, kw_only=True)
class ModelRace(RaceInputs):
    """The inputs of a run on a model's loss. Build one with :meth:`create`."""

    model: Model
    data: Dataset  # as loaded: raw x, before any normalisation
    normalize: bool
    batch_size: int | None = None  # None: every row at every step
    seed: int = 0
    _objective: list[ModelObjective] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def create(
        cls,
        *,
        model: str | None = None,
        loss: str | None = None,
        data: Dataset | None = None,
        preset: str | None = None,
        axes: tuple[str, str] | None = None,
        normalize: bool = False,
        parameters: Mapping[str, float] | None = None,
        optimizers: Sequence[OptimizerChoice] = (),
        lr: float | None = None,
        starts: Sequence[tuple[float, float]] = (),
        steps: int | None = None,
        xrange: tuple[float, float] | None = None,
        yrange: tuple[float, float] | None = None,
        training: Training | None = None,
        batch_size: int | None = None,
        seed: int = 0,
    ) -> ModelRace:
        """A race from what a person gave; what they left out comes from the preset (or,
        for a built-in dataset's own model, from the preset made for it), then from the
        defaults. Raises ``ExpressionError`` for model text, ``DataError`` for data the loss
        cannot use, ``KeyError``/``ValueError`` for the rest."""
        p = _preset(preset)
        if data is None:
            if p is None:
                raise ValueError("give a dataset or a data file (or a model preset)")
            data = DATASETS[p.dataset].load()
        text = model if model is not None else p.text if p is not None else None
        if text is None:
            raise ValueError("give a model (or a model preset)")
        loss = loss or (p.loss if p is not None else "mse")
        if axes is None and p is not None and text == p.text:
            axes = p.axes
        parsed = Model.parse(text, loss, axes)
        p = p or _preset_for(parsed, data)
        xr, yr, preset_starts = p.view(normalize) if p else (DEFAULT_RANGE, DEFAULT_RANGE, ())
        values = {**(p.values if p else {}), **(parameters or {})}
        chosen = tuple(optimizers) or (p.optimizers if p and p.optimizers else ())
        chosen = tuple(_with_lr(c, lr, p) for c in chosen or (OptimizerChoice("sgd"),))
        race = cls(
            model=parsed,
            data=data,
            normalize=bool(normalize),
            parameters=MappingProxyType(dict(values)),
            optimizers=chosen,
            starts=tuple((float(x), float(y)) for x, y in starts)
            or preset_starts
            or (DEFAULT_START,),
            steps=int(steps if steps is not None else p.steps if p else DEFAULT_STEPS),
            xrange=_range(xrange or xr, parsed.axes[0]),
            yrange=_range(yrange or yr, parsed.axes[1]),
            preset=preset,
            training=training or Training(),
            batch_size=batch_size,
            seed=int(seed),
        )
        race._check_steps()
        objective = race.objective()  # the labels checked, the batches checked: now
        if p is None and xrange is None and yrange is None:
            race = _framing(race, objective.least_squares_minimum())
        work = (race.steps + 1) * len(race.optimizers) * len(race.starts) * race.data.rows
        if not objective.moment_path and work > MAX_ROW_STEPS:
            raise ValueError(
                f"{len(race.optimizers) * len(race.starts)} runs × {race.steps + 1:,} steps over "
                f"{race.data.rows:,} rows is {work:.2g} evaluations of the model; at most "
                f"{MAX_ROW_STEPS:.0e} (about a minute): take fewer steps, runs or rows"
            )
        return race

    # -- what the exporters read as of a Race -----------------------------------------------
    @property
    def function(self) -> str:
        return self.model.text

    @property
    def axes(self) -> tuple[str, str]:
        return self.model.axes

    @property
    def dataset(self) -> Dataset:
        """The data as trained on (standardised when the inputs are normalised)."""
        return self.data.standardized() if self.normalize else self.data

    @property
    def batches(self) -> Minibatches | None:
        if self.batch_size is None:
            return None
        return Minibatches(self.data.rows, self.batch_size, self.seed)

    def objective(self) -> ModelObjective:
        """The loss with this race's parameter values and batches (built once)."""
        if not self._objective:
            built = ModelObjective.build(self.model, self.dataset, self.parameters, self.batches)
            self._objective.append(built)
        return self._objective[0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model.text,
            "loss": self.model.loss,
            "axes": list(self.model.axes),
            "dataset": self.dataset.describe(),
            "normalize": self.normalize,
            "batch_size": self.batch_size if self.batch_size is not None else self.data.rows,
            "seed": self.seed,
            **inputs_record(self),
        }

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> ModelRace:
        """The race a :meth:`to_dict` record describes, on the same data: a built-in
        dataset by name, a file by its path, refused (``DataError``) if its numbers are not
        the ones the record's checksum names."""
        data = _data_of(record["dataset"])
        batch = record.get("batch_size")
        return cls.create(
            model=record["model"],
            loss=record["loss"],
            data=data,
            axes=tuple(record["axes"]) if record.get("axes") else None,
            normalize=bool(record.get("normalize", False)),
            batch_size=None if batch is None or batch == data.rows else int(batch),
            seed=int(record.get("seed", 0)),
            **inputs_from_record(record),
        )


def _framing(race: ModelRace, minimum: tuple[float, float] | None) -> ModelRace:
    """The race with a view that holds its starts and the minimum, when the minimum is
    known (a linear model's least squares); else the race as it is."""
    if minimum is None:
        return race
    points = np.array([*race.starts, minimum])
    low, high = points.min(axis=0), points.max(axis=0)
    pad = 0.25 * (high - low) + 0.5
    low, high = low - pad, high + pad
    return replace(
        race,
        xrange=(float(low[0]), float(high[0])),
        yrange=(float(low[1]), float(high[1])),
    )


def _preset(name: str | None) -> ModelPreset | None:
    if name is None:
        return None
    if name not in MODEL_PRESETS:
        known = ", ".join(MODEL_PRESETS)
        raise KeyError(f"unknown model preset {name!r} (choose from: {known})")
    return MODEL_PRESETS[name]


def _preset_for(model: Model, data: Dataset) -> ModelPreset | None:
    """The preset made for this built-in dataset and model, whose view shows its minimum."""
    if not data.is_built_in:
        return None
    for p in MODEL_PRESETS.values():
        if p.dataset == data.name and p.text == model.text and p.axes == model.axes:
            return p
    return None


def _data_of(described: Mapping[str, Any]) -> Dataset:
    raw = described.get("standardized", {}).get("raw_checksum") or described["checksum"]
    columns = described.get("columns") or ["x", "y"]
    if described.get("source") == "built-in":
        name = described["name"]
        if name not in DATASETS:
            raise DataError(f"there is no built-in dataset {name!r}")
        data = DATASETS[name].load()
    else:
        data = load_csv(described["source"], x_column=columns[0], y_column=columns[1])
    if data.checksum != raw:
        raise DataError(
            f"the data in {described['source']!r} is not the data of this run "
            f"(its checksum is {data.checksum}, the run's {raw})"
        )
    return data
