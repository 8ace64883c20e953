"""An X display for the tests that draw the 3-D view.

Qt's headless ``offscreen`` platform (which every test uses) makes its OpenGL contexts on an
X display; without one there is no OpenGL. So :func:`ensure_display` keeps a display the
machine has, and otherwise starts a private ``Xvfb`` (Mesa's software renderer draws on it)
that lives exactly as long as this test process. If neither is possible the GL tests fail
with the reason, never skip: .ci/run installs ``xvfb`` and Mesa's drivers.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys

_started: str | None = None
_server: subprocess.Popen[bytes] | None = None  # kept: it runs as long as we do


def _die_with_parent() -> None:
    """In the child: ask Linux to end it when the test process ends (however it ends)."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def ensure_display() -> str:
    """The X display to draw on (``DISPLAY`` is set to it); raises RuntimeError saying why
    there cannot be one."""
    global _started, _server
    if _started is not None:
        os.environ["DISPLAY"] = _started
        return _started
    if os.environ.get("DISPLAY"):
        return os.environ["DISPLAY"]
    if not sys.platform.startswith("linux"):
        raise RuntimeError("the 3-D view's tests need a display on this platform")
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise RuntimeError(
            "the 3-D view's tests need OpenGL, which Qt's offscreen platform draws through an "
            "X display; there is none and Xvfb is not installed (apt-get install xvfb "
            "libgl1-mesa-dri libglx-mesa0)"
        )
    read, write = os.pipe()
    # Not killed at exit: Qt still holds its connection then, and an X server vanishing
    # under Xlib ends the process with status 1. The kernel ends it after us instead.
    _server = subprocess.Popen(
        [xvfb, "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number.isdigit():
        raise RuntimeError("Xvfb did not start (no display number came back)")
    _started = f":{number}"
    os.environ["DISPLAY"] = _started
    os.environ.setdefault("LIBGL_ALWAYS_SOFTWARE", "1")
    return _started


def opengl_or_fail() -> str:
    """The renderer's name once a display is there and OpenGL draws on it; otherwise the
    calling test fails (never skips) with the reason."""
    import pytest

    try:
        ensure_display()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    from gradient_studio.scene.surface import availability, opengl_available

    availability.forget()  # asked before the display was there, it would still say no
    ok, reason = opengl_available()
    if not ok:
        pytest.fail(f"the 3-D view cannot draw here: {reason}", pytrace=False)
    return reason
