"""Every use of pyqtgraph's private parts, in one room.

pyqtgraph's public API lacks a few things the scene needs to stay fast and tidy. What is
used of its insides is reached only through this module, which was checked against the
versions in :data:`CHECKED`. With any other version (or if a part has gone),
:data:`INTERNALS` is False and each function here does the stock, public thing instead —
slower or plainer, never wrong. ``tests/scene/test_pyqtgraph_room.py`` runs every fallback.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QLineF

#: pyqtgraph versions whose internals this module was read against.
CHECKED: tuple[str, ...] = ("0.14.0",)


def _internals_present() -> bool:
    try:
        from pyqtgraph.Qt.internals import PrimitiveArray  # noqa: F401
    except ImportError:
        return False
    return pg.__version__ in CHECKED


#: Whether the private parts below are used (tests switch it off to run the fallbacks).
INTERNALS: bool = _internals_present()


def in_export(item: Any) -> bool:
    """Whether ``item`` is being drawn by one of pyqtgraph's exporters (SVG, its own PNG):
    ``GraphicsItem._exportOpts``, set by ``setExportMode``. Without it, never."""
    if not INTERNALS:
        return False
    return getattr(item, "_exportOpts", False) is not False


class LineArray:
    """Line segments ``(x0, y0, x1, y1)`` for ``QPainter.drawLines`` in one call: a
    pyqtgraph ``PrimitiveArray`` is a C array of ``QLineF`` over numpy memory; the stock
    way is a Python list of ``QLineF`` (about 1 µs per segment to build)."""

    def __init__(self, lines: NDArray[np.float64]) -> None:
        self._array: Any = None
        self._list: list[QLineF] = []
        if INTERNALS:
            from pyqtgraph.Qt.internals import PrimitiveArray

            self._array = PrimitiveArray(QLineF, 4)
            self._array.resize(len(lines))
            self._array.ndarray()[:] = lines
        else:
            self._list = [QLineF(*row) for row in np.asarray(lines).tolist()]

    def drawargs(self) -> tuple[Any, ...]:
        """The arguments of ``drawLines`` (valid while this object lives)."""
        if self._array is not None:
            return tuple(self._array.drawargs())
        return (self._list,)
