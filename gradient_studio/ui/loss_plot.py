"""f and ‖∇f‖ per step for every optimiser, in the colours their paths have in the picture.

f is drawn thick (with the optimiser's own dashes, if it has any) and ‖∇f‖ thin and dotted,
on a log scale by default (a descent spans decades). A vertical line marks the playhead and
can be dragged to scrub; hovering shows every optimiser's values at the step under the
pointer in a card beside it, kept inside the window whatever its size. The axes never
scale their numbers away ("(x0.001)"), keep one notation per axis and a true minus sign,
and size themselves to their numbers, so a tick never prints over the axis title.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from gradient_studio.scene import palette
from gradient_studio.scene.palette import CASING, format_value
from gradient_studio.ui import theme
from gradient_studio.ui.labels import ElidedLabel, HoverCard
from gradient_studio.ui.styles import Style, pen

TEXT = theme.TEXT
PLAYHEAD = theme.ERROR
HOVER_HINT = "hover for the values at a step"
POINTS = 1000  # points per curve, at most, handed to Qt (about two a pixel)
MINUS = "\u2212"
DOTS = (1.0, 2.0)  # ‖∇f‖'s dotted line, in line widths
BACKGROUND = "#ffffff"
PALE = 1.6  # a colour contrasting less than this with the background gets a dark edge
PALE_DARKER = 170  # and its dotted ‖∇f‖ line is drawn this much darker (QColor.darker)
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def tick_texts(values: Sequence[float], spacing: float, *, log: bool = False) -> list[str]:
    """Tick labels in one notation for the whole axis, with a true minus sign.

    Whole steps read ``0 … 200 000``; other linear values as the picture's axes read them
    (:func:`gradient_studio.scene.palette.tick_texts`: ``−0.006 … 0.008``, or powers of
    ten). Log (``values`` are log10): ``0.01 … 100`` over a few decades, else ``10⁻²⁰ …``.
    """
    if not len(values):
        return []
    if log:
        whole = all(v == round(v) for v in values)
        if whole and min(values) >= -3 and max(values) <= 4:
            return [f"{10.0**v:.{max(0, -round(v))}f}" for v in values]
        out = []
        for v in values:
            if v == round(v):
                out.append("10" + str(round(v)).translate(SUPERSCRIPT))
            else:
                mantissa, exponent = f"{10.0**v:.0e}".split("e")
                out.append(f"{mantissa}·10" + str(int(exponent)).translate(SUPERSCRIPT))
        return out
    reach = max(abs(v) for v in values)
    if spacing >= 1 and reach < 1e7 and all(v == round(v) for v in values):
        return [f"{v:,.0f}".replace(",", "\u2009").replace("-", MINUS) for v in values]
    return palette.tick_texts(values, spacing, reach)


class LossAxis(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph has no type hints
    """An axis that never scales its numbers away and labels them by :func:`tick_texts`."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)
        # Room for the widest numbers so far, kept: a race still running changes its ticks
        # every frame, and an axis that shrank and grew would lay the plot out each time.
        self.setStyle(autoReduceTextSpace=False)
        self.setPen(TEXT)
        self.setTextPen(TEXT)

    def tickStrings(self, values: list[float], scale: float, spacing: float | None) -> list[str]:
        if spacing is None:  # pyqtgraph's own tick values for a log axis come without one
            gaps = np.diff(sorted(values))
            spacing = float(gaps.min()) if len(gaps) else 1.0
        return tick_texts([v * scale for v in values], spacing * scale, log=self.logMode)


class LossPlot(pg.PlotWidget):  # type: ignore[misc]
    """The plot itself (objectName ``lossPlot``); :class:`LossPanel` adds its switches."""

    playhead_moved = Signal(float)
    hovered = Signal(str)  # rich text of the values under the pointer ("" when it leaves)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            background=BACKGROUND,
            axisItems={"left": LossAxis("left"), "bottom": LossAxis("bottom")},
        )
        self.setObjectName("lossPlot")
        self.setAccessibleName("Loss per step")
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.setLabel("bottom", "step", color=TEXT)
        plot.setLabel("left", "f, ‖∇f‖", color=TEXT)
        for key in ("left", "bottom", "top", "right"):
            plot.getAxis(key).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        plot.setLogMode(y=True)
        plot.vb.setMouseEnabled(x=True, y=False)
        self.playhead = pg.InfiniteLine(
            angle=90,
            movable=True,
            pen=pg.mkPen(PLAYHEAD, width=1.5),
            hoverPen=pg.mkPen(PLAYHEAD, width=3),
        )
        self.playhead.setZValue(50)
        self.playhead.setToolTip("The step shown in the picture: drag to scrub")
        plot.addItem(self.playhead, ignoreBounds=True)
        self.cursor = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen("#00000040", width=1, style=Qt.PenStyle.DashLine)
        )
        self.cursor.setVisible(False)
        plot.addItem(self.cursor, ignoreBounds=True)
        # Each run's last step, in its own mark: the second cue beside its colour.
        self.ends = pg.PlotDataItem([], [], pen=None, symbolPen=pg.mkPen(CASING, width=1))
        self.ends.setZValue(20)
        plot.addItem(self.ends)
        self.f_curves: list[pg.PlotDataItem] = []
        self.grad_curves: list[pg.PlotDataItem] = []
        self.casings: list[pg.PlotDataItem] = []  # dark edges under pale f curves
        self._runs: list[tuple[str, Style, Any]] = []  # (name, style, trajectory)
        self.show_f = True
        self.show_grad = True
        self.log_y = True
        self.auto_log = True  # log y while every f is positive, until a person chooses
        self.card = HoverCard("lossValues")  # every optimiser's values at the step hovered
        self.playhead.sigDragged.connect(self._on_playhead_dragged)
        self.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)

    # -- showing ---------------------------------------------------------------------------
    def set_trajectories(
        self, trajectories: Sequence[Any], names: Sequence[str], styles: Sequence[Style]
    ) -> None:
        """A thick f curve and a thin dotted ‖∇f‖ curve per trajectory."""
        plot = self.getPlotItem()
        while len(self.f_curves) < len(trajectories):
            for curves, z in ((self.f_curves, 10), (self.grad_curves, 5), (self.casings, 9)):
                curve = pg.PlotDataItem(antialias=False)
                # The curves stay put while the playhead sweeps over them: keep them as
                # pixmaps rather than redraw every segment each animation frame.
                curve.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
                curve.setZValue(z)
                plot.addItem(curve)
                curves.append(curve)
        self._runs = list(zip(names, styles, trajectories, strict=True))
        if self.auto_log:
            self._set_log_mode(all(bool(np.all(t.f[: t.stop + 1] > 0)) for t in trajectories))
        self._fill()
        last = max((t.stop for t in trajectories), default=0)
        plot.setXRange(0, max(1, last), padding=0.02)
        plot.enableAutoRange(axis="y")

    def _fill(self) -> None:
        shown = _positive if self.log_y else _finite
        curves = zip(self.f_curves, self.grad_curves, self.casings, strict=True)
        for i, (f_curve, g_curve, casing) in enumerate(curves):
            if i >= len(self._runs):
                for curve in (f_curve, g_curve, casing):
                    curve.clear()  # (setData with nothing leaves the old curve drawn)
                continue
            _, style, t = self._runs[i]
            f_curve.setPen(pen(style, 2))
            f_curve.setData(*_peaks(shown(t.f[: t.stop + 1])))
            pale = theme.contrast(style.colour, BACKGROUND) < PALE
            if pale:  # a white or yellow line on the white plot, cased as in the picture
                casing.setPen(pg.mkPen(CASING, width=4))
                casing.setData(*f_curve.getOriginalDataset())
            else:
                casing.clear()
            grad = QColor(style.colour).darker(PALE_DARKER) if pale else style.colour
            g_curve.setPen(pen(style._replace(colour=QColor(grad).name()), 1.4, DOTS))
            g_curve.setData(*_peaks(shown(t.grad_norm[: t.stop + 1])))
            f_curve.setVisible(self.show_f)
            casing.setVisible(self.show_f and pale)
            g_curve.setVisible(self.show_grad)
        self._fill_ends(shown)

    def _fill_ends(self, shown: Any) -> None:
        xs, ys, marks, brushes = [], [], [], []
        for _, style, t in self._runs:
            f = float(shown(t.f[t.stop : t.stop + 1])[0])
            if math.isfinite(f):
                xs.append(float(t.stop))
                ys.append(f)
                marks.append(style.marker)
                brushes.append(pg.mkBrush(style.colour))
        if xs:
            self.ends.setData(xs, ys, symbol=marks, symbolBrush=brushes, symbolSize=9)
        else:  # setData with nothing would leave the last marks standing
            self.ends.clear()
        self.ends.setVisible(self.show_f)

    def set_step(self, step: float) -> None:
        self.playhead.blockSignals(True)
        self.playhead.setValue(step)
        self.playhead.blockSignals(False)

    def set_log_y(self, log: bool, *, auto: bool = False) -> None:
        """Log y (``auto``: only while every f is positive, as at the start)."""
        self.auto_log = auto
        self._set_log_mode(bool(log))
        self._fill()
        self.getPlotItem().enableAutoRange(axis="y")

    def _set_log_mode(self, log: bool) -> None:
        """Switch the y axis, with no curve holding values the new scale cannot show (the
        last mode's values in the new one would be a frame of nan, and warnings)."""
        if log != self.log_y or log != self.getPlotItem().ctrl.logYCheck.isChecked():
            for item in (self.ends, *self.f_curves, *self.grad_curves, *self.casings):
                item.clear()
        self.log_y = log
        self.getPlotItem().setLogMode(y=log)

    def set_visible_curves(self, f: bool, grad: bool) -> None:
        self.show_f, self.show_grad = f, grad
        self.ends.setVisible(f)
        for curve in self.f_curves:
            curve.setVisible(f)
        for casing in self.casings:
            casing.setVisible(f and casing.getOriginalDataset()[0] is not None)
        for curve in self.grad_curves:
            curve.setVisible(grad)

    def values_at(self, step: int) -> str:
        """Every optimiser's f and ‖∇f‖ at ``step``, as a rich-text table."""
        rows = []
        for name, style, t in self._runs:
            k = max(0, min(int(step), t.stop))
            rows.append(
                f"<tr><td><span style='color:{style.colour}'>{style.glyph}</span> "
                f"{html.escape(name)}</td>"
                f"<td align='right'>&nbsp;<i>f</i> = {format_value(float(t.f[k]))}</td>"
                f"<td align='right'>&nbsp;‖∇<i>f</i>‖ = {format_value(float(t.grad_norm[k]))}"
                "</td></tr>"
            )
        if not rows:
            return ""
        return f"<b>step {int(step)}</b><table cellspacing='0'>{''.join(rows)}</table>"

    # -- what a person does ----------------------------------------------------------------
    def _on_playhead_dragged(self, line: pg.InfiniteLine) -> None:
        self.playhead_moved.emit(max(0.0, float(line.value())))

    def _on_scene_mouse_moved(self, position: QPointF) -> None:
        vb = self.getPlotItem().vb
        if not self._runs or not vb.sceneBoundingRect().contains(position):
            self._hide_values()
            return
        step = round(vb.mapSceneToView(position).x())
        last = max(t.stop for _, _, t in self._runs)
        step = max(0, min(step, last))
        self.cursor.setValue(step)
        self.cursor.setVisible(True)
        text = self.values_at(step)
        self.card.show_at(self, self.mapFromScene(position), text)
        self.hovered.emit(text)

    def _hide_values(self) -> None:
        self.cursor.setVisible(False)
        self.card.hide()
        self.hovered.emit("")

    def leaveEvent(self, event: Any) -> None:
        self._hide_values()
        super().leaveEvent(event)


def _positive(values: Any) -> Any:
    """Values for a log axis: zero and below (f can be negative) are left out, not warned."""
    out = np.asarray(values, dtype=np.float64).copy()
    out[~(out > 0) | ~np.isfinite(out)] = np.nan
    return out


def _peaks(values: Any, limit: int = POINTS) -> tuple[Any, Any]:
    """``(steps, values)`` with at most about ``limit`` points: beyond that, each run of
    steps becomes its lowest and highest value, so spikes survive. (Painting 4,000-point
    dashed curves takes Qt 30 ms; a plot a few hundred pixels wide shows no
    more than this anyway.)"""
    n = len(values)
    steps = np.arange(n, dtype=np.float64)
    if n <= limit:
        return steps, values
    size = -(-n // (limit // 2))
    bins = -(-n // size)
    flat = np.full(bins * size, np.nan)
    flat[:n] = values
    padded = flat.reshape(bins, size)
    low, high = np.fmin.reduce(padded, axis=1), np.fmax.reduce(padded, axis=1)
    starts = steps[::size]
    x = np.repeat(starts, 2)
    x[1::2] = np.minimum(starts + size - 1, n - 1)
    y = np.empty(2 * bins)
    y[0::2], y[1::2] = low, high
    x[-1], y[-1] = n - 1, values[-1]  # the last step itself, where the run ended
    return x, y


def _finite(values: Any) -> Any:
    out = np.asarray(values, dtype=np.float64).copy()
    out[~np.isfinite(out)] = np.nan
    return out


class LossPanel(QWidget):
    """The loss plot with its switches (f, ‖∇f‖, log y) and the hover read-out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = LossPlot()
        self.f_box = self._switch("f", "Show f per step (the thick lines)", "lossShowF")
        self.grad_box = self._switch(
            "‖∇f‖ (dotted)",
            "Show the gradient's size per step (the thin dotted lines)",
            "lossShowGradient",
        )
        self.log_box = self._switch("log y", "Logarithmic y axis", "lossLogY")
        self.readout = ElidedLabel(HOVER_HINT)
        self.readout.setObjectName("lossReadout")
        self.readout.setStyleSheet(theme.quiet_style())
        self.readout.setMinimumWidth(10)
        head = QHBoxLayout()
        head.setContentsMargins(4, 0, 4, 0)
        title = QLabel("<b>Loss per step</b>")
        head.addWidget(title)
        for box in (self.f_box, self.grad_box, self.log_box):
            head.addWidget(box)
        head.addWidget(self.readout, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(head)
        layout.addWidget(self.plot, 1)
        self.f_box.toggled.connect(self._on_curve_box_toggled)
        self.grad_box.toggled.connect(self._on_curve_box_toggled)
        self.log_box.toggled.connect(self._on_log_box_toggled)

    def _switch(self, text: str, tip: str, name: str) -> QCheckBox:
        box = QCheckBox(text)
        box.setChecked(True)
        box.setToolTip(tip)
        box.setAccessibleName(tip)
        box.setObjectName(name)
        return box

    def _on_curve_box_toggled(self) -> None:
        self.plot.set_visible_curves(self.f_box.isChecked(), self.grad_box.isChecked())

    def _on_log_box_toggled(self, checked: bool) -> None:
        self.plot.set_log_y(checked)

    def show_log_y(self) -> None:
        """Tick "log y" as the plot has it (it chooses for itself until a person does)."""
        self.log_box.blockSignals(True)
        self.log_box.setChecked(self.plot.log_y)
        self.log_box.blockSignals(False)
