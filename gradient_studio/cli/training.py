"""``--schedule``, ``--clip-norm``/``--clip-value``, ``--noise`` and ``--seed``: the training
tools every optimiser of a race gets, for ``render``, ``inspect`` and the maps."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from gradient_studio.cli.arguments import UsageError, integer, number

if TYPE_CHECKING:
    from gradient_studio.engine import Training


def add_options(parser: argparse.ArgumentParser) -> None:
    """Schedule, clipping and noise: the training tools every optimiser of the race gets."""
    group = parser.add_argument_group("training tools (every optimiser, each from its own lr)")
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


def from_args(args: argparse.Namespace) -> Training:
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
                clip = Clipping(by, number(text, f"--clip-{by}"))
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
        eta = number(parts[0], "--noise")
        gamma = number(parts[1], "--noise gamma") if len(parts) == 2 else 0.55
        seed = integer(args.seed, "--seed", 0, 0, 2**63 - 1)
        try:
            noise = GradientNoise(eta, gamma, seed)
        except ValueError as e:
            raise UsageError(f"--noise: {e.args[0]}") from None
    return Training(schedule, clip, noise)
