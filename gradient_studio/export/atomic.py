"""Write files so that a reader never sees half of one.

The new content goes to a temporary file in the destination's own folder (so the final
rename stays on one file system and is atomic), and replaces the old file only once it is
complete. If writing fails, the temporary file is removed and the old file is untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` with a temporary path beside ``path``, then move it into place.

    An ``OSError`` on the way (a full disk, a name too long) is raised as the same error
    about ``path``, the file the person chose: the temporary name means nothing to them.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OSError(f"the folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise PermissionError(f"cannot write to the folder {str(folder)!r}")
    try:
        # A short temporary name: the person's own may already be as long as names go.
        fd, name = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".part", dir=folder)
    except OSError as error:
        raise _about(error, target) from None
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(error, OSError):
            raise _about(error, target) from None
        raise
    return target


def _about(error: OSError, target: Path) -> OSError:
    """``error`` as the same kind of error about ``target``."""
    if error.errno is not None and error.strerror:
        return type(error)(error.errno, error.strerror, str(target))
    return type(error)(f"could not write {str(target)!r}: {error}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
