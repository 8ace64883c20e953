"""The landscape under the paths: f as a filled image with a colour bar, and its contour lines.

Both take the grid as the engine returns it — ``xs`` (cols,), ``ys`` (rows,) cell centres and
``z[i, j] = f(xs[j], ys[i])`` — and a :class:`~gradient_studio.scene.palette.ColourScale`
that says how f maps onto the colour map. Items are made once and updated in place.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from contourpy import LineType, contour_generator
from numpy.typing import NDArray
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QPainter

from gradient_studio.scene._pyqtgraph import make_native, native_images
from gradient_studio.scene.gradient_colouring import DarkGround
from gradient_studio.scene.palette import ColourScale, colormap_lut, colormap_pixels, luminance

Array = NDArray[np.float64]

#: Contour lines over the darker half of a colour map are drawn light, over the rest dark.
LIGHT_LINE = (255, 255, 255, 120)
DARK_LINE = (0, 0, 0, 95)
_DARK_BELOW = 0.22  # luminance under which a background counts as dark


class _SmoothImage(pg.ImageItem):  # type: ignore[misc]  # (pyqtgraph has no type hints)
    """An image drawn with bilinear smoothing, so grid cells never show as blocks, and kept
    in Qt's native pixel format, which halves the time of every scaled, smoothed paint;
    :meth:`set_native` takes pixels already in that format, which saves converting
    pyqtgraph's RGBA image on every new landscape (see
    :func:`~gradient_studio.scene._pyqtgraph.make_native`)."""

    _native = False

    def set_native(self, pixels: NDArray[np.uint8]) -> None:
        """Show ``pixels`` (rows, cols, 4), premultiplied ARGB32 as Qt keeps it in memory."""
        self.setImage(pixels, autoLevels=False)
        self._native = True  # rendering is lazy: it happens at the next paint

    def setImage(self, image: Any = None, autoLevels: bool | None = None, **kargs: Any) -> None:
        if image is not None:
            self._native = False
        super().setImage(image, autoLevels, **kargs)

    def render(self) -> None:
        super().render()
        make_native(self, self._native)

    def paint(self, painter: QPainter, *args: object) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        super().paint(painter, *args)


class LandscapeLayer:
    """f as a filled image (nan transparent) beside a colour bar that names its scale."""

    def __init__(self, plot: pg.PlotItem, colormap: str = "viridis") -> None:
        self.image = _SmoothImage(axisOrder="row-major")
        self.image.setZValue(-100)
        plot.addItem(self.image)
        self.colour_bar = pg.ColorBarItem(
            values=(0.0, 1.0),
            width=18,
            colorMap=pg.colormap.get(colormap),
            interactive=False,
            colorMapMenu=False,
            pen=None,
        )
        # Where ColorBarItem.setImageItem(insert_in=plot) puts it, right of the right axis
        # (found, not assumed: that call would also hand the bar's colours to the image).
        row, col = _cell_of(plot.layout, plot.getAxis("right"))
        plot.layout.addItem(self.colour_bar, row, col + 2)
        plot.layout.setColumnFixedWidth(col + 1, 6)
        self.colormap = colormap
        self.scale = ColourScale(0.0, 1.0)
        self._ticks: list[list[tuple[float, str]]] | None = None

    def set_colormap(self, name: str) -> None:
        """Use the colour map ``name`` (see :data:`~gradient_studio.scene.palette.COLORMAPS`)."""
        colormap_lut(name)  # validates the name
        self.colormap = name
        self.colour_bar.setColorMap(pg.colormap.get(name))

    def clear(self) -> None:
        self.image.clear()

    def show(self, xs: Array, ys: Array, u: Array, scale: ColourScale) -> None:
        """Show the grid ``u`` (f in the units of ``scale``) with the cells on their centres."""
        self.scale = scale
        if native_images():
            self.image.set_native(scale.colours(u, colormap_pixels(self.colormap)))
        else:
            self.image.setImage(scale.colours(u, colormap_lut(self.colormap)), autoLevels=False)
        self.image.setRect(_cell_rect(xs, ys))
        bar = self.colour_bar
        bar.setLevels((scale.low, scale.high))
        # Re-setting the same ticks or label re-lays out text (and the label, the plot):
        # a slider moving a parameter would pay for that on every step.
        ticks = [scale.ticks()]
        if ticks != self._ticks:
            self._ticks = ticks
            bar.axis.setTicks(ticks)
        if scale.label != bar.axis.labelText:
            bar.axis.setLabel(scale.label)

    def style(self, font: QFont, text_colour: str) -> None:
        """Tick and label fonts for the colour bar's axis."""
        axis = self.colour_bar.axis
        axis.enableAutoSIPrefix(False)  # the ticks are set, in f: never "(x0.001)"
        axis.setWidth(60)  # room for "−250" or "5e14" beside the label, not over it
        axis.setStyle(tickFont=font, tickTextOffset=4)
        axis.setTextPen(text_colour)
        axis.setPen(text_colour)
        axis.label.setFont(font)
        for key in ("left", "top", "bottom"):
            self.colour_bar.getAxis(key).setPen(text_colour)


class ContourLayer:
    """Contour lines as two NaN-separated curves: light over dark colours, dark over light.

    ``detail`` caps the grid the lines are traced on (cells per side): tracing costs about
    0.5 ms per level at 400 x 400, and at screen size lines traced on every other cell
    look the same. Exports raise it.
    """

    def __init__(self, plot: pg.PlotItem, detail: int = 150) -> None:
        self.light = pg.PlotCurveItem(connect="finite", antialias=True)
        self.dark = pg.PlotCurveItem(connect="finite", antialias=True)
        for z, curve in enumerate((self.dark, self.light)):
            curve.setZValue(-50 + z)
            plot.addItem(curve)
        self.detail = detail
        self.count = 20
        self.line_width = 1.0
        self._pens()

    def _pens(self) -> None:
        self.light.setPen(pg.mkPen(LIGHT_LINE, width=self.line_width))
        self.dark.setPen(pg.mkPen(DARK_LINE, width=self.line_width))

    def set_line_width(self, width: float) -> None:
        self.line_width = width
        self._pens()

    def clear(self) -> None:
        for curve in (self.light, self.dark):
            curve.setData([], [])

    def show(
        self,
        xs: Array,
        ys: Array,
        u: Array,
        scale: ColourScale,
        colormap: str,
        ground: DarkGround | None = None,
    ) -> Array:
        """Trace about ``self.count`` levels of ``u``; returns the levels (scale units).

        ``ground`` says where the image is dark when it shows something other than ``u``
        (‖∇f‖): each stretch of line is then shaded by the colour beneath it rather than by
        its level."""
        levels = scale.contour_levels(self.count)
        stride = max(1, -(-max(u.shape) // self.detail))
        if stride > 1:
            # Keep the last row/column so the lines reach the edge of the image.
            rows = _strided(u.shape[0], stride)
            cols = _strided(u.shape[1], stride)
            xs, ys, u = xs[cols], ys[rows], _take(u, rows, cols)
        if not np.isfinite(u).all():
            u = np.ma.masked_invalid(u)
        generator = (
            contour_generator(xs, ys, u, line_type=LineType.ChunkCombinedNan)
            if u.shape[0] > 1 and u.shape[1] > 1
            else None
        )
        if ground is not None:
            lines = ground.split(_trace(generator, levels))
        else:
            light, dark = _split_by_background(levels, scale, colormap)
            lines = (_trace(generator, light), _trace(generator, dark))
        for curve, line in zip((self.light, self.dark), lines, strict=True):
            curve.setData(line[:, 0], line[:, 1], connect="finite")
        return levels


def _cell_of(layout: Any, item: Any) -> tuple[int, int]:
    """The ``(row, column)`` of ``item`` in a grid layout."""
    for row in range(layout.rowCount()):
        for col in range(layout.columnCount()):
            cell = layout.itemAt(row, col)
            if cell is not None and cell.graphicsItem() is item:
                return row, col
    raise LookupError("the item is not in the layout")


def _cell_rect(xs: Array, ys: Array) -> QRectF:
    """The rectangle the image covers: half a cell beyond the first and last centres."""
    dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1) if len(xs) > 1 else 1.0
    dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1) if len(ys) > 1 else 1.0
    return QRectF(xs[0] - dx / 2, ys[0] - dy / 2, dx * len(xs), dy * len(ys))


def _strided(n: int, stride: int) -> NDArray[np.intp]:
    idx = np.arange(0, n, stride)
    return idx if idx[-1] == n - 1 else np.append(idx, n - 1)


def _take(u: Array, rows: NDArray[np.intp], cols: NDArray[np.intp]) -> Array:
    """``u[np.ix_(rows, cols)]``, as a (much cheaper) strided view when the indices are
    evenly spaced."""
    steps = (np.diff(rows), np.diff(cols))
    if all(len(d) and (d == d[0]).all() for d in steps):
        return u[rows[0] : rows[-1] + 1 : steps[0][0], cols[0] : cols[-1] + 1 : steps[1][0]]
    return u[np.ix_(rows, cols)]


def _split_by_background(levels: Array, scale: ColourScale, colormap: str) -> tuple[Array, Array]:
    lut = colormap_lut(colormap)
    where = np.clip((levels - scale.low) / (scale.high - scale.low), 0, 1)
    dark_background = luminance(lut[(where * (len(lut) - 1)).round().astype(int)]) < _DARK_BELOW
    return levels[dark_background], levels[~dark_background]


_EMPTY = np.empty((0, 2))
_GAP = np.full((1, 2), np.nan)


def _trace(generator: Any, levels: Array) -> Array:
    """All lines at ``levels`` as one (n, 2) array, lines separated by rows of nan."""
    if generator is None or len(levels) == 0:
        return _EMPTY
    parts: list[Array] = []
    for (chunks,) in generator.multi_lines(levels):
        for points in chunks:
            if points is not None:
                parts += (points, _GAP)
    return _without_specks(np.concatenate(parts)) if parts else _EMPTY


def _without_specks(line: Array, fewest: int = 8) -> Array:
    """Drop closed loops of fewer than ``fewest`` points: grid-sized rings where a level just
    grazes a valley floor, which read as noise rather than as contours."""
    gaps = np.flatnonzero(np.isnan(line[:, 0]))
    starts = np.concatenate(([0], gaps[:-1] + 1))
    lengths = gaps - starts
    closed = np.all(line[starts] == line[np.maximum(gaps - 1, 0)], axis=1)
    speck = closed & (lengths < fewest)
    if not speck.any():
        return line
    keep = np.repeat(~speck, lengths + 1)
    return np.asarray(line[keep], dtype=np.float64)
