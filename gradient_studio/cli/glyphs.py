"""``render``'s options for the gradient drawn on a picture, beside the View menu's
``--arrows``: ``--arrow-length``, ``--field``, ``--curvature`` and ``--colour-by``."""

from __future__ import annotations

import argparse
from typing import Any

from gradient_studio.cli.arguments import UsageError, pair
from gradient_studio.export import IMAGE_FORMATS

GLYPH_OPTIONS = ("arrow_length", "field", "curvature", "colour_by")


def add_options(render: argparse.ArgumentParser) -> None:
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


def from_args(args: argparse.Namespace, ext: str) -> dict[str, Any]:
    """The glyph options as PictureStyle fields, refused (one line) where they are not
    understood or where the output is not a picture."""
    given = [n for n in GLYPH_OPTIONS if getattr(args, n, None) is not None]
    if given and ext not in IMAGE_FORMATS:
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
        out["curvature"] = 0 if text == "head" else pair(text, "--curvature")
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


def with_glyphs(options: dict[str, Any], glyphs: dict[str, Any], race: Any) -> dict[str, Any]:
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
