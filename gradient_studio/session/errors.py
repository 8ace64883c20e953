"""The one error a session file (or a change to a session) can raise: :class:`SessionError`."""

from __future__ import annotations


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
