"""``gradient-studio``: the window, or ``render``/``list`` without one.

Every mistake in the arguments ends the same way: exit status 2 and one line on stderr,
``gradient-studio: error: …``, saying what is wrong and where — no traceback, and no output
file created or touched. Heavy modules (sympy, Qt) are imported only by the paths that need
them.
"""

from __future__ import annotations

import argparse
import atexit
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from gradient_studio import __version__, inspect_cli, maps_cli, model_cli

PROG = "gradient-studio"
# Options whose value may start with a minus sign: "--start -1.5,2" must work as typed.
_NEGATIVE_OK = {"--start", "--xrange", "--yrange", "--lr", "--param"}
_NEGATIVE_OK |= {"--clip-norm", "--clip-value", "--noise", "--seed"}  # named, then refused
_NEGATIVE_OK |= {"--at"}  # gradient-studio inspect --at -1,2
_NEGATIVE_OK |= {"--curvature"}  # render --curvature -1,2
_IMAGE_FORMATS = {".png", ".svg", ".gif"}
_DATA_FORMATS = {".csv", ".json"}


class UsageError(Exception):
    """A problem with what the person typed; becomes one line on stderr and exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="A playground for gradient-based optimisation. With no command, opens "
        "the window.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    render = commands.add_parser(
        "render",
        help="run optimisers headless and write the result to a file",
        description="Run optimisers on a function and write trajectories (.csv, .json), "
        "a picture (.png, .svg) or an animation (.gif). Example: gradient-studio render "
        "--preset rosenbrock --optimizer sgd --optimizer adam:lr=0.05 --out race.png",
    )
    source = render.add_mutually_exclusive_group(required=True)
    source.add_argument("--function", metavar="TEXT", help="f(x, y), e.g. 'x^2 + 10y^2'")
    source.add_argument("--preset", metavar="NAME", help="a preset (see 'gradient-studio list')")
    from gradient_studio import session_cli

    session_cli.add_source(source)
    render.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a parameter of the function (repeatable)",
    )
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
    _add_training_options(render)
    session_cli.add_options(render)
    model_cli.add_model_options(render, source)
    _add_glyph_options(render)

    inspect_cli.add_parser(commands)
    maps_cli.add_parsers(commands)
    commands.add_parser("list", help="list the presets, the optimisers and the datasets")
    return parser


def _join_negative_values(argv: Sequence[str]) -> list[str]:
    """Turn ``--start -1.5,2`` into ``--start=-1.5,2``, which argparse understands."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in _NEGATIVE_OK and i + 1 < len(argv) and argv[i + 1][:1] == "-":
            nxt = argv[i + 1]
            if len(nxt) > 1 and (nxt[1].isdigit() or nxt[1] == "."):
                out.append(f"{arg}={nxt}")
                i += 2
                continue
        out.append(arg)
        i += 1
    return out


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{what}: {text!r} is not a number") from None
    if not math.isfinite(value) or "_" in text:
        raise UsageError(f"{what}: {text!r} is not a finite number")
    return value


def _integer(text: str | None, what: str, default: int, low: int, high: int) -> int:
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{what}: {text!r} is not a whole number") from None
    if not low <= value <= high:
        raise UsageError(f"{what} must be between {low} and {high}, got {value}")
    return value


def _pair(text: str | None, what: str) -> tuple[float, float] | None:
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != 2:
        raise UsageError(f"{what}: expected two numbers like -1.5,2, got {text!r}")
    return (_number(parts[0], what), _number(parts[1], what))


def _assignment(text: str, what: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise UsageError(f"{what}: expected NAME=VALUE, got {text!r}")
    return name.strip(), _number(value.strip(), f"{what} {name.strip()}")


def _optimizer(text: str) -> Any:
    from gradient_studio.engine import OptimizerChoice

    name, _, rest = text.partition(":")
    hyper = (
        dict(_assignment(item, "--optimizer") for item in rest.split(",") if item) if rest else {}
    )
    try:
        return OptimizerChoice(name.strip(), hyper)
    except (KeyError, ValueError) as e:
        raise UsageError(f"--optimizer: {e.args[0]}") from None


def _size(text: str | None, default: tuple[int, int]) -> tuple[int, int]:
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


def _check_out(text: str) -> Path:
    """The file ``--out`` names, refused (with what would be right) before any work if it
    cannot be written: an unknown type, a folder, a missing or read-only folder, a name
    longer than the file system takes."""
    if not text.strip():
        raise UsageError("--out: no file name given")
    if text.endswith(("/", os.sep, os.altsep or "/")) or os.path.basename(text) in (".", ".."):
        raise UsageError(f"--out: {text!r} names a folder, not a file")
    out = Path(text)
    ext = out.suffix.lower()
    if ext not in _IMAGE_FORMATS | _DATA_FORMATS:
        known = " ".join(sorted(_IMAGE_FORMATS | _DATA_FORMATS))
        raise UsageError(f"--out: unknown file type {out.suffix or '(none)'!r}; use one of {known}")
    folder = out.parent
    if not folder.is_dir():
        raise UsageError(f"--out: the folder {str(folder)!r} does not exist")
    longest = _name_max(folder)
    if len(os.fsencode(out.name)) > longest:
        raise UsageError(
            f"--out: the file name is {len(os.fsencode(out.name))} bytes long; "
            f"the folder's file system takes at most {longest}"
        )
    try:
        if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
            raise UsageError(f"--out: cannot write to {str(out)!r}")
        if out.is_dir():
            raise UsageError(f"--out: {str(out)!r} is a folder")
    except OSError as e:
        raise UsageError(f"--out: cannot write to {str(out)!r}: {e.strerror or e}") from None
    return out


def _name_max(folder: Path) -> int:
    """The longest file name (in bytes) the file system of ``folder`` takes."""
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (AttributeError, OSError, ValueError):  # Windows, or a file system that won't say
        return 255


def _picture_options(args: argparse.Namespace, ext: str) -> dict[str, Any]:
    """``--size``, ``--frames`` and ``--fps`` for a picture, checked against the export
    limits (one line saying what would fit), or refused where they do not apply."""
    from gradient_studio.export import limits

    given = [f"--{n}" for n in ("size", "frames", "fps") if getattr(args, n) is not None]
    _size(args.size, (640, 480))  # a malformed size is named even where it would not be used
    if ext not in _IMAGE_FORMATS and given:
        raise UsageError(f"{given[0]} applies only to images (.png .svg .gif), not {ext}")
    if ext != ".gif" and set(given) & {"--frames", "--fps"}:
        gif_only = next(g for g in given if g != "--size")
        raise UsageError(f"{gif_only} applies only to .gif")
    if ext not in _IMAGE_FORMATS:
        return {}
    options: dict[str, Any] = {}
    size = _size(args.size, (640, 480) if ext == ".gif" else (1200, 900))
    try:
        options["size"] = limits.check_size(size)
        if ext == ".gif":
            frames = _integer(args.frames, "--frames", 120, 1, limits.MAX_FRAMES)
            options["fps"] = _integer(args.fps, "--fps", 30, 1, limits.MAX_FPS)
            options["size"], options["frames"] = limits.check_animation(size, frames)
    except ValueError as e:
        raise UsageError(f"--size: {e}" if "frames" not in str(e) else f"--frames: {e}") from None
    return options


def _check_view(args: argparse.Namespace) -> None:
    """``--xrange``/``--yrange`` a picture can show (finite, low to high, within ±1e15)."""
    for option, text in (("--xrange", args.xrange), ("--yrange", args.yrange)):
        value = _pair(text, option)
        if value is not None:
            from gradient_studio.scene.view import check_range

            try:
                check_range(value, option[2:3] + " range")
            except ValueError as e:
                raise UsageError(f"{option}: {e}") from None


def _check_work(race: Any, ext: str) -> None:
    """Refuse a race (and, for .csv/.json, a table) too big to compute or write."""
    from gradient_studio.export import limits

    runs = len(race.optimizers) * len(race.starts)
    try:
        limits.check_race(race.steps, runs)
        if ext in _DATA_FORMATS:
            limits.check_rows(race.steps, runs)
    except ValueError as e:
        raise UsageError(f"--steps: {e}") from None


def _write(out: Path, result: Any, options: dict[str, Any]) -> None:
    """Write the file; any failure is one line naming the file the person chose."""
    from gradient_studio.export import write

    try:
        write(out, result, **options)
    except OSError as e:
        reason = e.strerror or str(e)
        raise UsageError(f"--out: could not write {str(out)!r}: {reason}") from None
    except ValueError as e:
        raise UsageError(f"--out: could not write {str(out)!r}: {e}") from None


def _render(args: argparse.Namespace) -> int:
    if args.session is not None:
        from gradient_studio import session_cli

        model_cli.refuse_model_options(args)
        return session_cli.render(args)
    out = _check_out(args.out)
    ext = out.suffix.lower()
    image_options = _picture_options(args, ext)
    glyphs = _glyph_options(args, ext)

    race = model_cli.model_race(args) or _function_race(args)
    given = {_assignment(p, "--param")[0] for p in args.param}
    unknown = sorted(given - set(race.objective().parameters))
    if unknown:
        has = ", ".join(race.objective().parameters) or "none"
        what = "model" if model_cli.wants_model(args) else "function"
        raise UsageError(f"--param: the {what} has no parameter {unknown[0]!r} (it has: {has})")

    _check_work(race, ext)
    if ext in _IMAGE_FORMATS:
        _check_view(args)  # (after the engine is loaded: Qt first costs 30 MB more)
    from gradient_studio import session_cli

    image_options |= session_cli.picture_options(args, ext, race.steps)
    image_options = _with_glyphs(image_options, glyphs, race)
    result = race.run()
    _write(out, result, image_options)
    return 0


def _function_race(args: argparse.Namespace) -> Any:
    from gradient_studio.engine import ExpressionError, Race

    parameters = dict(_assignment(p, "--param") for p in args.param)
    try:
        race = Race.create(
            function=args.function,
            preset=args.preset,
            parameters=parameters,
            optimizers=[_optimizer(o) for o in args.optimizer],
            lr=_number(args.lr, "--lr") if args.lr is not None else None,
            starts=[p for p in (_pair(s, "--start") for s in args.start) if p],
            steps=_integer(args.steps, "--steps", 0, 1, 1_000_000) if args.steps else None,
            xrange=_pair(args.xrange, "--xrange"),
            yrange=_pair(args.yrange, "--yrange"),
            training=_training(args),
        )
    except ExpressionError as e:
        raise UsageError(f"--function: {e.message}") from None
    except (KeyError, ValueError) as e:
        raise UsageError(str(e.args[0]) if e.args else str(e)) from None
    return race


def _add_training_options(render: argparse.ArgumentParser) -> None:
    """Schedule, clipping and noise: the training tools every optimiser of the race gets."""
    group = render.add_argument_group("training tools (every optimiser, each from its own lr)")
    group.add_argument(
        "--schedule",
        metavar="NAME[:KEY=VALUE,...]",
        help="learning-rate schedule: constant, step, exponential, cosine, linear, onecycle "
        "(e.g. cosine:T_max=100, onecycle:cycle_momentum=false)",
    )
    clip = group.add_mutually_exclusive_group()
    clip.add_argument("--clip-norm", metavar="V", help="clip each gradient's norm to V")
    clip.add_argument("--clip-value", metavar="V", help="clip each gradient coordinate to ±V")
    group.add_argument(
        "--noise",
        metavar="ETA[,GAMMA]",
        help="add Gaussian noise of variance ETA/(1+t)^GAMMA to the gradient (default 0.3,0.55)",
    )
    group.add_argument(
        "--seed", metavar="S", help="seed of the noise and the minibatches (default 0: runs repeat)"
    )


def _training(args: argparse.Namespace) -> Any:
    """The :class:`~gradient_studio.engine.Training` the options ask for (plain if none)."""
    from gradient_studio.engine import Clipping, GradientNoise, Schedule, Training

    try:
        schedule = Schedule.parse(args.schedule) if args.schedule is not None else Schedule()
    except (KeyError, ValueError) as e:
        raise UsageError(f"--schedule: {e.args[0]}") from None
    clip = None
    for by in ("norm", "value"):
        text = getattr(args, f"clip_{by}")
        if text is not None:
            try:
                clip = Clipping(by, _number(text, f"--clip-{by}"))
            except ValueError as e:
                raise UsageError(f"--clip-{by}: {e.args[0]}") from None
    if args.seed is not None and args.noise is None:
        raise UsageError("--seed applies only with --noise (the noise is the only random part)")
    noise = None
    if args.noise is not None:
        parts = args.noise.split(",")
        if len(parts) > 2:
            raise UsageError(
                f"--noise: expected ETA or ETA,GAMMA like 0.3,0.55, got {args.noise!r}"
            )
        eta = _number(parts[0], "--noise")
        gamma = _number(parts[1], "--noise gamma") if len(parts) == 2 else 0.55
        seed = _integer(args.seed, "--seed", 0, 0, 2**63 - 1)
        try:
            noise = GradientNoise(eta, gamma, seed)
        except ValueError as e:
            raise UsageError(f"--noise: {e.args[0]}") from None
    return Training(schedule, clip, noise)


def _add_glyph_options(render: argparse.ArgumentParser) -> None:
    """The gradient drawn on a picture, beside the View menu's ``--arrows``: the arrows'
    lengths, the −∇f field, the curvature glyph and the colouring by ‖∇f‖."""
    group = render.add_argument_group("the gradient, drawn (images only)")
    group.add_argument(
        "--arrow-length",
        metavar="readable|true",
        help="the arrows at the heads (implies --arrows) at a length that reads (default) "
        "or as long as the steps are",
    )
    group.add_argument(
        "--field",
        nargs="?",
        const="25x25",
        metavar="ROWSxCOLS",
        help="the −∇f field over the view, coloured by ‖∇f‖ (default 25x25 arrows)",
    )
    group.add_argument(
        "--curvature",
        metavar="X,Y|head",
        help="the curvature glyph at the point X,Y, or at the first run's head",
    )
    group.add_argument(
        "--colour-by", metavar="f|grad", help="colour the landscape by f (default) or by ‖∇f‖"
    )


_GLYPH_OPTIONS = ("arrow_length", "field", "curvature", "colour_by")


def _glyph_options(args: argparse.Namespace, ext: str) -> dict[str, Any]:
    """The glyph options as PictureStyle fields, refused (one line) where they are not
    understood or where the output is not a picture."""
    given = [n for n in _GLYPH_OPTIONS if getattr(args, n, None) is not None]
    if given and ext not in _IMAGE_FORMATS:
        option = "--" + given[0].replace("_", "-")
        raise UsageError(f"{option} applies only to images (.png .svg .gif), not {ext}")
    out: dict[str, Any] = {}
    if args.arrow_length is not None:
        if args.arrow_length not in ("readable", "true"):
            raise UsageError(
                f"--arrow-length: expected readable or true, got {args.arrow_length!r}"
            )
        out["arrows"] = args.arrow_length
    if args.field is not None:
        out["field"] = _field_shape(args.field)
    if args.curvature is not None:
        text = args.curvature.strip()
        out["curvature"] = 0 if text == "head" else _pair(text, "--curvature")
    if args.colour_by is not None:
        choices = {"f": "f", "grad": "gradient_norm", "gradient_norm": "gradient_norm"}
        if args.colour_by not in choices:
            raise UsageError(f"--colour-by: expected f or grad, got {args.colour_by!r}")
        out["colour_by"] = choices[args.colour_by]
    return out


def _field_shape(text: str) -> tuple[int, int]:
    rows, sep, cols = text.lower().partition("x")
    try:
        shape = (int(rows), int(cols))
    except ValueError:
        shape = (0, 0)
    from gradient_studio.engine.field import MAX_ARROWS

    if not sep or min(shape) < 2 or shape[0] * shape[1] > MAX_ARROWS:
        raise UsageError(
            f"--field: expected ROWSxCOLS like 25x25 (each at least 2, at most {MAX_ARROWS} "
            f"arrows in all), got {text!r}"
        )
    return shape


def _with_glyphs(options: dict[str, Any], glyphs: dict[str, Any], race: Any) -> dict[str, Any]:
    """The writer's ``options`` with the glyphs laid over their ``style``, once the race
    is known: a curvature point must be in the view and where f is defined."""
    if not glyphs:
        return options
    point = glyphs.get("curvature")
    if isinstance(point, tuple):
        (x0, x1), (y0, y1) = race.xrange, race.yrange
        x, y = point
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            raise UsageError(
                f"--curvature: the point ({x:g}, {y:g}) is outside the view "
                f"x {x0:g}…{x1:g}, y {y0:g}…{y1:g}"
            )
        from gradient_studio.engine.curvature import curvature_at

        try:
            defined = curvature_at(race.objective(), point).defined
        except NotImplementedError:
            raise UsageError("--curvature: this loss has no Hessian to draw") from None
        except (ArithmeticError, ValueError):
            defined = False
        if not defined:
            raise UsageError(f"--curvature: f is not defined at ({x:g}, {y:g})")
    import dataclasses

    from gradient_studio.export.style import PictureStyle

    style = dataclasses.replace(options.get("style") or PictureStyle(), **glyphs)
    return {**options, "style": style}


def _list() -> int:
    from gradient_studio.engine import OPTIMIZERS, PRESETS

    print("Presets:")
    for p in PRESETS.values():
        print(f"  {p.name:<18} {p.text}")
    print("\nOptimizers (hyperparameter=default):")
    for spec in OPTIMIZERS.values():
        hyper = ", ".join(f"{h.name}={h.default:g}" for h in spec.hyperparameters)
        print(f"  {spec.name:<10} {spec.display_name:<22} {hyper}")
    _list_schedules()
    model_cli.list_models()
    return 0


def _list_schedules() -> None:
    from gradient_studio.engine import SCHEDULES

    print("\nSchedules for --schedule (option=default):")
    for kind in SCHEDULES.values():
        options = ", ".join(f"{o.name}={o.default_text}" for o in kind.options)
        print(f"  {kind.name:<12} {options or '-'}")


def _window(session_path: Path | None = None) -> int:
    headless = sys.platform.startswith("linux") and not any(
        os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    )
    if headless:  # Qt would abort with a page about platform plugins
        raise UsageError(
            "no screen to open the window on (DISPLAY is not set); on a machine without one, "
            f"use '{PROG} render ... --out FILE' or run the window under xvfb-run"
        )
    try:
        from gradient_studio import session_cli
        from gradient_studio.ui.app import main as window_main

        return window_main(**session_cli.window_arguments(window_main, session_path))
    except ImportError as error:  # a broken install: say what is broken, in one line
        print(f"{PROG}: error: the window cannot start: {_import_problem(error)}", file=sys.stderr)
        return 1


def _import_problem(error: ImportError) -> str:
    """What failed to import and why, with what would mend it."""
    name = error.name or "a module it needs"
    if isinstance(error, ModuleNotFoundError):
        return (
            f"{name.split('.')[0]} is not installed ({error}); reinstall with "
            f"'pip install --force-reinstall gradient-studio'"
        )
    return (
        f"{name} cannot be loaded ({error}); reinstall gradient-studio, or install the "
        f"system library named there"
    )


def main(argv: Sequence[str] | None = None, *, quick_exit: bool = False) -> int:
    """Run the command in ``argv`` (default: the process's arguments); returns the exit status.

    With ``quick_exit``, as the ``gradient-studio`` command runs it, a one-shot command
    (``render``, ``list``, or a mistake in the arguments) ends the process itself instead of
    returning: see :func:`_exit_now`. The window always returns.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        from gradient_studio import session_cli

        opened = session_cli.file_to_open(argv)  # gradient-studio FILE.gstudio
        if opened is not None:
            return _window(opened)
        args = _parser().parse_args(_join_negative_values(argv))
        if args.command is None:
            return _window()
        command = {"render": _render, "inspect": inspect_cli.run}.get(args.command, _list)
        command = maps_cli.run if args.command in maps_cli.COMMANDS else command
        code = command(args) if command is not _list else _list()
    except UsageError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:  # the reader went away (``| head -1``): stop writing, quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    if quick_exit:
        _exit_now(code)
    return code


def entry() -> NoReturn:
    """The ``gradient-studio`` command and ``python -m gradient_studio``."""
    raise SystemExit(main(quick_exit=True))


def _exit_now(code: int) -> NoReturn:
    """End the process at once, the exit handlers run and the standard streams flushed.

    A finished one-shot command has written and closed its file; what normal exit would
    add is the interpreter tearing down sympy, numpy, pyqtgraph and Qt object by object,
    ~0.2 s of a ~1 s ``render``. (pyqtgraph offers ``pg.exit()`` for the same reason.)
    Output the reader did not take (``| head -1``) makes the status 1, as in :func:`main`.
    """
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away, or a closed stream
            code = code or 1
    os._exit(code)
