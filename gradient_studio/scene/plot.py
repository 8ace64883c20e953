"""The picture: a landscape with optimisers descending it, as one pyqtgraph plot.

:class:`PlotScene` is shared by the window (which embeds :attr:`PlotScene.widget`) and the
exporters (which call :meth:`PlotScene.render` or :meth:`PlotScene.paint`). It is built once
and updated in place by its ``set_*`` methods; nothing needs a running Qt event loop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QPointF

from gradient_studio.scene.drawing import Drawing
from gradient_studio.scene.labels import (
    LEFT_AXIS_WIDTH,
    Axis,
    fit_title,
    frame_plot,
    style_axes,
)
from gradient_studio.scene.landscape import ContourLayer, LandscapeLayer
from gradient_studio.scene.markers import DescentArrows, MinimaMarkers, StartMarkers
from gradient_studio.scene.overlays import Overlays
from gradient_studio.scene.palette import BACKGROUND, CASING, COLORMAPS, TEXT, ColourScale
from gradient_studio.scene.paths import KEEP, Keep, PathLayer, TrajectoryLike
from gradient_studio.scene.qt import ensure_app
from gradient_studio.scene.view import check_view

Array = NDArray[np.float64]

DEFAULT_GRID = (400, 400)


class ObjectiveLike(Protocol):
    """What the scene needs of an engine ``Objective``."""

    @property
    def text(self) -> str: ...

    def grid(
        self, xrange: tuple[float, float], yrange: tuple[float, float], shape: tuple[int, int]
    ) -> tuple[Array, Array, Array]: ...

    def gradient(self, x: Any, y: Any) -> Array: ...


class PlotScene(Drawing):
    """f(x, y) as a filled, contoured landscape with descent paths, legend and colour bar.

    Typical use::

        scene = PlotScene()
        scene.set_view(race.xrange, race.yrange)
        scene.set_objective(result.objective)
        scene.set_trajectories(result.trajectories)
        scene.set_step(120)            # paths drawn up to step 120
        image = scene.render(1200, 900, scale=1.5)

    The parts are public for a window to reach: :attr:`widget` (a ``pg.PlotWidget`` to embed),
    :attr:`plot` (its ``PlotItem``), :attr:`landscape`, :attr:`contours`, :attr:`paths`,
    :attr:`starts` (the start markers, draggable with ``starts.set_draggable(True)``),
    :attr:`minima`, :attr:`arrows`, :attr:`legend`.
    """

    def __init__(
        self,
        *,
        colormap: str = "viridis",
        levels: int = 20,
        grid: tuple[int, int] = DEFAULT_GRID,
        log_colour: bool | None = None,
        arrows: bool = False,
    ) -> None:
        ensure_app()
        self.widget = pg.PlotWidget(background=BACKGROUND)
        self.widget.setObjectName("plot_scene")
        self.widget.setAccessibleName("Landscape plot")
        self.plot: pg.PlotItem = self.widget.getPlotItem()
        self.title = frame_plot(self.plot)
        self.landscape = LandscapeLayer(self.plot, colormap)
        self.contours = ContourLayer(self.plot)
        self.minima = MinimaMarkers()
        self.starts = StartMarkers()
        self.arrows = DescentArrows()
        for item in (self.minima, self.starts, self.arrows):
            self.plot.addItem(item)
        self.overlays = Overlays(self.plot.vb)
        self.legend = self.overlays.legend
        self.step_note = self.overlays.step_note
        self.paths = PathLayer(self.plot, self.legend)
        style_axes(self.plot, self.landscape)

        self.objective: ObjectiveLike | None = None
        self._title_height = 30
        self.xrange: tuple[float, float] = (-1.0, 1.0)
        self.yrange: tuple[float, float] = (-1.0, 1.0)
        self.grid_shape = grid
        self.log_colour = log_colour
        self.show_arrows = arrows
        self._grid: tuple[Array, Array, Array] | None = None
        self.contours.count = levels
        self.landscape.set_colormap(colormap)
        self.set_view(self.xrange, self.yrange)
        self.plot.vb.sigResized.connect(self._on_view_resized)

    # -- what to show ------------------------------------------------------------------------
    def set_objective(
        self,
        objective: ObjectiveLike | None,
        *,
        title: str | None = None,
        name: str = "",
        evaluate: bool = True,
    ) -> None:
        """Show ``objective`` over the view. The title is its text (or ``title``) with its
        parameter values, after ``name`` if given (e.g. a preset's "Rosenbrock").

        ``evaluate=False`` leaves the landscape as it is, for a window that evaluates the
        grid off the GUI thread and hands it over with :meth:`set_grid`.
        """
        self.objective = objective
        values = getattr(objective, "values", None) or {}
        text = title if title is not None else objective.text if objective else ""
        self.set_title(text, name=name, values=values)
        if objective is None:
            self._grid = None
            self.landscape.clear()
            self.contours.clear()
        elif evaluate:
            self._evaluate()
        self._update_arrows()

    def set_grid(self, xs: Array, ys: Array, z: Array) -> None:
        """Show an already evaluated grid (``z[i, j] = f(xs[j], ys[i])``), e.g. from a worker
        thread, without evaluating anything here."""
        self._grid = (np.asarray(xs, float), np.asarray(ys, float), np.asarray(z, float))
        self._show_grid()

    def set_title(
        self,
        text: str,
        *,
        name: str = "",
        values: Mapping[str, float] | None = None,
        lhs: str | None = None,
    ) -> None:
        """The title: ``name:  f(x, y) = text,  a = 1, b = 100`` with powers as superscripts
        (``lhs``: rich text for what stands before the ``=`` instead of f(x, y)). When the
        picture is laid out it shrinks to fit, breaking after the name if need be."""
        if lhs is None:
            self.title.show_title(text, name, values)
        else:
            self.title.show_title(text, name, values, lhs)
        self._fit_title()  # now: a live window would otherwise wait for its next resize

    def set_view(
        self, xrange: tuple[float, float], yrange: tuple[float, float], *, evaluate: bool = True
    ) -> None:
        """Show exactly ``xrange`` x ``yrange`` and re-evaluate the landscape over it
        (``evaluate=False``: a grid for the new view will come through :meth:`set_grid`).

        A range that is not finite, not low to high, too narrow to draw or beyond ±1e15 is
        refused with ``ValueError`` (one line, naming the range), the view left as it was:
        see :mod:`gradient_studio.scene.view`, whose ``clamped_view`` brings any range
        within bounds. The view box still lets a person pan and zoom with the mouse; a
        window that allows it calls this from ``plot.vb.sigRangeChangedManually`` so the
        landscape follows."""
        self.xrange, self.yrange = check_view(xrange, yrange)
        self.plot.vb.setRange(xRange=self.xrange, yRange=self.yrange, padding=0)
        left = self.plot.getAxis("left")
        if isinstance(left, Axis):
            left.fit_width(LEFT_AXIS_WIDTH)
        self.paths.set_view(self.xrange, self.yrange)
        self.arrows.set_view(self.xrange, self.yrange)
        if self.objective is not None and evaluate:
            self._evaluate()
        self._place_overlays()

    def set_grid_shape(self, rows: int, cols: int) -> None:
        """Evaluate f on ``rows x cols`` cells from now on (re-evaluating now)."""
        self.grid_shape = (max(2, int(rows)), max(2, int(cols)))
        if self.objective is not None:
            self._evaluate()

    def set_trajectories(
        self, trajectories: Sequence[TrajectoryLike], *, step: float | Keep | None = KEEP
    ) -> None:
        """Show the runs (engine ``Trajectory`` objects) at ``step`` — drawn once, at that
        step — or, by default, at the step shown now. ``step=None``: the whole race."""
        self.paths.set_trajectories(trajectories, step=step)
        starts: list[tuple[float, float]] = []
        for t in trajectories:
            start = (float(t.start[0]), float(t.start[1]))
            if start not in starts:
                starts.append(start)
        self.starts.set_starts(starts)
        self._update_arrows()
        self._update_step_note()
        self._place_overlays()

    def set_starts(self, starts: Sequence[Sequence[float]]) -> None:
        """Show start points without paths (e.g. before a run)."""
        self.starts.set_starts(starts)

    def set_step(self, step: float | None) -> None:
        """Draw every path up to ``step`` (``None``: to its end). A fractional step puts the
        heads part-way to the next point, for smooth animation."""
        self.paths.set_step(step)
        self._update_arrows()
        self._update_step_note()

    @property
    def last_step(self) -> int:
        """The last step any path reaches."""
        return self.paths.last_step

    def set_colormap(self, name: str) -> None:
        """Colour the landscape with ``name``, one of :data:`COLORMAPS`."""
        if name not in COLORMAPS:
            raise ValueError(f"unknown colour map {name!r}; choose one of {', '.join(COLORMAPS)}")
        self.landscape.set_colormap(name)
        self._show_grid()

    def set_levels(self, count: int) -> None:
        """About ``count`` contour lines (10–30 reads well)."""
        if count < 1:
            raise ValueError("the number of contour levels must be at least 1")
        self.contours.count = int(count)
        self._show_grid()

    def set_log_colour(self, log: bool | None = None) -> None:
        """Colour by log(f) (True), linearly (False) or by f's span over the view (None)."""
        self.log_colour = log
        self._show_grid()

    def set_arrows(self, show: bool) -> None:
        """Show an arrow of −∇f at every moving head."""
        self.show_arrows = bool(show)
        self._update_arrows()

    def set_minima(self, minima: Sequence[Sequence[float]]) -> None:
        """Mark known minimisers with stars."""
        self.minima.set_minima(minima)
        self._place_overlays()

    def set_step_counter(self, show: bool) -> None:
        """Show "step k / n" in a corner (animations want it; the window has a slider)."""
        self.step_note.setVisible(bool(show))
        self._update_step_note()

    def path_colours(self) -> list[str]:
        """Every colour the picture draws with besides the colour map (for GIF palettes)."""
        return [TEXT, CASING, *(g.colour for g in self.paths.groups)]

    @property
    def scale(self) -> ColourScale:
        """How f currently maps onto the colour map."""
        return self.landscape.scale

    # -- internals ---------------------------------------------------------------------------
    def _on_view_resized(self, *_: Any) -> None:
        self._fit_title()
        self._place_overlays()  # the legend's room, and how much of the race it covers

    def _fit_title(self) -> bool:
        """Fit the title to the plot's width (also as a live window resizes); returns whether
        its row changed height."""
        height, self._title_height = (
            self._title_height,
            fit_title(self.plot, self.title, self._title_height),
        )
        return height != self._title_height

    def _evaluate(self) -> None:
        if self.objective is None:
            return
        self._grid = self.objective.grid(self.xrange, self.yrange, shape=self.grid_shape)
        self._show_grid()

    def _show_grid(self) -> None:
        if self._grid is None:
            return
        xs, ys, z = self._grid
        scale = ColourScale.fit(z, self.log_colour)
        u = scale.u(z)
        self.landscape.show(xs, ys, u, scale)
        self.contours.show(xs, ys, u, scale, self.landscape.colormap)

    def _update_arrows(self) -> None:
        if not (self.show_arrows and self.objective is not None):
            self.arrows.set_arrows(np.empty((0, 2)), np.empty((0, 2)), [])
            return
        heads, colours = self.paths.head_points()
        if len(heads):
            g = np.asarray(self.objective.gradient(heads[:, 0], heads[:, 1])).reshape(-1, 2)
        else:
            g = np.empty((0, 2))
        self.arrows.set_arrows(heads, -g, colours)

    def _update_step_note(self) -> None:
        if not self.step_note.isVisible():
            return
        last = self.paths.last_step
        step = last if self.paths.step is None else max(0, min(int(self.paths.step), last))
        self.step_note.setText(f"&nbsp;step {step} / {last}&nbsp;")

    def _place_overlays(self) -> None:
        """Put the legend where it covers the least of the race and of its starts, ends and
        known minima, the step counter in the next best corner."""
        marks = np.concatenate(
            [self.starts.starts, self.paths.ends_reached(), self.minima_points()]
        )
        self.overlays.place(self.paths.outline(), marks, self.xrange, self.yrange)

    def over_legend(self, scene_pos: QPointF) -> bool:
        """Whether ``scene_pos`` (a position in :attr:`widget`'s graphics scene, as a mouse
        event's ``scenePos()`` gives it) is on the legend: a click there is the legend's
        (it folds or opens it), so a window must not also move the start."""
        return self.overlays.over_legend(scene_pos)

    def minima_points(self) -> Array:
        x, y = self.minima.getData()
        return np.column_stack([x, y]) if x is not None and len(x) else np.empty((0, 2))
