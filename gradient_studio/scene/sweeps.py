"""The pictures of sweeps: final f against the learning rate, and over two hyperparameters.

* :class:`SweepScene` — final f (or the steps to converge) against the learning rate, both
  on log axes, one curve per optimiser in its own style, diverged runs as crosses along the
  top, and the theory's stability edges as labelled dashed lines;
* :class:`HyperMapScene` — final f over two hyperparameters (each axis log or linear, named
  by the hyperparameter), diverged in black, with a colour bar; on momentum's lr × momentum
  map the theory's edge lr = (2+2β)/λmax as a dashed line.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from gradient_studio.engine.final import DIVERGED, LEFT_DOMAIN
from gradient_studio.engine.sweeps import HyperMap, Sweep
from gradient_studio.scene.basins import DIVERGED_COLOUR, LEFT_DOMAIN_COLOUR
from gradient_studio.scene.landscape import LandscapeLayer
from gradient_studio.scene.legend import Run
from gradient_studio.scene.maps import (
    Array,
    Blank,
    Dash,
    LegendRows,
    MapFrame,
    Swatch,
    edges,
    hyper_text,
    joined,
    pct,
    rgb,
    training_rows,
)
from gradient_studio.scene.palette import (
    CASING,
    TEXT,
    ColourScale,
    colormap_lut,
    format_value,
    optimizer_style,
)


def on_white(colour: str) -> str:
    """``colour``, or a dark grey where it would vanish on the white of a plot (Newton's
    white, which reads on the landscape's colour maps)."""
    c = QColor(colour)
    light = 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF()
    return "#3A3A3A" if light > 0.9 else colour


class SweepScene(MapFrame):
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
        finite = joined([v[np.isfinite(v) & (v > 0)] for v in values.values()])
        low, high = (finite.min(), finite.max()) if len(finite) else (1e-3, 1.0)
        top = math.log10(high) + (0.08 + 0.04 * len(s.curves)) * max(1.0, math.log10(high / low))
        bottom = math.log10(low) - 0.05 * max(1.0, math.log10(high / low))
        rows: LegendRows = []
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
            rows.append((Blank(), (Run("× along the top: diverged", italic=True),)))
        start = f"from ({format_value(s.start[0])}, {format_value(s.start[1])}), {s.steps} steps"
        rows[:0] = [(Blank(), (Run(start),)), *training_rows(s.training)]
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


class HyperMapScene(MapFrame):
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
        pixels[code == LEFT_DOMAIN] = (*rgb(LEFT_DOMAIN_COLOUR).astype(np.uint8), 255)
        self.layer.image.setImage(pixels, autoLevels=False)
        self.layer.image.setRect(edges(x_at, y_at))
        self.plot.vb.setRange(xRange=(x_at[0], x_at[-1]), yRange=(y_at[0], y_at[-1]), padding=0)
        self._fit_axes()
        spec = m.choice.spec
        for side, a in (("bottom", m.x), ("left", m.y)):
            h = spec.hyperparameter(a.name)
            self.plot.setLabel(side, f"{h.label}{' (log)' if a.log else ''}")
        rows: LegendRows = [
            (Blank(), (Run(f"{spec.display_name}, {m.steps} steps"),)),
            (Blank(), (Run(f"from ({format_value(m.start[0])}, {format_value(m.start[1])})"),)),
        ]
        fixed = {k: v for k, v in m.choice.resolved.items() if k not in (m.x.name, m.y.name)}
        if fixed:
            rows.append((Blank(), (Run(hyper_text(fixed)),)))
        rows += training_rows(m.training)
        edge = m.stability_edge()
        if edge is None:
            self.edge.setData([], [])
        else:
            ex = np.log10(edge[:, 0]) if m.x.log else edge[:, 0]
            ey = np.log10(edge[:, 1]) if m.y.log else edge[:, 1]
            self.edge.setData(ex, ey)
            rows.append((Dash(), (Run("theory: lr = (2+2β)/λmax"),)))
        for code_, colour, words in (
            (DIVERGED, DIVERGED_COLOUR, "diverged"),
            (LEFT_DOMAIN, LEFT_DOMAIN_COLOUR, "left the domain"),
        ):
            share = float(np.mean(code == code_))
            if share > 0:
                rows.append((Swatch(colour), (Run(f"{words}  {pct(share)}"),)))
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


def _sweep_values(s: Sweep, measure: str) -> tuple[dict[str, Array], str]:
    if measure == "steps":
        return {k: c.steps_to_converge for k, c in s.curves.items()}, "steps to converge"
    values = {k: np.where(c.diverged, np.nan, c.final.f) for k, c in s.curves.items()}
    every = joined([v[np.isfinite(v)] for v in values.values()])
    if len(every) and every.min() <= 0:  # a log axis needs f above 0: show f above its least
        floor = float(every.min())
        gap = max(1e-12, 1e-9 * float(np.abs(every).max()))
        return {k: v - floor + gap for k, v in values.items()}, f"final f − ({format_value(floor)})"
    return values, "final f"
