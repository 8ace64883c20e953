"""Where generated kernels live: one file each in the user's cache folder, named by a hash
of its text, and imported from there.

numba's ``cache=True`` keeps a compiled function beside its source file (``__pycache__``),
so a kernel compiled once — 1–2 s — loads in a fraction of that in every later session. The
folder is the platform's user cache (``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux,
``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on Windows) under
``gradient-studio/kernels``; ``GRADIENT_STUDIO_CACHE`` overrides it, and where it cannot be
written a folder under the system's temporary directory is used instead.

A file is written once, atomically (a temporary file beside it, then ``os.replace``), so
two processes racing to write the same kernel both end up importing one complete file; a
file already there is never rewritten (its modification time is what numba's cache checks).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType

from gradient_studio.engine.compiled.source import source_hash

PACKAGE = "gradient_studio_kernels"  # the name the kernel modules are imported under


def cache_folder() -> Path:
    """The folder kernels are written to (created if need be)."""
    override = os.environ.get("GRADIENT_STUDIO_CACHE")
    if override:
        base = Path(override)
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches" / "gradient-studio"
    elif sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
        base = base / "gradient-studio" / "Cache"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gradient-studio"
    folder = base / "kernels"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder
    except OSError:
        pass
    user = getattr(os, "getuid", lambda: 0)()
    fallback = Path(tempfile.gettempdir()) / f"gradient-studio-{user}" / "kernels"
    fallback.mkdir(parents=True, exist_ok=True)
    return fallback


def write_kernel(text: str, folder: Path | None = None) -> Path:
    """The kernel file with ``text``, written if it is not there yet."""
    folder = folder or cache_folder()
    path = folder / f"kernel_{source_hash(text)}.py"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return path
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return path


def load_kernel(path: Path) -> ModuleType:
    """Import the kernel module at ``path`` (once per process)."""
    name = f"{PACKAGE}.{path.stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import the kernel {str(path)!r}")
    module = importlib.util.module_from_spec(spec)
    # Registered first: numba's cache names a function's module and imports it by name
    # when it loads the compiled code back.
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)  # our generated text (see source.py), from our folder
    except BaseException:
        del sys.modules[name]
        raise
    return module
