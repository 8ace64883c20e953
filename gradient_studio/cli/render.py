"""``gradient-studio render``: run optimisers headless and write trajectories (.csv, .json),
a picture (.png, .svg) or an animation (.gif).

Everything is checked before any work: the ``--out`` file, the picture's size and frames
against the export limits, the race's size, the view. The function, a model
(:mod:`gradient_studio.cli.model`) or a session file (:mod:`gradient_studio.cli.session`)
gives the race.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from gradient_studio.cli import glyphs, model, races, session, training
from gradient_studio.cli.arguments import (
    assignment,
    integer,
    number,
    optimizer,
    pair,
    param_option,
    source_group,
)
from gradient_studio.cli.output import (
    check_out,
    check_view,
    check_work,
    picture_options,
    write,
)
from gradient_studio.export import IMAGE_FORMATS

if TYPE_CHECKING:
    from gradient_studio.engine import Race


def add_parser(commands: Any) -> None:
    """Add ``render`` to the ``gradient-studio`` subcommands."""
    render = commands.add_parser(
        "render",
        help="run optimisers headless and write the result to a file",
        description="Run optimisers on a function and write trajectories (.csv, .json), "
        "a picture (.png, .svg) or an animation (.gif). Example: gradient-studio render "
        "--preset rosenbrock --optimizer sgd --optimizer adam:lr=0.05 --out race.png",
    )
    source = source_group(render)
    session.add_source(source)
    param_option(render)
    render.add_argument(
        "--optimizer",
        action="append",
        default=[],
        metavar="NAME[:KEY=VALUE,...]",
        help="an optimiser, with hyperparameters (repeatable; default sgd), e.g. adam:lr=0.05",
    )
    render.add_argument(
        "--lr", metavar="VALUE", help="learning rate of every optimiser not given one"
    )
    render.add_argument(
        "--start", action="append", default=[], metavar="X,Y", help="a start point (repeatable)"
    )
    render.add_argument("--steps", metavar="N", help="the most steps to take (default: 200)")
    render.add_argument("--xrange", metavar="A,B", help="the view's x range")
    render.add_argument("--yrange", metavar="C,D", help="the view's y range")
    render.add_argument("--size", metavar="WxH", help="image size in pixels (default 1200x900)")
    render.add_argument("--frames", metavar="N", help="GIF frames (default 120)")
    render.add_argument("--fps", metavar="N", help="GIF frames per second (default 30)")
    render.add_argument(
        "--out", required=True, metavar="FILE", help="output: .csv .json .png .svg or .gif"
    )
    training.add_options(render)
    session.add_options(render)
    model.add_model_options(render, source)
    glyphs.add_options(render)


def run(args: argparse.Namespace) -> int:
    """Run ``gradient-studio render`` with its parsed arguments."""
    if args.session is not None:
        model.refuse_model_options(args)
        return session.render(args)
    out = check_out(args.out)
    ext = out.suffix.lower()
    image_options = picture_options(args, ext)
    drawn = glyphs.from_args(args, ext)

    race = model.model_race(args)
    if race is not None:
        given = [assignment(p, "--param")[0] for p in args.param]
        races.check_parameters(given, race.objective().parameters, "model")
    else:
        race = function_race(args)

    check_work(race, ext)
    if ext in IMAGE_FORMATS:
        check_view(args)
    image_options |= session.picture_options(args, ext, race.steps)
    image_options = glyphs.with_glyphs(image_options, drawn, race)
    result = race.run()
    write(out, result, image_options)
    return 0


def function_race(args: argparse.Namespace) -> Race:
    """The race on ``--function`` or ``--preset`` the options ask for."""
    return races.function_race(
        args,
        races.parameters(args),
        optimizers=[optimizer(o) for o in args.optimizer],
        lr=number(args.lr, "--lr") if args.lr is not None else None,
        starts=[p for p in (pair(s, "--start") for s in args.start) if p],
        steps=integer(args.steps, "--steps", 0, 1, 1_000_000) if args.steps else None,
        xrange=pair(args.xrange, "--xrange"),
        yrange=pair(args.yrange, "--yrange"),
        training=training.from_args(args),
    )
