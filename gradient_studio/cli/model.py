"""``gradient-studio render --model …``: a race on a model's loss over data, headless.

The options (added to ``render`` by :func:`add_model_options`)::

    --model TEXT             the model's prediction from x, e.g. 'w*x + b' (instead of --function)
    --loss mse|logistic      the loss (default: the preset's, else mse)
    --data FILE | --dataset NAME   a CSV file of x,y numbers, or a built-in dataset
    --x-column C --y-column C      the file's columns, by header name or number from 1
    --axes W,B               the two weights on the axes (default: the first two)
    --batch-size K           minibatches of K rows (default: every row at every step)
    --normalize              standardise x first (says the mean and scale it used)

``--seed`` (a render option) seeds the minibatches as well as the noise. ``--preset`` takes
the model presets too. Every mistake is one line and exit 2, as for the rest of the command:
a bad file names its line and column.
"""

from __future__ import annotations

import argparse
from typing import Any

from gradient_studio.cli import arguments, races, training
from gradient_studio.cli.arguments import UsageError

_MODEL_OPTIONS = ("loss", "data", "dataset", "axes", "batch_size", "x_column", "y_column")


def add_model_options(render: argparse.ArgumentParser, source: Any) -> None:
    """Add ``--model`` to the ``source`` group (beside ``--function`` and ``--preset``) and
    the model mode's options to ``render``."""
    source.add_argument(
        "--model",
        metavar="TEXT",
        help="a model's prediction from the data column x, e.g. 'w*x + b' (see --data)",
    )
    group = render.add_argument_group("model mode (the loss of a model over data)")
    group.add_argument("--loss", metavar="mse|logistic", help="the loss (default mse)")
    data = group.add_mutually_exclusive_group()
    data.add_argument("--data", metavar="FILE", help="a CSV file of x,y numbers")
    data.add_argument(
        "--dataset", metavar="NAME", help="a built-in dataset (see 'gradient-studio list')"
    )
    group.add_argument("--x-column", metavar="C", help="the file's x column: name or number")
    group.add_argument("--y-column", metavar="C", help="the file's y column: name or number")
    group.add_argument(
        "--axes", metavar="W,B", help="the two weights on the axes (default: the first two)"
    )
    group.add_argument(
        "--batch-size", metavar="K", help="minibatches of K rows (default: all rows)"
    )
    group.add_argument(
        "--normalize", action="store_true", help="standardise x to mean 0, standard deviation 1"
    )


def wants_model(args: argparse.Namespace) -> bool:
    """Whether the command asks for a race on a model (``--model`` or a model preset)."""
    from gradient_studio.engine.models.presets import MODEL_PRESETS

    return args.model is not None or (args.preset is not None and args.preset in MODEL_PRESETS)


def model_race(args: argparse.Namespace) -> Any:
    """The :class:`~gradient_studio.engine.models.ModelRace` the options ask for, or None
    for a race on a function (whose options may not include the model mode's)."""
    from gradient_studio.engine import PRESETS
    from gradient_studio.engine.models import MODEL_PRESETS

    if args.preset is not None and args.preset not in PRESETS | MODEL_PRESETS:
        known = ", ".join([*PRESETS, *MODEL_PRESETS])
        raise UsageError(f"--preset: unknown preset {args.preset!r} (choose from: {known})")
    if not wants_model(args):
        refuse_model_options(args)
        return None
    return _build(args)


def refuse_model_options(args: argparse.Namespace) -> None:
    """A usage error if a model mode option is given without a model to train."""

    given = [o for o in _MODEL_OPTIONS if getattr(args, o) is not None]
    given += ["normalize"] if args.normalize else []
    if given:
        option = "--" + given[0].replace("_", "-")
        raise UsageError(f"{option} applies only with --model or a model preset")


def _build(args: argparse.Namespace) -> Any:
    from gradient_studio.engine import ExpressionError
    from gradient_studio.engine.data import DataError
    from gradient_studio.engine.models import LOSSES, ModelRace

    if args.loss is not None and args.loss not in LOSSES:
        raise UsageError(f"--loss: unknown loss {args.loss!r} (choose from: {', '.join(LOSSES)})")
    data = _data(args)
    batch = None if args.batch_size is None else _batch_size(args.batch_size)
    seed = arguments.integer(args.seed, "--seed", 0, 0, 2**63 - 1)
    if args.seed is not None and batch is None and args.noise is None:
        raise UsageError("--seed applies only with --batch-size or --noise (the random parts)")
    plain = argparse.Namespace(**{**vars(args), "seed": args.seed if args.noise else None})
    tools = training.from_args(plain)
    try:
        race = ModelRace.create(
            model=args.model,
            loss=args.loss,
            data=data,
            preset=args.preset,
            axes=_axes(args.axes),
            normalize=args.normalize,
            parameters=races.parameters(args),
            optimizers=[arguments.optimizer(o) for o in args.optimizer],
            lr=arguments.number(args.lr, "--lr") if args.lr is not None else None,
            starts=[p for p in (arguments.pair(s, "--start") for s in args.start) if p],
            steps=arguments.integer(args.steps, "--steps", 0, 1, 1_000_000) if args.steps else None,
            xrange=arguments.pair(args.xrange, "--xrange"),
            yrange=arguments.pair(args.yrange, "--yrange"),
            training=tools,
            batch_size=batch,
            seed=seed,
        )
    except ExpressionError as e:
        raise UsageError(f"--model: {e.message}") from None
    except DataError as e:
        raise UsageError(f"{_data_option(args)}: {e}") from None
    except (KeyError, ValueError) as e:
        message = str(e.args[0]) if e.args else str(e)
        option = (
            "--batch-size"
            if "batch" in message
            else "--axes"
            if "axis" in message or "axes" in message
            else "--steps"
            if "evaluations of the model" in message
            else ""
        )
        raise UsageError(f"{option}: {message}" if option else message) from None
    return race


def _data(args: argparse.Namespace) -> Any:
    """The dataset named by ``--data`` or ``--dataset`` (None: the preset's)."""
    from gradient_studio.engine.data import DATASETS, DataError, load_csv

    if args.dataset is not None:
        if args.x_column is not None or args.y_column is not None:
            raise UsageError("--x-column and --y-column apply only with --data FILE")
        if args.dataset not in DATASETS:
            known = ", ".join(DATASETS)
            raise UsageError(f"--dataset: unknown dataset {args.dataset!r} (choose from: {known})")
        return DATASETS[args.dataset].load()
    if args.data is None:
        if args.model is not None:
            raise UsageError("--model needs data: --data FILE or --dataset NAME")
        if args.x_column is not None or args.y_column is not None:
            raise UsageError("--x-column and --y-column apply only with --data FILE")
        return None
    try:
        return load_csv(
            args.data,
            x_column=_column(args.x_column),
            y_column=_column(args.y_column),
            labels=args.loss == "logistic",
        )
    except DataError as e:
        raise UsageError(f"--data: {e}") from None


def _data_option(args: argparse.Namespace) -> str:
    return "--data" if args.data is not None else "--dataset" if args.dataset else "--preset"


def _column(text: str | None) -> str | int | None:
    if text is None:
        return None
    stripped = text.strip()
    return int(stripped) if stripped.isdigit() else stripped


def _axes(text: str | None) -> tuple[str, str] | None:

    if text is None:
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2 or not all(parts):
        raise UsageError(f"--axes: expected two weight names like w,b, got {text!r}")
    return parts[0], parts[1]


def _batch_size(text: str) -> int:

    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"--batch-size: {text!r} is not a whole number") from None
    if value < 1:
        raise UsageError(f"--batch-size must be at least 1, got {value}")
    return value
