"""What a person types, read and checked: numbers, pairs, ``NAME=VALUE``, optimisers and
sizes — each refused with one line saying what is wrong and what would be
right (a :class:`UsageError`, which :func:`gradient_studio.cli.main` turns into exit 2).

Every command's options are read through these, so the same mistake gets the same line
whichever command it was typed to.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from gradient_studio.engine import OptimizerChoice

PROG = "gradient-studio"
# Options whose value may start with a minus sign: "--start -1.5,2" must work as typed.
NEGATIVE_OK = {"--start", "--xrange", "--yrange", "--lr", "--param"}
NEGATIVE_OK |= {"--clip-norm", "--clip-value", "--noise", "--seed"}  # named, then refused
NEGATIVE_OK |= {"--at"}  # gradient-studio inspect --at -1,2
NEGATIVE_OK |= {"--curvature"}  # render --curvature -1,2


class UsageError(Exception):
    """A problem with what the person typed; becomes one line on stderr and exit 2."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes are :class:`UsageError` s, not exits."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def join_negative_values(argv: Sequence[str]) -> list[str]:
    """Turn ``--start -1.5,2`` into ``--start=-1.5,2``, which argparse understands."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in NEGATIVE_OK and i + 1 < len(argv) and argv[i + 1][:1] == "-":
            nxt = argv[i + 1]
            if len(nxt) > 1 and (nxt[1].isdigit() or nxt[1] == "."):
                out.append(f"{arg}={nxt}")
                i += 2
                continue
        out.append(arg)
        i += 1
    return out


def number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{what}: {text!r} is not a number") from None
    if not math.isfinite(value) or "_" in text:
        raise UsageError(f"{what}: {text!r} is not a finite number")
    return value


def integer(text: str | None, what: str, default: int, low: int, high: int) -> int:
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{what}: {text!r} is not a whole number") from None
    if not low <= value <= high:
        raise UsageError(f"{what} must be between {low} and {high}, got {value}")
    return value


def pair(text: str | None, what: str) -> tuple[float, float] | None:
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != 2:
        raise UsageError(f"{what}: expected two numbers like -1.5,2, got {text!r}")
    return (number(parts[0], what), number(parts[1], what))


def assignment(text: str, what: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise UsageError(f"{what}: expected NAME=VALUE, got {text!r}")
    return name.strip(), number(value.strip(), f"{what} {name.strip()}")


def optimizer(text: str) -> OptimizerChoice:
    """``NAME[:KEY=VALUE,...]`` as the optimiser it names, with those hyperparameters."""
    from gradient_studio.engine import OptimizerChoice

    name, _, rest = text.partition(":")
    hyper = (
        dict(assignment(item, "--optimizer") for item in rest.split(",") if item) if rest else {}
    )
    try:
        return OptimizerChoice(name.strip(), hyper)
    except (KeyError, ValueError) as e:
        raise UsageError(f"--optimizer: {e.args[0]}") from None


def size(text: str | None, default: tuple[int, int]) -> tuple[int, int]:
    if text is None:
        return default
    w, sep, h = text.lower().partition("x")
    try:
        size = (int(w), int(h))
    except ValueError:
        raise UsageError(f"--size: expected WIDTHxHEIGHT like 1200x900, got {text!r}") from None
    from gradient_studio.export.limits import MAX_SIDE, MIN_SIDE

    if not sep or not all(MIN_SIDE <= v <= MAX_SIDE for v in size):
        raise UsageError(
            f"--size: width and height must be {MIN_SIDE} to {MAX_SIDE} pixels, got {text!r}"
        )
    return size


def source_group(parser: argparse.ArgumentParser) -> argparse._MutuallyExclusiveGroup:
    """``--function`` or ``--preset`` (one of them, required); a command may add another
    kind of source to the group it returns."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--function", metavar="TEXT", help="f(x, y), e.g. 'x^2 + 10y^2'")
    source.add_argument("--preset", metavar="NAME", help="a preset (see 'gradient-studio list')")
    return source


def param_option(parser: argparse.ArgumentParser) -> None:
    """``--param NAME=VALUE``, repeatable."""
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a parameter of the function (repeatable)",
    )
