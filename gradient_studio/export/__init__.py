"""Files out: trajectories (CSV, JSON), pictures (PNG, SVG) and animations (GIF).

Every writer replaces its file atomically (see :mod:`gradient_studio.export.atomic`). The
image writers are imported only when asked for, so writing numbers needs no Qt.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from gradient_studio.export.style import PictureStyle

_WRITERS = {
    ".csv": ("gradient_studio.export.trajectories", "write_csv"),
    ".json": ("gradient_studio.export.trajectories", "write_json"),
    ".png": ("gradient_studio.export.images", "write_png"),
    ".svg": ("gradient_studio.export.images", "write_svg"),
    ".gif": ("gradient_studio.export.animation", "write_gif"),
}
FORMATS = tuple(_WRITERS)
IMAGE_FORMATS = (".png", ".svg", ".gif")
DATA_FORMATS = (".csv", ".json")

__all__ = ["DATA_FORMATS", "FORMATS", "IMAGE_FORMATS", "PictureStyle", "write"]


def __dir__() -> list[str]:
    return __all__


def write(path: str | Path, result: Any, **options: Any) -> Path:
    """Write ``result`` (a RunResult) to ``path`` in the format its extension names, with
    that writer's ``options`` (pictures: ``size``, ``step``, ``style``; GIF: ``frames``,
    ``fps``, ``progress``)."""
    path = Path(path)
    try:
        module, name = _WRITERS[path.suffix.lower()]
    except KeyError:
        raise ValueError(
            f"unknown file type {path.suffix or '(none)'!r}; use one of {' '.join(FORMATS)}"
        ) from None
    getattr(importlib.import_module(module), name)(path, result, **options)
    return path
