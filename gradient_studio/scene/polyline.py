"""Wide lines drawn piece by piece: the descent paths' curves.

A path is a polyline whose lines are separated by rows of NaN (``connect="finite"``). Its
pieces are ``QPainterPath`` s built from numpy in one go: their elements are written into
one buffer in ``QDataStream``'s format and read back (as pyqtgraph's ``arrayToQPath`` does
for some inputs), so no Python runs per vertex.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QByteArray, QDataStream
from PySide6.QtGui import QPainter, QPainterPath

Array = NDArray[np.float64]

#: Vertices per piece of a wide line (see :class:`WideLineCurve`).
PIECE = 32

# A path element in QDataStream's format: its type (0 MoveTo, 1 LineTo), x and y, big-endian.
_ELEMENT = np.dtype([("type", ">i4"), ("x", ">f8"), ("y", ">f8")])
_HEADER = 4  # the element count, before the elements
_FOOTER = 8  # the fill's start element and its rule (zeros: 0, odd-even), after them


def polyline_pieces(x: Array, y: Array, size: int = PIECE) -> list[QPainterPath]:
    """The lines of ``x, y`` as paths of at most ``size + 1`` vertices each, every piece of
    a line starting at the vertex where the one before it ended."""
    first, count = _lines(x, y)
    # A line of n vertices has n - 1 segments: ceil((n - 1) / size) pieces.
    pieces = -(-(count - 1) // size)
    line = np.repeat(np.arange(len(first)), pieces)
    nth = np.arange(len(line)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    start = first[line] + nth * size
    return _read(x, y, start, np.minimum(size + 1, first[line] + count[line] - start))


def _lines(x: Array, y: Array) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The first vertex and the number of vertices of every line of two or more."""
    breaks = np.flatnonzero(~(np.isfinite(x) & np.isfinite(y)))
    first = np.concatenate(([0], breaks + 1))
    count = np.concatenate((breaks, [len(x)])) - first
    keep = count > 1
    return first[keep], count[keep]


def _read(
    x: Array, y: Array, first: NDArray[np.intp], count: NDArray[np.intp]
) -> list[QPainterPath]:
    """One path for each run of ``count[i]`` vertices from ``first[i]``."""
    if not len(first):
        return []
    total = int(count.sum())
    before = np.cumsum(count) - count  # the elements of the runs before each run
    run = np.repeat(np.arange(len(first)), count)
    place = np.arange(total) - before[run]  # each element's place in its run
    elements = np.empty(total, dtype=_ELEMENT)
    elements["type"] = 1
    elements["type"][before] = 0
    elements["x"] = x[first[run] + place]
    elements["y"] = y[first[run] + place]
    # Each path in the stream: its element count, its elements, its fill start and rule.
    length = _HEADER + _ELEMENT.itemsize * count + _FOOTER
    begin = np.cumsum(length) - length
    data = bytearray(int(length.sum()))  # zeros: every footer is right as it is
    raw = np.frombuffer(data, dtype=np.uint8)
    raw[begin[:, None] + np.arange(_HEADER)] = count.astype(">i4").view(np.uint8).reshape(-1, 4)
    at = begin[run] + _HEADER + _ELEMENT.itemsize * place
    raw[at[:, None] + np.arange(_ELEMENT.itemsize)] = elements.view(np.uint8).reshape(total, -1)
    stream = QDataStream(QByteArray(data))
    paths = []
    for _ in range(len(first)):
        path = QPainterPath()
        stream >> path
        paths.append(path)
    return paths


class WideLineCurve(pg.PlotCurveItem):
    """A polyline drawn with a wide antialiased pen, a few dozen vertices at a time.

    Qt fills a wide line's outline with its antialiasing rasterizer, which works in bands a
    few dozen pixels high and walks the whole outline again for every band: a long path
    drawn whole costs up to twice what its pieces do. The pieces share their end vertices,
    so where two meet their round caps make a round join (at these widths the same to the
    eye as the bevels elsewhere; the pens are opaque, so nothing shows through twice).
    Exports that draw vector paths (SVG) get each line whole.
    """

    def __init__(self) -> None:
        super().__init__(connect="finite", antialias=True)
        self._pieces: list[QPainterPath] | None = None

    def updateData(self, *args: Any, **kargs: Any) -> None:
        self._pieces = None
        super().updateData(*args, **kargs)

    def paint(self, p: QPainter, *args: Any) -> None:
        if self._exportOpts is not False:
            super().paint(p, *args)
            return
        if self._pieces is None:
            x, y = self.xData, self.yData
            self._pieces = [] if x is None or y is None else polyline_pieces(x, y)
        if not self._pieces:
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing, self.opts["antialias"])
        p.setPen(self.opts["pen"])
        for piece in self._pieces:
            p.drawPath(piece)
