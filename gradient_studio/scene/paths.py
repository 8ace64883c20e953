"""The descent paths: cased lines drawn up to a step, their head and end markers, and the
legend that names them.

Markers, by what they mean (the other markers live in :mod:`~gradient_studio.scene.markers`):

* head — the optimiser's marker (a disc for most; see
  :func:`~gradient_studio.scene.palette.optimizer_style`) in its colour where its path is at
  the current step;
* end — where a path stopped, in the optimiser's colour: a square (or the optimiser's own
  shape, for those that have one) when it converged or ran out of steps, a cross when it
  diverged or left the domain.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPen

from gradient_studio.scene.legend import Legend, Run
from gradient_studio.scene.markers import Markers
from gradient_studio.scene.palette import CASING, format_value, optimizer_style
from gradient_studio.scene.polyline import WideLineCurve, logical_pen
from gradient_studio.scene.simplify import clipped, thinned, within_budget

Array = NDArray[np.float64]


class TrajectoryLike(Protocol):
    """What the picture reads of an engine ``Trajectory``."""

    @property
    def optimizer(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def start(self) -> tuple[float, float]: ...
    @property
    def points(self) -> Array: ...
    @property
    def f(self) -> Array: ...
    @property
    def status(self) -> str: ...


class Keep(enum.Enum):
    """``KEEP``: leave a setting as it is (``None`` already means "to the end")."""

    KEEP = "keep"


KEEP = Keep.KEEP

PATH_WIDTH = 2.4
CASING_WIDTH = PATH_WIDTH + 2.2
HEAD_SIZE = 11.0
END_SIZE = 10.0
_END_SYMBOL = {"diverged": "x", "left-domain": "x"}


def _pen(colour: str, width: float) -> QPen:
    """A path's pen: round ends; bevelled corners (at these widths they look the same as
    round ones, and a wide antialiased line with round corners takes half as long again)."""
    pen = pg.mkPen(colour, width=width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.BevelJoin)
    return QPen(pen)


@cache
def _cached_pen(colour: str, width: float) -> QPen:
    """:func:`_pen`, made once (the legend swatches ask on every paint)."""
    return _pen(colour, width)


@dataclass(frozen=True)
class _Path:
    points: Array
    f: Array
    last: int
    status: str
    group: int

    def upto(self, step: float | None) -> tuple[int, Array, Array]:
        """``(k, head, line)`` at ``step``: the whole step reached, where the head is and the
        line behind it. A step between two whole steps puts the head part-way along the
        segment (animations with more frames than steps glide instead of stutter)."""
        if step is None or step >= self.last:
            return self.last, self.points[self.last], self.points[: self.last + 1]
        step = max(0.0, float(step))
        k = int(step)
        part = step - k
        head = self.points[k] + part * (self.points[k + 1] - self.points[k])
        if part == 0.0 or not np.isfinite(head).all():
            return k, self.points[k], self.points[: k + 1]
        return k, head, np.vstack([self.points[: k + 1], head])


@dataclass(frozen=True)
class Group:
    """All paths of one optimiser: its legend label, colour and head marker."""

    label: str
    colour: str
    marker: str = "o"

    def end_symbol(self, status: str) -> str:
        """The marker where a path of this optimiser stopped with ``status``."""
        return _END_SYMBOL.get(status, "s" if self.marker == "o" else self.marker)


class PathSample(pg.ItemSample):  # type: ignore[misc]  # (pyqtgraph has no type hints)
    """A legend swatch: the cased line with its head marker, as the path looks on the
    picture."""

    def __init__(self, colour: str, marker: str = "o") -> None:
        super().__init__(pg.PlotCurveItem())
        self.colour = colour
        self.marker = marker
        self.setFixedWidth(30)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, 30, 20)

    def paint(self, p: QPainter, *args: Any) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(logical_pen(_cached_pen(CASING, CASING_WIDTH), p))
        p.drawLine(QPointF(2, 11), QPointF(28, 11))
        p.setPen(logical_pen(_cached_pen(self.colour, PATH_WIDTH), p))
        p.drawLine(QPointF(2, 11), QPointF(28, 11))
        p.translate(23, 11)
        p.scale(HEAD_SIZE, HEAD_SIZE)
        p.setPen(_RIM)
        p.setBrush(_brush(self.colour))
        p.drawPath(Symbols[self.marker])

    def mouseClickEvent(self, event: Any) -> None:
        event.ignore()  # the swatch is a picture, not a visibility toggle


class PathLayer:
    """Descent paths drawn up to a step: cased lines, head and end markers, legend entries.

    All casings form one curve beneath all lines, so crossings stay readable; each
    optimiser's paths (one per start) form one NaN-separated curve in its colour.
    """

    def __init__(self, plot: pg.PlotItem, legend: Legend) -> None:
        self._plot = plot
        self.legend = legend
        self.casing = WideLineCurve()
        self.casing.setPen(_pen(CASING, CASING_WIDTH))
        self.casing.setZValue(10)
        plot.addItem(self.casing)
        self.curves: list[WideLineCurve] = []
        self.ends = Markers(pxMode=True, antialias=True)
        self.heads = Markers(pxMode=True, antialias=True)
        self.ends.setZValue(20)
        self.heads.setZValue(21)
        plot.addItem(self.ends)
        plot.addItem(self.heads)
        self.groups: list[Group] = []
        self._paths: list[_Path] = []
        self._box = (-np.inf, np.inf, -np.inf, np.inf)
        self.step: float | None = None
        self._drawn: tuple[Any, ...] | None = None  # what set_step last drew
        self._fresh = False  # set_step is drawing a new race
        # Thinning and the drawing budget count in pixels: a new size draws anew.
        plot.vb.sigResized.connect(self._on_view_resized)

    # -- what to show ------------------------------------------------------------------------
    def set_trajectories(
        self, trajectories: Sequence[TrajectoryLike], step: float | Keep | None = KEEP
    ) -> None:
        """Show ``trajectories`` at ``step`` (by default the step shown now), each
        optimiser in its own style."""
        if not isinstance(step, Keep):
            self.step = step
        names: dict[str, int] = {}
        groups: list[Group] = []
        paths: list[_Path] = []
        for t in trajectories:
            if t.optimizer not in names:
                names[t.optimizer] = len(groups)
                style = optimizer_style(t.optimizer)
                groups.append(Group(t.label, style.colour, style.marker))
            # Copies: a running race's arrays fill in place, and what was drawn is compared
            # with what comes next.
            points = np.array(t.points, dtype=np.float64).reshape(-1, 2)
            f = np.array(t.f, dtype=np.float64).reshape(-1)
            last = max(0, min(len(points), len(f)) - 1)
            paths.append(_Path(points, f, last, str(t.status), names[t.optimizer]))
        # A new label alone (a learning rate dragged) only retexts the legend: rebuilding it
        # was a third of a slider-to-frame redraw.
        regroup = [(g.colour, g.marker) for g in groups] != [
            (g.colour, g.marker) for g in self.groups
        ]
        if regroup or not _same_paths(paths, self._paths):
            self._drawn = None  # the lines, heads and ends must be drawn anew
            self._paths = paths
        self.groups = groups
        while len(self.curves) < len(groups):
            curve = WideLineCurve()
            curve.setZValue(11 + len(self.curves))
            self._plot.addItem(curve)
            self.curves.append(curve)
        if regroup:
            for i, curve in enumerate(self.curves):
                if i < len(groups):
                    curve.setPen(_pen(groups[i].colour, PATH_WIDTH))
                curve.setVisible(i < len(groups))
        if regroup:
            self._show_legend(rebuild=True)
        elif self._drawn is not None:
            self._show_legend(rebuild=False)  # the same paths: set_step will draw nothing
        self._fresh = True  # a new race: its legend may shrink, not only grow
        self.set_step(self.step)
        self._fresh = False

    def set_view(self, xrange: tuple[float, float], yrange: tuple[float, float]) -> None:
        """Cut the lines at the edges of the view (a hair beyond, under the frame).

        The view clips them on screen anyway, but Qt mis-draws coordinates far outside it
        (a diverged run reaches 1e8), and SVG viewers without clip paths would show them.
        """
        w, h = 0.005 * (xrange[1] - xrange[0]), 0.005 * (yrange[1] - yrange[0])
        self._box = (xrange[0] - w, xrange[1] + w, yrange[0] - h, yrange[1] + h)
        self.set_step(self.step)

    @property
    def last_step(self) -> int:
        return max((p.last for p in self._paths), default=0)

    def set_step(self, step: float | None) -> None:
        """Show every path up to ``step`` (``None``: to its end; fractions glide between
        steps), and the legend's values at that step."""
        self.step = step
        cell = self._pixel_cell()
        # The same runs at the same step, view and pixel size draw the same: skipping them
        # keeps the curves' Qt paths, which a redraw would otherwise rebuild.
        drawn = (step, cell, self._box)
        if drawn == self._drawn:
            return
        self._drawn = drawn
        casing: list[Array] = []
        lines: list[list[Array]] = [[] for _ in self.groups]
        heads: list[tuple[Array, Group]] = []
        ends: list[tuple[Array, Group, str]] = []
        reached = [path.upto(step) for path in self._paths]
        shown = within_budget(
            [clipped(thinned(line, cell), self._box) for _, _, line in reached], cell
        )
        for path, (k, head, _), line in zip(self._paths, reached, shown, strict=True):
            casing += (line, _GAP)
            lines[path.group] += (line, _GAP)
            group = self.groups[path.group]
            if k < path.last:
                heads.append((head, group))
            else:
                ends.append((head, group, group.end_symbol(path.status)))
        _set_curve(self.casing, casing)
        for curve, parts in zip(self.curves, lines, strict=False):
            _set_curve(curve, parts)
        moving = [(p, g) for p, g in heads if self._inside(p)]
        self.heads.setData(
            pos=np.array([p for p, _ in moving]).reshape(-1, 2),
            brush=[_brush(g.colour) for _, g in moving],
            symbol=_symbols([g.marker for _, g in moving]),
            size=HEAD_SIZE,
            pen=_RIM,
        )
        done = [(p, g, s) for p, g, s in ends if self._inside(p)]
        self.ends.setData(
            pos=np.array([p for p, _, _ in done]).reshape(-1, 2),
            brush=[_brush(g.colour) for _, g, _ in done],
            symbol=_symbols([s for _, _, s in done]),
            size=[END_SIZE + (3 if s == "x" else 0) for _, _, s in done],
            pen=[_THIN_RIM if s == "x" else _RIM for _, _, s in done],
        )
        self._show_legend(rebuild=False, grow_only=not self._fresh)

    def _on_view_resized(self, *_: Any) -> None:
        self.set_step(self.step)

    def _pixel_cell(self) -> tuple[float, float] | None:
        """Data units per logical pixel of the view as it is laid out now (None before it
        has a size)."""
        vb = self._plot.vb
        (x0, x1), (y0, y1) = vb.viewRange()
        if vb.width() < 2 or vb.height() < 2 or x1 <= x0 or y1 <= y0:
            return None
        return (x1 - x0) / vb.width(), (y1 - y0) / vb.height()

    def head_points(self) -> tuple[Array, list[str]]:
        """Heads still moving at the current step, with their colours (for the arrows):
        a path that converged has no descent direction left to show."""
        points, colours = [], []
        for path in self._paths:
            k, head, _ = path.upto(self.step)
            if k < path.last or path.status == "max-steps":
                points.append(head)
                colours.append(self.groups[path.group].colour)
        return np.array(points, dtype=np.float64).reshape(-1, 2), colours

    def ends_reached(self) -> Array:
        """Where every path ends (finite ends only)."""
        ends = np.array([p.points[p.last] for p in self._paths], dtype=np.float64).reshape(-1, 2)
        return np.asarray(ends[np.isfinite(ends).all(axis=1)], dtype=np.float64)

    def outline(self, most: int = 1500) -> Array:
        """Every whole path as one NaN-separated polyline (every k-th step of a long race:
        at most about ``most`` points), for choosing where the legend covers the least of
        the race — the whole of it, so that the legend stays put during playback."""
        parts: list[Array] = []
        for p in self._paths:
            stride = max(1, -(-len(self._paths) * p.last // most))
            parts += (p.points[: p.last : stride], p.points[p.last : p.last + 1], _GAP)
        return np.concatenate(parts) if parts else np.empty((0, 2))

    def _show_legend(self, rebuild: bool, grow_only: bool = False) -> None:
        """A row per optimiser (made anew only for new styles); a new race or step mostly
        changes only the digits of its f."""
        texts = [
            _legend_runs(g.label, [p for p in self._paths if p.group == i], self.step)
            for i, g in enumerate(self.groups)
        ]
        if rebuild:
            swatches = [PathSample(g.colour, g.marker) for g in self.groups]
            self.legend.set_entries(list(zip(swatches, texts, strict=True)))
        else:
            self.legend.set_texts(texts, grow_only=grow_only)

    def _inside(self, p: Array) -> bool:
        x0, x1, y0, y1 = self._box
        return bool(np.isfinite(p).all() and x0 <= p[0] <= x1 and y0 <= p[1] <= y1)


def _legend_runs(label: str, paths: list[_Path], step: float | None) -> tuple[Run, ...]:
    """``Adam (lr=0.05) · f = 3.2e−6``: f at ``step`` (``None``: where the run ended; the
    best of several starts), or how the run failed once it has."""
    values, failed = [], []
    for p in paths:
        k = p.last if step is None else max(0, min(int(step), p.last))
        if k == p.last and p.status in _END_SYMBOL:
            failed.append(p.status)
        elif len(p.f):
            values.append(float(p.f[min(k, len(p.f) - 1)]))
    finite = [v for v in values if math.isfinite(v)]
    name = " ".join(label.split())  # on one line, spaced as rich text spaced it
    if not finite:
        status = failed[0] if failed else "no value"
        return Run(f"{name} · "), Run(status.replace("-", " "), italic=True)
    prefix = "best " if len(paths) > 1 else ""
    return Run(f"{name} · {prefix}"), Run("f", italic=True), Run(f" = {format_value(min(finite))}")


_GAP = np.full((1, 2), np.nan)
_RIM = pg.mkPen(CASING, width=1.2)
_THIN_RIM = pg.mkPen(CASING, width=0.8)


@cache
def _brush(colour: str) -> QBrush:
    return QBrush(pg.mkBrush(colour))


def _symbols(symbols: list[str]) -> str | list[str]:
    """One symbol for all if they are all the same (pyqtgraph draws that faster)."""
    return symbols[0] if symbols and all(s == symbols[0] for s in symbols) else symbols


def _same_paths(new: list[_Path], old: list[_Path]) -> bool:
    """Whether ``new`` draws exactly what ``old`` does (a run handed over again)."""
    return len(new) == len(old) and all(
        (a.last, a.status, a.group) == (b.last, b.status, b.group)
        and np.array_equal(a.points, b.points, equal_nan=True)
        and np.array_equal(a.f, b.f, equal_nan=True)
        for a, b in zip(new, old, strict=True)
    )


def _set_curve(curve: pg.PlotCurveItem, parts: list[Array]) -> None:
    data = np.concatenate(parts) if parts else np.empty((0, 2))
    curve.setData(data[:, 0], data[:, 1], connect="finite")
