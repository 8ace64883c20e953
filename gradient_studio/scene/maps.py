"""Pictures of many runs: the basin map, the learning-rate sweep and the hyperparameter map.

Each is a pyqtgraph plot in the house style of :class:`~gradient_studio.scene.PlotScene`
(the same frame, axes, title and fonts), shared by a window and the exporters, built once
and updated in place by its ``set_*`` method:

* :class:`BasinScene` — every start a pixel: hue by attractor, paler the more steps its run
  took, black diverged, greys for runs that end at a saddle or maximum or are still moving,
  thin contour lines of f over it, each attractor marked; a legend beside the map lists the
  attractors with their shares;
* :class:`SweepScene` — final f (or the steps to converge) against the learning rate, both
  on log axes, one curve per optimiser in its own style, diverged runs as crosses along the
  top, and the theory's stability edges as labelled vertical lines;
* :class:`HyperMapScene` — final f over two hyperparameters (each axis log or linear, named
  by the hyperparameter), diverged in black, with a colour bar.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QGraphicsWidget

from gradient_studio.engine.basins import (
    ATTRACTED,
    DIVERGED_KIND,
    LEFT_DOMAIN_KIND,
    MOVING,
    SADDLE,
    BasinMap,
)
from gradient_studio.engine.final import DIVERGED, LEFT_DOMAIN
from gradient_studio.engine.sweeps import HyperMap, Sweep
from gradient_studio.scene.drawing import Drawing
from gradient_studio.scene.labels import LEFT_AXIS_WIDTH, Axis, frame_plot, style_axes
from gradient_studio.scene.landscape import ContourLayer, LandscapeLayer
from gradient_studio.scene.legend import Legend, Run
from gradient_studio.scene.markers import MinimaMarkers
from gradient_studio.scene.overlays import LEGEND_PX
from gradient_studio.scene.palette import (
    BACKGROUND,
    CASING,
    TEXT,
    ColourScale,
    colormap_lut,
    format_value,
    optimizer_style,
)
from gradient_studio.scene.qt import ensure_app

Array = NDArray[np.float64]
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


def _rgb(colour: str) -> NDArray[np.float64]:
    c = QColor(colour)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


def on_white(colour: str) -> str:
    """``colour``, or a dark grey where it would vanish on the white of a plot (Newton's
    white, which reads on the landscape's colour maps)."""
    c = QColor(colour)
    light = 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF()
    return "#3A3A3A" if light > 0.9 else colour


def attractor_colour(attractor_id: int) -> str:
    return ATTRACTOR_COLOURS[attractor_id % len(ATTRACTOR_COLOURS)]


def basin_pixels(m: BasinMap) -> Pixels:
    """The map's colours, (rows, cols, 4) RGBA, row 0 at the lowest y."""
    n = len(m.kind)
    rgb = np.empty((n, 3))
    for kind, colour in (
        (DIVERGED_KIND, DIVERGED_COLOUR),
        (LEFT_DOMAIN_KIND, LEFT_DOMAIN_COLOUR),
        (SADDLE, SADDLE_COLOUR),
        (MOVING, MOVING_COLOUR),
    ):
        rgb[m.kind == kind] = _rgb(colour)
    attracted = m.kind == ATTRACTED
    if attracted.any():
        table = np.array([_rgb(c) for c in ATTRACTOR_COLOURS])
        hue = table[m.attractor[attracted] % len(table)]
        slow = np.sqrt(m.final.steps[attracted] / max(m.steps, 1))[:, None]
        rgb[attracted] = hue + (255.0 - hue) * PALEST * slow
    out = np.empty((n, 4), dtype=np.uint8)
    out[:, :3] = np.clip(np.rint(rgb), 0, 255)
    out[:, 3] = 255
    return out.reshape(*m.shape, 4)


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


class _Marks(pg.ScatterPlotItem):  # type: ignore[misc]  # (pyqtgraph has no type hints)
    """Crosses along the top of a sweep: the learning rates whose runs diverged."""


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


class _MapFrame(Drawing):
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

    def _fit_title(self) -> bool:
        width = self.plot.geometry().width()
        centre = self.plot.vb.geometry().center().x()
        height = self.title.fit(2 * min(centre, width - centre) - 16)
        if height == self._title_height:
            return False
        self._title_height = height
        self.title.setMaximumHeight(height)
        self.plot.layout.setRowFixedHeight(0, height)
        return True

    def _set_legend(self, rows: list[tuple[QGraphicsWidget, tuple[Run, ...]]]) -> None:
        self.legend.set_entries(rows)

    def set_title(self, text: str, *, name: str = "", values: Any = None) -> None:
        self.title.show_title(text, name, values)
        self._fit_title()

    def _fit_axes(self) -> None:
        """Widen the left axis to its widest tick label (else pyqtgraph leaves labels out)."""
        left = self.plot.getAxis("left")
        if isinstance(left, Axis):
            left.fit_width(LEFT_AXIS_WIDTH)


class BasinScene(_MapFrame):
    """A basin map over the landscape's view (see the module)."""

    def __init__(self) -> None:
        super().__init__("basin_scene", "Basins of attraction")
        self.image = pg.ImageItem(axisOrder="row-major")
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
        self.image.setRect(_edges(xs, ys))
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

    def legend_rows(self, m: BasinMap) -> list[tuple[QGraphicsWidget, tuple[Run, ...]]]:
        c = m.choice
        rows: list[tuple[QGraphicsWidget, tuple[Run, ...]]] = [
            (_Blank(), (Run(f"{c.spec.display_name} ({_hyper_text(_shown(c))})"),)),
            (_Blank(), (Run(f"{m.shape[1]}×{m.shape[0]} starts, {m.steps} steps"),)),
        ]
        listed = [a for a in m.attractors if a.minimum][: len(ATTRACTOR_COLOURS)]
        for a in sorted(listed, key=lambda a: -a.share):
            where = f"({format_value(a.point[0])}, {format_value(a.point[1])})"
            rows.append(
                (Swatch(attractor_colour(a.id)), (Run(f"minimum {where}  {_pct(a.share)}"),))
            )
        for kind, colour, words in (
            (SADDLE, SADDLE_COLOUR, "saddle or maximum"),
            (MOVING, MOVING_COLOUR, "still moving at the last step"),
            (DIVERGED_KIND, DIVERGED_COLOUR, "diverged"),
            (LEFT_DOMAIN_KIND, LEFT_DOMAIN_COLOUR, "left the domain"),
        ):
            share = m.share(kind)
            if share > 0:
                rows.append((Swatch(colour), (Run(f"{words}  {_pct(share)}"),)))
        rows.append((_Blank(), (Run("paler: more steps", italic=True),)))
        return rows

    def index_at(self, x: float, y: float) -> int | None:
        """The start under the data point ``(x, y)`` (for hover and click), or None."""
        if self.map is None:
            return None
        return self.map.at(x, y)


class SweepScene(_MapFrame):
    """A learning-rate sweep (see the module): ``measure`` ``"final_f"`` or ``"steps"``."""

    def __init__(self) -> None:
        super().__init__("sweep_scene", "Learning-rate sweep")
        self.plot.setLogMode(x=True, y=True)
        self.plot.setLabel("bottom", "learning rate")
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.crosses: list[pg.ScatterPlotItem] = []
        self.lines: list[pg.InfiniteLine] = []
        self.sweep: Sweep | None = None
        self._finish()

    def set_sweep(
        self, s: Sweep, objective: Any = None, *, measure: str = "final_f", name: str = ""
    ) -> None:
        if measure not in ("final_f", "steps"):
            raise ValueError(f"a sweep shows 'final_f' or 'steps', not {measure!r}")
        self.sweep = s
        for item in (*self.curves.values(), *self.crosses, *self.lines):
            self.plot.removeItem(item)
        self.curves, self.crosses, self.lines = {}, [], []
        values, label = _sweep_values(s, measure)
        finite = _joined([v[np.isfinite(v) & (v > 0)] for v in values.values()])
        low, high = (finite.min(), finite.max()) if len(finite) else (1e-3, 1.0)
        top = math.log10(high) + (0.08 + 0.04 * len(s.curves)) * max(1.0, math.log10(high / low))
        bottom = math.log10(low) - 0.05 * max(1.0, math.log10(high / low))
        rows: list[tuple[QGraphicsWidget, tuple[Run, ...]]] = []
        lx = np.log10(s.lrs)
        span = top - bottom
        for i, (name_, curve) in enumerate(s.curves.items()):
            style = optimizer_style(name_)._replace(colour=on_white(optimizer_style(name_).colour))
            v = values[name_]
            ok = np.isfinite(v) & (v > 0)
            y = np.where(ok, v, np.nan)
            if ok.any():  # (a curve of no points at all has no bounds to draw in)
                item = pg.PlotDataItem(
                    s.lrs,
                    y,
                    pen=pg.mkPen(style.colour, width=2.2),
                    connect="finite",
                    symbol=style.marker,
                    symbolSize=5,
                    symbolBrush=style.colour,
                    symbolPen=None,
                )
                self.plot.addItem(item)
                self.curves[name_] = item
            bad = curve.diverged
            if bad.any():
                cross = pg.ScatterPlotItem(
                    x=lx[bad],
                    y=np.full(bad.sum(), top - (0.025 + 0.03 * i) * span),
                    symbol="x",
                    size=9,
                    brush=pg.mkBrush(style.colour),
                    pen=pg.mkPen(CASING, width=0.6),
                )
                self.plot.addItem(cross)
                self.crosses.append(cross)
            rows.append((Swatch(style.colour), (Run(curve.choice.spec.display_name),)))
        for i, mark in enumerate(s.marks):
            colour = on_white(optimizer_style(mark.optimizer).colour)
            line = pg.InfiniteLine(
                pos=math.log10(mark.lr),
                angle=90,
                pen=pg.mkPen(colour, width=1.6, style=Qt.PenStyle.DashLine),
                label=f"{mark.label} = {format_value(mark.lr)}",
                labelOpts={
                    "position": 0.80 - 0.07 * i,
                    "color": TEXT,
                    "fill": "#ffffffcc",
                    "anchors": [(0, 0.5), (0, 0.5)],
                },
            )
            self.plot.addItem(line)
            self.lines.append(line)
        if self.crosses:
            rows.append((_Blank(), (Run("× along the top: diverged", italic=True),)))
        start = f"from ({format_value(s.start[0])}, {format_value(s.start[1])}), {s.steps} steps"
        rows.insert(0, (_Blank(), (Run(start),)))
        self._set_legend(rows)
        self.plot.setLabel("left", label)
        self.plot.vb.setRange(xRange=(lx[0], lx[-1]), yRange=(bottom, top), padding=0.02)
        self._fit_axes()
        text = objective.text if objective is not None else ""
        self.set_title(
            text,
            name=name or "Learning-rate sweep",
            values=getattr(objective, "values", None),
        )

    def lr_at(self, x: float) -> float | None:
        """The swept learning rate nearest the data x (the plot's x is log10 lr), for a
        click that sets it; None before a sweep."""
        if self.sweep is None:
            return None
        lrs = self.sweep.lrs
        return float(lrs[int(np.argmin(np.abs(np.log10(lrs) - x)))])

    def curve_at(self, x: float, y: float) -> str | None:
        """The optimiser whose curve passes nearest ``(x, y)`` (data: log10 lr, log10 of
        what is shown), for a click that sets that optimiser's lr; None before a sweep."""
        if self.sweep is None or not self.curves:
            return None
        best, name = math.inf, None
        for key, item in self.curves.items():
            cx, cy = item.getData()  # (log10 values in log mode)
            if cx is None or len(cx) == 0:
                continue
            at = int(np.argmin(np.abs(cx - x)))
            gap = abs(cy[at] - y) if np.isfinite(cy[at]) else math.inf
            if gap < best:
                best, name = gap, key
        return name


class HyperMapScene(_MapFrame):
    """Final f over two hyperparameters (see the module)."""

    def __init__(self, colormap: str = "viridis") -> None:
        super().__init__("hypermap_scene", "Hyperparameter map")
        self.layer = LandscapeLayer(self.plot, colormap)
        self.edge = pg.PlotCurveItem(pen=pg.mkPen("#ffffff", width=2.0, style=Qt.PenStyle.DashLine))
        self.edge.setZValue(10)
        self.plot.addItem(self.edge)
        self.map: HyperMap | None = None
        self._finish(self.layer)

    def set_map(self, m: HyperMap, objective: Any = None, *, name: str = "") -> None:
        self.map = m
        code = m.final.code.reshape(m.shape)
        f = m.final.f.reshape(m.shape)
        ok = np.isfinite(f) & (code != DIVERGED) & (code != LEFT_DOMAIN)
        z = np.where(ok, f, np.nan)
        scale = ColourScale.fit(z)
        x_at = np.log10(m.xs) if m.x.log else m.xs
        y_at = np.log10(m.ys) if m.y.log else m.ys
        self.plot.setLogMode(x=m.x.log, y=m.y.log)
        self.layer.show(x_at, y_at, scale.u(z), scale)
        pixels = scale.colours(scale.u(z), colormap_lut(self.layer.colormap))
        pixels[code == DIVERGED] = (0, 0, 0, 255)
        pixels[code == LEFT_DOMAIN] = (*_rgb(LEFT_DOMAIN_COLOUR).astype(np.uint8), 255)
        self.layer.image.setImage(pixels, autoLevels=False)
        self.layer.image.setRect(_edges(x_at, y_at))
        self.plot.vb.setRange(xRange=(x_at[0], x_at[-1]), yRange=(y_at[0], y_at[-1]), padding=0)
        self._fit_axes()
        spec = m.choice.spec
        for side, a in (("bottom", m.x), ("left", m.y)):
            h = spec.hyperparameter(a.name)
            self.plot.setLabel(side, f"{h.label}{' (log)' if a.log else ''}")
        rows: list[tuple[QGraphicsWidget, tuple[Run, ...]]] = [
            (_Blank(), (Run(f"{spec.display_name}, {m.steps} steps"),)),
            (_Blank(), (Run(f"from ({format_value(m.start[0])}, {format_value(m.start[1])})"),)),
        ]
        fixed = {k: v for k, v in m.choice.resolved.items() if k not in (m.x.name, m.y.name)}
        if fixed:
            rows.append((_Blank(), (Run(_hyper_text(fixed)),)))
        edge = m.stability_edge()
        if edge is None:
            self.edge.setData([], [])
        else:
            ex = np.log10(edge[:, 0]) if m.x.log else edge[:, 0]
            ey = np.log10(edge[:, 1]) if m.y.log else edge[:, 1]
            self.edge.setData(ex, ey)
            rows.append((_Dash(), (Run("theory: lr = (2+2β)/λmax"),)))
        for code_, colour, words in (
            (DIVERGED, DIVERGED_COLOUR, "diverged"),
            (LEFT_DOMAIN, LEFT_DOMAIN_COLOUR, "left the domain"),
        ):
            share = float(np.mean(code == code_))
            if share > 0:
                rows.append((Swatch(colour), (Run(f"{words}  {_pct(share)}"),)))
        self._set_legend(rows)
        text = objective.text if objective is not None else ""
        title = name or f"{spec.display_name}: final f after {m.steps} steps"
        self.set_title(text, name=title, values=getattr(objective, "values", None))

    def values_at(self, x: float, y: float) -> tuple[float, float] | None:
        """The two hyperparameters' values at the data point ``(x, y)`` (log10 on a log
        axis), snapped to the grid, for a click that sets both; None before a map."""
        m = self.map
        if m is None:
            return None
        xs = np.log10(m.xs) if m.x.log else m.xs
        ys = np.log10(m.ys) if m.y.log else m.ys
        return (
            float(m.xs[int(np.argmin(np.abs(xs - x)))]),
            float(m.ys[int(np.argmin(np.abs(ys - y)))]),
        )


class _Dash(QGraphicsWidget):
    """A legend row's dashed white line on dark (the theory's edge on the map)."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(QSizeF(18, 16))
        self.setMaximumSize(QSizeF(18, 16))

    def paint(self, p: QPainter, *args: Any) -> None:
        p.fillRect(QRectF(1, 2, 17, 12), QColor("#3A3A3A"))
        p.setPen(pg.mkPen("#ffffff", width=1.6, style=Qt.PenStyle.DashLine))
        p.drawLine(2, 8, 17, 8)


class _Blank(QGraphicsWidget):
    """No swatch: a legend row of words only."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(QSizeF(18, 16))
        self.setMaximumSize(QSizeF(18, 16))


def _sweep_values(s: Sweep, measure: str) -> tuple[dict[str, Array], str]:
    if measure == "steps":
        return {k: c.steps_to_converge for k, c in s.curves.items()}, "steps to converge"
    values = {k: np.where(c.diverged, np.nan, c.final.f) for k, c in s.curves.items()}
    every = _joined([v[np.isfinite(v)] for v in values.values()])
    if len(every) and every.min() <= 0:  # a log axis needs f above 0: show f above its least
        floor = float(every.min())
        gap = max(1e-12, 1e-9 * float(np.abs(every).max()))
        return {k: v - floor + gap for k, v in values.items()}, f"final f − ({format_value(floor)})"
    return values, "final f"


def _joined(parts: list[Array]) -> Array:
    return np.concatenate(parts) if parts else np.empty(0)


def _edges(xs: Array, ys: Array) -> QRectF:
    """The rectangle whose cells of the grid ``xs`` × ``ys`` have those points as centres."""
    dx = (xs[-1] - xs[0]) / (len(xs) - 1) if len(xs) > 1 else 1.0
    dy = (ys[-1] - ys[0]) / (len(ys) - 1) if len(ys) > 1 else 1.0
    return QRectF(xs[0] - dx / 2, ys[0] - dy / 2, xs[-1] - xs[0] + dx, ys[-1] - ys[0] + dy)


def _pct(share: float) -> str:
    return f"{100 * share:.1f} %" if share >= 0.001 else "< 0.1 %"


def _shown(choice: Any) -> dict[str, float]:
    """The hyperparameters worth naming: lr, and those set away from their defaults."""
    defaults = choice.spec.defaults
    return {k: v for k, v in choice.resolved.items() if k == "lr" or v != defaults[k]}


def _hyper_text(values: dict[str, float]) -> str:
    return ", ".join(f"{k}={format_value(v)}" for k, v in values.items())


__all__ = ["ATTRACTOR_COLOURS", "BasinScene", "HyperMapScene", "SweepScene", "basin_pixels"]
