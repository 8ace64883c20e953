"""The one error a session file (or a change to a session) can raise: :class:`SessionError`."""

from __future__ import annotations

import re

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,60}\Z")


class SessionError(ValueError):
    """What is wrong and where: ``path`` names the field (``optimizers[2].hyperparameters.lr``
    in a file, ``optimizers.adam.lr`` for a change), ``message`` says what would be right.
    ``str()`` is the line a dialog or the command line shows: ``path: message``."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message

    def within(self, prefix: str) -> SessionError:
        """The same error about a field inside ``prefix`` (``optimizers[2]`` + ``lr``)."""
        if not prefix:
            return self
        if not self.path:
            return SessionError(prefix, self.message)
        joiner = "" if self.path.startswith("[") else "."
        return SessionError(f"{prefix}{joiner}{self.path}", self.message)


def field(key: str) -> str:
    """A field's name as a path segment: ``lr``, or a name a person did not choose the way
    a program would (a file's unknown key) quoted and cut short: ``["a b…"]``."""
    if _PLAIN.match(key):
        return key
    body = key[:30].encode("unicode_escape").decode("ascii").replace('"', '\\"')
    return f'["{body}{"…" if len(key) > 30 else ""}"]'


def joined(path: str, key: str) -> str:
    """``path`` and then the field ``key``: ``a.b``, ``a["x y"]``."""
    segment = field(key)
    if not path:
        return segment
    return f"{path}{segment}" if segment.startswith("[") else f"{path}.{segment}"
