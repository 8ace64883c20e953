"""Exercises: a session can lock or hide the window's controls, as TensorFlow Playground's
``_hide`` does, so that a teacher hands out "find the learning rate that converges in 100
steps" with only that slider free.

A control is named by its place in the session (see :data:`SECTIONS`)::

    function                    the function editor and the preset list
    parameters.a                the slider of the parameter a (its value and its bounds)
    optimizers.adam.ticked      the check box that races Adam
    optimizers.adam.lr          Adam's learning-rate slider (any hyperparameter by its key)
    starts  steps  view  picture  training  playback

A pattern names every control it is a prefix of, segment by segment, ``*`` standing for any
one segment: ``optimizers`` is every optimiser control, ``optimizers.*.lr`` every learning
rate, ``*`` everything. A control is **hidden** if a ``hidden`` pattern names it; else
**free** if a ``free`` pattern names it; else **locked** if a ``locked`` pattern names it;
else free. So ``locked: ["*"], free: ["optimizers.sgd.lr"]`` leaves one slider to move.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from gradient_studio.engine.optimizers import OPTIMIZERS
from gradient_studio.session import limits
from gradient_studio.session.errors import SessionError
from gradient_studio.session.parts import NAME, checked

#: The sections of a session that have controls; ``parameters`` and ``optimizers`` go deeper.
SECTIONS = (
    "function",
    "parameters",
    "optimizers",
    "starts",
    "steps",
    "view",
    "picture",
    "training",
    "playback",
)
KEYS = {key for spec in OPTIMIZERS.values() for key in spec.defaults}


class Access(StrEnum):
    """What a person may do with a control."""

    FREE = "free"
    LOCKED = "locked"  # shown, greyed, with a tooltip saying the exercise fixes it
    HIDDEN = "hidden"  # not shown at all


@dataclass(frozen=True)
class Exercise:
    """Which controls are locked, hidden or (despite a lock) free: lists of patterns."""

    locked: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    free: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for which in ("locked", "hidden", "free"):
            patterns = getattr(self, which)
            if not isinstance(patterns, tuple) or len(patterns) > limits.MAX_PATTERNS:
                raise SessionError(which, f"must be a list of at most {limits.MAX_PATTERNS} names")
            for i, pattern in enumerate(patterns):
                checked(f"{which}[{i}]", check_pattern, pattern)

    def __bool__(self) -> bool:
        """True if the session is an exercise (anything locked or hidden)."""
        return bool(self.locked or self.hidden)

    def access(self, control: str) -> Access:
        """What a person may do with ``control`` (``"optimizers.adam.lr"``)."""
        path = control.split(".")
        if any(names(p, path) for p in self.hidden):
            return Access.HIDDEN
        if any(names(p, path) for p in self.free):
            return Access.FREE
        if any(names(p, path) for p in self.locked):
            return Access.LOCKED
        return Access.FREE


def names(pattern: str, path: list[str]) -> bool:
    """True if ``pattern`` names the control at ``path`` (a prefix, ``*`` any segment)."""
    segments = pattern.split(".")
    return len(segments) <= len(path) and all(
        s in ("*", p) for s, p in zip(segments, path, strict=False)
    )


def check_pattern(pattern: object) -> str:
    """``pattern`` if it can name a control of some session, else ``ValueError`` with what
    is known there."""
    text = limits.text(pattern, 200)
    segments = text.split(".")
    head = segments[0]
    if head != "*" and head not in SECTIONS:
        raise ValueError(_unknown(text, head, SECTIONS))
    deepest = {"parameters": 2, "optimizers": 3, "*": 3}.get(head, 1)
    if len(segments) > deepest:
        raise ValueError(f"{limits.shown(text)} names no control: {head} goes {deepest} deep")
    if head == "parameters" and len(segments) == 2 and not _names_parameter(segments[1]):
        raise ValueError(f"{limits.shown(segments[1])} is not a parameter name")
    if head == "optimizers" and len(segments) >= 2:
        name = segments[1]
        if name != "*" and name not in OPTIMIZERS:
            raise ValueError(_unknown(text, name, OPTIMIZERS))
        if len(segments) == 3 and segments[2] != "*":
            keys = {"ticked", *(KEYS if name == "*" else OPTIMIZERS[name].defaults)}
            if segments[2] not in keys:
                raise ValueError(_unknown(text, segments[2], sorted(keys)))
    return text


def _unknown(pattern: str, segment: str, known: Iterable[str]) -> str:
    names_known = list(known)
    close = difflib.get_close_matches(segment, names_known, n=1)
    hint = f" (did you mean {close[0]}?)" if close else f" (known there: {', '.join(names_known)})"
    return f"{limits.shown(pattern)} names no control: unknown {limits.shown(segment)}{hint}"


def _names_parameter(segment: str) -> bool:
    return segment == "*" or NAME.match(segment) is not None
