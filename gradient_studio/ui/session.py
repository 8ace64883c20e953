"""What a person has set up in the window: the function, its parameter values, the optimisers
with their hyperparameters, the start, the number of steps and the view.

Plain data, no Qt: the window's handlers change it and then show it. It imports only the
light parts of the engine (the optimiser and preset tables), never the function compiler,
so the window can paint before sympy has loaded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from gradient_studio.engine.optimizers import OPTIMIZERS
from gradient_studio.engine.presets import PRESETS, Preset

DEFAULT_PRESET = "rosenbrock"
DEFAULT_OPTIMIZERS = ("sgd", "momentum", "adam")
DEFAULT_VALUE = 1.0
Range = tuple[float, float]
Choice = tuple[str, tuple[tuple[str, float], ...]]  # (optimizer, ((hyperparameter, value), ...))


@dataclass
class Session:
    """The inputs of the race on screen. Every field is plain text and numbers."""

    text: str
    parameters: tuple[str, ...]
    start: tuple[float, float]
    steps: int
    home: tuple[Range, Range]
    view: tuple[Range, Range]
    preset: str | None = None
    selected: list[str] = field(default_factory=lambda: list(DEFAULT_OPTIMIZERS))
    memory: dict[str, float] = field(default_factory=dict)  # every parameter value, by name
    hyper: dict[str, dict[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, spec in OPTIMIZERS.items():
            self.hyper.setdefault(name, dict(spec.defaults))

    @classmethod
    def from_preset(cls, name: str = DEFAULT_PRESET) -> Session:
        session = cls("", (), (0.0, 0.0), 1, ((-1.0, 1.0), (-1.0, 1.0)), ((-1.0, 1.0),) * 2)
        session.apply_preset(name)
        return session

    # -- changes ---------------------------------------------------------------------------
    def apply_preset(self, name: str) -> None:
        """The preset's function, values, view, start and steps, and the learning rates under
        which the optimisers visibly differ on it."""
        preset = PRESETS[name]
        self.preset = name
        self.text = preset.text
        self.parameters = tuple(preset.values)
        self.memory.update(preset.values)
        self.start = preset.start
        self.steps = preset.steps
        self.home = (preset.xrange, preset.yrange)
        self.view = self.home
        for optimizer, values in self.hyper.items():
            lr = preset.suggested_lr(optimizer)
            values["lr"] = lr if lr is not None else OPTIMIZERS[optimizer].defaults["lr"]

    def set_function(self, text: str, parameters: tuple[str, ...]) -> None:
        """A new valid function; its parameters keep the values they had under that name."""
        self.text = text
        self.parameters = tuple(parameters)
        for name in self.parameters:
            self.memory.setdefault(name, DEFAULT_VALUE)
        if self.preset is not None and PRESETS[self.preset].text != text:
            self.preset = None

    def set_value(self, name: str, value: float) -> None:
        self.memory[name] = float(value)

    def set_selected(self, names: list[str]) -> None:
        self.selected = [n for n in OPTIMIZERS if n in names]

    def set_hyperparameter(self, optimizer: str, key: str, value: float) -> None:
        self.hyper[optimizer][key] = float(value)

    # -- reading ---------------------------------------------------------------------------
    @property
    def values(self) -> dict[str, float]:
        return {name: self.memory.get(name, DEFAULT_VALUE) for name in self.parameters}

    def choices(self) -> tuple[Choice, ...]:
        """The selected optimisers with all their hyperparameters, in the panel's order."""
        return tuple((n, tuple(self.hyper[n].items())) for n in self.selected)

    @property
    def known_preset(self) -> Preset | None:
        """The preset whose known minima hold for what is on screen: same text and the
        preset's own parameter values."""
        if self.preset is None:
            return None
        preset = PRESETS[self.preset]
        values = self.values
        if preset.text != self.text or any(
            not math.isclose(values.get(k, math.nan), v) for k, v in preset.values.items()
        ):
            return None
        return preset

    @property
    def title(self) -> str:
        """The preset's name while its function is on screen, else nothing."""
        return PRESETS[self.preset].title if self.preset is not None else ""


def preset_matching(text: str) -> str | None:
    """The preset whose function is exactly ``text`` (ignoring spaces), if any."""
    bare = text.replace(" ", "")
    return next((n for n, p in PRESETS.items() if p.text.replace(" ", "") == bare), None)
