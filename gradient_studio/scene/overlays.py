"""The cards over the view — the legend, the glyph key and the step counter — and where
they go.

The legend goes in the corner where it covers the least of the race (the whole race, so it
stays put during playback), the glyph key (when a glyph is on) and the counter in the next
best; a legend the person dragged stays where they put it. :meth:`Overlays.over_legend`
tells a window whether a click is the legend's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QSizeF
from PySide6.QtGui import QPainter

from gradient_studio.scene.glyph_key import GlyphKey
from gradient_studio.scene.legend import Legend
from gradient_studio.scene.palette import TEXT

Array = NDArray[np.float64]

NOTE_PX = 13
KEY_MARGIN_PX = 60.0  # room kept between the glyph key and the race (an arrow's length)
GAP = 6.0  # between the legend and the glyph key stacked on it
STACK_MOST = 0.55  # the most of the view's height the two stacked may take (with margin)
LEGEND_PX = 13
Corner = tuple[int, int]


class CornerNote(pg.LabelItem):  # type: ignore[misc]  # (pyqtgraph has no type hints)
    """A short text in a boxed label anchored to a corner of the view (the step counter)."""

    def __init__(self) -> None:
        super().__init__("", color=TEXT, size=f"{NOTE_PX}px")
        self.setZValue(200)

    def paint(self, p: QPainter, *args: Any) -> None:
        p.setPen(pg.mkPen("#00000060", width=1))
        p.setBrush(pg.mkBrush("#ffffffdd"))
        p.drawRoundedRect(self.rect().adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)


class Overlays:
    """The legend, the glyph key and the step counter inside ``view``, and their placing."""

    def __init__(self, view: pg.ViewBox) -> None:
        self.view = view
        self.legend = Legend(
            text_px=LEGEND_PX,
            text_colour=TEXT,
            brush=pg.mkBrush("#ffffffe0"),
            pen=pg.mkPen("#00000050"),
        )
        self.legend.setParentItem(view)
        self.legend.setZValue(200)
        self.step_note = CornerNote()
        self.step_note.setParentItem(view)
        self.step_note.setVisible(False)
        self.key = GlyphKey()
        self.key.setParentItem(view)
        self._placed: list[tuple[Any, Corner, tuple[float, float]]] = []
        self.legend.geometryChanged.connect(self._on_legend_resized)

    def place(
        self,
        lines: Array,
        marks: Array,
        xrange: tuple[float, float],
        yrange: tuple[float, float],
    ) -> None:
        """Put the legend where it covers the least of the race (``lines``, NaN-separated
        polylines) and of ``marks`` (starts, minima), the glyph key (when shown) stacked
        under it — or, if the two would be too tall or the person moved the legend, in a
        corner of its own — and the counter in the next best corner."""
        view, legend, key = self.view, self.legend, self.key
        legend.set_room(view.width() - 20, view.height() - 20)
        corners = emptiest_corners(lines, marks, xrange, yrange, self._cover(legend))
        placed: list[tuple[Any, Corner, tuple[float, float]]] = []
        together = self._cover(legend, extra=key, margin=KEY_MARGIN_PX)
        stack = key.isVisible() and not legend.placed_by_hand and together[1] <= STACK_MOST
        if stack:  # the corner that suits the two cards together
            corners = emptiest_corners(lines, marks, xrange, yrange, together)
        if not legend.placed_by_hand:
            placed.append((legend, corners[0], _offset(corners[0])))
        if stack:
            placed.append((key, corners[0], _offset(corners[0], below=legend)))
        elif key.isVisible():  # too tall to stack: a corner of its own, clear of the legend
            cover = self._cover(key, margin=KEY_MARGIN_PX)
            free = [
                c
                for c in emptiest_corners(lines, marks, xrange, yrange, cover)
                if all(c != at and not self._clash(c, item, at) for item, at, _ in placed)
            ]
            corner = (free or [c for c in _CORNERS if c not in [at for _, at, _ in placed]])[0]
            placed.append((key, corner, _offset(corner)))
        taken = [corner for _, corner, _ in placed]
        corner = next(c for c in corners if c not in taken)
        placed.append((self.step_note, corner, _offset(corner)))
        if placed == self._placed:
            return  # re-anchoring moves the items (and re-lays them out) for nothing
        self._placed = placed
        for item, (ax, ay), offset in placed:
            item.anchor(itemPos=(ax, ay), parentPos=(ax, ay), offset=offset)

    def _on_legend_resized(self) -> None:
        """A legend folded, opened or grown: the key stacked on it moves with its edge."""
        for i, (item, corner, _) in enumerate(self._placed):
            if item is self.key and self._placed[0][0] is self.legend:
                offset = _offset(corner, below=self.legend)
                self._placed[i] = (item, corner, offset)
                item.anchor(itemPos=corner, parentPos=corner, offset=offset)

    def _clash(self, corner: Corner, card: Any, at: Corner) -> bool:
        """Whether the key in ``corner`` would overlap ``card`` in the corner ``at``: two
        cards along one edge that together are wider (or taller) than the view."""
        key, other, room = self.key.size(), card.size(), 30.0
        if corner[1] == at[1] and key.width() + other.width() + room > self.view.width():
            return True
        return corner[0] == at[0] and key.height() + other.height() + room > self.view.height()

    def _cover(self, card: Any, extra: Any = None, margin: float = 0.0) -> tuple[float, float]:
        """How much of the view ``card`` covers (with ``extra`` stacked on it, and
        ``margin`` pixels beyond), as fractions of the view's width and height."""
        view, size = self.view, card.size()
        if extra is not None:
            more = extra.size()
            size = QSizeF(max(size.width(), more.width()), size.height() + GAP + more.height())
        if view.width() > 1 and view.height() > 1:
            return (
                min(1.0, (size.width() + margin) / view.width()),
                min(1.0, (size.height() + margin) / view.height()),
            )
        return (0.42, 0.3)

    def over_legend(self, scene_pos: QPointF) -> bool:
        """Whether ``scene_pos`` (in the graphics scene, as a mouse event gives it) is on
        the legend: a click there is the legend's, not the landscape's."""
        legend = self.legend
        return bool(legend.isVisible() and legend.sceneBoundingRect().contains(scene_pos))


def _offset(corner: Corner, below: Any = None) -> tuple[float, float]:
    """A card's offset from its corner of the view: 10 pixels in, and past ``below``
    (a card in the same corner) if given."""
    ax, ay = corner
    depth = 10.0 if below is None else 10.0 + below.height() + GAP
    return (10.0 if ax == 0 else -10.0, depth if ay == 0 else -depth)


_CORNERS = ((1, 0), (0, 0), (1, 1), (0, 1))  # top-right first: where readers look for it


def emptiest_corners(
    lines: Array,
    marks: Array,
    xrange: tuple[float, float],
    yrange: tuple[float, float],
    cover: tuple[float, float] = (0.42, 0.3),
) -> list[Corner]:
    """Corners (as anchor fractions, y down) ordered from the least of the race under a card
    covering ``cover`` (fractions of the view's width and height) there, to the most.

    The race is ``lines`` (NaN-separated polylines) as the cells of a coarse grid over the
    view that they pass through — a path that goes back and forth a thousand times over
    the same cells counts as once — and ``marks`` (starts, minima), each of which counts as much as
    a fifth of the view's cells: a card covers one only if it cannot help it.
    """
    cw, ch = min(1.0, cover[0] + 0.03), min(1.0, cover[1] + 0.03)  # and its margin
    u, v = _crossed_cells(lines, xrange, yrange)
    with np.errstate(invalid="ignore"):
        w, h = xrange[1] - xrange[0], yrange[1] - yrange[0]
        mu = (marks[:, 0] - xrange[0]) / w if len(marks) else np.empty(0)
        mv = (yrange[1] - marks[:, 1]) / h if len(marks) else np.empty(0)
    scores = []
    for ax, ay in _CORNERS:
        under = (u > 1 - cw if ax else u < cw) & (v > 1 - ch if ay else v < ch)
        marked = (mu > 1 - cw if ax else mu < cw) & (mv > 1 - ch if ay else mv < ch)
        marked &= (mu >= 0) & (mu <= 1) & (mv >= 0) & (mv <= 1)
        scores.append(int(np.count_nonzero(under)) + _MARK * int(np.count_nonzero(marked)))
    # Within a few cells of each other is a tie: the usual corner wins it.
    order = sorted(range(len(_CORNERS)), key=lambda i: (math.ceil(scores[i] / 4), i))
    return [_CORNERS[i] for i in order]


_GRID = (48, 36)  # cells across and down the view
_MARK = _GRID[0] * _GRID[1] // 5


def _crossed_cells(
    lines: Array, xrange: tuple[float, float], yrange: tuple[float, float]
) -> tuple[Array, Array]:
    """The centres (as fractions of the view, y down) of the grid cells ``lines`` pass
    through: where their vertices and the midpoints of their segments fall."""
    if len(lines) < 2:
        return np.empty(0), np.empty(0)
    cols, rows = _GRID
    with np.errstate(invalid="ignore", over="ignore"):
        cells = np.column_stack(
            [
                (lines[:, 0] - xrange[0]) / (xrange[1] - xrange[0]) * cols,
                (yrange[1] - lines[:, 1]) / (yrange[1] - yrange[0]) * rows,
            ]
        )
        d = cells[1:] - cells[:-1]
        along = [cells, cells[:-1] + 0.5 * d]
        at = np.concatenate(along)
        at = at[(at[:, 0] >= 0) & (at[:, 0] < cols) & (at[:, 1] >= 0) & (at[:, 1] < rows)]
    index = at.astype(np.intp)
    occupied = np.zeros(cols * rows, dtype=bool)
    occupied[index[:, 1] * cols + index[:, 0]] = True
    crossed = np.flatnonzero(occupied)
    return (crossed % cols + 0.5) / cols, (crossed // cols + 0.5) / rows
