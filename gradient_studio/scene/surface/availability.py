"""Whether this machine can draw the 3-D view, asked without importing anything heavy.

The 3-D view draws with OpenGL into an offscreen framebuffer (see
:mod:`~gradient_studio.scene.surface.renderer`). OpenGL can be missing for several reasons a
person can do something about, so :func:`opengl_available` answers with a reason in their
words rather than a crash:

* :data:`NO_OPENGL_ENV` is set (``GRADIENT_STUDIO_NO_OPENGL=1``) — a person or a test turned
  it off, e.g. on a remote session whose OpenGL is known to be broken;
* Qt's platform has no OpenGL at all (``minimal``, ``vnc``, ``linuxfb``);
* Qt's headless ``offscreen`` platform draws OpenGL through an X display and there is none
  (run under ``xvfb-run``);
* no OpenGL context could be made, or it is older than OpenGL 2.1.

The answer is worked out once per process (a context is made and thrown away, tens of ms
the first time: the driver is loaded) and kept.
"""

from __future__ import annotations

import os
import re
import sys

#: Set to 1 (or yes/true/on) to turn the 3-D view off whatever the machine can do.
NO_OPENGL_ENV = "GRADIENT_STUDIO_NO_OPENGL"

#: Qt platforms that cannot make an OpenGL context.
_NO_GL_PLATFORMS = {"minimal", "vnc", "linuxfb", "vkkhrdisplay"}

_answer: tuple[bool, str] | None = None


class OpenGLUnavailable(RuntimeError):
    """The 3-D view cannot be drawn here; the message says why and what would help."""


def forced_off(environ: os._Environ[str] | dict[str, str] | None = None) -> bool:
    """True when :data:`NO_OPENGL_ENV` asks for no OpenGL."""
    env = os.environ if environ is None else environ
    return env.get(NO_OPENGL_ENV, "").strip().lower() in {"1", "yes", "true", "on"}


def opengl_available(*, probe: bool = True) -> tuple[bool, str]:
    """``(True, renderer)`` when the 3-D view can be drawn, else ``(False, reason)``.

    ``probe=False`` answers from the environment alone (the variable, the Qt platform, the
    display), making no context: cheap enough for a window to decide at start whether to
    offer the view. The full answer also makes a context, and needs a ``QGuiApplication``
    (without one it says so).
    """
    global _answer
    if forced_off():
        return False, f"3-D view turned off ({NO_OPENGL_ENV} is set)"
    reason = _platform_reason()
    if reason is not None:
        return False, reason
    if not probe:
        return True, "not probed yet"
    if _answer is None:
        answer = _probe()
        if answer is None:  # no application yet: nothing to remember
            return False, "no Qt application has been made yet (the 3-D view needs one)"
        _answer = answer
    return _answer


def require_opengl() -> str:
    """The renderer's name, or :class:`OpenGLUnavailable` with the reason."""
    ok, reason = opengl_available()
    if not ok:
        raise OpenGLUnavailable(f"the 3-D view needs OpenGL: {reason}")
    return reason


def _platform_reason() -> str | None:
    """Why the Qt platform in use (or about to be) cannot draw OpenGL, or None."""
    platform = _platform_name()
    if platform in _NO_GL_PLATFORMS:
        return f"Qt's {platform!r} platform has no OpenGL"
    if platform == "offscreen" and sys.platform.startswith(("linux", "freebsd", "openbsd")):
        # Qt's offscreen platform makes its OpenGL contexts on an X display (GLX).
        if not os.environ.get("DISPLAY"):
            return (
                "there is no display, and Qt's offscreen platform draws OpenGL through one "
                "(run under a virtual display: xvfb-run gradient-studio …)"
            )
    return None


def _platform_name() -> str:
    """The running application's platform, else the one ``QT_QPA_PLATFORM`` will choose
    (without importing Qt when it has not been imported)."""
    gui = sys.modules.get("PySide6.QtGui")
    if gui is not None:
        app = gui.QGuiApplication.instance()
        if app is not None:
            return str(gui.QGuiApplication.platformName()).lower()
    name = os.environ.get("QT_QPA_PLATFORM", "")
    return name.split(":", 1)[0].strip().lower()


def _probe() -> tuple[bool, str] | None:
    """Make a context on an offscreen surface and read its version; None without an app."""
    from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext

    if QGuiApplication.instance() is None:
        return None
    context = QOpenGLContext()
    if not context.create():
        return False, "no OpenGL context could be made (no OpenGL driver?)"
    surface = QOffscreenSurface()
    surface.setFormat(context.format())
    surface.create()
    try:
        if not surface.isValid() or not context.makeCurrent(surface):
            return False, "an OpenGL context was made but could not draw offscreen"
        gl = context.functions()
        renderer = gl.glGetString(0x1F01) or "unknown renderer"  # GL_RENDERER
        text = gl.glGetString(0x1F02) or ""  # GL_VERSION: "4.5 (Compatibility…" or "OpenGL ES 3.2…"
        version = _version(text) or context.format().version()
        es = context.isOpenGLES()
        needed = (2, 0) if es else (2, 1)
        kind = "OpenGL ES" if es else "OpenGL"
        if version < needed:
            return (
                False,
                f"{kind} {version[0]}.{version[1]} is too old ({needed[0]}.{needed[1]} needed)",
            )
        return True, f"{renderer} ({kind} {version[0]}.{version[1]})"
    finally:
        context.doneCurrent()
        surface.destroy()


def _version(text: str) -> tuple[int, int] | None:
    """``(major, minor)`` from a GL_VERSION string, or None."""
    match = re.search(r"(\d+)\.(\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def forget() -> None:
    """Forget the probed answer (tests; a window that gained a display)."""
    global _answer
    _answer = None
