"""The pieces a :class:`~gradient_studio.session.model.Session` is made of, each a frozen value
that checks itself when it is made, so that a session can only ever hold what it may.

A piece that is wrong raises :class:`~gradient_studio.session.errors.SessionError` whose
path is the field inside the piece (``value``, ``hyperparameters.lr``); whoever made it adds
where the piece sits (``parameters[0]``, ``optimizers.adam``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from gradient_studio.engine.optimizers import OPTIMIZERS
from gradient_studio.engine.view import Range
from gradient_studio.export.limits import check_levels
from gradient_studio.session import limits
from gradient_studio.session.errors import SessionError

NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
COLOUR = re.compile(r"#[0-9A-Fa-f]{6}\Z")
#: The marks a path's head may take: pyqtgraph's symbol names, with the same shape as a
#: character for text (``scene.palette.OptimizerStyle`` has both).
MARKERS: dict[str, str] = {
    "o": "●",
    "s": "■",
    "d": "◆",
    "t": "▼",
    "t1": "▲",
    "t2": "▶",
    "t3": "◀",
    "p": "⬟",
    "h": "⬢",
    "star": "★",
}


def checked(path: str, check: Any, value: Any, *args: Any, **keywords: Any) -> Any:
    """``check(value, *args, **keywords)`` with a ``ValueError`` turned into a SessionError
    at ``path``."""
    try:
        return check(value, *args, **keywords)
    except SessionError as e:
        raise e.within(path) from None
    except ValueError as e:
        raise SessionError(path, str(e)) from None


@dataclass(frozen=True)
class Parameter:
    """A parameter of the function: its value and its slider's bounds. Values are kept for
    names the function no longer uses, so a name that comes back gets them back."""

    name: str
    value: float
    low: float = limits.DEFAULT_BOUNDS[0]
    high: float = limits.DEFAULT_BOUNDS[1]

    def __post_init__(self) -> None:
        checked("name", limits.text, self.name, limits.MAX_NAME)
        if not NAME.match(self.name):
            raise SessionError("name", f"{limits.shown(self.name)} is not a parameter name")
        big = limits.MAX_VALUE
        for key in ("value", "low", "high"):
            object.__setattr__(
                self, key, checked(key, limits.within, getattr(self, key), -big, big)
            )
        if not self.low < self.high:
            raise SessionError("high", f"must be above low ({self.low:g}), got {self.high:g}")
        if not self.low <= self.value <= self.high:
            raise SessionError(
                "value", f"{self.value:g} is outside its slider's {self.low:g}…{self.high:g}"
            )

    @classmethod
    def fresh(cls, name: str, value: float = limits.DEFAULT_VALUE) -> Parameter:
        """A parameter seen for the first time: the default slider, widened to hold ``value``."""
        value = checked("value", limits.within, value, -limits.MAX_VALUE, limits.MAX_VALUE)
        return cls(name, value, *limits.widened(limits.DEFAULT_BOUNDS, value))

    def with_value(self, value: float) -> Parameter:
        """A new value; bounds that do not hold it widen, as the slider's do when typed into."""
        value = checked("value", limits.within, value, -limits.MAX_VALUE, limits.MAX_VALUE)
        low, high = limits.widened((self.low, self.high), value)
        return replace(self, value=value, low=low, high=high)

    def with_bounds(self, low: float, high: float) -> Parameter:
        """New slider bounds; the value moves inside them if it must, as the slider's does."""
        low = checked("low", limits.within, low, -limits.MAX_VALUE, limits.MAX_VALUE)
        high = checked("high", limits.within, high, -limits.MAX_VALUE, limits.MAX_VALUE)
        if not low < high:
            raise SessionError("high", f"must be above low ({low:g}), got {high:g}")
        return replace(self, value=min(max(self.value, low), high), low=low, high=high)


@dataclass(frozen=True)
class Look:
    """An optimiser's own colour (``#rrggbb``) and mark, replacing the style the picture
    gives it by name (``scene.palette.optimizer_style``); ``marker`` None keeps its mark."""

    colour: str
    marker: str | None = None

    def __post_init__(self) -> None:
        checked("colour", limits.text, self.colour, limits.MAX_NAME)
        if not COLOUR.match(self.colour):
            raise SessionError("colour", f"must be #rrggbb, got {limits.shown(self.colour)}")
        if self.marker is not None and (
            not isinstance(self.marker, str) or self.marker not in MARKERS
        ):
            raise SessionError(
                "marker", f"must be one of {', '.join(MARKERS)}, got {limits.shown(self.marker)}"
            )

    @property
    def glyph(self) -> str | None:
        return MARKERS[self.marker] if self.marker is not None else None


@dataclass(frozen=True)
class OptimizerSetting:
    """One optimiser of the panel: ticked or not, every hyperparameter (in the engine's
    order) and, if a person chose one, its own look."""

    name: str
    ticked: bool = False
    hyperparameters: tuple[tuple[str, float], ...] = ()
    look: Look | None = None

    def __post_init__(self) -> None:
        spec = OPTIMIZERS.get(self.name) if isinstance(self.name, str) else None
        if spec is None:
            raise SessionError("name", unknown("optimiser", self.name, OPTIMIZERS))
        checked("ticked", limits.flag, self.ticked)
        given = dict(self.hyperparameters)
        if len(given) != len(self.hyperparameters):
            raise SessionError("hyperparameters", "names a hyperparameter twice")
        for key in given:
            if key not in spec.defaults:
                raise SessionError(f"hyperparameters.{key}", unknown_hyperparameter(self.name, key))
        values = tuple(
            (
                h.name,
                checked(
                    f"hyperparameters.{h.name}",
                    limits.within,
                    given.get(h.name, h.default),
                    h.low,
                    h.high,
                ),
            )
            for h in spec.hyperparameters
        )
        object.__setattr__(self, "hyperparameters", values)
        if self.look is not None and not isinstance(self.look, Look):
            raise SessionError("look", "must be a colour and a mark")

    @property
    def values(self) -> dict[str, float]:
        return dict(self.hyperparameters)

    def with_value(self, key: str, value: float) -> OptimizerSetting:
        values = self.values
        if key not in values:
            raise SessionError(f"hyperparameters.{key}", unknown_hyperparameter(self.name, key))
        values[key] = value
        return replace(self, hyperparameters=tuple(values.items()))


def check_hyperparameter(optimizer: str, key: str, value: Any) -> float:
    """``value`` for the hyperparameter ``key`` of ``optimizer``, within the engine's range
    (the slider's, and where the rule is defined: beta1 = 1 divides by 0)."""
    h = OPTIMIZERS[optimizer].hyperparameter(key)
    return limits.within(value, h.low, h.high)


def unknown_hyperparameter(optimizer: str, key: Any) -> str:
    return unknown(f"hyperparameter of {optimizer}", key, OPTIMIZERS[optimizer].defaults)


def unknown(what: str, name: Any, known: Iterable[str]) -> str:
    """``unknown optimiser "adamm" (did you mean adam? known: sgd, …)``."""
    import difflib

    names = list(known)
    if not isinstance(name, str):
        return f"must be the name of an {what}, not {limits.shown(name)}"
    close = difflib.get_close_matches(name[: limits.MAX_NAME], names, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return f"unknown {what} {limits.shown(name)} ({hint}known: {', '.join(names)})"


@dataclass(frozen=True)
class Picture:
    """How the landscape is drawn: the View menu's choices."""

    colour_map: str = limits.COLORMAPS[0]
    levels: int = 20
    colouring: str = "automatic"  # "logarithmic", "linear": log f or f; automatic by f's span
    arrows: bool = False

    def __post_init__(self) -> None:
        if self.colour_map not in limits.COLORMAPS:
            raise SessionError(
                "colour_map", unknown("colour map", self.colour_map, limits.COLORMAPS)
            )
        checked("levels", check_levels, self.levels)
        if self.colouring not in limits.COLOURINGS:
            raise SessionError("colouring", unknown("colouring", self.colouring, limits.COLOURINGS))
        checked("arrows", limits.flag, self.arrows)

    @property
    def log_colour(self) -> bool | None:
        """As :class:`~gradient_studio.export.PictureStyle` and the scene take it."""
        return {"automatic": None, "logarithmic": True, "linear": False}[self.colouring]


@dataclass(frozen=True)
class Playback:
    """The playhead (``step`` None: at the end, following new races) and its speed."""

    step: float | None = None
    speed: float = limits.DEFAULT_SPEED

    def __post_init__(self) -> None:
        if self.step is not None:
            object.__setattr__(
                self, "step", checked("step", limits.within, self.step, 0, limits.MAX_STEPS)
            )
        object.__setattr__(
            self, "speed", checked("speed", limits.within, self.speed, *limits.SPEED)
        )


class Points(tuple[tuple[float, float], ...]):
    """Start points, each checked once when the tuple is made (a session replaced on every
    slider step passes the same tuple on without checking its thousands of points again)."""

    __slots__ = ()

    def __new__(cls, points: Iterable[Any] = ()) -> Points:
        if isinstance(points, Points):
            return points
        if not isinstance(points, list | tuple):
            raise SessionError("", f"must be a list of points [x, y], not {limits.shown(points)}")
        if not 1 <= len(points) <= limits.MAX_STARTS:
            raise SessionError(
                "", f"must hold 1 to {limits.MAX_STARTS:,} starts, got {len(points)}"
            )
        return super().__new__(
            cls, (checked(f"[{i}]", limits.check_point, p) for i, p in enumerate(points))
        )


@dataclass(frozen=True)
class View:
    """An x range and a y range, each ``(low, high)``, that a picture can show."""

    x: Range
    y: Range

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", checked("x", limits.check_range, self.x, "x range"))
        object.__setattr__(self, "y", checked("y", limits.check_range, self.y, "y range"))

    def __iter__(self) -> Iterator[Range]:
        """``x, y = view``, as the scene's ``set_view(x, y)`` takes them."""
        return iter((self.x, self.y))
