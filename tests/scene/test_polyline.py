"""Wide lines drawn as flat segments and discs: the picture a stroke draws, at a bounded cost."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter, QPainterPath, QPen
from worst_paths import STEPS, WORST

from gradient_studio.engine import Race
from gradient_studio.scene.paths import _pen
from gradient_studio.scene.polyline import WideLineCurve
from gradient_studio.scene.simplify import BUDGET


def picture(curve: pg.PlotCurveItem, ratio: float = 1.0) -> np.ndarray:
    image = QImage(round(300 * ratio), round(200 * ratio), QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(ratio)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    curve.paint(painter, None, None)
    painter.end()
    h, w = image.height(), image.width()
    bgra = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine() // 4, 4)
    return bgra[:, :w, 2::-1].astype(int)  # as RGB


@pytest.mark.parametrize("ratio", [1.0, 1.5])
def test_a_wide_line_looks_as_a_stroke_of_it_does(qapp, ratio):
    # A smooth curve with a zig-zag in it, a vertex every 2 pixels as thinning leaves them,
    # a break, and a lone point; on screen and at an export's pixel ratio.
    t = np.linspace(0, 1, 131)
    x = 20 + 260 * t
    y = 100 + 60 * np.sin(6 * t) + np.where((t > 0.4) & (t < 0.6), 6 * (-1) ** np.arange(131), 0)
    x[90] = np.nan
    x[92] = np.nan
    pen = _pen("#E69F00", 4.6)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    ours, stroke = WideLineCurve(), pg.PlotCurveItem(connect="finite", antialias=True)
    wide = QPen(pen)
    wide.setWidthF(4.6 * ratio)  # ours is 4.6 logical pixels wide, as markers and text scale
    for curve, p in ((ours, pen), (stroke, wide)):
        curve.setPen(p)
        curve.setData(x, y, connect="finite")
    a, b = picture(ours, ratio), picture(stroke, ratio)
    drawn = (b != 255).any(axis=-1)
    assert drawn.sum() > 2000 * ratio**2
    solid = (b == (0xE6, 0x9F, 0x00)).all(axis=-1)
    assert solid.sum() > 1000 * ratio**2
    # What the stroke covers fully, ours covers too (to a shade, at seams and discs).
    assert (np.abs(a[solid] - b[solid]).max(axis=-1) <= 48).mean() > 0.995
    assert np.abs(a[solid] - b[solid]).max() <= 64
    # Edges are antialiased by another rasterizer: shades differ, shapes do not.
    assert np.abs(a - b).mean() < 0.8
    off = np.abs(a - b).max(axis=-1)
    assert off.max() <= 160 and (off > 96).sum() <= 0.01 * drawn.sum()  # the zig-zag's crooks
    ink = [(255 - z).sum() for z in (a, b)]
    assert 0.97 < ink[0] / ink[1] < 1.05
    assert ours.drawn[0] == 126  # segments: 130, less the four the breaks take


def test_new_data_is_drawn_anew(qapp):
    curve = WideLineCurve()
    curve.setPen(_pen("#000000", 4.6))
    curve.setData(np.array([20.0, 120.0]), np.array([50.0, 50.0]), connect="finite")
    first = picture(curve)
    curve.setData(np.array([20.0, 120.0]), np.array([150.0, 150.0]), connect="finite")
    second = picture(curve)
    assert (first[50, 70] < 100).all() and (first[150, 70] == 255).all()
    assert (second[150, 70] < 100).all() and (second[50, 70] == 255).all()


def test_nothing_to_draw_draws_nothing(qapp):
    curve = WideLineCurve()
    curve.setPen(_pen("#000000", 4.6))
    curve.setData(np.array([np.nan]), np.array([np.nan]), connect="finite")
    assert (picture(curve) == 255).all()
    assert curve.drawn == (0, 0)


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
    assert drawn == []  # on screen and in PNGs: flat segments and discs
    curve.setExportMode(True, {"antialias": True})
    curve.paint(painter, None, None)
    curve.setExportMode(False)
    painter.end()
    assert len(drawn) == 1  # SVG: one path per line set


# -- the worst paths of issue 10: bounded work whatever their shape ---------------------------
@pytest.fixture(scope="module", params=sorted(WORST))
def worst(request):
    return Race.create(**WORST[request.param], steps=STEPS).run()


@pytest.mark.parametrize("size", [(1280, 820), (2520, 1265)])
def test_the_worst_paths_paint_within_the_budget(qapp, worst, size):
    from gradient_studio.scene import PlotScene

    scene = PlotScene(grid=(40, 40))
    scene.set_view(worst.race.xrange, worst.race.yrange)
    scene.set_objective(worst.objective)
    scene.set_trajectories(worst.trajectories)
    scene.render(*size)
    curves = [scene.paths.casing, *scene.paths.curves]
    for curve in curves:
        segments, dots = curve.drawn
        assert 0 < segments <= BUDGET.segments
        assert dots <= 2 * segments + 2
        lines = curve.strokes(_identity()).lines
        assert np.hypot(lines[:, 2] - lines[:, 0], lines[:, 3] - lines[:, 1]).sum() > 0
    # What is drawn, in the view's logical pixels, is within the length budget.
    cell = scene.paths._pixel_cell()
    x, y = scene.paths.casing.xData, scene.paths.casing.yData
    d = np.diff(np.column_stack([x, y]), axis=0) / np.asarray(cell)
    assert np.nansum(np.hypot(d[:, 0], d[:, 1])) <= BUDGET.length * 1.001


def _identity():
    from PySide6.QtGui import QTransform

    return QTransform()


def test_an_ordinary_race_looks_as_its_strokes_do(qapp, rosenbrock_result, monkeypatch):
    from gradient_studio.scene import PlotScene, polyline

    scene = PlotScene()
    race = rosenbrock_result.race
    scene.set_view(race.xrange, race.yrange)
    scene.set_objective(rosenbrock_result.objective)
    scene.set_trajectories(rosenbrock_result.trajectories)

    def pixels(image: QImage) -> np.ndarray:
        bgra = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
        return bgra[:, : image.width(), :3].astype(int)

    ours = pixels(scene.render(800, 600))
    monkeypatch.setattr(polyline, "in_export", lambda item: True)  # pyqtgraph's own stroke
    stroked = pixels(scene.render(800, 600))
    off = np.abs(ours - stroked).max(axis=-1)
    assert (off > 0).sum() > 100  # the paths are drawn another way...
    assert off.mean() < 0.5  # ...to the same picture, but for shades at their edges
    assert (off > 96).sum() < 0.002 * off.size
