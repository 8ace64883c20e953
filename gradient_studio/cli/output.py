"""The file a command writes: ``--out`` checked before any work (its type, its folder, its
name), the picture's ``--size``/``--frames``/``--fps`` against the export limits, the work a
race would take, and the writing itself — each failure one line naming the file or option.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradient_studio.cli.arguments import UsageError, integer, pair, size
from gradient_studio.export import DATA_FORMATS, FORMATS, IMAGE_FORMATS

if TYPE_CHECKING:
    from gradient_studio.engine.results import RunResult


def check_out(text: str) -> Path:
    """The file ``--out`` names, refused (with what would be right) before any work if it
    cannot be written: an unknown type, a folder, a missing or read-only folder, a name
    longer than the file system takes."""
    if not text.strip():
        raise UsageError("--out: no file name given")
    if text.endswith(("/", os.sep, os.altsep or "/")) or os.path.basename(text) in (".", ".."):
        raise UsageError(f"--out: {text!r} names a folder, not a file")
    out = Path(text)
    ext = out.suffix.lower()
    if ext not in FORMATS:
        known = " ".join(sorted(FORMATS))
        raise UsageError(f"--out: unknown file type {out.suffix or '(none)'!r}; use one of {known}")
    folder = out.parent
    if not folder.is_dir():
        raise UsageError(f"--out: the folder {str(folder)!r} does not exist")
    longest = _name_max(folder)
    if len(os.fsencode(out.name)) > longest:
        raise UsageError(
            f"--out: the file name is {len(os.fsencode(out.name))} bytes long; "
            f"the folder's file system takes at most {longest}"
        )
    try:
        if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
            raise UsageError(f"--out: cannot write to {str(out)!r}")
        if out.is_dir():
            raise UsageError(f"--out: {str(out)!r} is a folder")
    except OSError as e:
        raise UsageError(f"--out: cannot write to {str(out)!r}: {e.strerror or e}") from None
    return out


def _name_max(folder: Path) -> int:
    """The longest file name (in bytes) the file system of ``folder`` takes."""
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (AttributeError, OSError, ValueError):  # Windows, or a file system that won't say
        return 255


def picture_options(args: argparse.Namespace, ext: str) -> dict[str, Any]:
    """``--size``, ``--frames`` and ``--fps`` for a picture, checked against the export
    limits (one line saying what would fit), or refused where they do not apply."""
    from gradient_studio.export import limits

    given = [f"--{n}" for n in ("size", "frames", "fps") if getattr(args, n) is not None]
    size(args.size, (640, 480))  # a malformed size is named even where it would not be used
    if ext not in IMAGE_FORMATS and given:
        raise UsageError(f"{given[0]} applies only to images (.png .svg .gif), not {ext}")
    if ext != ".gif" and set(given) & {"--frames", "--fps"}:
        gif_only = next(g for g in given if g != "--size")
        raise UsageError(f"{gif_only} applies only to .gif")
    if ext not in IMAGE_FORMATS:
        return {}
    options: dict[str, Any] = {}
    wanted = size(args.size, (640, 480) if ext == ".gif" else (1200, 900))
    try:
        options["size"] = limits.check_size(wanted)
        if ext == ".gif":
            frames = integer(args.frames, "--frames", 120, 1, limits.MAX_FRAMES)
            options["fps"] = integer(args.fps, "--fps", 30, 1, limits.MAX_FPS)
            options["size"], options["frames"] = limits.check_animation(wanted, frames)
    except ValueError as e:
        raise UsageError(f"--size: {e}" if "frames" not in str(e) else f"--frames: {e}") from None
    return options


def check_view(args: argparse.Namespace) -> None:
    """``--xrange``/``--yrange`` a picture can show (finite, low to high, within ±1e15)."""
    for option, text in (("--xrange", args.xrange), ("--yrange", args.yrange)):
        value = pair(text, option)
        if value is not None:
            from gradient_studio.engine.view import check_range

            try:
                check_range(value, option[2:3] + " range")
            except ValueError as e:
                raise UsageError(f"{option}: {e}") from None


def check_work(race: Any, ext: str) -> None:
    """Refuse a race (and, for .csv/.json, a table) too big to compute or write."""
    from gradient_studio.export import limits

    runs = len(race.optimizers) * len(race.starts)
    try:
        limits.check_race(race.steps, runs)
        if ext in DATA_FORMATS:
            limits.check_rows(race.steps, runs)
    except ValueError as e:
        raise UsageError(f"--steps: {e}") from None


def write(out: Path, result: RunResult, options: dict[str, Any]) -> None:
    """Write the file; any failure is one line naming the file the person chose."""
    from gradient_studio.export import write as write_file

    try:
        write_file(out, result, **options)
    except OSError as e:
        reason = e.strerror or str(e)
        raise UsageError(f"--out: could not write {str(out)!r}: {reason}") from None
    except ValueError as e:
        raise UsageError(f"--out: could not write {str(out)!r}: {e}") from None
