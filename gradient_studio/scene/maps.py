"""What the pictures of many runs share: their frame, axes, title and legend pieces.

The three map pictures — :class:`~gradient_studio.scene.basins.BasinScene`,
:class:`~gradient_studio.scene.sweeps.SweepScene` and
:class:`~gradient_studio.scene.sweeps.HyperMapScene` — are pyqtgraph plots in the house
style of :class:`~gradient_studio.scene.PlotScene` (the same frame, axes, title and fonts),
shared by a window and the exporters, built once and updated in place by their ``set_*``
methods. Each has a legend beside the plot, not over it: a map is colour to its edges.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QGraphicsWidget

from gradient_studio.scene.drawing import Drawing
from gradient_studio.scene.labels import LEFT_AXIS_WIDTH, Axis, frame_plot, style_axes
from gradient_studio.scene.legend import Legend, Run
from gradient_studio.scene.overlays import LEGEND_PX
from gradient_studio.scene.palette import BACKGROUND, CASING, TEXT, format_value
from gradient_studio.scene.qt import ensure_app

Array = NDArray[np.float64]
LegendRows = list[tuple[QGraphicsWidget, tuple[Run, ...]]]


def rgb(colour: str) -> NDArray[np.float64]:
    c = QColor(colour)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


class Swatch(QGraphicsWidget):
    """A legend row's square of colour (with the map's dark rim)."""

    def __init__(self, colour: str) -> None:
        super().__init__()
        self.colour = QColor(colour)
        self.setMinimumSize(QSizeF(18, 16))
        self.setMaximumSize(QSizeF(18, 16))

    def paint(self, p: QPainter, *args: Any) -> None:
        p.setPen(pg.mkPen(CASING, width=1))
        p.setBrush(self.colour)
        p.drawRect(QRectF(2.5, 2.5, 13, 11))


class Dash(QGraphicsWidget):
    """A legend row's dashed white line on dark (the theory's edge on the map)."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(QSizeF(18, 16))
        self.setMaximumSize(QSizeF(18, 16))

    def paint(self, p: QPainter, *args: Any) -> None:
        p.fillRect(QRectF(1, 2, 17, 12), QColor("#3A3A3A"))
        p.setPen(pg.mkPen("#ffffff", width=1.6, style=Qt.PenStyle.DashLine))
        p.drawLine(2, 8, 17, 8)


class Blank(QGraphicsWidget):
    """No swatch: a legend row of words only."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(QSizeF(18, 16))
        self.setMaximumSize(QSizeF(18, 16))


class MapAxis(Axis):
    """An axis that may be logarithmic: ticks at powers of ten, labelled as numbers."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if self.logMode:
            return [format_value(10.0**v) if abs(v) < 300 else "" for v in values]
        texts: list[str] = super().tickStrings(values, scale, spacing)
        return texts


class _NoBar:
    def style(self, font: QFont, text_colour: str) -> None:
        pass


class MapFrame(Drawing):
    """The frame every map picture shares: plot, axes, title and a legend beside the plot."""

    def __init__(self, name: str, accessible: str, bar: Any = None) -> None:
        ensure_app()
        self.widget = pg.PlotWidget(background=BACKGROUND)
        self.widget.setObjectName(name)
        self.widget.setAccessibleName(accessible)
        self.plot: pg.PlotItem = self.widget.getPlotItem()
        self.title = frame_plot(self.plot)
        self.plot.setAxisItems({key: MapAxis(key) for key in ("left", "bottom", "top", "right")})
        self.plot.showAxes(True, showValues=(True, False, False, True))
        self.plot.setLabel("bottom", "<i>x</i>")
        self.plot.setLabel("left", "<i>y</i>")
        self._title_height = 30
        self.legend = Legend(
            text_px=LEGEND_PX,
            text_colour=TEXT,
            brush=pg.mkBrush("#ffffff00"),
            pen=pg.mkPen("#00000000"),
        )
        self.legend.setFlag(self.legend.GraphicsItemFlag.ItemIgnoresTransformations, False)
        self._bar = bar

    def _finish(self, bar: Any = None) -> None:
        style_axes(self.plot, bar or _NoBar())
        axis = self.plot.getAxis("right")
        row = self.plot.layout.rowCount()
        for r in range(row):
            for c in range(self.plot.layout.columnCount()):
                cell = self.plot.layout.itemAt(r, c)
                if cell is not None and cell.graphicsItem() is axis:
                    self.plot.layout.addItem(self.legend, r, self.plot.layout.columnCount())
                    self.plot.vb.sigResized.connect(self._on_view_resized)
                    return

    def _on_view_resized(self, *_: Any) -> None:
        self._fit_title()

    def _set_legend(self, rows: LegendRows) -> None:
        self.legend.set_entries(rows)

    def set_title(self, text: str, *, name: str = "", values: Any = None) -> None:
        self.title.show_title(text, name, values)
        self._fit_title()

    def _fit_axes(self) -> None:
        """Widen the left axis to its widest tick label (else pyqtgraph leaves labels out)."""
        left = self.plot.getAxis("left")
        if isinstance(left, Axis):
            left.fit_width(LEFT_AXIS_WIDTH)


def edges(xs: Array, ys: Array) -> QRectF:
    """The rectangle whose cells of the grid ``xs`` × ``ys`` have those points as centres."""
    dx = (xs[-1] - xs[0]) / (len(xs) - 1) if len(xs) > 1 else 1.0
    dy = (ys[-1] - ys[0]) / (len(ys) - 1) if len(ys) > 1 else 1.0
    return QRectF(xs[0] - dx / 2, ys[0] - dy / 2, xs[-1] - xs[0] + dx, ys[-1] - ys[0] + dy)


def pct(share: float) -> str:
    return f"{100 * share:.1f} %" if share >= 0.001 else "< 0.1 %"


def shown(choice: Any) -> dict[str, float]:
    """The hyperparameters worth naming: lr, and those set away from their defaults."""
    defaults = choice.spec.defaults
    return {k: v for k, v in choice.resolved.items() if k == "lr" or v != defaults[k]}


def training_rows(training: Any) -> LegendRows:
    """A legend row naming the schedule, clipping and noise, if the runs had any."""
    parts = []
    if training.schedule.name != "constant":
        parts.append(f"{training.schedule.text} schedule")
    if training.clip is not None:
        parts.append(f"clip {training.clip.by} {format_value(training.clip.threshold)}")
    if training.noise is not None:
        n = training.noise
        parts.append(f"noise η={format_value(n.eta)}, γ={format_value(n.gamma)} (seed {n.seed})")
    return [
        (Blank(), (Run(("with " if i == 0 else "and ") + part),)) for i, part in enumerate(parts)
    ]


def hyper_text(values: dict[str, float]) -> str:
    return ", ".join(f"{k}={format_value(v)}" for k, v in values.items())


def joined(parts: list[Array]) -> Array:
    return np.concatenate(parts) if parts else np.empty(0)
