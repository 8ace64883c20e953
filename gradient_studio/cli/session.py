"""Sessions on the command line: ``render --session FILE`` and the picture options ``render``
takes from the View menu (``gradient-studio FILE.gstudio``, the window opened on a file, is
in :mod:`gradient_studio.cli.window`).

``render --session lecture.gstudio --out picture.png`` draws what the window shows for that
file: its ticked optimisers with their settings, starts, steps, view, training, View
options and playhead. An option given beside it overrides the session's value of the same
thing, and nothing else:

* ``--optimizer`` (repeatable) replaces the ticked set; each takes the session's settings
  for that optimiser, with what the option gives laid over them;
* ``--lr`` sets the learning rate of every racing optimiser not given one by ``--optimizer``;
* ``--param``, ``--start`` (replaces every start), ``--steps``, ``--xrange``, ``--yrange``;
* ``--schedule``, ``--clip-norm``/``--clip-value`` and ``--noise``/``--seed`` each replace
  only their own part of the session's training;
* ``--colormap``, ``--levels``, ``--colouring``, ``--arrows``, ``--at-step``.

A session file that is not one ends the command like any other mistake: exit 2 and one
line naming the file and the field.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from gradient_studio.cli import glyphs, output
from gradient_studio.cli.arguments import UsageError, assignment, integer, number, optimizer, pair
from gradient_studio.cli.training import from_args as training_from_args
from gradient_studio.export import IMAGE_FORMATS

if TYPE_CHECKING:
    from gradient_studio.engine.transforms import Training
    from gradient_studio.session import Session

SESSION_SUFFIXES = (".gstudio", ".json")


def add_source(source: Any) -> None:
    """``--session`` beside ``--function``/``--preset`` (one of the three)."""
    source.add_argument(
        "--session", metavar="FILE", help="a saved session (.gstudio, or a trajectories .json)"
    )


def add_options(render: argparse.ArgumentParser) -> None:
    """The picture options of the View menu."""
    group = render.add_argument_group("picture (as the window's View menu; images only)")
    group.add_argument(
        "--colormap",
        metavar="NAME",
        help="viridis (the default), cividis, magma, plasma or inferno",
    )
    group.add_argument("--levels", metavar="N", help="about how many contour lines (default 20)")
    group.add_argument(
        "--colouring",
        metavar="HOW",
        help="automatic (by f's span, the default), logarithmic or linear",
    )
    group.add_argument(
        "--arrows",
        action="store_true",
        default=None,
        help="draw ∇f, the step taken and −η∇f at each moving head",
    )
    group.add_argument(
        "--at-step", metavar="K", help="draw the race at step K (.png .svg; default: all of it)"
    )


# -- the picture options -----------------------------------------------------------------
def _picture_given(args: argparse.Namespace) -> list[str]:
    names = ("colormap", "levels", "colouring", "arrows", "at_step")
    return [f"--{n.replace('_', '-')}" for n in names if getattr(args, n, None) is not None]


def _check_picture_target(args: argparse.Namespace, ext: str) -> None:
    given = _picture_given(args)
    if given and ext not in IMAGE_FORMATS:
        raise UsageError(f"{given[0]} applies only to images (.png .svg .gif), not {ext}")
    if args.at_step is not None and ext == ".gif":
        raise UsageError("--at-step applies only to .png and .svg (an animation shows every step)")


def _picture_changes(args: argparse.Namespace) -> dict[str, Any]:
    """The View options given, as :class:`~gradient_studio.session.Picture` fields."""
    changes: dict[str, Any] = {}
    if args.colormap is not None:
        changes["colour_map"] = args.colormap
    if args.levels is not None:
        changes["levels"] = integer(args.levels, "--levels", 20, 1, 100)
    if args.colouring is not None:
        changes["colouring"] = args.colouring
    if args.arrows:
        changes["arrows"] = True
    return changes


def _with_picture(s: Session, args: argparse.Namespace) -> Session:
    """``s`` with the picture options given laid over its own."""
    from gradient_studio.session import SessionError

    try:
        s = s.with_picture(**_picture_changes(args))
        if args.at_step is not None:
            s = s.with_playhead(number(args.at_step, "--at-step"))
    except SessionError as e:
        raise UsageError(f"{_option_of(e.path)}: {e.message}") from None
    return s


def _option_of(path: str) -> str:
    """The option that sets the picture field at ``path`` (``picture.colour_map``)."""
    field = path.split(".")[-1]
    return "--" + {"colour_map": "colormap", "step": "at-step"}.get(field, field)


def picture_options(args: argparse.Namespace, ext: str, steps: int) -> dict[str, Any]:
    """The writer's ``style`` and ``step`` for a plain ``render`` given picture options
    (a race of ``steps`` steps)."""
    _check_picture_target(args, ext)
    if not _picture_given(args) or ext not in IMAGE_FORMATS:
        return {}
    from gradient_studio.session import Picture, SessionError

    try:
        picture = Picture(**_picture_changes(args))
    except SessionError as e:
        raise UsageError(f"{_option_of(e.path)}: {e.message}") from None
    step = None if args.at_step is None else number(args.at_step, "--at-step")
    if step is not None and not 0 <= step <= steps:
        raise UsageError(f"--at-step: {step:g} is outside the race's steps, 0…{steps}")
    from gradient_studio.export import PictureStyle

    style = PictureStyle(picture.colour_map, picture.levels, picture.arrows, picture.log_colour)
    return {"style": style} | ({"step": step} if step is not None else {})


def _drawing(s: Session, ext: str) -> dict[str, Any]:
    if ext not in IMAGE_FORMATS:
        return {}
    options: dict[str, Any] = {"style": s.picture_style()}
    if ext != ".gif" and s.playback.step is not None:
        options["step"] = s.playback.step
    return options


# -- render --session --------------------------------------------------------------------
def render(args: argparse.Namespace) -> int:
    """``render --session FILE``: the session's picture (or numbers), options laid over."""
    out = output.check_out(args.out)
    ext = out.suffix.lower()
    image_options = output.picture_options(args, ext)
    _check_picture_target(args, ext)
    drawn = glyphs.from_args(args, ext)
    s = _overridden(opened(args.session, "--session"), args)
    from gradient_studio.session import SessionError

    try:
        race = s.race()
    except SessionError as e:
        raise UsageError(f"--session: {e.message} (or give --optimizer)") from None
    except ValueError as e:  # the function, compiled (the file's text has been parsed)
        raise UsageError(f"--session: {args.session}: function: {e}") from None
    output.check_work(race, ext)
    options = glyphs.with_glyphs({**image_options, **_drawing(s, ext)}, drawn, race)
    output.write(out, race.run(), options)
    return 0


def opened(path: str, what: str) -> Session:
    """The session in the file at ``path``; UsageError naming the file and the field."""
    from gradient_studio.session import SessionError, files

    try:
        return files.load(path)
    except SessionError as e:
        raise UsageError(f"{what}: {path}: {e}") from None
    except OSError as e:
        raise UsageError(f"{what}: cannot read {path!r}: {e.strerror or e}") from None


def _overridden(s: Session, args: argparse.Namespace) -> Session:
    """``s`` with every option given on the command line laid over it (module docstring)."""
    from gradient_studio.session import SessionError

    try:
        option = "--optimizer"
        s = _with_optimizers(s, [optimizer(o) for o in args.optimizer], args.lr)
        option = "--param"
        for name, value in (assignment(p, "--param") for p in args.param):
            if name not in s.parameter_names:
                has = ", ".join(s.parameter_names) or "none"
                raise UsageError(f"--param: the function has no parameter {name!r} (it has: {has})")
            s = s.with_parameter(name, value)
        option = "--start"
        if args.start:
            s = s.with_starts([p for p in (pair(t, "--start") for t in args.start) if p])
        option = "--steps"
        if args.steps is not None:
            s = s.with_steps(integer(args.steps, "--steps", 0, 1, 1_000_000))
        option = "--xrange/--yrange"
        x, y = pair(args.xrange, "--xrange"), pair(args.yrange, "--yrange")
        s = s.with_view(x or s.view.x, y or s.view.y)
        option = "--schedule/--clip/--noise"
        s = s.with_training(_training(s.training, args))
    except SessionError as e:
        raise UsageError(f"{option}: {e.message}") from None
    return _with_picture(s, args)


def _with_optimizers(s: Session, chosen: Sequence[Any], lr: str | None) -> Session:
    """The ticked set replaced by ``chosen`` (each over the session's own settings), and
    ``lr`` for each racing optimiser not given one."""
    names = [c.name for c in chosen]
    twice = next((n for n in names if names.count(n) > 1), None)
    if twice is not None:
        raise UsageError(f"--optimizer: {twice} is given twice; a session races each once")
    if chosen:
        s = s.with_ticked(names)
    for c in chosen:
        for key, value in c.hyperparameters.items():
            s = s.with_hyperparameter(c.name, key, value)
    if lr is not None:
        value = number(lr, "--lr")
        given = {c.name for c in chosen if "lr" in c.hyperparameters}
        for name in s.ticked:
            if name not in given:
                s = s.with_hyperparameter(name, "lr", value)
    return s


def _training(training: Training, args: argparse.Namespace) -> Training:
    """The session's training with each part the options give replaced."""
    given = training_from_args(args)
    return replace(
        training,
        schedule=given.schedule if args.schedule is not None else training.schedule,
        clip=given.clip
        if args.clip_norm is not None or args.clip_value is not None
        else training.clip,
        noise=given.noise if args.noise is not None else training.noise,
    )
