"""What a redraw may skip: colours already in Qt's pixel format, runs handed over again,
pyqtgraph's culling of markers the view clips anyway."""

from __future__ import annotations

import dataclasses

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage, QPainter

from gradient_studio.scene.palette import COLORMAPS, colormap_lut, colormap_pixels


@pytest.mark.parametrize("name", COLORMAPS)
def test_native_pixels_are_the_colour_map(qapp, name):
    pixels = np.ascontiguousarray(colormap_pixels(name)).reshape(1, -1, 4)
    image = QImage(pixels.data, 256, 1, 4 * 256, QImage.Format.Format_ARGB32_Premultiplied)
    lut = colormap_lut(name)
    for i in (0, 77, 128, 255):
        c = image.pixelColor(i, 0)
        assert (c.red(), c.green(), c.blue(), c.alpha()) == tuple(lut[i])


@pytest.fixture
def scene(scene):
    """The shared bowl scene (conftest), laid out at the benchmark's size, drawn to the end."""
    scene.lay_out(900, 700)
    scene.set_step(None)
    return scene


def test_the_same_runs_again_keep_their_drawing(scene, bowl_result):
    drawn = scene.paths.casing.xData
    copies = [dataclasses.replace(t, points=t.points.copy()) for t in bowl_result.trajectories]
    scene.set_trajectories(copies)
    assert scene.paths.casing.xData is drawn


def test_changed_runs_are_drawn_anew(scene, bowl_result):
    moved = [dataclasses.replace(t, points=t.points + 0.25) for t in bowl_result.trajectories]
    scene.set_trajectories(moved)
    x = scene.paths.casing.xData
    expected = np.concatenate([t.points[:, 0] for t in moved])
    assert np.isclose(np.nanmax(x), expected.max())
    scene.set_step(3)
    assert len(scene.paths.casing.xData) < len(x)


def test_moved_starts_move_their_markers(scene, bowl_result):
    scene.set_starts([(0.5, 0.5)])
    assert scene.starts.getData()[0].tolist() == [0.5]
    scene.set_trajectories(bowl_result.trajectories)
    start = bowl_result.trajectories[0].start
    assert scene.starts.getData()[0].tolist() == [start[0]]


def test_a_run_filled_in_place_is_drawn_anew(scene, bowl_result):
    t = bowl_result.trajectories[0]
    shared = t.points.copy()
    scene.set_trajectories([dataclasses.replace(t, points=shared)])
    shared += 0.25  # a running race writes into the arrays it handed over
    scene.set_trajectories([dataclasses.replace(t, points=shared)])
    assert np.isclose(np.nanmax(scene.paths.casing.xData), shared[:, 0].max())


def _stamp(item, paint) -> np.ndarray:
    """``item`` painted on its own by ``paint`` where the scene puts it, as pixels."""
    image = QImage(900, 700, QImage.Format.Format_RGB32)
    image.fill(0xFF808080)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.setTransform(item.sceneTransform())
    paint(item, painter, None, None)
    painter.end()
    return np.frombuffer(image.constBits(), np.uint8).reshape(700, 900, 4).copy()


def test_markers_are_stamped_as_pyqtgraph_stamps_them(scene):
    scene.set_minima([(1.0, -0.5), (2.5, 2.0), (40.0, 40.0)])  # the last far outside the view
    scene.set_step(4)  # heads still moving
    scene.lay_out(900, 700)
    items = (scene.minima, scene.starts, scene.paths.heads, scene.paths.ends)
    assert all(len(item.data) for item in items[:3])
    for item in items:
        ours, theirs = _stamp(item, type(item).paint), _stamp(item, pg.ScatterPlotItem.paint)
        assert (ours[..., :3] != 0x80).any() == bool(len(item.data))
        np.testing.assert_array_equal(ours, theirs)


def test_no_markers_draw_nothing(scene):
    scene.set_minima([])
    blank = _stamp(scene.minima, type(scene.minima).paint)
    assert (blank[..., :3] == 0x80).all()
