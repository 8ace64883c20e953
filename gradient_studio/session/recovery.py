"""Nothing lost: the last state written aside, so the next launch can offer it back.

The window calls :meth:`Recovery.changed` on every change and :meth:`Recovery.flush` from
a timer; the state is written (atomically) at most every ``interval`` seconds, and only if
it changed. :func:`read_recovery` at launch returns what a crash or a kill left, and
:func:`clear_recovery` removes it once the session is saved, discarded or restored. The file
is a session file with a line of context around it: which file the session belonged to.

It lives in the user's state folder (:func:`state_dir`): ``$GRADIENT_STUDIO_STATE_DIR`` if
set (tests set it, so they never touch a real home), else ``$XDG_STATE_HOME/gradient-studio``
or ``~/.local/state/gradient-studio`` on Linux, ``~/Library/Application Support/Gradient
Studio`` on macOS, ``%LOCALAPPDATA%\\Gradient Studio`` on Windows.

Recent files are the window's (it keeps them in QSettings); :func:`remembered` is the list
arithmetic it needs, without Qt.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from gradient_studio.export.atomic import atomic_write
from gradient_studio.session import files
from gradient_studio.session.document import document
from gradient_studio.session.errors import SessionError
from gradient_studio.session.model import Session

ENVIRONMENT = "GRADIENT_STUDIO_STATE_DIR"
FILE_NAME = "recovery.gstudio"
INTERVAL = 3.0  # seconds between writes, at most
RECENT = 10  # files in File ▸ Open Recent


def state_dir() -> Path:
    """The folder for what the app keeps between runs (not made here)."""
    given = os.environ.get(ENVIRONMENT)
    if given:
        return Path(given)
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "Gradient Studio"
    if sys.platform == "win32":
        return (
            Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / "Gradient Studio"
        )
    state = os.environ.get("XDG_STATE_HOME") or home / ".local" / "state"
    return Path(state) / "gradient-studio"


def recovery_path() -> Path:
    return state_dir() / FILE_NAME


class Recovered(NamedTuple):
    """What a crash left: the session, the file it belonged to (None: never saved) and
    when it was written (seconds since the epoch)."""

    session: Session
    file: Path | None
    written: float


def write_recovery(s: Session, file: str | os.PathLike[str] | None = None) -> Path:
    """Write ``s`` aside (atomically), noting the ``file`` it belongs to; OSError if the
    state folder cannot be made or written."""
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    note = {"file": os.fspath(file) if file is not None else None, "written": time.time()}
    text = json.dumps({**document(s), "recovery": note}, indent=2, ensure_ascii=False)
    return atomic_write(recovery_path(), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_recovery() -> Recovered | None:
    """What the last run left, or None: no file, or one that cannot be read (a newer
    version's, a damaged one; it is left where it is)."""
    path = recovery_path()
    try:
        doc = files.decoded(path.read_bytes())
        note: Any = doc.pop("recovery", None) if isinstance(doc, dict) else None
        loaded = files.from_document(doc)
    except (OSError, SessionError):
        return None
    note = note if isinstance(note, dict) else {}
    file = note.get("file")
    written = note.get("written")
    return Recovered(
        loaded.session,
        Path(file) if isinstance(file, str) and file else None,
        float(written) if isinstance(written, int | float) else path.stat().st_mtime,
    )


def clear_recovery() -> None:
    """Forget what was written aside (after a save, a discard, or a restore)."""
    with contextlib.suppress(FileNotFoundError):
        recovery_path().unlink()


class Recovery:
    """Writes the latest session aside at most every ``interval`` seconds.

    ``changed(s, file)`` on every change; ``flush()`` from a timer (say once a second) and
    on the way out. ``clock`` is for tests. A write that fails is tried again at the next
    flush; ``error`` holds its reason for the window to say once."""

    def __init__(self, interval: float = INTERVAL, clock: Callable[[], float] = time.monotonic):
        self.interval = interval
        self.clock = clock
        self.pending: tuple[Session, str | os.PathLike[str] | None] | None = None
        self.last = -float("inf")
        self.error: OSError | None = None

    def changed(self, s: Session, file: str | os.PathLike[str] | None = None) -> None:
        self.pending = (s, file)

    def flush(self, force: bool = False) -> bool:
        """Write the pending session if there is one and it is time; True if written."""
        if self.pending is None or (not force and self.clock() - self.last < self.interval):
            return False
        try:
            write_recovery(*self.pending)
        except OSError as e:
            self.error = e
            return False
        self.pending, self.last, self.error = None, self.clock(), None
        return True

    def clear(self) -> None:
        """The session is safe (saved or discarded): nothing to write, nothing to offer."""
        self.pending = None
        clear_recovery()


def remembered(
    recent: Iterable[str], opened: str | os.PathLike[str], most: int = RECENT
) -> list[str]:
    """``recent`` with ``opened`` first, once (the same file by another path counts once),
    at most ``most`` long: File ▸ Open Recent after a file is opened or saved."""
    first = os.path.abspath(os.fspath(opened))
    out = [first]
    for item in recent:
        if os.path.abspath(item) != first and item not in out:
            out.append(item)
    return out[:most]


def existing(recent: Iterable[str]) -> list[str]:
    """The recent files that are still there (a menu should not offer the others)."""
    return [item for item in recent if os.path.isfile(item)]
