"""The race a command's options ask for, on ``--function`` or ``--preset`` with ``--param``:
built by the engine, its refusals turned into the command's one line, and a parameter the
function does not have named with the ones it has."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from gradient_studio.cli.arguments import UsageError, assignment

if TYPE_CHECKING:
    from gradient_studio.engine import Race


def parameters(args: argparse.Namespace) -> dict[str, float]:
    """``--param NAME=VALUE`` (repeatable) as a mapping."""
    return dict(assignment(p, "--param") for p in args.param)


def function_race(args: argparse.Namespace, values: Mapping[str, float], **given: Any) -> Race:
    """``Race.create`` on the function or preset of ``args`` with the parameter ``values``
    and what else the command ``given``, its parameters checked against the function's."""
    from gradient_studio.engine import ExpressionError, Race

    try:
        race = Race.create(function=args.function, preset=args.preset, parameters=values, **given)
    except ExpressionError as e:
        raise UsageError(f"--function: {e.message}") from None
    except (KeyError, ValueError) as e:
        raise UsageError(str(e.args[0]) if e.args else str(e)) from None
    check_parameters(values, race.objective().parameters)
    return race


def check_parameters(given: Iterable[str], has: Iterable[str], what: str = "function") -> None:
    """A usage error naming the first of the ``given`` parameter names the ``what`` does
    not have, with the ones it ``has``."""
    known = list(has)
    unknown = sorted(set(given) - set(known))
    if unknown:
        listed = ", ".join(known) or "none"
        raise UsageError(f"--param: the {what} has no parameter {unknown[0]!r} (it has: {listed})")
