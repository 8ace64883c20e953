"""The files the running app loads (its icon), found through :mod:`importlib.resources`.

They live inside the package, so the wheel, an editable install and the PyInstaller bundle
all carry them, and nothing here looks at the source tree. No Qt is imported: the window
builds its ``QIcon`` from these paths itself::

    icon = QIcon()
    for size, path in icon_paths().items():
        icon.addFile(str(path), QSize(size, size))

The PNGs are rendered from ``resources/icon/*.svg`` by ``packaging/render_icons.py``.
"""

from __future__ import annotations

import atexit
import contextlib
import pathlib
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable

#: The reverse-DNS application id: the desktop entry's and the AppStream file's name, and the
#: icon's name in an icon theme (``QGuiApplication.setDesktopFileName`` takes it too).
APP_ID = "io.github.gradientstudio.GradientStudio"

_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Extracted copies of resources that are not plain files (a zipped install), kept until exit.
_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


def icon_sizes() -> tuple[int, ...]:
    """The sizes, in pixels, at which the square app icon is drawn, smallest first."""
    return _ICON_SIZES


def icon_file(size: int | None = None) -> Traversable:
    """The app icon at ``size`` pixels (the largest when ``None``) as a resource handle."""
    if size is None:
        size = _ICON_SIZES[-1]
    if size not in _ICON_SIZES:
        sizes = ", ".join(map(str, _ICON_SIZES))
        raise ValueError(f"no {size} px icon; the sizes are {sizes}")
    return files(__name__) / "icons" / f"gradient-studio-{size}.png"


def icon_path(size: int | None = None) -> pathlib.Path:
    """The app icon at ``size`` pixels (the largest when ``None``) as a file on disk."""
    resource = icon_file(size)
    if isinstance(resource, pathlib.Path):
        return resource
    return _extracted.enter_context(as_file(resource))


def icon_paths() -> dict[int, pathlib.Path]:
    """Every size of the app icon, ``{size: path}``, smallest first."""
    return {size: icon_path(size) for size in _ICON_SIZES}
