"""``.gstudio`` files: a session saved as JSON (UTF-8), and read back from a hostile world.

Saving (:func:`save`) is atomic: the file is written beside its destination and moved into
place, so a failed save leaves the old file as it was. The text is canonical — every field,
in a fixed order, floats written exactly (``repr``) — so saving what was opened writes the
same bytes again.

Reading (:func:`read`, :func:`load`, :func:`parse`, :func:`loads`) trusts nothing. A file
over :data:`~gradient_studio.session.limits.MAX_FILE_BYTES` is refused before it is read;
text that is not UTF-8, not JSON, nested deeper than ``MAX_DEPTH``, an object that gives a
field twice, a future version, a field of the wrong type or out of its range: each is one
:class:`~gradient_studio.session.errors.SessionError` naming where. Nothing in a file is
evaluated: the function's text goes only through the engine's parser. Older versions are
migrated (:mod:`~gradient_studio.session.migrations`), among them the trajectories
``.json`` that ``render`` and the window export, which holds its race's inputs.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from pathlib import Path
from typing import Any, NamedTuple

from gradient_studio.export.atomic import atomic_write
from gradient_studio.session import limits, migrations
from gradient_studio.session.document import document, session
from gradient_studio.session.errors import SessionError
from gradient_studio.session.model import Session

EXTENSION = ".gstudio"
PathLike = str | os.PathLike[str]


class Loaded(NamedTuple):
    """A session read from a file, and what in it was left out (unknown fields, a race
    that raced an optimiser twice), one sentence each, for the window to say."""

    session: Session
    warnings: tuple[str, ...]


# -- writing -------------------------------------------------------------------------------
def dumps(s: Session) -> str:
    """The canonical text of ``s``: what :func:`save` writes."""
    return json.dumps(document(s), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def save(s: Session, path: PathLike) -> Path:
    """Write ``s`` to ``path`` atomically; ``OSError`` about ``path`` if it cannot be."""
    text = dumps(s)
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


# -- reading -------------------------------------------------------------------------------
def read(path: PathLike) -> Loaded:
    """The session in the file at ``path``. ``SessionError`` if the file is no session
    (its message names the field); ``OSError`` if it cannot be read at all."""
    path = Path(path)
    size = path.stat().st_size
    large_export = size > limits.MAX_FILE_BYTES and path.suffix.lower() == ".json"
    if size > limits.MAX_FILE_BYTES and not large_export:
        most = _megabytes(limits.MAX_FILE_BYTES)
        raise SessionError("", f"the file is {_megabytes(size)}; a session is at most {most}")
    with path.open("rb") as fh:
        data = fh.read(limits.MAX_FILE_BYTES + (0 if large_export else 1))
    if large_export:
        race = _race_of_large_export(data)
        if race is None:
            raise SessionError(
                "",
                f"the file is {_megabytes(size)}: too large for a session, "
                "and not a trajectories .json whose race comes first",
            )
        return from_document({"race": race, "runs": []})
    return parse_bytes(data)  # (it may have grown since it was measured: that is refused)


def load(path: PathLike) -> Session:
    return read(path).session


def parse(text: str) -> Loaded:
    """The session in ``text`` (a file's contents), as :func:`read` checks it."""
    if len(text) > limits.MAX_FILE_BYTES:
        raise SessionError(
            "",
            f"the text is {len(text):,} characters; a session is at most "
            f"{_megabytes(limits.MAX_FILE_BYTES)}",
        )
    return from_document(_json(text))


def loads(text: str) -> Session:
    return parse(text).session


def parse_bytes(data: bytes) -> Loaded:
    return from_document(decoded(data))


def decoded(data: bytes) -> Any:
    """A file's bytes as JSON values, within the limits (size, UTF-8, depth)."""
    if len(data) > limits.MAX_FILE_BYTES:
        most = _megabytes(limits.MAX_FILE_BYTES)
        raise SessionError("", f"the file is over {most}, the most a session may be")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        message = f"not a session file: it is not UTF-8 text (byte {e.start})"
        raise SessionError("", message) from None
    return _json(text)


def from_document(doc: Any) -> Loaded:
    """The session a document of any version describes (JSON values, as read)."""
    warnings: list[str] = []
    current, renames = migrations.upgraded(doc, warnings)
    try:
        s = session(current, warnings)
    except SessionError as e:
        raise migrations.renamed(e, renames) from None
    named = [w for w in warnings if w]
    if len(named) < len(warnings):
        named.append(f"… and {len(warnings) - len(named)} more unknown fields, left out")
    return Loaded(s, tuple(named))


def _json(text: str) -> Any:
    """``text`` as JSON values, refused if they nest deeper than ``MAX_DEPTH``."""
    if not text.strip():
        raise SessionError("", "the file is empty")
    try:
        doc = _decoder().decode(text)
    except RecursionError:  # (json's own guard, at hundreds of levels: a clean exception)
        raise SessionError("", _too_deep("hundreds of")) from None
    except json.JSONDecodeError as e:
        message = f"not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})"
        raise SessionError("", message) from None
    except ValueError as e:  # from the hooks
        raise SessionError("", f"not a session: {e}") from None
    depth = _depth(doc)
    if depth > limits.MAX_DEPTH:
        raise SessionError("", _too_deep(str(depth)))
    return doc


def _too_deep(levels: str) -> str:
    most = limits.MAX_DEPTH
    return f"not a session: the JSON is nested {levels} levels deep; a session is at most {most}"


def _depth(value: Any) -> int:
    """How deep lists and objects nest in ``value`` (0 for a number or a text)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        inner = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        )
        if inner is not None:
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in inner)
    return deepest


def _decoder() -> json.JSONDecoder:
    return json.JSONDecoder(object_pairs_hook=_object, parse_int=_integer)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len(pairs) > limits.MAX_ITEMS:
        raise ValueError(f"an object has {len(pairs):,} fields; at most {limits.MAX_ITEMS:,} fit")
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"the field {limits.shown(key)} is given twice in one object")
            seen.add(key)
    return out


def _integer(digits: str) -> int:
    """A JSON integer; one of hundreds of digits stays "huge" without being converted."""
    return int(digits) if len(digits) <= 400 else 10**400


_EXPORT_START = re.compile(r'\s*\{\s*"gradient_studio"\s*:\s*"[^"\\]{0,100}"\s*,\s*"race"\s*:\s*')


def _race_of_large_export(start: bytes) -> Any:
    """The ``race`` of a trajectories .json too large to read whole: it is written before
    the runs, so it is read from the file's first part alone. None if it is not one."""
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(start)
    match = _EXPORT_START.match(text)
    if match is None:
        return None
    cut = text[: match.end() + 1_000_000]  # a race is a few kB; its function 2,000 characters
    try:
        race, _ = _decoder().raw_decode(cut, match.end())
    except (ValueError, RecursionError):
        return None
    return race if _depth(race) <= limits.MAX_DEPTH else None


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.3g} MB"
