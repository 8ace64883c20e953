"""The basin map's picture: every start a pixel, coloured by where its run ends.

Hue is the attractor (:data:`ATTRACTOR_COLOURS` by id), paler the more steps the run took;
black diverged, brown left the domain, mid grey ended at a saddle or maximum, light grey
still moving at the last step. Thin contour lines of f lie over it, each minimum found is
marked with a star, and the legend beside the map lists the minima with their shares.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtGui import QPainter

from gradient_studio.engine.basins import (
    ATTRACTED,
    DIVERGED_KIND,
    LEFT_DOMAIN_KIND,
    MOVING,
    SADDLE,
    BasinMap,
)
from gradient_studio.scene.landscape import ContourLayer
from gradient_studio.scene.legend import Run
from gradient_studio.scene.maps import (
    Blank,
    LegendRows,
    MapFrame,
    Swatch,
    edges,
    hyper_text,
    pct,
    rgb,
    shown,
    training_rows,
)
from gradient_studio.scene.markers import MinimaMarkers
from gradient_studio.scene.palette import ColourScale, format_value

Pixels = NDArray[np.uint8]

#: Attractor hues, by id: strong, told apart with common colour blindness (Okabe & Ito
#: first), never grey or black, which mean something else here.
ATTRACTOR_COLOURS = (
    "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7",
    "#F0E442", "#8C564B", "#9467BD", "#17BECF", "#BCBD22", "#2CA02C",
)  # fmt: skip
DIVERGED_COLOUR = "#000000"
LEFT_DOMAIN_COLOUR = "#5B3A29"  # dark brown: undefined, not infinite
SADDLE_COLOUR = "#8C8C8C"
MOVING_COLOUR = "#D4D4D4"
PALEST = 0.6  # a run that took every step is mixed this far towards white


def attractor_colour(attractor_id: int) -> str:
    return ATTRACTOR_COLOURS[attractor_id % len(ATTRACTOR_COLOURS)]


def basin_pixels(m: BasinMap) -> Pixels:
    """The map's colours, (rows, cols, 4) RGBA, row 0 at the lowest y."""
    n = len(m.kind)
    shade = np.empty((n, 3))
    for kind, colour in (
        (DIVERGED_KIND, DIVERGED_COLOUR),
        (LEFT_DOMAIN_KIND, LEFT_DOMAIN_COLOUR),
        (SADDLE, SADDLE_COLOUR),
        (MOVING, MOVING_COLOUR),
    ):
        shade[m.kind == kind] = rgb(colour)
    attracted = m.kind == ATTRACTED
    if attracted.any():
        table = np.array([rgb(c) for c in ATTRACTOR_COLOURS])
        hue = table[m.attractor[attracted] % len(table)]
        slow = np.sqrt(m.final.steps[attracted] / max(m.steps, 1))[:, None]
        shade[attracted] = hue + (255.0 - hue) * PALEST * slow
    out = np.empty((n, 4), dtype=np.uint8)
    out[:, :3] = np.clip(np.rint(shade), 0, 255)
    out[:, 3] = 255
    return out.reshape(*m.shape, 4)


class BlockImage(pg.ImageItem):  # type: ignore[misc]  # (pyqtgraph has no type hints)
    """An image drawn as blocks, never smoothed: a basin map's pixels are categories, and a
    blend of two attractors' hues would be a third that means nothing."""

    def paint(self, painter: QPainter, *args: object) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        super().paint(painter, *args)


class BasinScene(MapFrame):
    """A basin map over the landscape's view (see the module)."""

    def __init__(self) -> None:
        super().__init__("basin_scene", "Basins of attraction")
        self.image = BlockImage(axisOrder="row-major")
        self.image.setZValue(-100)
        self.plot.addItem(self.image)
        self.contours = ContourLayer(self.plot)
        pen = pg.mkPen((0, 0, 0, 70), width=1)
        for curve in (self.contours.light, self.contours.dark):
            curve.setPen(pen)
        self.marks = MinimaMarkers()
        self.marks.setZValue(10)
        self.plot.addItem(self.marks)
        self.map: BasinMap | None = None
        self._finish()

    def set_map(self, m: BasinMap, objective: Any = None, *, name: str = "") -> None:
        """Show ``m``; with ``objective``, thin contour lines of f over it and its text in
        the title (after ``name``, e.g. a preset's)."""
        self.map = m
        xs, ys = m.xs, m.ys
        self.image.setImage(basin_pixels(m), autoLevels=False)
        self.image.setRect(edges(xs, ys))
        x0, x1, y0, y1 = xs[0], xs[-1], ys[0], ys[-1]
        self.plot.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self._fit_axes()
        if objective is not None:
            gx, gy, z = objective.grid((x0, x1), (y0, y1), (200, 200))
            scale = ColourScale.fit(z)
            self.contours.count = 14
            self.contours.show(gx, gy, scale.u(z), scale, "viridis")
            self.set_title(objective.text, name=name, values=getattr(objective, "values", None))
        minima = [a.point for a in m.attractors if a.minimum]
        self.marks.setData(pos=np.asarray(minima, dtype=np.float64).reshape(-1, 2))
        self._set_legend(self.legend_rows(m))

    def legend_rows(self, m: BasinMap) -> LegendRows:
        c = m.choice
        rows: LegendRows = [
            (Blank(), (Run(f"{c.spec.display_name} ({hyper_text(shown(c))})"),)),
            (Blank(), (Run(f"{m.shape[1]}×{m.shape[0]} starts, {m.steps} steps"),)),
            *training_rows(m.training),
        ]
        listed = [a for a in m.attractors if a.minimum][: len(ATTRACTOR_COLOURS)]
        for a in sorted(listed, key=lambda a: -a.share):
            where = f"({format_value(a.point[0])}, {format_value(a.point[1])})"
            rows.append(
                (Swatch(attractor_colour(a.id)), (Run(f"minimum {where}  {pct(a.share)}"),))
            )
        for kind, colour, words in (
            (SADDLE, SADDLE_COLOUR, "saddle or maximum"),
            (MOVING, MOVING_COLOUR, "still moving at the last step"),
            (DIVERGED_KIND, DIVERGED_COLOUR, "diverged"),
            (LEFT_DOMAIN_KIND, LEFT_DOMAIN_COLOUR, "left the domain"),
        ):
            share = m.share(kind)
            if share > 0:
                rows.append((Swatch(colour), (Run(f"{words}  {pct(share)}"),)))
        if listed:
            rows.append((Blank(), (Run("paler: more steps", italic=True),)))
        return rows

    def index_at(self, x: float, y: float) -> int | None:
        """The start under the data point ``(x, y)`` (for hover and click), or None."""
        if self.map is None:
            return None
        return self.map.at(x, y)
