"""``gradient-studio basins``, ``sweep`` and ``hypermap``: the maps of many runs, headless.

* ``basins`` — every point of a grid over the view is a start; the picture colours each by
  the attractor its run ends at (or how else it ended); the numbers give every start.
* ``sweep`` — each optimiser from one start at learning rates log-spaced over a range: the
  final f (or the steps to converge), diverged runs, the edges 2/λmax and (2+2β)/λmax.
* ``hypermap`` — one optimiser over a grid of two of its hyperparameters, coloured by final f.

Mistakes end as every command's do (see :mod:`gradient_studio.cli`): exit status 2 and one
line on stderr, before any work, and no file touched. Runs keep no histories (memory stays
at a few arrays of the grid's size), and a map big enough to be worth it is run through the
compiled kernel (compiled once, then loaded from the disk cache). The engine is imported
only when a command runs.
"""

from __future__ import annotations

import argparse
from typing import Any

from gradient_studio.cli import arguments, output, races, training
from gradient_studio.cli.arguments import UsageError

COMMANDS = ("basins", "sweep", "hypermap")
MAX_SIDE = 1000  # the most starts (or values) along one side of a map
MAX_POINTS = 10_000  # the most learning rates of a sweep
COMPILE_ABOVE = 2_000_000  # run-steps from which compiling the kernel (~1.5 s) pays
_FORMATS = (".png", ".svg", ".csv", ".json")


def add_parsers(commands: Any) -> None:
    """Add ``basins``, ``sweep`` and ``hypermap`` to the ``gradient-studio`` subcommands."""
    basins = commands.add_parser(
        "basins",
        help="colour every start of a grid by where an optimiser's run from it ends",
        description="Run one optimiser from every point of a grid over the view and write the "
        "basin map: a picture (.png, .svg) coloured by the attractor each run ends at, or every "
        "start's end (.csv) and the attractors with their shares (.json). Example: "
        "gradient-studio basins --preset himmelblau --optimizer newton --out basins.png",
    )
    _source(basins)
    basins.add_argument(
        "--optimizer",
        required=True,
        metavar="NAME[:KEY=VALUE,...]",
        help="the optimiser, with hyperparameters, e.g. sgd:lr=0.01",
    )
    basins.add_argument("--grid", metavar="NxM", help="N starts across, M down (default 200x200)")
    basins.add_argument("--steps", metavar="N", help="the most steps of each run (default 300)")
    basins.add_argument("--xrange", metavar="A,B", help="the grid's x range (default: the view)")
    basins.add_argument("--yrange", metavar="C,D", help="the grid's y range (default: the view)")
    _output(basins)

    sweep = commands.add_parser(
        "sweep",
        help="run optimisers from one start across a range of learning rates",
        description="Run each optimiser from one start at learning rates log-spaced over a "
        "range (both ends included) and write the final f against the learning rate "
        "(.png, .svg) or the numbers (.csv, .json), with the stability edges 2/λmax (gradient "
        "descent) and (2+2β)/λmax (momentum) of the Hessian at the start. Example: "
        "gradient-studio sweep --preset rosenbrock --optimizer sgd --optimizer adam "
        "--out sweep.png",
    )
    _source(sweep)
    sweep.add_argument(
        "--optimizer",
        action="append",
        default=[],
        required=True,
        metavar="NAME[:KEY=VALUE,...]",
        help="an optimiser (repeatable), with hyperparameters other than lr",
    )
    sweep.add_argument("--start", metavar="X,Y", help="the start (default: the preset's)")
    sweep.add_argument(
        "--lr-range", metavar="A,B", help="learning rates from A to B (default 1e-5,10)"
    )
    sweep.add_argument("--points", metavar="N", help="how many learning rates (default 60)")
    sweep.add_argument("--steps", metavar="N", help="the most steps of each run (default 500)")
    sweep.add_argument(
        "--measure",
        choices=("final_f", "steps"),
        default="final_f",
        help="what the picture shows: final f (default) or the steps to converge",
    )
    _output(sweep)

    hyper = commands.add_parser(
        "hypermap",
        help="run one optimiser over a grid of two of its hyperparameters",
        description="Run one optimiser from one start at every pair of values of two of its "
        "hyperparameters and write the map of final f (.png, .svg; diverged in black) or the "
        "numbers (.csv, .json). Example: gradient-studio hypermap --function '0.5x^2 + 50y^2' "
        "--optimizer momentum --vary lr=1e-4,0.1:log --vary momentum=0,0.99 --start 1,1 "
        "--out phase.png",
    )
    _source(hyper)
    hyper.add_argument(
        "--optimizer",
        required=True,
        metavar="NAME[:KEY=VALUE,...]",
        help="the optimiser, with the hyperparameters that stay fixed",
    )
    hyper.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="KEY=A,B[:log]",
        help="a hyperparameter from A to B, log-spaced with :log (give two: x, then y)",
    )
    hyper.add_argument("--grid", metavar="NxM", help="N values across, M down (default 100x100)")
    hyper.add_argument("--start", metavar="X,Y", help="the start (default: the preset's)")
    hyper.add_argument("--steps", metavar="N", help="the most steps of each run (default 300)")
    _output(hyper)


def _source(parser: argparse.ArgumentParser) -> None:
    arguments.source_group(parser)
    arguments.param_option(parser)


def _output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--size", metavar="WxH", help="picture size in pixels (default 1200x900)")
    parser.add_argument(
        "--out", required=True, metavar="FILE", help="output: .png .svg .csv or .json"
    )
    training.add_options(parser)


def grid(text: str | None, default: tuple[int, int]) -> tuple[int, int]:
    """``NxM`` as (rows, cols) = (M, N), each side 1 to :data:`MAX_SIDE`."""
    if text is None:
        return default
    n, sep, m = text.lower().partition("x")
    try:
        cols, rows = int(n), int(m)
    except ValueError:
        raise UsageError(f"--grid: expected NxM like 200x200, got {text!r}") from None
    if not sep or not (1 <= cols <= MAX_SIDE and 1 <= rows <= MAX_SIDE):
        raise UsageError(f"--grid: each side must be 1 to {MAX_SIDE}, got {text!r}")
    return rows, cols


def vary(text: str) -> Any:
    """``KEY=A,B[:log]`` as an :class:`~gradient_studio.engine.sweeps.Axis`."""
    from gradient_studio.engine.sweeps import Axis

    name, sep, rest = text.partition("=")
    span, colon, scale = rest.partition(":")
    if not sep or not name.strip() or (colon and scale.strip() not in ("log", "linear")):
        raise UsageError(f"--vary: expected KEY=A,B or KEY=A,B:log, got {text!r}")
    pair = arguments.pair(span, f"--vary {name.strip()}")
    assert pair is not None
    return Axis(name.strip(), pair[0], pair[1], scale.strip() == "log")


def run(args: argparse.Namespace) -> int:
    """Run ``basins``, ``sweep`` or ``hypermap`` with its parsed arguments."""
    out = output.check_out(args.out)
    ext = out.suffix.lower()
    if ext not in _FORMATS:
        raise UsageError(f"--out: a map is written as {' '.join(_FORMATS)}, not {ext}")
    if args.size is not None and ext not in (".png", ".svg"):
        raise UsageError(f"--size applies only to pictures (.png .svg), not {ext}")
    size = arguments.size(args.size, (1200, 900))

    values = races.parameters(args)
    chosen = [args.optimizer] if isinstance(args.optimizer, str) else args.optimizer
    choices = [arguments.optimizer(o) for o in chosen]
    tools = training.from_args(args)
    race = races.function_race(
        args,
        values,
        optimizers=choices if args.command != "sweep" else [],
        starts=[p for p in (arguments.pair(getattr(args, "start", None), "--start"),) if p],
        xrange=arguments.pair(getattr(args, "xrange", None), "--xrange"),
        yrange=arguments.pair(getattr(args, "yrange", None), "--yrange"),
        training=tools,
    )
    objective = race.objective()
    try:
        m = {"basins": _basins, "sweep": _sweep, "hypermap": _hypermap}[args.command](
            args, race, choices
        )
    except (KeyError, ValueError) as e:
        raise UsageError(str(e.args[0]) if e.args else str(e)) from None
    from gradient_studio.engine import PRESETS
    from gradient_studio.export.maps import write_map

    name = PRESETS[race.preset].title if race.preset else ""
    try:
        write_map(
            out, m, objective, size=size, name=name, measure=getattr(args, "measure", "final_f")
        )
    except OSError as e:
        raise UsageError(f"--out: could not write {str(out)!r}: {e.strerror or e}") from None
    except ValueError as e:
        raise UsageError(f"--out: could not write {str(out)!r}: {e}") from None
    return 0


def _steps(args: argparse.Namespace, default: int) -> int:
    return arguments.integer(args.steps, "--steps", default, 1, 1_000_000)


def _compiled(runs: int, steps: int) -> bool:
    """Whether to compile the kernel for this much work (numpy is quicker below it)."""
    return runs * steps > COMPILE_ABOVE


def _basins(args: argparse.Namespace, race: Any, choices: list[Any]) -> Any:
    from gradient_studio.engine import PRESETS
    from gradient_studio.engine.basins import basin_map
    from gradient_studio.engine.maps import check_work

    rows, cols = grid(args.grid, (200, 200))
    steps = _steps(args, 300)
    _work(check_work, rows * cols, steps)
    known = PRESETS[race.preset].minima if race.preset else ()
    return basin_map(
        race.objective(),
        race.optimizers[0],
        race.xrange,
        race.yrange,
        (rows, cols),
        steps,
        training=race.training,
        known=known,
        compiled=_compiled(rows * cols, steps),
    )


def _sweep(args: argparse.Namespace, race: Any, choices: list[Any]) -> Any:
    from gradient_studio.engine.maps import check_work
    from gradient_studio.engine.sweeps import DEFAULT_LR_RANGE, lr_sweep

    for c in choices:
        if "lr" in c.hyperparameters:
            raise UsageError(
                f"--optimizer {c.name}: the sweep sets lr itself; give other hyperparameters only"
            )
    lr_range = arguments.pair(args.lr_range, "--lr-range") or DEFAULT_LR_RANGE
    points = arguments.integer(args.points, "--points", 60, 1, MAX_POINTS)
    steps = _steps(args, 500)
    _work(check_work, points * len(choices), steps)
    try:
        return lr_sweep(
            race.objective(),
            choices,
            race.starts[0],
            lr_range,
            points,
            steps,
            training=race.training,
            compiled=_compiled(points * len(choices), steps),
        )
    except ValueError as e:
        raise UsageError(f"--lr-range: {e.args[0]}") from None


def _hypermap(args: argparse.Namespace, race: Any, choices: list[Any]) -> Any:
    from gradient_studio.engine.maps import check_work
    from gradient_studio.engine.sweeps import check_axes, hyper_map

    if len(args.vary) != 2:
        raise UsageError(f"--vary: give exactly two (x, then y), got {len(args.vary)}")
    x, y = (vary(v) for v in args.vary)
    choice = race.optimizers[0]
    try:
        check_axes(choice, x, y)
    except (KeyError, ValueError) as e:
        raise UsageError(f"--vary: {e.args[0]}") from None
    rows, cols = grid(args.grid, (100, 100))
    steps = _steps(args, 300)
    _work(check_work, rows * cols, steps)
    return hyper_map(
        race.objective(),
        choice,
        x,
        y,
        race.starts[0],
        (rows, cols),
        steps,
        training=race.training,
        compiled=_compiled(rows * cols, steps),
    )


def _work(check: Any, runs: int, steps: int) -> None:
    try:
        check(runs, steps)
    except ValueError as e:
        raise UsageError(f"--steps: {e.args[0]}") from None
