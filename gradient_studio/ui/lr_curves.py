"""The learning rate each step used, per optimiser, on a loss plot's right-hand axis.

A :class:`~gradient_studio.engine.results.Trajectory` records ``lr[k]``, the learning rate
of the step to row k (the schedule's value times the optimiser's own lr). The loss plot
shows f and ‖∇f‖ on its left axis; :class:`LearningRateAxis` adds a second view box with
its own log axis on the right, "lr", sharing the steps axis, and one thin dash-dotted
curve per optimiser in its colour (optimisers racing from several starts share one lr per
step: one curve each). The view box lets every mouse event through to the plot under it,
so scrubbing, hovering and panning work as before.

:func:`lr_curve_items` makes the curves alone, for any plot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gradient_studio.ui import theme
from gradient_studio.ui.loss_plot import LossAxis
from gradient_studio.ui.loss_plot import _positive as positive  # one cleaning for both plots
from gradient_studio.ui.styles import Style, pen

DASH_DOT = (6.0, 3.0, 1.5, 3.0)  # the lr curve's pattern, in line widths
WIDTH = 1.3


def lr_curve_items(trajectories: Sequence[Any], styles: Sequence[Style]) -> list[pg.PlotDataItem]:
    """One curve of lr per step for each optimiser of ``trajectories`` (``styles[i]`` the
    style of ``trajectories[i]``), on a log y axis; values that are not positive (a cosine
    reaching 0) are left out rather than drawn at −∞. Once they are in a view box, long
    runs draw faster with ``setDownsampling(auto=True, method="peak")``."""
    items = []
    for t, style in _per_optimizer(trajectories, styles):
        item = pg.PlotDataItem(antialias=False)
        item.setPen(pen(style, WIDTH, DASH_DOT))
        item.setLogMode(False, True)
        item.setData(np.arange(t.stop + 1, dtype=np.float64), positive(t.lr[: t.stop + 1]))
        item.setZValue(8)
        items.append(item)
    return items


def _per_optimizer(trajectories: Sequence[Any], styles: Sequence[Style]) -> list[tuple[Any, Style]]:
    """The longest trajectory of each optimiser (its lr is the same from every start)."""
    longest: dict[str, tuple[Any, Style]] = {}
    for t, style in zip(trajectories, styles, strict=True):
        if t.optimizer not in longest or t.stop > longest[t.optimizer][0].stop:
            longest[t.optimizer] = (t, style)
    return list(longest.values())


class LearningRateAxis:
    """lr per step on ``plot``'s right axis (a ``pg.PlotItem``, e.g. the loss plot's
    ``getPlotItem()``), hidden until :meth:`set_visible`."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.view = pg.ViewBox(enableMenu=False)
        self.view.setMouseEnabled(x=False, y=False)
        self.view.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.view.setAcceptHoverEvents(False)
        self.view.setZValue(plot.vb.zValue() - 1)  # under the plot's own items and events
        self.axis = LossAxis("right")
        plot.setAxisItems({"right": self.axis})
        self.axis.linkToView(self.view)
        self.axis.setLogMode(True)
        self.axis.setLabel("lr", color=theme.TEXT)
        plot.scene().addItem(self.view)
        self.view.setXLink(plot.vb)
        self.curves: list[pg.PlotDataItem] = []
        self.trajectories: list[Any] = []
        self.shown = False
        plot.vb.sigResized.connect(self._on_plot_resized)
        self._on_plot_resized()
        self.set_visible(False)

    def set_trajectories(self, trajectories: Sequence[Any], styles: Sequence[Style]) -> None:
        """A curve per optimiser of ``trajectories`` (the loss plot's, in its styles)."""
        for curve in self.curves:
            self.view.removeItem(curve)
        self.trajectories = [t for t, _ in _per_optimizer(trajectories, styles)]
        self.curves = lr_curve_items(trajectories, styles)
        for curve in self.curves:
            self.view.addItem(curve)
            # Once in its view box (both ask it for the range shown): at most about two
            # points a pixel column, as the loss plot's own curves.
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            curve.setVisible(self.shown)
        self.view.enableAutoRange(axis=pg.ViewBox.YAxis)

    def set_visible(self, shown: bool) -> None:
        """Show or hide the curves and the right axis (the loss plot's "lr" switch)."""
        self.shown = bool(shown)
        self.axis.setVisible(self.shown)
        self.view.setVisible(self.shown)
        for curve in self.curves:
            curve.setVisible(self.shown)

    def values_at(self, step: int) -> dict[str, float]:
        """Each optimiser's lr at ``step`` (its last step's past its end), for the
        hover read-out."""
        out = {}
        for t in self.trajectories:
            out[t.optimizer] = float(t.lr[max(0, min(int(step), t.stop))])
        return out

    def _on_plot_resized(self) -> None:
        self.view.setGeometry(self.plot.vb.sceneBoundingRect())
        self.view.linkedViewChanged(self.plot.vb, self.view.XAxis)
