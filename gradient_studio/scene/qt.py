"""The one Qt application the scene needs, made safely on machines without a display."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication


def needs_offscreen(environ: os._Environ[str] | dict[str, str] | None = None) -> bool:
    """True on a Linux/BSD machine with no display and no platform chosen by the user.

    macOS and Windows have no ``DISPLAY`` yet always have a screen, so they never need it.
    """
    env = os.environ if environ is None else environ
    if sys.platform in ("win32", "darwin") or env.get("QT_QPA_PLATFORM"):
        return False
    return not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def ensure_app() -> QApplication:
    """The running ``QApplication``, creating one (offscreen if there is no display).

    The scene's plot items are ``QGraphicsWidget`` s, so a ``QApplication`` (not merely a
    ``QGuiApplication``) must exist before any of them is made. No event loop is started.
    """
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        if needs_offscreen():
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication(sys.argv[:1] or ["gradient-studio"])
    elif not isinstance(app, QApplication):
        raise RuntimeError("a QGuiApplication already exists; the scene needs a QApplication")
    return app
