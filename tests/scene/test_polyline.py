"""Wide lines drawn piece by piece: the same lines, the same picture as drawn whole."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter, QPainterPath

from gradient_studio.scene.paths import _pen
from gradient_studio.scene.polyline import WideLineCurve, polyline_pieces


def vertices(path: QPainterPath) -> list[tuple[int, float, float]]:
    """``(type, x, y)`` of every element: 0 MoveTo, 1 LineTo."""
    out = []
    for i in range(path.elementCount()):
        e = path.elementAt(i)
        out.append((0 if e.type == QPainterPath.ElementType.MoveToElement else 1, e.x, e.y))
    return out


def lines_of(x, y):
    """The runs of two or more finite points, as lists of (x, y)."""
    lines, run = [], []
    for p in zip(x, y, strict=True):
        if np.isfinite(p).all():
            run.append(p)
            continue
        if len(run) > 1:
            lines.append(run)
        run = []
    return [*lines, run] if len(run) > 1 else lines


@pytest.mark.parametrize("size", [1, 2, 5, 32])
def test_pieces_cover_every_line_and_meet_end_to_end(size):
    rng = np.random.default_rng(size)
    for _ in range(50):
        n = int(rng.integers(0, 80))
        x, y = rng.normal(size=n), rng.normal(size=n)
        x[rng.random(n) < 0.1] = np.nan
        y[rng.random(n) < 0.03] = np.inf  # any non-finite point breaks the line
        expected = []
        for line in lines_of(x, y):
            for a in range(0, len(line) - 1, size):
                piece = line[a : a + size + 1]
                expected.append([(0 if j == 0 else 1, *p) for j, p in enumerate(piece)])
        assert [vertices(p) for p in polyline_pieces(x, y, size)] == expected


def test_no_lines_no_pieces():
    assert polyline_pieces(np.empty(0), np.empty(0)) == []
    assert polyline_pieces(np.array([1.0, np.nan, 2.0]), np.array([1.0, 1.0, 1.0])) == []


def picture(curve: pg.PlotCurveItem) -> np.ndarray:
    image = QImage(300, 200, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    curve.paint(painter, None, None)
    painter.end()
    bgra = np.frombuffer(image.constBits(), np.uint8).reshape(200, 300, 4)
    return bgra[..., 2::-1].astype(int)  # as RGB


def test_a_wide_line_looks_the_same_in_pieces_as_whole(qapp):
    # A smooth curve with a zig-zag in it, a vertex every 2 pixels as thinning leaves them,
    # long enough for several pieces, and a break.
    t = np.linspace(0, 1, 131)
    x = 20 + 260 * t
    y = 100 + 60 * np.sin(6 * t) + np.where((t > 0.4) & (t < 0.6), 6 * (-1) ** np.arange(131), 0)
    x[90] = np.nan
    pen = _pen("#E69F00", 4.6)
    pieces, whole = WideLineCurve(), pg.PlotCurveItem(connect="finite", antialias=True)
    for curve in (pieces, whole):
        curve.setPen(pen)
        curve.setData(x, y, connect="finite")
    a, b = picture(pieces), picture(whole)
    drawn = (b != 255).any(axis=-1)
    assert drawn.sum() > 2000
    # No seams where pieces meet: what the whole line covers fully, the pieces cover too
    # (but for a pixel or two in the crook of a sharp corner where pieces meet, which each
    # covers in part).
    solid = (b == (0xE6, 0x9F, 0x00)).all(axis=-1)
    assert solid.sum() > 1000
    assert (a[solid] == (0xE6, 0x9F, 0x00)).all(axis=-1).mean() > 0.995
    assert np.abs(a[solid] - b[solid]).max() <= 64
    # At its edges, where pieces meet or overlap, round caps stand in for bevel joins and
    # edge pixels are blended twice: a few pixels differ by more than a shade.
    assert np.abs(a - b).mean() < 0.5
    assert (np.abs(a - b).max(axis=-1) > 24).sum() <= 0.01 * drawn.sum()


def test_new_data_is_drawn_anew(qapp):
    curve = WideLineCurve()
    curve.setPen(_pen("#000000", 4.6))
    curve.setData(np.array([20.0, 120.0]), np.array([50.0, 50.0]), connect="finite")
    first = picture(curve)
    curve.setData(np.array([20.0, 120.0]), np.array([150.0, 150.0]), connect="finite")
    second = picture(curve)
    assert (first[50, 70] < 100).all() and (first[150, 70] == 255).all()
    assert (second[150, 70] < 100).all() and (second[50, 70] == 255).all()


def test_exports_get_each_line_whole(qapp):
    curve = WideLineCurve()
    curve.setPen(_pen("#000000", 4.6))
    x = np.linspace(0, 290, 200)
    curve.setData(x, 100 + 20 * np.sin(x / 10), connect="finite")
    drawn: list[QPainterPath] = []

    class Recorder(QPainter):
        def drawPath(self, path):
            drawn.append(path)
            super().drawPath(path)

    image = QImage(300, 200, QImage.Format.Format_RGB32)
    painter = Recorder(image)
    curve.paint(painter, None, None)
    assert len(drawn) > 1  # on screen and in PNGs: in pieces
    drawn.clear()
    curve.setExportMode(True, {"antialias": True})
    curve.paint(painter, None, None)
    curve.setExportMode(False)
    painter.end()
    assert len(drawn) == 1  # SVG: one path per line set
