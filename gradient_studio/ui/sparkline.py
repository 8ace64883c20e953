"""A small picture of a learning-rate schedule: lr against step over the race's steps.

Each optimiser scales the schedule from its own learning rate, so the sparkline shows the
shape relative to it, "× lr": 1 is the optimiser's lr. (Only cosine's ``eta_min`` is an
absolute learning rate; give :meth:`ScheduleSparkline.set_schedule` the lr of the
optimiser to show and the shape is exact for it.) One-cycle's momentum, when it cycles, is
drawn dashed on the same 0 … 1 scale.

The values are the engine's own (:meth:`Schedule.learning_rates`), computed once per
schedule, base and steps; painting draws at most two points per pixel column (the lowest
and the highest of the steps under it), so a step decay's edges survive any length of run.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pyqtgraph.functions as fn
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from gradient_studio.engine.schedules import Schedule
from gradient_studio.ui import theme

Array = NDArray[np.float64]
CURVE = "#1f5fa8"  # the lr: a blue that reads on white (7:1)
MOMENTUM = "#8a5a00"  # one-cycle's momentum, dashed
BACKGROUND = "#ffffff"
HEIGHT = 64  # px, the whole widget
QUIET = QColor(theme.quiet_colour(theme.TEXT, BACKGROUND))  # the step labels
MARGIN = (30, 6, 6, 14)  # px: left (the "1×" labels), top, right, bottom (the step labels)


def check(schedule: Schedule, steps: int, base_lr: float | None = None) -> None:
    """The engine's checks of ``schedule`` for a race of ``steps`` steps: its options
    resolved, and a usable learning rate and momentum at every step (ValueError says
    what is wrong)."""
    schedule.resolved(steps)
    relative_rates(schedule, steps, base(base_lr))
    cycled_momenta(schedule, steps)


def base(base_lr: float | None) -> float:
    """The lr the shape is relative to: ``base_lr`` if it is a usable one, else 1."""
    return float(base_lr) if base_lr is not None and base_lr > 0 else 1.0


@functools.lru_cache(maxsize=16)
def relative_rates(schedule: Schedule, steps: int, base_lr: float = 1.0) -> Array:
    """The lr of steps 1 … ``steps`` divided by ``base_lr``: the schedule's shape, "× lr".
    ValueError (the engine's) if the schedule has no usable value for a run this long."""
    values = schedule.learning_rates(base_lr, steps) / base_lr
    values.setflags(write=False)  # shared by the cache
    return values


@functools.lru_cache(maxsize=8)
def cycled_momenta(schedule: Schedule, steps: int) -> Array | None:
    """One-cycle's momentum (or β₁) per step, if it cycles one."""
    values = schedule.momenta(steps)
    if values is not None:
        values.setflags(write=False)
    return values


def column_peaks(values: Array, columns: int) -> tuple[Array, Array]:
    """``(steps, values)`` to draw ``values`` (step 1 first) in ``columns`` pixel columns:
    every step when there are few, else each column's lowest and highest value."""
    n = len(values)
    steps = np.arange(1, n + 1, dtype=np.float64)
    columns = max(1, columns)
    if n <= 2 * columns:
        return steps, np.asarray(values, dtype=np.float64)
    edges = np.linspace(0, n, columns + 1).astype(np.int64)
    low = np.minimum.reduceat(values, edges[:-1])
    high = np.maximum.reduceat(values, edges[:-1])
    first = values[edges[:-1]]
    # Each column goes from its first value's end to the other: low then high if it rises.
    rising = first <= (low + high) / 2
    y = np.empty(2 * columns)
    y[0::2] = np.where(rising, low, high)
    y[1::2] = np.where(rising, high, low)
    x = np.repeat(steps[edges[:-1]], 2)
    x[1::2] = steps[edges[1:] - 1]
    x[-1], y[-1] = float(n), float(values[-1])
    return x, y


def format_factor(value: float) -> str:
    """A factor of the lr for a label: ``1``, ``0.04``, ``4e-6``, ``0``."""
    if value == 0:
        return "0"
    text = f"{value:.2g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "\u2212")


def summary(values: Array, momenta: Array | None = None) -> str:
    """The shape in words: where it starts, its peak or its lowest inside the run, and
    where it ends: "× lr: 0.04 at step 1 → 1 at step 60 → 4e−6 at step 200"; and how
    one-cycle moves the momentum, if it does."""
    text = _path(values)
    if momenta is not None and len(momenta):
        low = float(np.min(momenta))
        text += f"; dashed: momentum {momenta[0]:.3g} → {low:.3g} → {momenta[-1]:.3g}"
    return text


def _path(values: Array) -> str:
    n = len(values)
    if n == 0:
        return ""
    first, last = float(values[0]), float(values[-1])
    if np.all(values == first):
        return f"× lr: {format_factor(first)} at every step"
    parts = [f"{format_factor(first)} at step 1"]
    inner = values[1:-1]
    if len(inner):
        k_high, k_low = int(np.argmax(inner)) + 1, int(np.argmin(inner)) + 1
        for k in sorted({k_high, k_low}):
            v = float(values[k])
            if v > max(first, last) or v < min(first, last):
                parts.append(f"{format_factor(v)} at step {k + 1:,}")
    parts.append(f"{format_factor(last)} at step {n:,}")
    return "× lr: " + " → ".join(parts)


class ScheduleSparkline(QWidget):
    """lr against step for one schedule (objectName ``lrSparkline``), relative to the lr."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lrSparkline")
        self.setAccessibleName("Learning rate per step, times each optimiser's lr")
        self.setFixedHeight(HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(120)
        self.values: Array = np.ones(1)  # × lr for steps 1 … steps
        self.momenta: Array | None = None
        self._points: tuple[int, QPolygonF, QPolygonF | None] | None = None  # per width

    def sizeHint(self) -> QSize:
        return QSize(240, HEIGHT)

    def set_schedule(self, schedule: Schedule, steps: int, base_lr: float | None = None) -> None:
        """Show ``schedule`` over ``steps`` steps (× ``base_lr``, or × 1). Raises the
        engine's ValueError for a schedule that has no usable value at some step."""
        values = relative_rates(schedule, max(1, int(steps)), base(base_lr))
        moments = cycled_momenta(schedule, max(1, int(steps)))
        if values is self.values and moments is self.momenta:
            return
        self.values, self.momenta = values, moments
        self.setToolTip(summary(values, moments))
        self._points = None
        self.update()

    @property
    def top(self) -> float:
        """The value at the top of the picture: 1 (the lr), or the highest if above it."""
        high = float(np.max(self.values)) if len(self.values) else 1.0
        return max(1.0, high) if math.isfinite(high) else 1.0

    def _plot_rect(self) -> QRectF:
        left, top, right, bottom = MARGIN
        return QRectF(left, top, max(1, self.width() - left - right), HEIGHT - top - bottom)

    def _polygons(self) -> tuple[QPolygonF, QPolygonF | None]:
        rect = self._plot_rect()
        width = round(rect.width())
        if self._points is not None and self._points[0] == width:
            return self._points[1], self._points[2]
        n = len(self.values)
        top = self.top

        def polygon(values: Array, scale: float) -> QPolygonF:
            x, y = column_peaks(values, width)
            out: QPolygonF = fn.create_qpolygonf(len(x))  # filled through numpy, not by point
            xy = fn.ndarray_from_qpolygonf(out)
            xy[:, 0] = rect.left() + (x - 1) / max(1, n - 1) * rect.width()
            xy[:, 1] = rect.bottom() - y / scale * rect.height()
            return out

        lr = polygon(self.values, top)
        moments = polygon(self.momenta, 1.0) if self.momenta is not None else None
        self._points = (width, lr, moments)
        return lr, moments

    def resizeEvent(self, event: object) -> None:
        self._points = None
        super().resizeEvent(event)  # type: ignore[arg-type]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self._plot_rect()
        painter.fillRect(rect.adjusted(-1, -1, 1, 1), QColor(BACKGROUND))
        quiet = QUIET
        grid = QPen(QColor("#d0d0d0"), 1)
        painter.setPen(grid)
        one = rect.bottom() - rect.height() / self.top
        painter.drawLine(QPointF(rect.left(), one), QPointF(rect.right(), one))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        lr, moments = self._polygons()
        if moments is not None:
            dashed = QPen(QColor(MOMENTUM), 1.2, Qt.PenStyle.DashLine)
            painter.setPen(dashed)
            painter.drawPolyline(moments)
        painter.setPen(QPen(QColor(CURVE), 1.8))
        painter.drawPolyline(lr)
        painter.setPen(QColor(theme.TEXT))
        font = painter.font()
        font.setPointSizeF(max(6.5, font.pointSizeF() * 0.8))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        label_w = MARGIN[0] - 4
        h = metrics.height()
        painter.drawText(QRectF(0, one - h / 2, label_w, h), right, "1×")
        painter.drawText(QRectF(0, rect.bottom() - h / 2, label_w, h), right, "0")
        if self.top > 1:
            top = QRectF(0, rect.top() - h / 2, label_w, h)
            painter.drawText(top, right, format_factor(self.top))
        painter.setPen(quiet)
        below = QRectF(rect.left(), rect.bottom() + 1, rect.width(), MARGIN[3])
        painter.drawText(below, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, "step 1")
        painter.drawText(
            below, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, f"{len(self.values):,}"
        )
        painter.end()
