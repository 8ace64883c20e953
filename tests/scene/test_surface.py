"""The 3-D view's picture: geometry checked against closed forms, pictures checked by their
pixels, the PNG writer, and the machines without OpenGL.

The drawing tests need OpenGL, which Qt's offscreen platform makes on an X display: the
``gl`` fixture uses the machine's or starts a private Xvfb, and fails (never skips) with the
reason when it cannot.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_headless import run  # a fresh interpreter with some variables changed
from virtual_display import opengl_or_fail

from gradient_studio.engine import Objective
from gradient_studio.scene.palette import ColourScale, colormap_lut, optimizer_style
from gradient_studio.scene.surface import NO_OPENGL_ENV, OpenGLUnavailable, opengl_available
from gradient_studio.scene.surface.camera import Camera, project
from gradient_studio.scene.surface.geometry import (
    BOX_HEIGHT,
    HEIGHT_DECADES,
    Box,
    build_mesh,
    drape,
    height_scale,
    sample_grid,
    surface_height,
)

ROSENBROCK = "(1 - x)^2 + 100*(y - x^2)^2"


def mesh_of(text, xrange=(-2.0, 2.0), yrange=(-1.0, 3.0), shape=(41, 61), log=None):
    xs, ys, z = Objective.from_text(text).grid(xrange, yrange, shape=shape)
    scale = height_scale(ColourScale.fit(z, log))
    box = Box(xrange, yrange, scale)
    return xs, ys, z, box, build_mesh(xs, ys, scale.u(z), box, colormap_lut("viridis"))


def lit(pixel, colour, tol=0.09):
    """The pixel is ``colour`` under the view's light: k × colour plus a little white."""
    p = np.asarray(pixel, float)[:3] / 255.0
    c = np.asarray(colour, float)[:3] / 255.0
    k = float(p @ c / max(c @ c, 1e-9))
    return 0.3 <= k <= 1.25 and float(np.abs(p - k * c).max()) <= tol


def rgb_at(image, x, y):
    c = image.pixelColor(round(x), round(y))
    return (c.red(), c.green(), c.blue())


def hex_rgb(name):
    return tuple(int(name[i : i + 2], 16) for i in (1, 3, 5))


# -- geometry (no OpenGL) ----------------------------------------------------------------------
def test_the_surface_stands_where_the_grid_says_row_major():
    _xs, _ys, z, box, mesh = mesh_of("x + 2*y", shape=(5, 7), log=False)
    v = mesh.vertices[: z.size].reshape((*z.shape, 3))
    # x along the columns, y along the rows, as Objective.grid lays them out.
    assert np.all(np.diff(v[0, :, 0]) > 0) and np.ptp(v[:, 0, 0]) == 0
    assert np.all(np.diff(v[:, 0, 1]) > 0) and np.ptp(v[0, :, 1]) == 0
    # The view's aspect is kept: x spans 4, y spans 4 -> a square floor of side 2.
    hx, hy = box.half
    assert (hx, hy) == (1.0, 1.0)
    # Heights follow f linearly, the box's height from the lowest to the highest value.
    t = (z - box.scale.low) / (box.scale.high - box.scale.low)
    np.testing.assert_allclose(v[..., 2], np.clip(t, 0, 1) * BOX_HEIGHT, atol=1e-5)


def test_a_wide_view_makes_a_wide_floor():
    box = Box((0.0, 10.0), (0.0, 2.5), ColourScale(0.0, 1.0))
    assert box.half == (1.0, 0.25)
    bx, by = box.floor_xy(np.array([0.0, 5.0, 10.0]), np.array([0.0, 1.25, 2.5]))
    np.testing.assert_allclose(bx, [-1, 0, 1])
    np.testing.assert_allclose(by, [-0.25, 0, 0.25])


def test_heights_and_colours_tell_the_same_story():
    _xs, _ys, z, _box, mesh = mesh_of(ROSENBROCK, log=True)
    n = z.size
    heights = mesh.vertices[:n, 2] / BOX_HEIGHT
    lut = colormap_lut("viridis")
    expected = lut[np.clip(np.round(heights * 255), 0, 255).astype(int)]
    assert np.abs(mesh.colours[:n].astype(int) - expected.astype(int)).max() <= 2


def test_log_height_changes_the_shape_and_spans_at_most_three_decades():
    *_, linear = mesh_of(ROSENBROCK, log=False)
    *_, box, logged = mesh_of(ROSENBROCK, log=True)
    assert np.abs(linear.vertices[:, 2] - logged.vertices[:, 2]).max() > 0.3
    # On a linear scale almost all of Rosenbrock is a flat floor; by log, it rises.
    assert np.median(linear.vertices[:, 2]) < 0.1 * BOX_HEIGHT < np.median(logged.vertices[:, 2])
    s = box.scale
    fmin = s.floor + 10**s.low
    top = s.floor + 10**s.high
    assert math.log10((top - s.floor) / (fmin - s.floor)) == pytest.approx(HEIGHT_DECADES, abs=0.01)


def test_the_height_scale_keeps_a_linear_scale_and_the_ends_of_a_log_one():
    linear = ColourScale(0.0, 5.0)
    assert height_scale(linear) is linear
    log = ColourScale.fit(np.array([0.0, 1e-3, 1.0, 10.0, 1e4] * 50), log=True)
    soft = height_scale(log)
    for f in (0.0, 1e4):  # the same f at the bottom and at the top
        assert soft.position(np.array(f)) == pytest.approx(log.position(np.array(f)), abs=0.02)
    f = np.array([0.0, 1e-3, 1.0, 10.0, 1e4])
    assert np.all(np.diff(soft.position(f)) > 0)  # still rising with f


def test_the_drawn_surface_is_exact_on_a_plane():
    # The mesh is piecewise linear, so a plane is reproduced exactly everywhere.
    xs, ys, _z, box, mesh = mesh_of("3*x - 2*y + 1", shape=(9, 13), log=False)
    rng = np.random.default_rng(0)
    x, y = rng.uniform(xs[0], xs[-1], 200), rng.uniform(ys[0], ys[-1], 200)
    np.testing.assert_allclose(surface_height(mesh, x, y), box.height(3 * x - 2 * y + 1), atol=1e-5)
    assert np.isnan(surface_height(mesh, np.array([5.0]), np.array([0.0]))).all()


def test_holes_in_the_domain_leave_holes_in_the_surface():
    _xs, _ys, z, _box, mesh = mesh_of("log(x)", xrange=(-1.0, 1.0), yrange=(-1.0, 1.0))
    hole = ~np.isfinite(z.ravel())  # nan left of the axis, -inf on it
    assert hole.any()
    used = np.unique(mesh.triangles)
    assert not hole[used[used < z.size]].any()
    assert np.isnan(surface_height(mesh, np.array([-0.5]), np.array([0.0]))).all()


def test_a_path_is_laid_over_the_surface_in_pieces_of_half_a_cell():
    xs, ys, _z, _box, mesh = mesh_of("x^2 + y^2", shape=(21, 21))
    points = np.array([[-1.5, 2.5], [1.5, -0.5], [1.4, -0.4]])
    draped, index = drape(mesh, points)
    np.testing.assert_array_equal(draped[index], points)  # every step is a vertex
    cell = min(np.diff(xs).min(), np.diff(ys).min())
    assert np.abs(np.diff(draped, axis=0)).max() <= 0.5 * cell + 1e-12


def test_a_finer_grid_is_sampled_down_keeping_its_ends_and_values():
    xs, ys, z = Objective.from_text("x*y").grid((-1, 1), (-1, 1), shape=(400, 300))
    sx, sy, sz = sample_grid(xs, ys, z, cells=100)
    assert (len(sy), len(sx)) == (101, 101)
    assert (sx[0], sx[-1], sy[0], sy[-1]) == (xs[0], xs[-1], ys[0], ys[-1])
    np.testing.assert_allclose(sz, np.outer(sy, sx))


def test_the_camera_looks_at_its_centre_from_its_angles():
    cam = Camera(elevation=90.0, azimuth=-90.0)
    forward, right, _up = cam.axes()
    np.testing.assert_allclose(forward, [0, 0, -1], atol=1e-12)  # straight down
    np.testing.assert_allclose(right, [1, 0, 0], atol=1e-12)  # x to the right, as in 2-D
    m = cam.view_matrix(5.0)
    np.testing.assert_allclose(m[:3, :3] @ m[:3, :3].T, np.identity(3), atol=1e-12)
    full = cam.projection_matrix(4 / 3, 0.1, 50.0) @ m
    px, _ = project(np.array([cam.centre]), full, 400, 300)
    np.testing.assert_allclose(px[0], [200, 150], atol=1e-9)
    assert cam.orbited(0, 45).elevation == 90.0
    assert cam.orbited(370, 0).azimuth == pytest.approx(-80.0)


# -- the camera as a person types it ---------------------------------------------------------
def test_camera_text_is_read_or_refused_in_one_line():
    from gradient_studio.export.surface import parse_camera

    assert parse_camera("30,-60") == (30.0, -60.0)
    assert parse_camera(" 45 , 200 , 1.5 ") == (45.0, 200.0, 1.5)
    for bad, words in [
        ("30", "elevation,azimuth"),
        ("a,b", "numbers"),
        ("100,0", "from -90 to 90"),
        ("30,0,0", "above 0"),
        ("30,nan", "finite"),
        ("", "elevation,azimuth"),
    ]:
        with pytest.raises(ValueError, match=words):
            parse_camera(bad)


@given(st.text(max_size=40))
def test_any_camera_text_is_read_or_refused_cleanly(text):
    from gradient_studio.export.surface import parse_camera

    try:
        values = parse_camera(text)
    except ValueError as e:
        assert "\n" not in str(e)
    else:
        assert len(values) in (2, 3) and all(math.isfinite(v) for v in values)
        assert -90 <= values[0] <= 90


# -- without OpenGL ----------------------------------------------------------------------------
def test_forced_off_the_view_and_the_writer_say_why(monkeypatch, tmp_path, qapp, bowl_result):
    from gradient_studio.export.surface import write_surface_png

    monkeypatch.setenv(NO_OPENGL_ENV, "1")
    ok, reason = opengl_available()
    assert not ok and NO_OPENGL_ENV in reason
    from gradient_studio.scene.surface.scene import SurfaceScene

    with pytest.raises(OpenGLUnavailable, match=NO_OPENGL_ENV):
        SurfaceScene()
    out = tmp_path / "s.png"
    with pytest.raises(OpenGLUnavailable, match="needs OpenGL"):
        write_surface_png(out, bowl_result)
    assert list(tmp_path.iterdir()) == []


NO_GL_SCRIPT = """
from gradient_studio.engine import Race
from gradient_studio.scene.surface import OpenGLUnavailable, opengl_available
from gradient_studio.export.surface import write_surface_png
print(opengl_available())
try:
    write_surface_png('never.png', Race.create(preset='booth', steps=5).run())
except OpenGLUnavailable as e:
    print('refused:', e)
"""


@pytest.mark.parametrize(
    "env, words",
    [
        ({NO_OPENGL_ENV: "1"}, NO_OPENGL_ENV),
        ({"DISPLAY": None, "WAYLAND_DISPLAY": None, "QT_QPA_PLATFORM": "offscreen"}, "xvfb-run"),
        ({"QT_QPA_PLATFORM": "minimal"}, "no OpenGL"),
    ],
)
def test_without_opengl_a_process_says_why_and_carries_on(tmp_path, env, words):
    done = subprocess.run(
        [sys.executable, "-c", NO_GL_SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={
            **{k: v for k, v in os.environ.items() if k not in env},
            **{k: v for k, v in env.items() if v},
        },
    )
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.strip().splitlines()
    assert first.startswith("(False,") and words in first
    assert second.startswith("refused: the 3-D view needs OpenGL") and words in second
    assert not (tmp_path / "never.png").exists()


def test_probing_opengl_in_a_process_of_its_own_finds_it(gl):
    # Asked in a child process, so a driver that crashes cannot take the test run with it.
    done = run(
        "from gradient_studio.scene.qt import ensure_app\nensure_app()\n"
        "from gradient_studio.scene.surface import opengl_available\n"
        "print(opengl_available())"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("(True,"), done.stdout


def test_the_contour_view_loads_nothing_of_the_3d_view():
    code = (
        "import sys\n"
        "import gradient_studio.scene\n"
        "import gradient_studio.scene.surface as surface\n"
        "from gradient_studio.scene import PlotScene\n"
        "PlotScene()\n"
        "surface.opengl_available(probe=False)\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] == 'OpenGL'\n"
        "         or m.startswith(('pyqtgraph.opengl', 'gradient_studio.scene.surface.'))\n"
        "         and not m.endswith('.availability')]\n"
        "print(','.join(sorted(heavy)))\n"
    )
    done = run(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


# -- drawing ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gl(qapp):
    return opengl_or_fail()


@pytest.fixture
def surface(gl, bowl_result):
    from gradient_studio.scene.surface.scene import SurfaceScene

    s = SurfaceScene(cells=80)
    s.set_view(bowl_result.race.xrange, bowl_result.race.yrange)
    s.set_objective(bowl_result.objective)
    s.set_trajectories(bowl_result.trajectories)
    yield s
    s.close()


def test_the_picture_shows_the_surface_in_the_colour_map(surface):
    surface.set_trajectories([])
    surface.set_camera(elevation=90.0, azimuth=-90.0)
    image = surface.render(480, 360)
    assert (image.width(), image.height()) == (480, 360)
    mesh = surface.mesh
    rows, cols = mesh.heights.shape
    picks = [i * cols + j for i in range(8, rows - 8, 9) for j in range(8, cols - 8, 9)]
    points = mesh.vertices[picks].astype(float)
    px = surface.pixels_of(points)
    hits = [lit(rgb_at(image, x, y), mesh.colours[k]) for (x, y), k in zip(px, picks, strict=True)]
    assert len(hits) > 30 and np.mean(hits) > 0.9
    # ... and several of the map's colours, not one: low and high f both show.
    distinct = {tuple(mesh.colours[k][:3] // 32) for k in picks}
    assert len(distinct) >= 5


def test_the_balls_sit_at_the_heads_in_their_runs_colours(surface, bowl_result):
    surface.set_step(6)
    image = surface.render(640, 480)
    heads, colours = surface.heads()
    assert len(heads) == len(bowl_result.trajectories)
    for head, colour in zip(heads, colours, strict=True):
        x, y = surface.pixels_of(head[np.newaxis].astype(float))[0]
        near = [
            lit(rgb_at(image, x + dx, y + dy), hex_rgb(colour), tol=0.12)
            for dx in range(-9, 10)
            for dy in range(-14, 6)
        ]
        assert sum(near) >= 12, colour


def test_a_new_step_moves_the_balls_and_a_new_grid_reshapes_the_surface(surface):
    surface.set_step(1)
    before, _ = surface.heads()
    first = surface.render(320, 240)
    surface.set_step(10)
    after, _ = surface.heads()
    assert np.linalg.norm(after - before, axis=1).min() > 0.05
    assert surface.render(320, 240) != first
    heights = surface.mesh.heights.copy()
    xs, ys, z = Objective.from_text("-(x - 1)^2 - 4*(y + 0.5)^2").grid(
        surface.xrange, surface.yrange, shape=(60, 60)
    )
    surface.set_grid(xs, ys, z)
    assert surface.mesh.heights.shape == (60, 60)
    assert np.nanmean(np.abs(surface.mesh.heights - heights[:60, :60])) > 0.1
    # The paths now lie over the hill: their heads sit on the new surface.
    for head in surface.heads()[0]:
        assert head[2] > 0.5 * BOX_HEIGHT


def test_log_height_reshapes_the_picture(gl, rosenbrock_result):
    from gradient_studio.scene.surface.scene import SurfaceScene

    s = SurfaceScene(cells=60)
    try:
        s.set_view(rosenbrock_result.race.xrange, rosenbrock_result.race.yrange)
        s.set_objective(rosenbrock_result.objective)
        assert s.scale.log  # decided by f's span, as the contour view decides
        logged = s.mesh.vertices.copy()
        image = s.render(320, 240)
        s.set_log_height(False)
        assert not s.scale.log
        assert np.abs(s.mesh.vertices[:, 2] - logged[:, 2]).max() > 0.3
        assert s.render(320, 240) != image
    finally:
        s.close()


def test_the_png_is_the_size_asked_with_the_surface_and_the_runs(gl, tmp_path, bowl_result):
    from PySide6.QtGui import QImage

    from gradient_studio.export.surface import write_surface_png

    out = tmp_path / "surface.png"
    out.write_bytes(b"old")
    assert write_surface_png(out, bowl_result, size=(500, 300), camera=(40, -70)) == out
    image = QImage(str(out))
    assert (image.width(), image.height()) == (500, 300)
    pixels = np.array([[rgb_at(image, x, y) for x in range(0, 500, 3)] for y in range(0, 300, 3)])
    flat = pixels.reshape(-1, 3)
    lut = colormap_lut("viridis")[::8, :3]
    mapped = np.mean([any(lit(p, c, tol=0.06) for c in lut) for p in flat[::7]])
    assert mapped > 0.12  # the surface fills a good part of the picture
    for name in ("sgd", "adam"):  # each run in its optimiser's colour, as in the contour view
        colour = optimizer_style(name).colour
        assert sum(lit(p, hex_rgb(colour), tol=0.1) for p in flat) >= 8, name
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_the_camera_chooses_the_picture(gl, tmp_path, bowl_result):
    from PySide6.QtGui import QImage

    from gradient_studio.export.surface import write_surface_png

    a, b = tmp_path / "a.png", tmp_path / "b.png"
    write_surface_png(a, bowl_result, size=(200, 150), camera=(20, 0))
    write_surface_png(b, bowl_result, size=(200, 150), camera=(80, 120, 1.5))
    assert QImage(str(a)) != QImage(str(b))
    with pytest.raises(ValueError, match="elevation"):
        write_surface_png(a, bowl_result, camera=(95, 0))


def test_prepare_readies_the_renderer_the_first_view_takes(gl, monkeypatch):
    from gradient_studio.scene.surface import prepare, warmup
    from gradient_studio.scene.surface.scene import SurfaceScene

    assert prepare()
    spare = warmup._spare
    assert spare is not None
    s = SurfaceScene()
    try:
        assert s.render(64, 48).width() == 64
        assert s._renderer is spare and warmup._spare is None
    finally:
        s.close()
    monkeypatch.setenv(NO_OPENGL_ENV, "1")
    assert prepare() is False  # nothing happens where the view is off
    assert warmup._spare is None
