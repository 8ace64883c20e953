"""``gradient-studio`` with no command opens the window; ``gradient-studio FILE.gstudio``
(what a file manager runs) opens it on a session file, checked before any window opens.

With no screen to open it on, or an install that cannot load Qt, the command says so in
one line instead of Qt's page about platform plugins or a traceback.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gradient_studio.cli.arguments import PROG, UsageError
from gradient_studio.cli.session import SESSION_SUFFIXES, opened


def file_to_open(argv: Sequence[str]) -> Path | None:
    """The session file in ``gradient-studio FILE.gstudio``, checked (a usage error if it
    is not a session); None if ``argv`` is not that."""
    if len(argv) != 1 or argv[0].startswith("-") or not argv[0].lower().endswith(SESSION_SUFFIXES):
        return None
    opened(argv[0], "cannot open")
    return Path(argv[0])


def window_arguments(main: Callable[..., int], path: Path | None) -> dict[str, Any]:
    """What to hand the window's ``main`` so it opens ``path``."""
    if path is None:
        return {}
    if "session_path" not in inspect.signature(main).parameters:
        raise UsageError(
            f"this version's window cannot open session files yet; draw {str(path)!r} with "
            f"'{PROG} render --session {path} --out picture.png'"
        )
    return {"session_path": path}


def open_window(session_path: Path | None = None) -> int:
    """Open the window (on ``session_path``, if given) and return its exit status."""
    headless = sys.platform.startswith("linux") and not any(
        os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    )
    if headless:  # Qt would abort with a page about platform plugins
        raise UsageError(
            "no screen to open the window on (DISPLAY is not set); on a machine without one, "
            f"use '{PROG} render ... --out FILE' or run the window under xvfb-run"
        )
    try:
        from gradient_studio.ui.app import main as window_main

        return window_main(**window_arguments(window_main, session_path))
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
