"""``gradient-studio``: the window, or a command that runs without one.

Each command is a module here, with an ``add_parser(commands)`` that adds its options and a
``run(args)`` that does the work:

* :mod:`~gradient_studio.cli.render` — ``render``: a race written to .csv .json .png .svg .gif
  (its model and session sources in :mod:`~gradient_studio.cli.model` and
  :mod:`~gradient_studio.cli.session`);
* :mod:`~gradient_studio.cli.inspect` — ``inspect``: the curvature at a point, or one step;
* :mod:`~gradient_studio.cli.maps` — ``basins``, ``sweep``, ``hypermap``: maps of many runs;
* :mod:`~gradient_studio.cli.listing` — ``list``;
* :mod:`~gradient_studio.cli.window` — no command, or a session file: the window.

What the person typed is read by :mod:`~gradient_studio.cli.arguments` (and the training
options by :mod:`~gradient_studio.cli.training`). Every mistake ends the same way: exit
status 2 and one line on stderr, ``gradient-studio: error: …``, saying what is wrong and
where — no traceback, and no output file created or touched. Heavy modules (sympy, Qt) are
imported only by the paths that need them.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from gradient_studio import __version__
from gradient_studio.cli import inspect, listing, maps, render, window
from gradient_studio.cli.arguments import PROG, Parser, UsageError, join_negative_values

__all__ = ["PROG", "UsageError", "entry", "main", "parser"]

# The command each subcommand runs, by its name.
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "render": render.run,
    "inspect": inspect.run,
    **dict.fromkeys(maps.COMMANDS, maps.run),
    "list": listing.run,
}


def parser() -> argparse.ArgumentParser:
    """The parser of every command's options."""
    parser = Parser(
        prog=PROG,
        description="A playground for gradient-based optimisation. With no command, opens "
        "the window.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    render.add_parser(commands)
    inspect.add_parser(commands)
    maps.add_parsers(commands)
    listing.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None, *, quick_exit: bool = False) -> int:
    """Run the command in ``argv`` (default: the process's arguments); returns the exit status.

    With ``quick_exit``, as the ``gradient-studio`` command runs it, a one-shot command
    (``render``, ``list``, or a mistake in the arguments) ends the process itself instead of
    returning: see :func:`_exit_now`. The window always returns.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        opened = window.file_to_open(argv)  # gradient-studio FILE.gstudio
        if opened is not None:
            return window.open_window(opened)
        args = parser().parse_args(join_negative_values(argv))
        if args.command is None:
            return window.open_window()
        code = COMMANDS[args.command](args)
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
