"""pyqtgraph's private parts, in one room: each piece and its stock fallback draw the same."""

from __future__ import annotations

import importlib

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QLineF

from gradient_studio.scene import _pyqtgraph as room


def _pixels(image) -> np.ndarray:
    bgra = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
    return bgra[:, : image.width(), :3].astype(int)


def _picture(result):
    from gradient_studio.scene import PlotScene

    scene = PlotScene(grid=(120, 120))
    race = result.race
    scene.set_view(race.xrange, race.yrange)
    scene.set_objective(result.objective, name="Rosenbrock")
    scene.set_trajectories(result.trajectories, step=120)
    scene.set_title(race.function, name="Rosenbrock", values={"a": 1.0, "b": 100.0})
    return scene, _pixels(scene.render(800, 600))


def test_the_room_knows_the_version_it_was_checked_against():
    assert pg.__version__ in room.CHECKED
    assert room.INTERNALS


def test_every_fallback_draws_the_same_picture(qapp, rosenbrock_result, monkeypatch):
    _, ours = _picture(rosenbrock_result)
    monkeypatch.setattr(room, "INTERNALS", False)
    scene, stock = _picture(rosenbrock_result)
    # Lines through a Python list, the image converted by pyqtgraph, the title laid out
    # as a LabelItem is: the same picture, up to a shade here and there.
    off = np.abs(ours - stock).max(axis=-1)
    assert off.mean() < 1.0
    assert (off > 64).mean() < 0.002
    assert scene.landscape.image.qimage.format() != room.QImage.Format.Format_ARGB32_Premultiplied


def test_line_arrays_hold_the_same_segments_either_way(qapp, monkeypatch):
    lines = np.array([[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]])
    fast = room.LineArray(lines).drawargs()
    assert len(fast) == 2 and fast[1] == 2  # a pointer to the first QLineF, and the count
    monkeypatch.setattr(room, "INTERNALS", False)
    (stock,) = room.LineArray(lines).drawargs()
    assert stock == [QLineF(0, 1, 2, 3), QLineF(4, 5, 6, 7)]


def test_export_mode_is_seen_only_with_the_internals(qapp, monkeypatch):
    item = pg.PlotCurveItem()
    item.setExportMode(True, {"antialias": True})
    assert room.in_export(item)
    monkeypatch.setattr(room, "INTERNALS", False)
    assert not room.in_export(item)  # stock: flat segments and discs in SVG too


def test_the_svg_repair_is_made_only_where_it_was_checked(monkeypatch):
    module = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    original = module.correctCoordinates
    with room.closed_paths_understood():
        assert module.correctCoordinates is not original
    assert module.correctCoordinates is original
    monkeypatch.setattr(room, "INTERNALS", False)
    with room.closed_paths_understood():
        assert module.correctCoordinates is original  # stock: pyqtgraph's exporter as it is


@pytest.mark.parametrize("internals", [True, False])
def test_the_title_fits_its_row_either_way(qapp, monkeypatch, internals):
    from gradient_studio.scene import PlotScene

    monkeypatch.setattr(room, "INTERNALS", internals)
    scene = PlotScene(grid=(20, 20))
    long = "a*(x^2 + y - 11)^2 + b*(x + y^2 - 7)^2 + c*sin(x y) + d*cos(x - y)^3"
    for text in ("x^2 + y^2", long, "x^2 + y^2"):
        scene.set_title(text, values={"a": 1.0})
        scene.render(560, 300)
        title, view = scene.title.geometry(), scene.plot.vb.geometry()
        assert title.bottom() <= view.top() + 1  # never over the landscape
        assert scene.title.item.boundingRect().height() <= title.height() + 1
