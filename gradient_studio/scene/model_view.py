"""The model pane: the data as points and each racing optimiser's model fitting it.

Beside the loss landscape, :class:`ModelView` shows what the weights at the playhead *mean*:
every run's prediction curve (the line, the tanh, the probability) at that step, in its
optimiser's colour, over the data it is trained on. As the ball rolls down the loss, the
line swings into place. It is one pyqtgraph plot, built once and updated by ``set_*``
methods, like :class:`~gradient_studio.scene.PlotScene`; the window embeds :attr:`widget`
(objectName ``modelView``) and the exporters paint it beside the landscape.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import pyqtgraph as pg
from numpy.typing import ArrayLike, NDArray
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from gradient_studio.scene.drawing import render_painted
from gradient_studio.scene.labels import TICK_PX, TitledPlot, frame_plot, style_axes
from gradient_studio.scene.palette import BACKGROUND, CASING, TEXT, optimizer_style
from gradient_studio.scene.paths import KEEP, Keep, TrajectoryLike
from gradient_studio.scene.qt import ensure_app

Array = NDArray[np.float64]

CURVE_POINTS = 240  # samples of x per prediction curve
CURVE_WIDTH = 2.6
POINT_SIZE = 7
DENSE_ROWS = 200  # more rows than this are a cloud: smaller points, under the curves
_MARGIN = 0.06  # of the data's span, around it


class DataLike(Protocol):
    @property
    def y(self) -> Array: ...
    @property
    def columns(self) -> tuple[str, str]: ...


class ModelLike(Protocol):
    """What the pane reads of an engine ``ModelObjective``."""

    @property
    def data(self) -> DataLike: ...
    @property
    def raw_x(self) -> Array: ...
    @property
    def probability_output(self) -> bool: ...

    def predict(self, points: ArrayLike, xs: ArrayLike) -> Array: ...


class ModelView(TitledPlot):
    """The data and every run's fitted model at one step.

    Typical use::

        view = ModelView()
        view.set_objective(result.objective)      # the data, and how the model predicts
        view.set_trajectories(result.trajectories, step=120)
        view.set_step(121.5)                      # fractions glide between steps
        image = view.render(500, 900, scale=1.5)
    """

    def __init__(self) -> None:
        ensure_app()
        self.widget = pg.PlotWidget(background=BACKGROUND)
        self.widget.setObjectName("modelView")
        self.widget.setAccessibleName("Model pane: the data and each optimiser's fit")
        self.plot: pg.PlotItem = self.widget.getPlotItem()
        self.title = frame_plot(self.plot)
        style_axes(self.plot)
        self.threshold = pg.InfiniteLine(
            pos=0.5, angle=0, pen=pg.mkPen("#8a8a8a", width=1, style=Qt.PenStyle.DashLine)
        )
        self.threshold.setVisible(False)
        self.plot.addItem(self.threshold)
        self.points = pg.ScatterPlotItem(
            size=POINT_SIZE, pen=pg.mkPen(CASING, width=0.8), brush=pg.mkBrush("#d9d9d9")
        )
        self.plot.addItem(self.points)
        self.curves: list[pg.PlotCurveItem] = []
        self.legend = pg.LegendItem(
            offset=(8, 8),  # (moved to the emptiest corner by set_data)
            labelTextColor=TEXT,
            labelTextSize=f"{TICK_PX}px",
            brush=pg.mkBrush(255, 255, 255, 225),
            pen=pg.mkPen("#c8c8c8"),
            verSpacing=-4,
        )
        self.legend.setParentItem(self.plot.vb)
        self.objective: ModelLike | None = None
        self.trajectories: list[TrajectoryLike] = []
        self.step: float | None = None
        self.xs: Array = np.linspace(-1.0, 1.0, CURVE_POINTS)
        self._title_height = 30
        self._short = False
        self.show_legend = True
        self.plot.vb.sigResized.connect(self._on_view_resized)
        self.set_title("")

    # -- what to show ------------------------------------------------------------------------
    def set_objective(self, objective: ModelLike | None) -> None:
        """Show ``objective``'s data (raw x, before any normalising) and draw each run's
        prediction with its ``predict``; None empties the pane."""
        self.objective = objective
        if objective is None:
            self.points.setData([], [])
            self._show_curves()
            return
        self.set_data(objective.raw_x, objective.data.y, probability=objective.probability_output)
        x_name, y_name = (html.escape(n) for n in objective.data.columns)
        x_label = f"<i>{x_name}</i>" if len(x_name) == 1 else x_name
        s = getattr(objective.data, "standardization", None)
        if s is not None:  # the pane shows x as it is; the model reads it standardised
            x_label += f"&nbsp;&nbsp; (x' = (x − {s.mean:.4g})/{s.scale:.4g})"
        self.plot.setLabel("bottom", x_label)
        self.plot.setLabel("left", f"<i>{y_name}</i>" if len(y_name) == 1 else y_name)
        self._show_curves()

    def set_data(self, x: ArrayLike, y: ArrayLike, *, probability: bool = False) -> None:
        """Show the rows ``(x, y)`` as points and frame the view around them; with
        ``probability`` the y axis runs from 0 to 1 (labels and a probability curve), with
        a dashed line at ½."""
        xa, ya = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        self.points.setData(xa, ya, **_point_style(len(xa)))
        # A few rows are drawn over the fits (a curve never hides one); a cloud of many,
        # small and see-through, under them (it would hide every curve).
        self.points.setZValue(10 if len(xa) <= DENSE_ROWS else -10)
        low, high = (float(xa.min()), float(xa.max())) if len(xa) else (-1.0, 1.0)
        pad = max(high - low, 1e-9) * _MARGIN
        self.xs = np.linspace(low - pad, high + pad, CURVE_POINTS)
        if probability:
            y_low, y_high = -0.08, 1.08
        else:
            y0, y1 = (float(ya.min()), float(ya.max())) if len(ya) else (-1.0, 1.0)
            room = max(y1 - y0, 1e-9) * 0.12
            y_low, y_high = y0 - room, y1 + room
        self.threshold.setVisible(probability)
        self.plot.vb.setRange(xRange=(self.xs[0], self.xs[-1]), yRange=(y_low, y_high), padding=0)
        self._place_legend(xa, ya, (self.xs[0], self.xs[-1]), (y_low, y_high))

    def _place_legend(
        self, x: Array, y: Array, xrange: tuple[float, float], yrange: tuple[float, float]
    ) -> None:
        """Put the legend in the corner of the view with the fewest data points."""
        u = (x - xrange[0]) / (xrange[1] - xrange[0])
        v = (y - yrange[0]) / (yrange[1] - yrange[0])
        corners = {  # (anchor offset, points in that corner's box)
            (8, 8): int(np.count_nonzero((u < 0.55) & (v > 0.7))),
            (-8, -8): int(np.count_nonzero((u > 0.45) & (v < 0.3))),
            (-8, 8): int(np.count_nonzero((u > 0.45) & (v > 0.7))),
            (8, -8): int(np.count_nonzero((u < 0.55) & (v < 0.3))),
        }
        offset = min(corners, key=lambda k: corners[k])  # the first of equals: top left
        self.legend.setOffset(offset)
        self.legend.anchor(
            itemPos=(offset[0] < 0, offset[1] < 0),
            parentPos=(offset[0] < 0, offset[1] < 0),
            offset=offset,
        )

    def set_trajectories(
        self, trajectories: Sequence[TrajectoryLike], *, step: float | Keep | None = KEEP
    ) -> None:
        """Draw one prediction curve per run, in its optimiser's colour, at ``step`` (by
        default the step shown now; None: each run's last)."""
        self.trajectories = list(trajectories)
        while len(self.curves) < len(self.trajectories):
            curve = pg.PlotCurveItem(antialias=True)
            self.plot.addItem(curve)
            self.curves.append(curve)
        for curve, t in zip(self.curves, self.trajectories, strict=False):
            curve.setPen(pg.mkPen(optimizer_style(t.optimizer).colour, width=CURVE_WIDTH))
        self._name_runs(short=False)
        if not isinstance(step, Keep):
            self.step = step
        self._show_curves()

    def set_step(self, step: float | None) -> None:
        """Show every run's model at ``step`` (None: where each run ended). A fractional
        step blends the weights of the steps either side, as the landscape's heads glide."""
        self.step = step
        self._show_curves()

    def set_title(self, text: str) -> None:
        """The pane's title (plain text), e.g. "The fits at step 120"."""
        self.title.show_title("", text or "The data and each optimiser's model")
        self._fit_title()

    def weights_at(self, step: float | None) -> Array:
        """Every run's weights at ``step``: ``(runs, 2)``, nan where a run has none."""
        out = np.full((len(self.trajectories), 2), np.nan)
        for i, t in enumerate(self.trajectories):
            points = np.asarray(t.points, dtype=np.float64).reshape(-1, 2)
            if len(points) == 0:
                continue
            last = len(points) - 1
            if step is None or step >= last:
                out[i] = points[last]
                continue
            s = max(0.0, float(step))
            k = int(s)
            out[i] = points[k] + (s - k) * (points[k + 1] - points[k])
        return out

    def _name_runs(self, short: bool) -> None:
        """One legend entry per optimiser, however many starts: its label, or (``short``,
        for a narrow pane) its name before the learning rate."""
        self.legend.clear()
        self._short = short
        named: set[str] = set()
        for curve, t in zip(self.curves, self.trajectories, strict=False):
            if t.label not in named:
                named.add(t.label)
                text = t.label.split(" (lr=")[0] if short else t.label
                self.legend.addItem(curve, html.escape(text))
        self.legend.setVisible(bool(named) and self.show_legend)

    def set_legend(self, show: bool) -> None:
        """Show the legend naming the runs (a window whose landscape names them may not)."""
        self.show_legend = bool(show)
        self.legend.setVisible(self.show_legend and bool(self.trajectories))

    def _fit_legend(self) -> None:
        """Short names when the full labels would not fit across the view."""
        room = self.plot.vb.width() - 16
        if not self.trajectories or room <= 0:
            return
        wide = self.legend.boundingRect().width() > room
        if wide and not self._short:
            self._name_runs(short=True)
        elif not wide and self._short:
            self._name_runs(short=False)
            if self.legend.boundingRect().width() > room:
                self._name_runs(short=True)

    # -- drawing -----------------------------------------------------------------------------
    def _on_view_resized(self, *_: object) -> None:
        self._fit_title()

    def _show_curves(self) -> None:
        shown = self.trajectories if self.objective is not None else []
        for curve in self.curves[len(shown) :]:
            curve.setData([], [])
        if not shown or self.objective is None:
            return
        weights = self.weights_at(self.step)
        finite = np.isfinite(weights).all(axis=1)
        curves = np.full((len(weights), len(self.xs)), np.nan)
        if finite.any():
            curves[finite] = self.objective.predict(weights[finite], self.xs)
        for curve, ys in zip(self.curves, curves, strict=False):
            ok = np.isfinite(ys) & (np.abs(ys) < 1e12)
            if ok.any():
                curve.setData(self.xs[ok], ys[ok])
            else:
                curve.setData([], [])

    def lay_out(self, width: float, height: float) -> None:
        """Size the pane to ``width x height`` logical pixels, ready to paint."""
        self.plot.setGeometry(QRectF(0, 0, width, height))
        self.plot.layout.activate()
        if self._fit_title():
            self.plot.layout.activate()
        self._fit_legend()
        self.widget.scene().prepareForPaint()

    def paint(
        self, painter: QPainter, width: float, height: float, *, background: bool = True
    ) -> None:
        """Paint the pane into ``painter`` as ``width x height`` logical pixels (always on
        its white ground: the pane changes whole from frame to frame)."""
        old = self.plot.geometry()
        self.lay_out(width, height)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(QRectF(0, 0, width, height), QColor(BACKGROUND))
        self.widget.scene().render(painter, QRectF(0, 0, width, height), self.plot.geometry())
        if self.widget.isVisible() and old.isValid() and old != self.plot.geometry():
            self.plot.setGeometry(old)

    def render(self, width: int, height: int, *, scale: float = 1.0) -> QImage:
        """The pane as a ``width x height`` image, ``scale`` device pixels per logical one."""
        return render_painted(self.paint, width, height, scale=scale)


def _point_style(rows: int) -> dict[str, object]:
    """The data's points: 7 px and opaque for a few rows, down to 3 px and faint for many."""
    if rows <= DENSE_ROWS:
        return {
            "size": POINT_SIZE,
            "brush": pg.mkBrush("#d9d9d9"),
            "pen": pg.mkPen(CASING, width=0.8),
        }
    size = 5 if rows <= 2_000 else 3
    return {"size": size, "brush": pg.mkBrush(90, 90, 90, 90), "pen": pg.mkPen(None)}
