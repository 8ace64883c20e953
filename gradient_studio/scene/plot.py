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

from gradient_studio.engine.view import check_view
from gradient_studio.scene.drawing import Drawing
from gradient_studio.scene.glyphs import GlyphFlusher, Glyphs
from gradient_studio.scene.gradient_colouring import (
    Colouring,
    DarkGround,
    GradientNormScale,
    colouring,
    norm_grid,
)
from gradient_studio.scene.head_arrows import ArrowMode
from gradient_studio.scene.labels import (
    LEFT_AXIS_WIDTH,
    Axis,
    frame_plot,
    style_axes,
)
from gradient_studio.scene.landscape import ContourLayer, LandscapeLayer
from gradient_studio.scene.markers import MinimaMarkers, StartMarkers
from gradient_studio.scene.overlays import Overlays
from gradient_studio.scene.palette import BACKGROUND, CASING, COLORMAPS, TEXT, ColourScale
from gradient_studio.scene.paths import KEEP, Keep, PathLayer, TrajectoryLike
from gradient_studio.scene.qt import ensure_app

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
    :attr:`minima`, :attr:`legend`, and :attr:`glyphs` (the arrows at the heads, the −∇f
    field, the curvature glyph and their key, switched by :meth:`set_arrows`,
    :meth:`set_field` and :meth:`set_curvature`).
    """

    def __init__(
        self,
        *,
        colormap: str = "viridis",
        levels: int = 20,
        grid: tuple[int, int] = DEFAULT_GRID,
        log_colour: bool | None = None,
        arrows: bool | str = False,
        field: bool = False,
        colour_by: str = "f",
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
        for item in (self.minima, self.starts):
            self.plot.addItem(item)
        self.overlays = Overlays(self.plot.vb)
        self.legend = self.overlays.legend
        self.step_note = self.overlays.step_note
        self.paths = PathLayer(self.plot, self.legend)
        self.glyphs = Glyphs(self.plot, self.overlays.key, self._place_overlays)
        self.arrows = self.glyphs.heads.item
        style_axes(self.plot, self.landscape)

        self.objective: ObjectiveLike | None = None
        self._title_height = 30
        self.xrange: tuple[float, float] = (-1.0, 1.0)
        self.yrange: tuple[float, float] = (-1.0, 1.0)
        self.grid_shape = grid
        self.log_colour = log_colour
        self.colouring: Colouring = colouring(colour_by)
        self._grid: tuple[Array, Array, Array] | None = None
        self._norm: tuple[Any, Array] | None = None  # (the grid it is of, log10 ‖∇f‖)
        self.contours.count = levels
        self.landscape.set_colormap(colormap)
        self.set_view(self.xrange, self.yrange)
        self.glyphs.set_arrows(arrows)
        self.glyphs.set_field(field)
        self.plot.vb.sigResized.connect(self._on_view_resized)
        self.plot.addItem(GlyphFlusher(self.glyphs))

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
        else:
            self._norm = None  # a new f: the grid handed over next is coloured afresh
        self.glyphs.update(objective=objective)

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
        if self.objective is not None and evaluate:
            self._evaluate()
        self.glyphs.update(view=(self.xrange, self.yrange))
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
        self.glyphs.update(runs=trajectories, step=self.paths.step)
        self._update_step_note()
        self._place_overlays()

    def set_starts(self, starts: Sequence[Sequence[float]]) -> None:
        """Show start points without paths (e.g. before a run)."""
        self.starts.set_starts(starts)

    def set_step(self, step: float | None) -> None:
        """Draw every path up to ``step`` (``None``: to its end). A fractional step puts the
        heads part-way to the next point, for smooth animation."""
        self.paths.set_step(step)
        self.glyphs.update(step=step)
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

    def set_arrows(self, mode: bool | str) -> None:
        """Arrows at every moving head: ∇f (uphill) and the step the optimiser took beside
        −η∇f. ``mode`` is ``"readable"`` (directions, at lengths that read), ``"true"``
        (the steps as long as they are) or ``"off"``; ``True``/``False`` (the View menu's
        switch) are ``"readable"``/``"off"``. An unknown mode is a ``ValueError``."""
        self.glyphs.set_arrows(mode)

    @property
    def arrow_mode(self) -> ArrowMode:
        return self.glyphs.arrow_mode

    @property
    def show_arrows(self) -> bool:
        """Whether the head arrows are on (in either mode)."""
        return self.glyphs.arrow_mode != "off"

    def set_field(self, on: bool, shape: tuple[int, int] | None = None) -> None:
        """The −∇f field over the view: ``shape`` (rows, cols; default 25 x 25) arrows of
        one length pointing downhill, coloured by ‖∇f‖; it follows the view and f. More
        than 40,000 arrows is a ``ValueError``."""
        self.glyphs.set_field(on, shape)

    def set_curvature(
        self,
        point: Sequence[float] | None = None,
        *,
        run: int | None = None,
        lr: float | None = None,
    ) -> None:
        """The curvature glyph at ``point`` (x, y), or at the head of run ``run`` (its
        index in the trajectories shown; it follows the playhead), or nowhere (both None).
        Its gradient step uses ``lr`` (default: that run's learning rate, or the first
        run's at a fixed point). The glyph follows f (a parameter's slider) and the view."""
        self.glyphs.set_curvature(point, run, lr)

    def set_colouring(self, colour_by: str) -> None:
        """Colour the landscape by ``"f"`` or by ``"gradient_norm"`` (log₁₀‖∇f‖: plateaus
        dark, cliffs bright; the colour bar says which). The contour lines stay f's."""
        self.colouring = colouring(colour_by)
        self._show_grid()

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
        return [TEXT, CASING, *(g.colour for g in self.paths.groups), *self.glyphs.colours()]

    @property
    def scale(self) -> ColourScale:
        """How f currently maps onto the colour map."""
        return self.landscape.scale

    # -- internals ---------------------------------------------------------------------------
    def _on_view_resized(self, *_: Any) -> None:
        self.glyphs.resized()
        self._fit_title()
        self._place_overlays()  # the legend's room, and how much of the race it covers

    def _evaluate(self) -> None:
        if self.objective is None:
            return
        self._grid = self.objective.grid(self.xrange, self.yrange, shape=self.grid_shape)
        self._norm = None
        self._show_grid()

    def _show_grid(self) -> None:
        if self._grid is None:
            return
        xs, ys, z = self._grid
        scale = ColourScale.fit(z, self.log_colour)
        u = scale.u(z)
        colormap = self.landscape.colormap
        norm = self._norm_of_grid() if self.colouring == "gradient_norm" else None
        if norm is None:
            self.landscape.show(xs, ys, u, scale)
            self.contours.show(xs, ys, u, scale, colormap)
            return
        steep = GradientNormScale.of(norm)
        self.landscape.show(xs, ys, norm, steep)
        ground = DarkGround(steep, norm, xs, ys, colormap)
        self.contours.show(xs, ys, u, scale, colormap, ground)

    def _norm_of_grid(self) -> Array | None:
        """log₁₀‖∇f‖ on the grid shown (evaluated once per grid), or None without an f."""
        if self._grid is None or self.objective is None:
            return None
        if self._norm is None or self._norm[0] is not self._grid:
            self._norm = (self._grid, norm_grid(self.objective, self._grid[0], self._grid[1]))
        return self._norm[1]

    def _update_step_note(self) -> None:
        if not self.step_note.isVisible():
            return
        last = self.paths.last_step
        step = last if self.paths.step is None else max(0, min(int(self.paths.step), last))
        self.step_note.setText(f"&nbsp;step {step} / {last}&nbsp;")

    def _place_overlays(self) -> None:
        """Put the legend where it covers the least of the race and of its starts, ends,
        known minima and the curvature glyph's point, the step counter in the next best
        corner."""
        marks = np.concatenate(
            [
                self.starts.starts,
                self.paths.ends_reached(),
                self.minima_points(),
                self.glyphs.marks(),
            ]
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
