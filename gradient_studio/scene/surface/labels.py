"""The 3-D view's axes: guide lines on the floor and the back walls, and the tick labels and
titles painted over the picture.

matplotlib's 3-D axes are the model: a light grid on the floor and on the two walls behind
the surface (which two depends on where the camera stands), x and y labelled along the
floor's two front edges, f up the vertical edge at the picture's left. Text is painted with
QPainter after OpenGL has drawn, at the projected positions, so it is as crisp as the
contour view's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from gradient_studio.scene.palette import TEXT, format_value
from gradient_studio.scene.surface.camera import project
from gradient_studio.scene.surface.geometry import BOX_HEIGHT, FLOOR, Box, f_ticks, nice_ticks

Array = NDArray[np.float64]

GRID_RGBA = (0.84, 0.84, 0.84, 1.0)
EDGE_RGBA = (0.55, 0.55, 0.55, 1.0)
TICK_GAP = 6.0  # logical pixels between an edge and its tick labels
TITLE_GAP = 8.0
FONT_PX = 11.0
TITLE_PX = 12.5
LEGEND_BALL = 10.0


@dataclass(frozen=True)
class Axes:
    """Which of the box's edges carry labels, for one camera position (box coordinates)."""

    x_edge: float  # the y of the floor edge the x ticks sit on (the front one)
    y_edge: float  # the x of the floor edge the y ticks sit on
    x_wall: float  # the back walls: the wall x = x_wall, and y = y_wall
    y_wall: float

    @classmethod
    def facing(cls, box: Box, eye: Array) -> Axes:
        hx, hy = box.half
        sx = 1.0 if eye[0] >= 0 else -1.0
        sy = 1.0 if eye[1] >= 0 else -1.0
        return cls(x_edge=sy * hy, y_edge=sx * hx, x_wall=-sx * hx, y_wall=-sy * hy)


def ticks(box: Box) -> tuple[Array, Array, list[tuple[float, str]]]:
    """Tick values: x and y in data units, f as ``(u, text)``."""
    return (
        nice_ticks(*box.xrange, count=5),
        nice_ticks(*box.yrange, count=5),
        f_ticks(box.scale),
    )


def guide_lines(box: Box, axes: Axes) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Line pairs ``(2k, 3)`` for the grid and for the edges, in box coordinates."""
    hx, hy = box.half
    xt, yt, ft = ticks(box)
    bx, _ = box.floor_xy(xt, np.zeros_like(xt))
    _, by = box.floor_xy(np.zeros_like(yt), yt)
    heights = [float(box.height_of_u(u)) for u, _ in ft]
    grid: list[tuple[tuple[float, float, float], tuple[float, float, float]]] = []
    top = BOX_HEIGHT
    for x in bx:
        grid.append(((x, -hy, FLOOR), (x, hy, FLOOR)))  # across the floor
        grid.append(((x, axes.y_wall, FLOOR), (x, axes.y_wall, top)))  # up the back wall
    for y in by:
        grid.append(((-hx, y, FLOOR), (hx, y, FLOOR)))
        grid.append(((axes.x_wall, y, FLOOR), (axes.x_wall, y, top)))
    for z in heights:
        grid.append(((-hx, axes.y_wall, z), (hx, axes.y_wall, z)))
        grid.append(((axes.x_wall, -hy, z), (axes.x_wall, hy, z)))
    corners = [(-hx, -hy), (hx, -hy), (hx, hy), (-hx, hy)]
    edges = [
        ((*a, FLOOR), (*b, FLOOR)) for a, b in zip(corners, corners[1:] + corners[:1], strict=True)
    ]
    wall_corner = (axes.x_wall, axes.y_wall)
    edges.append(((*wall_corner, FLOOR), (*wall_corner, top)))
    edges.append(((axes.x_wall, -axes.y_wall, FLOOR), (axes.x_wall, -axes.y_wall, top)))
    edges.append(((-axes.x_wall, axes.y_wall, FLOOR), (-axes.x_wall, axes.y_wall, top)))
    return _pairs(grid), _pairs(edges)


def _pairs(lines: Sequence[tuple[tuple[float, ...], tuple[float, ...]]]) -> NDArray[np.float32]:
    if not lines:
        return np.empty((0, 3), np.float32)
    return np.asarray(lines, np.float32).reshape(-1, 3)


def paint_axes(
    painter: QPainter, box: Box, axes: Axes, matrix: Array, width: float, height: float
) -> None:
    """Tick labels and axis titles, ``matrix`` being projection @ view and the picture
    ``width x height`` logical pixels."""
    font = QFont()
    font.setPixelSize(round(FONT_PX))
    title_font = QFont(font)
    title_font.setPixelSize(round(TITLE_PX))
    title_font.setItalic(True)
    painter.setPen(QPen(QColor(TEXT)))
    taken: list[QRectF] = []  # where text already is: a label that would overlap is left out
    hx, hy = box.half
    xt, yt, ft = ticks(box)
    centre = np.array([0.0, 0.0, FLOOR])
    # x along the front floor edge, y along the other; outward = away from the box's middle.
    bx, _ = box.floor_xy(xt, np.zeros_like(xt))
    _, by = box.floor_xy(np.zeros_like(yt), yt)
    x_anchor = np.column_stack([bx, np.full_like(bx, axes.x_edge), np.full_like(bx, FLOOR)])
    y_anchor = np.column_stack([np.full_like(by, axes.y_edge), by, np.full_like(by, FLOOR)])
    x_out = np.array([0.0, math.copysign(1.0, axes.x_edge), 0.0])
    y_out = np.array([math.copysign(1.0, axes.y_edge), 0.0, 0.0])
    for anchor, out, values, title, mid in (
        (x_anchor, x_out, xt, "x", np.array([0.0, axes.x_edge, FLOOR])),
        (y_anchor, y_out, yt, "y", np.array([axes.y_edge, 0.0, FLOOR])),
    ):
        texts = [format_value(float(v)) for v in values]
        reach = _label_run(painter, font, anchor, out, texts, matrix, width, height, taken)
        _label_run(
            painter,
            title_font,
            mid[np.newaxis],
            out,
            [title],
            matrix,
            width,
            height,
            taken,
            gap=TICK_GAP + reach + TITLE_GAP,
        )
    # f up the vertical edge that stands leftmost in the picture.
    floor = np.array([[-hx, -hy, FLOOR], [hx, -hy, FLOOR], [hx, hy, FLOOR], [-hx, hy, FLOOR]])
    px, _ = project(floor, matrix, width, height)
    if not np.isfinite(px).all():
        return
    k = int(np.argmin(px[:, 0]))
    corner = floor[k]
    top = corner + np.array([0.0, 0.0, BOX_HEIGHT - FLOOR])
    ends, _ = project(np.vstack([corner, top]), matrix, width, height)
    if np.hypot(*(ends[1] - ends[0])) < 40.0:
        return  # seen from (nearly) straight above: the edge is a dot
    out = corner - centre
    out[2] = 0.0
    out /= max(np.linalg.norm(out), 1e-12)
    anchors = np.array([[corner[0], corner[1], float(box.height_of_u(u))] for u, _ in ft])
    texts = [t for _, t in ft]
    reach = _label_run(painter, font, anchors, out, texts, matrix, width, height, taken, side=True)
    label = "f  (log scale)" if box.scale.log else "f"
    _label_run(
        painter,
        title_font,
        top[np.newaxis],
        out,
        [label],
        matrix,
        width,
        height,
        taken,
        gap=TICK_GAP + reach + TITLE_GAP,
        side=True,
    )


def _label_run(
    painter: QPainter,
    font: QFont,
    anchors: Array,
    out: Array,
    texts: Sequence[str],
    matrix: Array,
    width: float,
    height: float,
    taken: list[QRectF],
    *,
    gap: float = TICK_GAP,
    side: bool = False,
) -> float:
    """Paint ``texts`` beside their 3-D ``anchors``, pushed ``gap`` pixels away from the box
    in the picture along the 3-D direction ``out``, leaving out any that would overlap
    text in ``taken`` (to which the painted ones are added); returns how far they reach."""
    if len(anchors) == 0:
        return 0.0
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    at, _ = project(anchors, matrix, width, height)
    ahead, _ = project(anchors + 0.05 * out, matrix, width, height)
    direction = ahead - at
    if side:
        direction[:, 1] = 0.0  # f's labels read level, to the left or right of the edge
    reach = 0.0
    for (x, y), (dx, dy), text in zip(at, direction, texts, strict=True):
        norm = math.hypot(dx, dy)
        if not (math.isfinite(x) and math.isfinite(y)) or norm < 1e-9:
            continue
        ux, uy = dx / norm, dy / norm
        w, h = metrics.horizontalAdvance(text), metrics.height()
        extent = 0.5 * w * abs(ux) + 0.5 * h * abs(uy)  # the half-size along the push
        cx, cy = x + ux * (gap + extent), y + uy * (gap + extent)
        rect = QRectF(cx - w / 2 - 1, cy - h / 2, w + 2, h)
        reach = max(reach, 2 * extent)
        if any(rect.intersects(other) for other in taken):
            continue
        taken.append(rect)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
    return reach


def paint_legend(painter: QPainter, entries: Sequence[tuple[str, str]], top: float = 8.0) -> None:
    """``(label, colour)`` rows in the top-left corner (``top`` pixels down), a ball swatch
    before each."""
    if not entries:
        return
    font = QFont()
    font.setPixelSize(round(FONT_PX))
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    row = max(metrics.height(), LEGEND_BALL) + 3
    wide = max(metrics.horizontalAdvance(label) for label, _ in entries)
    frame = QRectF(8, top, wide + LEGEND_BALL + 22, row * len(entries) + 8)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # a box: no need, and 2 ms
    painter.setPen(QPen(QColor(0, 0, 0, 40)))
    painter.setBrush(QColor(255, 255, 255, 215))
    painter.drawRect(frame)
    painter.restore()
    for i, (label, colour) in enumerate(entries):
        y = frame.top() + 4 + i * row + row / 2
        painter.setPen(QPen(QColor("#141414"), 1.4))
        painter.setBrush(QColor(colour))
        painter.drawEllipse(
            QPointF(frame.left() + 8 + LEGEND_BALL / 2, y), LEGEND_BALL / 2, LEGEND_BALL / 2
        )
        painter.setPen(QPen(QColor(TEXT)))
        text = QRectF(frame.left() + 14 + LEGEND_BALL, y - row / 2, wide + 4, row)
        painter.drawText(
            text, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), label
        )


def paint_title(painter: QPainter, text: str, width: float) -> float:
    """The title centred along the top; returns how far down it reaches (0 without one)."""
    if not text:
        return 0.0
    font = QFont()
    font.setPixelSize(round(TITLE_PX + 1))
    painter.setFont(font)
    painter.setPen(QPen(QColor(TEXT)))
    metrics = QFontMetricsF(font)
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width - 24)
    painter.drawText(
        QRectF(12, 6, width - 24, metrics.height() + 4), int(Qt.AlignmentFlag.AlignHCenter), shown
    )
    return 6 + metrics.height() + 4
