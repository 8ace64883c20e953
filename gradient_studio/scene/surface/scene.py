"""The 3-D picture: the landscape as a shaded surface with the optimisers' paths on it.

:class:`SurfaceScene` mirrors the contour view's :class:`~gradient_studio.scene.PlotScene`
verb for verb (``set_view``, ``set_objective``, ``set_grid``, ``set_trajectories``,
``set_step``, ``set_colormap``), so a window drives both the same way; ``set_log_height`` is
``set_log_colour``'s counterpart (the heights and the colours share one scale, so they
always agree). It draws with :class:`~gradient_studio.scene.surface.renderer.Renderer` when
asked for a picture (:meth:`SurfaceScene.render`), uploading only what changed since the last
one; the ``set_*`` methods do their numpy work, then emit :attr:`SurfaceScene.changed`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QImage, QPainter

from gradient_studio.scene.palette import (
    BACKGROUND,
    CASING,
    COLORMAPS,
    ColourScale,
    colormap_lut,
)
from gradient_studio.scene.qt import ensure_app
from gradient_studio.scene.surface import labels, runs
from gradient_studio.scene.surface.availability import require_opengl
from gradient_studio.scene.surface.camera import Camera, fitting_distance, project
from gradient_studio.scene.surface.camera_controls import CameraControls
from gradient_studio.scene.surface.frame import Frame, Strip
from gradient_studio.scene.surface.geometry import (
    BOX_HEIGHT,
    MESH_CELLS,
    Box,
    Mesh,
    build_mesh,
    height_scale,
    sample_grid,
    surface_height,
)
from gradient_studio.scene.surface.program import rgba
from gradient_studio.scene.surface.renderer import Renderer
from gradient_studio.scene.surface.warmup import take

Array = NDArray[np.float64]

LIFT = 0.008 * BOX_HEIGHT  # paths float this far above the surface
PATH_BIAS = 0.06 * BOX_HEIGHT  # and are drawn this much nearer the eye (see shaders)
PATH_WIDTH = 2.4  # logical pixels, as the contour view's paths
CASING_WIDTH = PATH_WIDTH + 2.2
BALL_SIZE = 15.0
DISC_SIZE = 9.0


class SurfaceScene(QObject, CameraControls):
    """f(x, y) as a shaded surface in the contour view's colour map, with every run as a line
    on it and a ball at its head.

    Typical use::

        scene = SurfaceScene()
        scene.set_view(race.xrange, race.yrange)
        scene.set_objective(result.objective)
        scene.set_trajectories(result.trajectories)
        scene.set_step(120)
        image = scene.render(1200, 900, scale=1.5)
    """

    #: Something shown changed: a view should repaint.
    changed = Signal()

    def __init__(
        self,
        *,
        colormap: str = "viridis",
        log_height: bool | None = None,
        cells: int = MESH_CELLS,
        legend: bool = True,
    ) -> None:
        ensure_app()
        require_opengl()  # a clear error now rather than at the first picture
        super().__init__()
        if colormap not in COLORMAPS:
            raise ValueError(
                f"unknown colour map {colormap!r}; choose one of {', '.join(COLORMAPS)}"
            )
        self.colormap = colormap
        self.log_height = log_height
        self.cells = max(2, int(cells))
        self.show_legend = legend
        self.title = ""
        self.xrange: tuple[float, float] = (-1.0, 1.0)
        self.yrange: tuple[float, float] = (-1.0, 1.0)
        self.objective: Any = None
        self.step: float | None = None
        self.camera = Camera()
        self._full: Array | None = None  # the grid's z as given (the scale is fitted on it)
        self._grid: tuple[Array, Array, Array] | None = None  # thinned to the mesh
        self._scale = ColourScale(0.0, 1.0)
        self._u: Array | None = None
        self._mesh: Mesh | None = None
        self._runs: list[runs.Run] = []
        self._lines = np.empty((0, 3), np.float32)
        self._strips: list[Strip] = []
        self._heads = np.empty((0, 3), np.float32)
        self._head_colours: list[str] = []
        self._starts = np.empty((0, 3), np.float32)
        self._laid = self._shown = True
        self._dirty = {"mesh", "lines", "sprites"}
        self._renderer: Renderer | None = None
        self._last_frame: tuple[Array, float, float] | None = None  # matrix, logical w, h

    # -- what to show ------------------------------------------------------------------------
    def set_view(
        self, xrange: tuple[float, float], yrange: tuple[float, float], *, evaluate: bool = True
    ) -> None:
        """Show exactly ``xrange`` x ``yrange`` (the contour view's range) and re-evaluate
        the landscape over it (``evaluate=False``: a grid will come through :meth:`set_grid`)."""
        self.xrange = (float(xrange[0]), float(xrange[1]))
        self.yrange = (float(yrange[0]), float(yrange[1]))
        if evaluate and self.objective is not None:
            self._evaluate()

    def set_objective(self, objective: Any, *, evaluate: bool = True) -> None:
        """Show ``objective`` (an engine ``Objective``) over the view."""
        self.objective = objective
        if objective is None:
            self._full = self._grid = self._u = self._mesh = None
            self._dirty.add("mesh")
            self._drape_all()
        elif evaluate:
            self._evaluate()

    def set_grid(self, xs: Array, ys: Array, z: Array) -> None:
        """Show an evaluated grid (``z[i, j] = f(xs[j], ys[i])``, as ``Objective.grid`` gives,
        at any resolution: a finer one than the mesh is sampled down, its values kept)."""
        xs, ys, z = (np.asarray(a, np.float64) for a in (xs, ys, z))
        if z.shape != (len(ys), len(xs)):
            raise ValueError(f"the grid's z must be {len(ys)} x {len(xs)}, got {z.shape}")
        self._full = z
        self._grid = sample_grid(xs, ys, z, self.cells)
        self._rebuild()

    def set_trajectories(
        self, trajectories: Sequence[Any], colours: Sequence[str] | None = None
    ) -> None:
        """Show the runs (engine ``Trajectory`` objects), to the current step. ``colours`` is
        one colour per trajectory; by default each optimiser gets the contour view's colour
        for it (``path_colour`` of its order of appearance)."""
        self._runs = runs.from_trajectories(trajectories, colours)
        self._drape_all()

    def set_step(self, step: float | None) -> None:
        """Draw every path up to ``step`` (``None``: to its end); a fractional step puts the
        balls part-way to the next point."""
        self.step = None if step is None else float(step)
        self._show_step()

    @property
    def last_step(self) -> int:
        return max((r.last for r in self._runs), default=0)

    def set_colormap(self, name: str) -> None:
        """Colour the surface with ``name``, one of :data:`COLORMAPS`."""
        if name not in COLORMAPS:
            raise ValueError(f"unknown colour map {name!r}; choose one of {', '.join(COLORMAPS)}")
        self.colormap = name
        if self._mesh is not None and self._u is not None:
            colours = self._scale.colours(self._u, colormap_lut(name)).reshape(-1, 4)
            self._mesh = replace(self._mesh, colours=np.ascontiguousarray(colours))
            self._dirty.add("colours")
        self.changed.emit()

    def set_log_height(self, log: bool | None = None) -> None:
        """Heights (and colours) by log(f) (True), linearly (False), or by f's span over the
        view (None), as the contour view decides its colours."""
        self.log_height = log
        self._rebuild()

    def set_title(self, text: str) -> None:
        """A line of text over the picture (exports want it; a dock beside the contour view
        does not)."""
        self.title = text
        self.changed.emit()

    @property
    def scale(self) -> ColourScale:
        """How f maps onto the heights and the colour map."""
        return self._scale

    @property
    def mesh(self) -> Mesh | None:
        return self._mesh

    def legend_entries(self) -> list[tuple[str, str]]:
        """``(label, colour)`` per optimiser, in order of appearance."""
        seen: dict[str, tuple[str, str]] = {}
        for r in self._runs:
            seen.setdefault(r.optimizer, (r.label, r.colour))
        return list(seen.values())

    # -- drawing -----------------------------------------------------------------------------
    def render(
        self,
        width: int,
        height: int,
        *,
        scale: float = 1.0,
        coarse: bool = False,
        samples: int | None = None,
    ) -> QImage:
        """The picture as a ``width x height`` image (device pixels); ``scale`` is device
        pixels per logical pixel, so lines, balls and letters are ``scale`` times their size
        on screen. ``coarse`` draws every other row and column of the surface (for frames
        while it moves); ``samples`` is the multisampling (None: 4, or none in software)."""
        renderer = self._renderer_now()
        width, height = max(1, int(width)), max(1, int(height))
        if samples is None:
            samples = 0 if renderer.software else 4
        with renderer.current():  # once for the uploads and the drawing
            self._upload(renderer)
            aspect = width / height
            fit = self._fit(aspect)
            mv = self.camera.view_matrix(fit)
            distance = self.camera.distance * fit
            near, far = distance * 0.05, distance * 6.0 + 4.0 * BOX_HEIGHT
            projection = self.camera.projection_matrix(aspect, near, far)
            box = self._box()
            axes = labels.Axes.facing(box, self.camera.eye(fit))
            grid, edges = labels.guide_lines(box, axes)
            renderer.set_guides(np.vstack([grid, edges]))
            frame = Frame(
                width=width,
                height=height,
                mv=mv,
                projection=projection,
                world_per_pixel=2.0 * np.tan(np.radians(self.camera.fov) / 2.0) / height,
                background=rgba(BACKGROUND),
                samples=samples,
                coarse=coarse,
                pixel=scale,
                guides=[
                    Strip(0, len(grid), labels.GRID_RGBA),
                    Strip(len(grid), len(edges), labels.EDGE_RGBA),
                ],
                paths=self._strips,
                path_width=PATH_WIDTH,
                casing=rgba(CASING),
                casing_width=CASING_WIDTH,
                path_bias=PATH_BIAS,
                balls=(len(self._starts), len(self._heads)),
                ball_size=BALL_SIZE,
                discs=(0, len(self._starts)),
                disc_size=DISC_SIZE,
            )
            image = renderer.draw(frame)
        image.setDevicePixelRatio(scale)
        matrix = projection @ mv
        w, h = width / scale, height / scale
        self._last_frame = (matrix, w, h)
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            labels.paint_axes(painter, box, axes, matrix, w, h)
            below = labels.paint_title(painter, self.title, w)
            if self.show_legend:
                labels.paint_legend(painter, self.legend_entries(), top=below + 8)
        finally:
            painter.end()
        return image

    def pixels_of(self, points: Array) -> Array:
        """Where box points ``(n, 3)`` landed in the last picture, in logical pixels."""
        if self._last_frame is None:
            raise RuntimeError("nothing has been drawn yet")
        matrix, w, h = self._last_frame
        px, _ = project(points, matrix, w, h)
        return px

    def heads(self) -> tuple[NDArray[np.float32], list[str]]:
        """The balls' resting points (box coordinates) and colours at the current step."""
        self._bring_up_to_date()
        return self._heads.copy(), list(self._head_colours)

    def surface_point(self, x: float, y: float) -> Array:
        """The drawn surface's point over data ``(x, y)``, in box coordinates."""
        box = self._box()
        bx, by = box.floor_xy(x, y)
        z = surface_height(self._mesh, np.array([x]), np.array([y]))[0] if self._mesh else np.nan
        return np.array([float(bx), float(by), float(z)])

    @property
    def renderer_name(self) -> str:
        return self._renderer_now().renderer

    def close(self) -> None:
        """Free the OpenGL context and everything on it."""
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None

    # -- internals ---------------------------------------------------------------------------
    def _renderer_now(self) -> Renderer:
        if self._renderer is None or self._renderer.closed:
            self._renderer = take()
            self._dirty |= {"mesh", "lines", "sprites"}
        return self._renderer

    def _upload(self, renderer: Renderer) -> None:
        self._bring_up_to_date()
        if "mesh" in self._dirty:
            renderer.set_mesh(self._mesh)
        elif "colours" in self._dirty and self._mesh is not None:
            renderer.set_colours(self._mesh.colours)
        if "lines" in self._dirty:
            renderer.set_lines(self._lines)
        if "sprites" in self._dirty:
            positions = np.vstack([self._starts, self._heads]).astype(np.float32)
            colours = ["#ffffff"] * len(self._starts) + self._head_colours
            rgba = np.array([QColor(c).getRgb() for c in colours], np.uint8).reshape(-1, 4)
            renderer.set_sprites(positions, rgba)
        self._dirty.clear()

    def _fit(self, aspect: float) -> float:
        centre = np.array([0.0, 0.0, 0.5 * BOX_HEIGHT])
        return fitting_distance(self._box().corners(), centre, self.camera.fov, aspect)

    def _box(self) -> Box:
        return Box(self.xrange, self.yrange, self._scale)

    def _evaluate(self) -> None:
        n = self.cells + 1
        xs, ys, z = self.objective.grid(self.xrange, self.yrange, shape=(n, n))
        self.set_grid(xs, ys, z)

    def _rebuild(self) -> None:
        if self._grid is None or self._full is None:
            self.changed.emit()
            return
        xs, ys, z = self._grid
        self._scale = height_scale(ColourScale.fit(self._full, self.log_height))
        self._u = self._scale.u(z)
        self._mesh = build_mesh(xs, ys, self._u, self._box(), colormap_lut(self.colormap))
        self._dirty.add("mesh")
        self._drape_all()

    def _drape_all(self) -> None:
        """The runs must be laid anew (a new surface, or new runs): done when next needed,
        so a slider step that brings both a grid and paths lays them once."""
        self._laid = False
        self._show_step()

    def _show_step(self) -> None:
        self._shown = False
        self._dirty |= {"lines", "sprites"}
        self.changed.emit()

    def _bring_up_to_date(self) -> None:
        if not self._laid:
            box = self._box()
            self._runs = [runs.laid(r, self._mesh, box) for r in self._runs]
            self._starts = np.empty((0, 3), np.float32)
            if self._mesh is not None:
                points = [self.surface_point(x, y) for x, y in runs.starts(self._runs)]
                kept = [p for p in points if np.isfinite(p).all()]
                self._starts = np.array(kept, np.float32).reshape(-1, 3)
            self._laid = True
            self._shown = False
        if not self._shown:
            shown = runs.at_step(self._runs, self.step, LIFT)
            self._lines, self._strips, self._heads, self._head_colours = shown
            self._shown = True
