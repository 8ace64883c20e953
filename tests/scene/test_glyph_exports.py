"""The glyphs in files: a PNG, SVG or GIF shows them as the scene draws them, at the step
asked for, and a PictureStyle refuses what it cannot draw."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtGui import QImage

from gradient_studio.export import PictureStyle, write
from gradient_studio.export.images import build_scene
from gradient_studio.scene.descent_field import FIELD_COLOURS
from gradient_studio.scene.palette import optimizer_style


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    w, h = image.width(), image.height()
    return np.frombuffer(image.constBits(), np.uint8).reshape(h, -1, 4)[:, :w, 2::-1].copy()


def test_png_at_step_50_shows_each_runs_step_arrow(tmp_path, qapp, rosenbrock_result):
    style = PictureStyle(arrows="readable")
    out = write(tmp_path / "arrows.png", rosenbrock_result, size=(1200, 900), step=50, style=style)
    read = pixels(QImage(str(out)))
    plain = pixels(
        QImage(str(write(tmp_path / "plain.png", rosenbrock_result, size=(1200, 900), step=50)))
    )
    scene, scale = build_scene(rosenbrock_result, size=(1200, 900), step=50, style=style)
    np.testing.assert_array_equal(read, pixels(scene.render(1200, 900, scale=scale)))
    assert scale == 1.5
    solid = [
        (a, t, p)
        for a, t, p in scene.arrows.drawn()
        if not a.look.dashed and a.look.fill != "#ffffff"
    ]
    assert len(solid) == 3
    for t, (arrow, tail, tip) in zip(rosenbrock_result.trajectories, solid, strict=True):
        assert arrow.tail == tuple(t.points[50])
        assert np.allclose((tail.x(), tail.y()), scene.pixel_of(*t.points[50]), atol=0.5)
        # Halfway along the shaft, in the file's own pixels: the run's colour.
        x = (tail.x() + 0.55 * (tip.x() - tail.x())) * scale
        y = (tail.y() + 0.55 * (tip.y() - tail.y())) * scale
        colour = optimizer_style(t.optimizer).colour
        want = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        here = read[round(y), round(x)].astype(int)
        assert np.abs(here - want).max() <= 40, (t.optimizer, here, want)
        assert np.abs(plain[round(y), round(x)].astype(int) - want).max() > 40
    assert any("fastest increase" in text for text in scene.overlays.key.texts())


def test_svg_carries_the_arrows_field_and_glyph(tmp_path, qapp, rosenbrock_result):
    style = PictureStyle(arrows="true", field=(8, 8), curvature=(-1.0, 1.0))
    text = write(
        tmp_path / "g.svg", rosenbrock_result, size=(800, 600), step=40, style=style
    ).read_text()
    plain = write(tmp_path / "p.svg", rosenbrock_result, size=(800, 600), step=40).read_text()
    adam = optimizer_style("adam").colour.lower()
    assert text.lower().count(adam) > plain.lower().count(adam)
    for colour in FIELD_COLOURS:
        assert colour in text.lower() and colour not in plain.lower()
    assert "Curvature at (−1, 1): a bowl" in text and "fastest increase" in text


def test_gif_frames_follow_the_arrows_and_keep_the_field(tmp_path, qapp, bowl_result):
    style = PictureStyle(arrows="readable", field=True, curvature=0)
    out = write(tmp_path / "g.gif", bowl_result, size=(320, 240), frames=4, style=style)
    plain = write(tmp_path / "p.gif", bowl_result, size=(320, 240), frames=4)
    with Image.open(out) as gif, Image.open(plain) as ref:
        assert gif.n_frames == 4
        first = np.asarray(gif.convert("RGB"), dtype=int)
        gif.seek(2)
        later = np.asarray(gif.convert("RGB"), dtype=int)
        assert np.abs(first - np.asarray(ref.convert("RGB"), dtype=int)).sum() > 0
    assert np.abs(first - later).sum() > 0  # the arrows moved with the heads


def test_old_arrows_keyword_and_switch_still_work(qapp, bowl_result):
    assert PictureStyle(arrows=True).arrow_mode == "readable"
    assert PictureStyle(arrows=False).arrow_mode == "off"
    scene, _ = build_scene(bowl_result, size=(640, 480), step=3, arrows=True)
    assert scene.arrow_mode == "readable" and len(scene.arrows.arrows) == 6


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"arrows": "sideways"}, "arrow mode"),
        ({"field": (1, 5)}, "field"),
        ({"field": (300, 300)}, "40000"),
        ({"curvature": (1.0, float("nan"))}, "curvature"),
        ({"curvature": -1}, "curvature"),
        ({"curvature": True}, "curvature"),
        ({"colour_by": "height"}, "colouring"),
    ],
)
def test_a_style_refuses_what_it_cannot_draw(fields, message):
    with pytest.raises(ValueError, match=message):
        PictureStyle(**fields)
