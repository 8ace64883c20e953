"""Sharing a session as text: a ``gstudio:`` string, and the command that draws its picture.

A ``gstudio:`` string is the session's canonical JSON, compressed (zlib) and written in
URL-safe base64 without padding: a few hundred characters that survive a chat message or a
URL. Decoding it is reading a file from a stranger: the text is at most
:data:`~gradient_studio.session.limits.MAX_SHARE_CHARS` characters, it may expand to no more
than a session file may hold (a "zip bomb" is refused as soon as it passes that), and what
it holds is checked exactly as a ``.gstudio`` file is.

:func:`command_line` is the ``gradient-studio render`` line that reproduces the session's
picture, quoted for a POSIX shell: Edit ▸ Copy as Command.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import shlex
import zlib

from gradient_studio.engine.optimizers import OPTIMIZERS
from gradient_studio.session import limits
from gradient_studio.session.document import document
from gradient_studio.session.errors import SessionError
from gradient_studio.session.files import Loaded, parse_bytes
from gradient_studio.session.model import Session

PREFIX = "gstudio:"
# The string, and the lines it was wrapped onto (a line break with indentation between runs
# of base64url; a space within a line or a blank line ends it).
_TOKEN = re.compile(r"gstudio:([A-Za-z0-9_-]+(?:[ \t]*\r?\n[ \t]*[A-Za-z0-9_-]+)*)", re.IGNORECASE)
_CLEAN = re.compile(r"[A-Za-z0-9_-]*\Z")


def share_text(s: Session) -> str:
    """``s`` as a ``gstudio:`` string."""
    data = json.dumps(document(s), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    packed = zlib.compress(data.encode("utf-8"), 9)
    return PREFIX + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def find_share_text(text: str) -> str | None:
    """The ``gstudio:`` string in ``text`` (pasted from an e-mail, wrapped over lines), or
    None if there is none."""
    candidates = _candidates(text)
    for candidate in candidates:
        try:
            _inflated(candidate)
        except SessionError:
            continue
        return PREFIX + candidate
    return PREFIX + candidates[0] if candidates else None


def _candidates(text: str) -> list[str]:
    """The string's body with all the lines that may be its own, then with fewer."""
    match = _TOKEN.search(text[: limits.MAX_SHARE_CHARS + 100])
    if match is None:
        return []
    pieces = match.group(1).split()
    shortest = max(1, len(pieces) - 20)  # prose after it is a line or two, not pages
    return ["".join(pieces[:n]) for n in range(len(pieces), shortest - 1, -1)]


def from_share_text(text: str) -> Loaded:
    """The session in a ``gstudio:`` string; SessionError (path ``gstudio``) if it is not
    one, or the file's own error if what it holds is not a session."""
    if len(text) > limits.MAX_SHARE_CHARS:
        raise SessionError(
            "gstudio",
            f"the text is {len(text):,} characters; a shared "
            f"session is at most {limits.MAX_SHARE_CHARS:,}",
        )
    token = find_share_text(text)
    if token is None:
        raise SessionError("gstudio", "no gstudio: string in the text")
    return parse_bytes(_inflated(token[len(PREFIX) :]))


def _inflated(body: str) -> bytes:
    """The bytes a string's body packs, within a session's size."""
    if not _CLEAN.match(body):
        raise SessionError("gstudio", "the string holds characters that base64url has not")
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise SessionError("gstudio", "the string is cut short or not base64url") from None
    inflate = zlib.decompressobj()
    try:
        data = inflate.decompress(packed, limits.MAX_FILE_BYTES + 1)
    except zlib.error:
        raise SessionError("gstudio", "the string is cut short or damaged") from None
    if len(data) > limits.MAX_FILE_BYTES or inflate.unconsumed_tail:
        most = limits.MAX_FILE_BYTES / 1e6
        raise SessionError(
            "gstudio", f"the string expands to more than a session may hold ({most:.3g} MB)"
        )
    if not inflate.eof:
        raise SessionError("gstudio", "the string is cut short")
    if inflate.unused_data:
        raise SessionError("gstudio", "the string goes on past its end")
    return data


def command_line(s: Session, out: str = "race.png", program: str = "gradient-studio") -> str:
    """The ``render`` command that draws ``s``'s picture to ``out`` (ticked optimisers,
    their settings, starts, steps, view, training, View options and playhead), quoted for
    a POSIX shell. Options the command would take anyway are left out."""
    args = [program, "render"]
    preset = s.known_preset
    exact = preset is not None and preset.text == s.function
    args += ["--preset", preset.name] if exact and preset else [f"--function={s.function}"]
    defaults = dict(preset.values) if exact and preset else {}
    args += [
        f"--param={name}={value!r}"
        for name, value in s.values.items()
        if defaults.get(name) != value
    ]
    for name, hyper in s.choices():
        spec = OPTIMIZERS[name].defaults
        given = ",".join(f"{k}={v!r}" for k, v in hyper if k == "lr" or v != spec[k])
        args.append(f"--optimizer={name}:{given}")
    start = [preset.start] if exact and preset else [limits.DEFAULT_START]
    if list(s.starts) != start:
        args += [f"--start={x!r},{y!r}" for x, y in s.starts]
    if s.steps != (preset.steps if exact and preset else limits.DEFAULT_STEPS):
        args.append(f"--steps={s.steps}")
    home = (preset.xrange, preset.yrange) if exact and preset else (limits.DEFAULT_RANGE,) * 2
    for option, now, default in (("x", s.view.x, home[0]), ("y", s.view.y, home[1])):
        if now != default:
            args.append(f"--{option}range={now[0]!r},{now[1]!r}")
    args += _training(s)
    args += _picture(s)
    args.append(f"--out={out}")
    return " ".join(shlex.quote(a) for a in args)


def _training(s: Session) -> list[str]:
    t = s.training
    args = [f"--schedule={t.schedule.text}"] if t.schedule.name != "constant" else []
    if t.clip is not None:
        args.append(f"--clip-{t.clip.by}={t.clip.threshold!r}")
    if t.noise is not None:
        args.append(f"--noise={t.noise.eta!r},{t.noise.gamma!r}")
        args += [f"--seed={t.noise.seed}"] if t.noise.seed else []
    return args


def _picture(s: Session) -> list[str]:
    p, d = s.picture, type(s.picture)()
    args = [f"--colormap={p.colour_map}"] if p.colour_map != d.colour_map else []
    args += [f"--levels={p.levels}"] if p.levels != d.levels else []
    args += [f"--colouring={p.colouring}"] if p.colouring != d.colouring else []
    args += ["--arrows"] if p.arrows else []
    if s.playback.step is not None:
        args.append(f"--at-step={s.playback.step!r}")
    return args
