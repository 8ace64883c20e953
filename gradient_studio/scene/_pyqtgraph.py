"""Every use of pyqtgraph's private parts, in one room.

pyqtgraph's public API lacks a few things the scene needs to stay fast and tidy. What is
used of its insides is reached only through this module, which was checked against the
versions in :data:`CHECKED`. With any other version (or if a part has gone),
:data:`INTERNALS` is False and each piece here does the stock, public thing instead —
slower or plainer, never wrong. ``tests/scene/test_pyqtgraph_room.py`` runs every fallback.

What is used, and what it saves (measured beside the stock way):

* ``GraphicsItem._exportOpts`` — whether an exporter is drawing (:func:`in_export`): SVG
  gets a path's lines whole instead of as flat segments and discs.
* ``pyqtgraph.Qt.internals.PrimitiveArray`` — ``QLineF`` s over numpy memory
  (:class:`LineArray`): a path's thousand segments to ``drawLines`` in one call, not a
  Python list (1 µs each).
* ``ImageItem.qimage`` — the landscape image re-labelled as Qt's native premultiplied
  format (:func:`make_native`): every smoothed, scaled paint 0.59 ms instead of 1.0 ms,
  and a new landscape 0.85 instead of 1.6 ms.
* ``LabelItem.updateMin`` — the title tells the layout only when its height changes
  (:class:`SteadyLabel`): new text of the same height (a slider's new parameter value)
  leaves the plot's layout alone.
* ``pyqtgraph.exporters.SVGExporter.correctCoordinates`` — wrapped for one export
  (:func:`closed_paths_understood`): 0.14.0 fails on the ``Z`` that Qt 6.11 writes
  (pyqtgraph issue 3495, fixed after 0.14.0).
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QLineF, QSizeF, Qt
from PySide6.QtGui import QImage

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


def native_images() -> bool:
    """Whether landscape pixels may be handed over in Qt's native format (see
    :func:`make_native`); else they go to pyqtgraph as plain RGBA."""
    return INTERNALS


def make_native(item: pg.ImageItem, pixels_native: bool) -> None:
    """After ``item.render()``: its ``QImage`` in Qt's native premultiplied ARGB32, relabelled
    (``pixels_native``: the pixels are in that format already, and pyqtgraph only named
    them RGBA) or converted. Stock: left as pyqtgraph made it."""
    if not INTERNALS:
        return
    native = QImage.Format.Format_ARGB32_Premultiplied
    image = item.qimage
    if image is None or image.format() == native:
        return
    if pixels_native:
        image.reinterpretAsFormat(native)
    else:
        item.qimage = image.convertToFormat(native)


class SteadyLabel(pg.LabelItem):  # type: ignore[misc]  # (pyqtgraph has no type hints)
    """A label that tells its layout only when its height changes, and never asks for more
    width than it is given (a long title overhangs or wraps instead of widening the
    plot). Stock (``INTERNALS`` off): a ``LabelItem`` as pyqtgraph lays it out."""

    _height = -1.0  # LabelItem's constructor already asks for this

    def updateMin(self) -> None:
        if not INTERNALS:
            super().updateMin()
            return
        height = self.itemRect().height()
        if height != self._height:
            self._height = height
            super().updateGeometry()

    def updateGeometry(self) -> None:
        """Only a change of height concerns the layout, and updateMin reports that."""
        if not INTERNALS:
            super().updateGeometry()

    def setMaximumHeight(self, height: float) -> None:
        """The most its row gives it, which the layout must learn (updateGeometry would
        not tell it, and it would keep the label to its old height)."""
        super().setMaximumHeight(height)
        super().updateGeometry()

    def sizeHint(self, which: Qt.SizeHint, constraint: QSizeF | None = None) -> QSizeF:
        if not INTERNALS:
            hint: QSizeF = super().sizeHint(
                which, constraint if constraint is not None else QSizeF()
            )
            return hint
        if which == Qt.SizeHint.MaximumSize:
            return QSizeF(-1, -1)
        if which in (Qt.SizeHint.MinimumSize, Qt.SizeHint.PreferredSize):
            return QSizeF(0, max(self._height, 0.0))
        return QSizeF(0, 0)


@contextlib.contextmanager
def closed_paths_understood() -> Iterator[None]:
    """For the duration: pyqtgraph 0.14.0's SVG exporter, which rewrites every
    ``<path d="...">`` reading the data as ``x,y`` pairs, takes each ``Z`` (closed path)
    out first and puts it back after. Stock: the exporter as it is."""
    if not INTERNALS:
        yield
        return
    # The module, not the class of the same name that pyqtgraph.exporters re-exports.
    module = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    original = getattr(module, "correctCoordinates")  # noqa: B009 (an untyped module)

    def correct(node: Any, defs: Any, item: Any, options: Any) -> None:
        closed = []
        for path in node.getElementsByTagName("path"):
            tokens = path.getAttribute("d").split()
            if "Z" not in tokens and "z" not in tokens:
                continue
            coords = [t for t in tokens if t not in ("Z", "z")]
            # After which coordinate each Z came (counting coordinates before it).
            where = [i - n for n, i in enumerate(j for j, t in enumerate(tokens) if t in "Zz")]
            path.setAttribute("d", " ".join(coords))
            closed.append((path, where))
        original(node, defs, item, options)
        for path, where in closed:
            coords = path.getAttribute("d").split()
            for count in reversed(where):
                coords.insert(count, "Z")
            path.setAttribute("d", " ".join(coords))

    setattr(module, "correctCoordinates", correct)  # noqa: B010
    try:
        yield
    finally:
        setattr(module, "correctCoordinates", original)  # noqa: B010
