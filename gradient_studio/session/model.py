"""A session: everything a person can set in Gradient Studio, as one frozen value.

The window holds one :class:`Session` and replaces it, never changes it, on every change a
person makes: each ``with_*`` method checks its input and returns a new session (a
:class:`~gradient_studio.session.errors.SessionError` names the control that is wrong and
why). What the window, the worker, the exports and the saved file need is derived from it:
:meth:`Session.race` is the engine's :class:`~gradient_studio.engine.race.Race`,
:meth:`Session.picture_style` the exporters' :class:`~gradient_studio.export.PictureStyle`,
:meth:`Session.choices` the worker's race job; ``session.files`` writes it.

Plain data, no Qt: making a session imports only the light parts of the engine (the
optimiser, preset and schedule tables), never the function compiler, so the window can
paint before sympy has loaded. (Only :meth:`Session.with_function` without the parameter
names, and reading a file, parse the function.)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from gradient_studio.engine.optimizers import OPTIMIZERS
from gradient_studio.engine.presets import PRESETS, Preset
from gradient_studio.engine.transforms import Training
from gradient_studio.session import limits
from gradient_studio.session.errors import SessionError
from gradient_studio.session.exercise import Exercise
from gradient_studio.session.parts import (
    NAME,
    Look,
    OptimizerSetting,
    Parameter,
    Picture,
    Playback,
    Points,
    View,
    checked,
    unknown,
)

if TYPE_CHECKING:
    from gradient_studio.engine.race import Race
    from gradient_studio.export.style import PictureStyle

DEFAULT_PRESET = "rosenbrock"
DEFAULT_OPTIMIZERS = ("sgd", "momentum", "adam")
MAX_FUNCTION = 2000  # engine.expression.limits.MAX_LENGTH (that package loads the parser)
Choice = tuple[str, tuple[tuple[str, float], ...]]  # (optimiser, ((hyperparameter, value), …))


@dataclass(frozen=True)
class Session:
    """What a person has set up. Make one with :meth:`default` or :meth:`from_preset`, change
    it with the ``with_*`` methods (or ``dataclasses.replace``: every field is checked)."""

    function: str
    parameter_names: tuple[str, ...]  # the names the function uses, in order of appearance
    parameters: tuple[Parameter, ...]  # every parameter remembered, used or not
    optimizers: tuple[OptimizerSetting, ...]  # every optimiser of the engine, in its order
    starts: Points
    steps: int
    view: View
    home: View  # the function's own range: Reset View goes back to it
    preset: str | None = None  # the preset chosen last, while its function is on screen
    picture: Picture = field(default_factory=Picture)
    training: Training = field(default_factory=Training)
    playback: Playback = field(default_factory=Playback)
    exercise: Exercise = field(default_factory=Exercise)

    def __post_init__(self) -> None:
        checked("function", limits.text, self.function, MAX_FUNCTION)
        self._check_parameters()
        self._check_optimizers()
        object.__setattr__(self, "starts", checked("starts", Points, self.starts))
        object.__setattr__(
            self, "steps", checked("steps", limits.whole, self.steps, 1, limits.MAX_STEPS)
        )
        for key in ("view", "home"):
            value = getattr(self, key)
            if not isinstance(value, View):
                object.__setattr__(self, key, checked(key, lambda v: View(*v), value))
        if self.preset is not None and (
            not isinstance(self.preset, str) or self.preset not in PRESETS
        ):
            raise SessionError("preset", unknown("preset", self.preset, PRESETS))
        if self.preset is not None and preset_matching(self.function) != self.preset:
            function = limits.shown(self.function)
            raise SessionError("preset", f"{self.preset} is not the function {function}")
        self._check_sections()

    def _check_optimizers(self) -> None:
        names = tuple(getattr(o, "name", None) for o in self.optimizers)
        if names != tuple(OPTIMIZERS) or not all(
            isinstance(o, OptimizerSetting) for o in self.optimizers
        ):
            raise SessionError(
                "optimizers", "must hold every optimiser once, in the engine's order"
            )

    def _check_sections(self) -> None:
        for key, kind in (
            ("picture", Picture),
            ("training", Training),
            ("playback", Playback),
            ("exercise", Exercise),
        ):
            if not isinstance(getattr(self, key), kind):
                raise SessionError(key, f"must be a {kind.__name__}")
        checked("training.schedule", self.training.schedule.resolved, self.steps)
        step = self.playback.step
        if step is not None and step > self.steps:
            raise SessionError("playback.step", f"{step:g} is past the last step, {self.steps}")

    def _check_parameters(self) -> None:
        names = self.parameter_names
        if not isinstance(names, tuple) or not all(
            isinstance(n, str) and NAME.match(n) for n in names
        ):
            raise SessionError("parameter_names", "must be a tuple of parameter names")
        if not isinstance(self.parameters, tuple) or not all(
            isinstance(p, Parameter) for p in self.parameters
        ):
            raise SessionError("parameters", "must be a tuple of Parameter")
        if len(self.parameters) > limits.MAX_PARAMETERS:
            raise SessionError("parameters", f"at most {limits.MAX_PARAMETERS} are kept")
        known = {p.name for p in self.parameters}
        if len(known) != len(self.parameters):
            raise SessionError("parameters", "names a parameter twice")
        missing = [n for n in names if n not in known]
        if missing:
            raise SessionError(f"parameters.{missing[0]}", "the function uses it: give it a value")

    # -- making one --------------------------------------------------------------------------
    @classmethod
    def default(cls) -> Session:
        """What a first launch shows: the telling Rosenbrock race."""
        return cls.from_preset(DEFAULT_PRESET)

    @classmethod
    def from_preset(
        cls, name: str = DEFAULT_PRESET, ticked: Iterable[str] = DEFAULT_OPTIMIZERS
    ) -> Session:
        """The preset's race (see :meth:`with_preset`) of the optimisers ``ticked``."""
        return cls._blank(ticked).with_preset(name)

    @classmethod
    def from_function(
        cls,
        text: str,
        parameters: Iterable[str] | None = None,
        ticked: Iterable[str] = DEFAULT_OPTIMIZERS,
    ) -> Session:
        """A race on ``text`` as the engine sets one up without a preset: its default view,
        start and steps, every optimiser at its own defaults."""
        return cls._blank(ticked).with_function(text, parameters)

    @classmethod
    def _blank(cls, ticked: Iterable[str]) -> Session:
        chosen = set(ticked)
        view = View(limits.DEFAULT_RANGE, limits.DEFAULT_RANGE)
        return cls(
            function="",
            parameter_names=(),
            parameters=(),
            optimizers=tuple(OptimizerSetting(n, n in chosen) for n in OPTIMIZERS),
            starts=Points([limits.DEFAULT_START]),
            steps=limits.DEFAULT_STEPS,
            view=view,
            home=view,
        )

    # -- reading -----------------------------------------------------------------------------
    @property
    def values(self) -> dict[str, float]:
        """The value of each parameter the function uses, in order."""
        by_name = {p.name: p.value for p in self.parameters}
        return {n: by_name[n] for n in self.parameter_names}

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise SessionError(f"parameters.{name}", f"no parameter {limits.shown(name)} is kept")

    def optimizer(self, name: str) -> OptimizerSetting:
        for o in self.optimizers:
            if o.name == name:
                return o
        raise SessionError(f"optimizers.{name}", unknown("optimiser", name, OPTIMIZERS))

    @property
    def ticked(self) -> tuple[str, ...]:
        """The optimisers that race, in the panel's order."""
        return tuple(o.name for o in self.optimizers if o.ticked)

    def choices(self) -> tuple[Choice, ...]:
        """The ticked optimisers with all their hyperparameters (the worker's race job)."""
        return tuple((o.name, o.hyperparameters) for o in self.optimizers if o.ticked)

    @property
    def start(self) -> tuple[float, float]:
        """The first start (the window has one; issue 16 brings many)."""
        return self.starts[0]

    @property
    def known_preset(self) -> Preset | None:
        """The preset whose known minima hold for what is on screen: its function exactly
        and its own parameter values."""
        preset = PRESETS.get(self.preset) if self.preset is not None else None
        if preset is None or preset.text != self.function:
            return None
        values = self.values
        if any(not math.isclose(values.get(k, math.nan), v) for k, v in preset.values.items()):
            return None
        return preset

    @property
    def title(self) -> str:
        """The preset's name while its function is on screen, else nothing."""
        return PRESETS[self.preset].title if self.preset is not None else ""

    # -- what it makes -----------------------------------------------------------------------
    def race(self) -> Race:
        """The engine's race of the ticked optimisers (parsed and compiled here: an
        ``ExpressionError`` belongs to the function). ValueError if none is ticked."""
        from gradient_studio.engine.race import Race
        from gradient_studio.engine.results import OptimizerChoice

        if not self.ticked:
            raise SessionError("optimizers", "no optimiser is ticked: tick one to race it")
        preset = self.known_preset
        return Race.create(
            function=self.function,
            preset=preset.name if preset is not None else None,
            parameters=self.values,
            optimizers=[OptimizerChoice(n, dict(h)) for n, h in self.choices()],
            starts=list(self.starts),
            steps=self.steps,
            xrange=self.view.x,
            yrange=self.view.y,
            training=self.training,
        )

    def picture_style(self) -> PictureStyle:
        """How exports draw the picture (the View menu's choices)."""
        from gradient_studio.export.style import PictureStyle

        p = self.picture
        return PictureStyle(p.colour_map, p.levels, p.arrows, p.log_colour)

    # -- changes -----------------------------------------------------------------------------
    def with_preset(self, name: str) -> Session:
        """The preset's function, parameter values, view, start and steps, and the learning
        rates under which the optimisers visibly differ on it; the ticks stay."""
        if not isinstance(name, str) or name not in PRESETS:
            raise SessionError("function", unknown("preset", name, PRESETS))
        p = PRESETS[name]
        session = self._with_values(tuple(p.values), p.values)
        optimizers = []
        for o in self.optimizers:
            lr = p.suggested_lr(o.name)
            optimizers.append(
                o.with_value("lr", lr if lr is not None else OPTIMIZERS[o.name].defaults["lr"])
            )
        view = View(p.xrange, p.yrange)
        return replace(
            session,
            function=p.text,
            preset=name,
            optimizers=tuple(optimizers),
            starts=Points([p.start]),
            steps=p.steps,
            view=view,
            home=view,
            playback=self._playhead_within(p.steps),
        )

    def with_function(self, text: str, parameters: Iterable[str] | None = None) -> Session:
        """A new function; ``parameters`` are the names it uses in order (parsed from
        ``text`` if not given). Each keeps the value it had under that name; a new one
        starts at 1. The preset stays while its function does, else it is the preset whose
        function this is, if any."""
        checked("function", limits.text, text, MAX_FUNCTION)
        if parameters is None:
            parameters = checked("function", parsed_parameters, text)
        names = tuple(parameters)
        preset = self.preset
        if preset is None or PRESETS[preset].text != text:
            preset = preset_matching(text)
        return replace(self._with_values(names, {}), function=text, preset=preset)

    def _with_values(self, names: tuple[str, ...], values: Mapping[str, float]) -> Session:
        """The parameters ``names`` in use, with ``values`` laid over those remembered."""
        kept = {p.name: p for p in self.parameters}
        for name in (*names, *values):
            if name not in kept:
                kept[name] = checked(f"parameters.{name}", Parameter.fresh, name)
        for name, value in values.items():
            kept[name] = checked(f"parameters.{name}", kept[name].with_value, value)
        unused = [n for n in kept if n not in names]
        for name in unused[: max(0, len(kept) - limits.MAX_PARAMETERS)]:  # the oldest go
            del kept[name]
        return replace(self, parameter_names=names, parameters=tuple(kept.values()))

    def with_parameter(self, name: str, value: float) -> Session:
        """A parameter's new value; bounds that do not hold it widen, as the slider's do."""
        return self._with_parameter(name, "with_value", value)

    def with_parameter_bounds(self, name: str, low: float, high: float) -> Session:
        """A parameter's slider bounds; its value moves inside them if it must."""
        return self._with_parameter(name, "with_bounds", low, high)

    def _with_parameter(self, name: str, change: str, *args: float) -> Session:
        old = self.parameter(name)
        new = checked(f"parameters.{name}", getattr(old, change), *args)
        return replace(self, parameters=tuple(new if p is old else p for p in self.parameters))

    def with_ticked(self, names: Iterable[str]) -> Session:
        """Race exactly the optimisers ``names`` (in the panel's order, whatever the order
        given)."""
        chosen = set(names)
        for name in chosen:
            if not isinstance(name, str) or name not in OPTIMIZERS:
                raise SessionError(f"optimizers.{name}", unknown("optimiser", name, OPTIMIZERS))
        return replace(
            self, optimizers=tuple(replace(o, ticked=o.name in chosen) for o in self.optimizers)
        )

    def with_hyperparameter(self, optimizer: str, key: str, value: float) -> Session:
        old = self.optimizer(optimizer)
        new = checked(f"optimizers.{optimizer}", old.with_value, key, value)
        return self._with_optimizer(old, new)

    def with_look(self, optimizer: str, look: Look | None) -> Session:
        """An optimiser's own colour and mark (None: the one the picture gives it)."""
        old = self.optimizer(optimizer)
        return self._with_optimizer(
            old, checked(f"optimizers.{optimizer}", replace, old, look=look)
        )

    def _with_optimizer(self, old: OptimizerSetting, new: OptimizerSetting) -> Session:
        return replace(self, optimizers=tuple(new if o is old else o for o in self.optimizers))

    def with_start(self, x: float, y: float) -> Session:
        """Start every optimiser from ``(x, y)``, as a click on the landscape does."""
        return self.with_starts([(x, y)])

    def with_starts(self, points: Iterable[tuple[float, float]]) -> Session:
        return replace(self, starts=checked("starts", Points, list(points)))

    def with_steps(self, steps: int) -> Session:
        steps = checked("steps", limits.whole, steps, 1, limits.MAX_STEPS)
        return replace(self, steps=steps, playback=self._playhead_within(steps))

    def with_view(self, x: tuple[float, float], y: tuple[float, float]) -> Session:
        return replace(self, view=checked("view", lambda v: View(*v), (x, y)))

    def with_home_view(self) -> Session:
        """Back to the function's own range (Reset View)."""
        return replace(self, view=self.home)

    def with_picture(self, **changes: Any) -> Session:
        """The View menu's choices: ``colour_map``, ``levels``, ``colouring``, ``arrows``."""
        return replace(self, picture=checked("picture", replace, self.picture, **changes))

    def with_training(self, training: Training) -> Session:
        return replace(self, training=training)

    def with_playhead(self, step: float | None) -> Session:
        """The playhead at ``step`` (None: at the end, following new races)."""
        return replace(self, playback=checked("playback", replace, self.playback, step=step))

    def with_speed(self, steps_per_second: float) -> Session:
        speed = steps_per_second
        return replace(self, playback=checked("playback", replace, self.playback, speed=speed))

    def with_exercise(self, exercise: Exercise) -> Session:
        return replace(self, exercise=exercise)

    def _playhead_within(self, steps: int) -> Playback:
        step = self.playback.step
        return (
            self.playback
            if step is None or step <= steps
            else replace(self.playback, step=float(steps))
        )


@functools.lru_cache(maxsize=64)
def preset_matching(text: str) -> str | None:
    """The preset whose function is exactly ``text`` (ignoring spaces), if any."""
    bare = text.replace(" ", "")
    return next((n for n, p in PRESETS.items() if p.text.replace(" ", "") == bare), None)


def parsed_parameters(text: str) -> tuple[str, ...]:
    """The parameter names of ``text`` through the engine's parser; ``ValueError`` with the
    parser's message (which names the column) if it is no function."""
    from gradient_studio.engine.expression import ExpressionError, parse_expression

    try:
        return parse_expression(text).parameters
    except ExpressionError as e:
        raise ValueError(e.message) from None
