"""What a session may hold: the ranges of its numbers and the sizes of its files, in one place.

Every range is one the rest of the program already keeps — the engine's hyperparameter
bounds (``Hyperparameter.low``/``high``), its schedules' options, the view's ranges
(``engine.view``), ``export.limits`` for contour levels — or one the window keeps and
cannot import from here without Qt; those are repeated below with where they come from,
and ``tests/session/test_session_limits.py`` holds them equal to their sources:

* the colour maps: ``scene.palette.COLORMAPS``;
* a parameter's value and slider bounds: ``ui.sliders.LIMIT``; a start: ``ui.readout``'s
  ``START_LIMIT``; the steps: ``ui.playback.MAX_STEPS``; the speed: the playback slider.

Each ``check_*`` returns the value cleaned (floats as floats) or raises ``ValueError`` with a
sentence that names no field: the caller knows where the value came from.
"""

from __future__ import annotations

import math
from typing import Any

from gradient_studio.engine import view
from gradient_studio.engine.view import Range

# -- files -------------------------------------------------------------------------------
MAX_FILE_BYTES = 5_000_000  # a session is a few kB; a trajectories .json is read up to this
MAX_DEPTH = 32  # JSON nesting (a session needs 5)
MAX_STRING = 10_000  # characters of any text field (a function has its own 2,000)
MAX_NAME = 100  # characters of a name: a parameter, an optimiser, a colour
MAX_ITEMS = 10_000  # entries of any list or object
MAX_SHARE_CHARS = 2_000_000  # a gstudio: string, before it is decoded

# -- what a session holds ----------------------------------------------------------------
MAX_STEPS = 1_000_000  # ui.playback.MAX_STEPS, and render's --steps
MAX_STARTS = 10_000
MAX_PARAMETERS = 1_000  # remembered parameter values, used or not
MAX_PATTERNS = 1_000  # entries of each exercise list
MAX_VALUE = 1e100  # ui.sliders.LIMIT: a parameter's value and its slider's bounds
MAX_START = 1e12  # ui.readout.START_LIMIT: each coordinate of a start
SPEED = (1.0, 1000.0)  # steps per second: the playback speed slider's bounds
DEFAULT_SPEED = 100.0
# A function without a preset starts as the engine's Race does (engine.race; that module
# loads the function compiler): this view, start and number of steps.
DEFAULT_RANGE = (-2.0, 2.0)
DEFAULT_START = (-1.5, 1.5)
DEFAULT_STEPS = 200
DEFAULT_BOUNDS = (-5.0, 5.0)  # a new parameter's slider (ui.parameter_panel.DEFAULT_BOUNDS)
DEFAULT_VALUE = 1.0  # a new parameter's value

# -- the picture (scene.palette) ---------------------------------------------------------
COLORMAPS: tuple[str, ...] = ("viridis", "cividis", "magma", "plasma", "inferno")
COLOURINGS = ("automatic", "logarithmic", "linear")  # the View menu's Log colouring


def number(value: Any) -> float:
    """``value`` as a finite float; ``ValueError`` for anything else (a bool, a string,
    nan, inf, a whole number too large for a float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number, not {shown(value)}")
    try:
        out = float(value)
    except OverflowError:
        raise ValueError(f"must be a finite number, got {shown(value)}") from None
    if not math.isfinite(out):
        raise ValueError(f"must be a finite number, got {shown(value)}")
    return out


def whole(value: Any, low: int, high: int) -> int:
    """``value`` as an int from ``low`` to ``high`` (``2.0`` is 2; ``2.5`` and ``true`` are
    refused)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be a whole number from {low} to {high}, got {shown(value)}")
    if not low <= value <= high:
        raise ValueError(f"must be from {low} to {high}, got {shown(value)}")
    return value


def within(value: Any, low: float, high: float) -> float:
    """A finite number from ``low`` to ``high``: ``50 is outside 1e-05…10``."""
    out = number(value)
    if not low <= out <= high:
        raise ValueError(f"{out:g} is outside {low:g}…{high:g}")
    return out


def flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {shown(value)}")
    return value


def text(value: Any, longest: int = MAX_STRING) -> str:
    """A string of at most ``longest`` characters that UTF-8 can write (JSON allows lone
    surrogates such as ``"\\ud800"``; a file could not be saved with one)."""
    if not isinstance(value, str):
        raise ValueError(f"must be text, not {shown(value)}")
    if len(value) > longest:
        raise ValueError(f"is {len(value):,} characters long; at most {longest:,} fit")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError(f"holds a character that is not text at position {e.start}") from None
    return value


def check_range(value: Any, what: str = "range") -> Range:
    """A range a view can show (:func:`gradient_studio.engine.view.check_range`), read from
    a file: a list or pair of two numbers (no bools, no text)."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError(f"the {what} must be two numbers [low, high], got {shown(value)}")
    if any(isinstance(v, bool) or not isinstance(v, int | float) for v in value):
        raise ValueError(f"the {what} must be two numbers [low, high], got {shown(value)}")
    try:
        low, high = float(value[0]), float(value[1])
    except OverflowError:
        raise ValueError(f"the {what} must be finite, got a huge number") from None
    return view.check_range((low, high), what)


def check_point(value: Any) -> tuple[float, float]:
    """A start: ``[x, y]``, each finite and within ±``MAX_START``."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError(f"must be a point [x, y], got {shown(value)}")
    x, y = (number(v) for v in value)
    if max(abs(x), abs(y)) > MAX_START:
        raise ValueError(f"({x:g}, {y:g}) is further out than ±{MAX_START:g}")
    return x, y


def widened(bounds: Range, value: float) -> Range:
    """Slider bounds that hold ``value`` with room to move, as a slider widens them when a
    value beyond them is typed (``ui.sliders.widened``): ``(-5, 5)`` and 100 give
    ``(-5, 200)``; never past ±``MAX_VALUE``."""
    low, high = bounds
    if value > high:
        high = 2 * value if value > 0 else value + (high - low)
    if value < low:
        low = 2 * value if value < 0 else value - (high - low)
    return max(low, -MAX_VALUE), min(high, MAX_VALUE)


def shown(value: Any, longest: int = 40) -> str:
    """A JSON value as a person reads it in a message: ``"abc"``, ``null``, ``a list``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "a list" if value else "an empty list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str):
        body = value[: longest + 1].encode("unicode_escape").decode("ascii")
        return f'"{body}"' if len(body) <= longest else f'"{body[:longest]}…"'
    if isinstance(value, int) and abs(value) >= 10**40:
        return "a huge number"
    return repr(value)
