"""``gradient-studio inspect``: the gradient, the Hessian and its eigen-data at a point, or
one step of a run written out with its numbers — without a window.

Mistakes end as every command's do (see :mod:`gradient_studio.cli`): exit status 2 and one
line on stderr. The engine is imported only when the command runs.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from gradient_studio.cli import arguments, races, training
from gradient_studio.cli.arguments import UsageError


def add_parser(commands: Any) -> None:
    """Add ``inspect`` to the ``gradient-studio`` subcommands."""
    inspect = commands.add_parser(
        "inspect",
        help="show the gradient, the Hessian and its eigenvalues at a point, or one step of a run",
        description="Print f, the gradient, the Hessian, its eigenvalues and eigenvectors, the "
        "condition number and the stability edge 2/λ₂ at a point (--at); or, with --step, "
        "one step of an optimiser's run written out with the numbers it used. Example: "
        "gradient-studio inspect --preset rosenbrock --at 1,1",
    )
    arguments.source_group(inspect)
    arguments.param_option(inspect)
    where = inspect.add_mutually_exclusive_group(required=True)
    where.add_argument("--at", metavar="X,Y", help="the point to look at")
    where.add_argument(
        "--step", metavar="K", help="the step of the run to write out (0: the first step)"
    )
    run = inspect.add_argument_group("the run, with --step")
    run.add_argument(
        "--optimizer",
        metavar="NAME[:KEY=VALUE,...]",
        help="the optimiser, with hyperparameters (default sgd), e.g. adam:lr=0.05",
    )
    run.add_argument("--start", metavar="X,Y", help="the start point (default: the preset's)")
    run.add_argument(
        "--steps", metavar="N", help="the run's length, for a schedule (default: K + 1)"
    )
    inspect.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or json"
    )
    training.add_options(inspect)


def run(args: argparse.Namespace) -> int:
    """Run ``gradient-studio inspect`` with its parsed arguments."""
    values = races.parameters(args)
    at = arguments.pair(args.at, "--at")
    if at is not None:
        given = [f"--{n}" for n in ("optimizer", "start", "steps") if getattr(args, n) is not None]
        given += [
            o
            for o in ("--schedule", "--clip-norm", "--clip-value", "--noise", "--seed")
            if getattr(args, o[2:].replace("-", "_")) is not None
        ]
        if given:
            raise UsageError(f"{given[0]} applies only with --step")
    step = arguments.integer(args.step, "--step", 0, 0, 1_000_000) if args.step is not None else 0
    steps = arguments.integer(args.steps, "--steps", step + 1, 1, 1_000_000)
    if at is None and step >= steps:
        raise UsageError(f"--step {step} needs a run of more steps than --steps {steps}")
    race = races.function_race(
        args,
        values,
        optimizers=[arguments.optimizer(args.optimizer or "sgd")],
        starts=[p for p in (arguments.pair(args.start, "--start"),) if p],
        steps=steps,
        training=training.from_args(args) if at is None else None,
    )
    objective = race.objective()
    if at is not None:
        return _at(objective, at, args.format)
    return _step(race, step, args.format)


def _curvature(objective: Any, point: tuple[float, float], what: str) -> Any:
    from gradient_studio.engine.curvature import curvature_at

    c = curvature_at(objective, point)
    where = f"({point[0]:g}, {point[1]:g})"
    if math.isnan(c.f):
        raise UsageError(f"{what}: f is undefined at {where}: the point is outside the domain")
    if not c.defined:
        raise UsageError(
            f"{what}: f, its gradient or its Hessian is not finite at {where} "
            "(the edge of the domain?)"
        )
    return c


def _at(objective: Any, point: tuple[float, float], format: str) -> int:
    c = _curvature(objective, point, "--at")
    if format == "json":
        print(json.dumps(c.to_dict(), indent=2))
    else:
        print(f"f(x, y) = {_described(objective)}")
        print(c.describe())
    return 0


def _step(race: Any, k: int, format: str) -> int:
    from gradient_studio.engine.inspector import StepInspector

    result = race.run()
    inspector = StepInspector(result, 0, 0)
    t = result.trajectory(0, 0)
    if k > t.stop:
        why = "; ".join(t.notes) or t.status
        raise UsageError(f"--step: the run stopped at step {t.stop} ({why})")
    inspection = inspector.at(k)
    if format == "json":
        print(json.dumps(_inspection_dict(inspection), indent=2, ensure_ascii=False))
        return 0
    print(f"f(x, y) = {_described(race.objective())}, from ({t.start[0]:g}, {t.start[1]:g})")
    print(inspection.text())
    c = _curvature(race.objective(), inspection.point, "--step")
    print()
    print("Curvature at the point:")
    print(c.describe())
    return 0


def _described(objective: Any) -> str:
    values = ", ".join(f"{k} = {v:g}" for k, v in objective.values.items())
    return f"{objective.text}" + (f" with {values}" if values else "")


def _inspection_dict(s: Any) -> dict[str, Any]:
    """The step as JSON: its numbers, and its lines as the text prints them."""
    return {
        "optimizer": s.optimizer,
        "step": s.step,
        "point": list(s.point),
        "f": s.f,
        "gradient": list(s.gradient),
        "grad_norm": s.grad_norm,
        "seen_gradient": list(s.seen_gradient),
        "hyperparameters": {v.name: v.value for v in s.hyperparameters},
        "state": {v.name: {"before": _plain(v.value), "after": _plain(v.after)} for v in s.state},
        "next_point": None if s.next_point is None else list(s.next_point),
        "lines": [text for _, text in s.lines()],
    }


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v
