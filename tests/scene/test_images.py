"""PNG, SVG and GIF files: sizes, what they show, atomic writes and bad arguments."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from gradient_studio.export import images
from gradient_studio.export.animation import write_gif
from gradient_studio.export.images import build_scene, write_png, write_svg
from gradient_studio.scene.palette import colormap_lut, format_value, optimizer_style

SVG = "{http://www.w3.org/2000/svg}"


def pixel(png, x, y):
    return np.array(png.getpixel((round(x), round(y)))[:3], dtype=float)


@pytest.mark.parametrize("size", [(1200, 900), (640, 480), (333, 1001)])
def test_png_has_the_requested_size(qapp, tmp_path, bowl_result, size):
    out = write_png(tmp_path / "race.png", bowl_result, size=size)
    with Image.open(out) as png:
        assert png.format == "PNG"
        assert png.size == size


def test_png_shows_the_paths_over_the_landscape_and_the_minimum_darkest(
    qapp, tmp_path, bowl_result
):
    out = write_png(tmp_path / "race.png", bowl_result, size=(1200, 900))
    scene, scale = build_scene(bowl_result, size=(1200, 900))
    with scene.without("race"):
        bare = scene.render(1200, 900, scale=scale)
    bare.save(str(tmp_path / "bare.png"))
    with Image.open(out) as png, Image.open(tmp_path / "bare.png") as landscape:
        png, landscape = png.convert("RGB"), landscape.convert("RGB")
        points = bowl_result.trajectories[0].points
        x, y = (scale * v for v in scene.pixel_of(*(points[0] + points[1]) / 2))
        assert np.abs(pixel(png, x, y) - pixel(landscape, x, y)).sum() > 60
        x, y = (scale * v for v in scene.pixel_of(1.0, -0.5))  # the bowl's minimum
        here = pixel(png, x, y)
        low, high = colormap_lut("viridis")[0, :3], colormap_lut("viridis")[-1, :3]
        assert np.abs(here - low).max() <= 12
        assert np.abs(here - low).sum() < np.abs(here - high).sum()


def test_png_marks_a_presets_minimum(qapp, tmp_path, rosenbrock_result):
    scene, scale = build_scene(rosenbrock_result, size=(800, 600))
    assert scene.minima_points().tolist() == [[1.0, 1.0]]
    out = write_png(tmp_path / "r.png", rosenbrock_result, size=(800, 600), colormap="cividis")
    with Image.open(out) as png:
        x, y = (scale * v for v in scene.pixel_of(1.0, 1.0))
        assert pixel(png.convert("RGB"), x, y).min() > 200  # the white star


def test_svg_parses_and_holds_the_paths(qapp, tmp_path, bowl_result):
    out = write_svg(tmp_path / "race.svg", bowl_result, size=(1200, 900))
    text = out.read_text(encoding="utf-8")
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert (root.get("width"), root.get("height")) == ("1200", "900")
    lines = root.findall(f".//{SVG}path") + root.findall(f".//{SVG}polyline")
    assert len(lines) > 10
    assert root.findall(f".//{SVG}clipPath")
    assert root.findall(f".//{SVG}image")  # the filled landscape
    for t in bowl_result.trajectories:
        assert optimizer_style(t.optimizer).colour.lower() in text.lower()
    assert " Z" in text  # closed paths survived pyqtgraph's coordinate rewriting
    assert "Gradient descent" in text


def test_svg_keeps_legend_and_title_as_text(qapp, tmp_path, rosenbrock_result):
    out = write_svg(tmp_path / "race.svg", rosenbrock_result, size=(1200, 900))
    texts = ET.fromstring(out.read_text(encoding="utf-8")).findall(f".//{SVG}text")
    words = "".join(t.text or "" for t in texts)
    for trajectory in rosenbrock_result.trajectories:
        assert f"{trajectory.label} · f = " in words
    assert "a = 1, b = 100" in words  # the title's values, after its formula
    italic = [t.text for t in texts if t.get("font-style") == "italic"]
    assert italic.count("f") >= 1 + len(rosenbrock_result.trajectories)


def test_svg_repair_is_undone_after_the_export(qapp, tmp_path, bowl_result):
    import importlib

    module = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    before = module.correctCoordinates
    write_svg(tmp_path / "race.svg", bowl_result, size=(400, 300))
    assert module.correctCoordinates is before


def test_gif_has_the_requested_frames_and_loops(qapp, tmp_path, rosenbrock_result):
    out = write_gif(tmp_path / "race.gif", rosenbrock_result, size=(320, 240), frames=24, fps=12)
    with Image.open(out) as gif:
        assert gif.format == "GIF"
        assert gif.size == (320, 240)
        assert gif.n_frames == 24
        assert gif.info["loop"] == 0
        durations = []
        for i in range(gif.n_frames):
            gif.seek(i)
            durations.append(gif.info["duration"])
        assert sum(durations[:-1]) == pytest.approx(23 * 1000 / 12, abs=10)
        assert durations[-1] > 1000  # the finished race stays up before the loop
        gif.seek(0)
        first = np.asarray(gif.convert("RGB"), dtype=float)
        gif.seek(23)
        last = np.asarray(gif.convert("RGB"), dtype=float)
        assert np.abs(first - last).sum(axis=2).max() > 100  # the paths grew


def test_gif_single_frame_is_the_finished_race(qapp, tmp_path, bowl_result):
    out = write_gif(tmp_path / "one.gif", bowl_result, size=(200, 150), frames=1)
    with Image.open(out) as gif:
        assert gif.n_frames == 1


def test_gif_palette_keeps_the_colour_map_smooth(qapp, tmp_path, rosenbrock_result):
    """Quantising must not band the landscape: every colour-map step stays close."""
    out = write_gif(tmp_path / "race.gif", rosenbrock_result, size=(400, 300), frames=2)
    lut = colormap_lut("viridis")[:, :3].astype(float)
    with Image.open(out) as gif:
        palette = np.array(gif.getpalette()[: 3 * 256], dtype=float).reshape(-1, 3)
    nearest = np.abs(lut[:, None, :] - palette[None, :, :]).sum(axis=2).min(axis=1)
    assert nearest.max() <= 6


@pytest.mark.parametrize("write", [write_png, write_svg, write_gif])
def test_a_failed_export_leaves_the_old_file_and_no_temporary(
    qapp, tmp_path, bowl_result, monkeypatch, write
):
    target = tmp_path / f"race.{write.__name__[-3:]}"
    target.write_bytes(b"the old picture")

    def half_written(path):
        """Every way the writers put bytes in a file: start, then fail."""
        with open(path, "wb") as fh:
            fh.write(b"half a pic")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("pathlib.Path.write_bytes", lambda self, data: half_written(self))
    monkeypatch.setattr(Image.Image, "save", lambda self, path, **kw: half_written(path))
    monkeypatch.setattr("pathlib.Path.write_text", lambda self, *a, **k: half_written(self))
    with pytest.raises(RuntimeError, match="disk on fire"):
        write(target, bowl_result, size=(200, 150))
    assert target.read_bytes() == b"the old picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_a_successful_export_replaces_the_old_file(qapp, tmp_path, bowl_result):
    target = tmp_path / "race.png"
    target.write_bytes(b"the old picture")
    write_png(target, bowl_result, size=(200, 150))
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["race.png"]


def test_an_unwritable_folder_is_an_os_error_and_leaves_nothing(qapp, tmp_path, bowl_result):
    with pytest.raises(OSError):
        write_png(tmp_path / "missing" / "race.png", bowl_result, size=(200, 150))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "size",
    [
        (0, 900),
        (1200, 0),
        (-5, 100),
        (10001, 900),
        (900, 10_001),
        (10_000, 10_000),  # each side allowed, the whole too big
        (1.5, 900),
        (True, 900),
        ("1200", 900),
        (1200,),
        None,
    ],
)
def test_impossible_sizes_are_refused(tmp_path, bowl_result, size):
    for write in (write_png, write_svg, write_gif):
        with pytest.raises(ValueError, match="size"):
            write(tmp_path / "x.out", bowl_result, size=size)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"frames": 0}, "frames"),
        ({"frames": -3}, "frames"),
        ({"frames": 2.5}, "frames"),
        ({"fps": 0}, "frame rate"),
        ({"fps": -1}, "frame rate"),
        ({"fps": 500}, "frame rate"),
        ({"fps": float("nan")}, "frame rate"),
        ({"colormap": "jet"}, "colour map"),
        ({"levels": 0}, "levels"),
    ],
)
def test_bad_animation_arguments_are_refused(tmp_path, bowl_result, kwargs, words):
    with pytest.raises(ValueError, match=words) as caught:
        write_gif(tmp_path / "x.gif", bowl_result, **kwargs)
    assert "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_picture_scale_keeps_the_layout_and_grows_the_strokes():
    assert images.picture_scale(1200, 900) == pytest.approx(1.5)
    assert images.picture_scale(640, 480) == pytest.approx(1.0)
    assert images.picture_scale(2400, 1800) == pytest.approx(3.0)
    assert images.picture_scale(320, 240) == pytest.approx(0.5)  # laid out as 640 x 480


def test_gif_reports_progress_for_every_frame(qapp, tmp_path, rosenbrock_result):
    seen = []
    write_gif(
        tmp_path / "race.gif",
        rosenbrock_result,
        size=(160, 120),
        frames=10,
        progress=lambda done, total: seen.append((done, total)) or True,
    )
    assert [d for d, _ in seen] == list(range(1, 11))
    assert {t for _, t in seen} == {10}


def test_gif_cancelled_midway_writes_nothing(qapp, tmp_path, rosenbrock_result):
    from gradient_studio.export.animation import ExportCancelled

    out = tmp_path / "race.gif"
    out.write_bytes(b"the old animation")
    with pytest.raises(ExportCancelled):
        write_gif(out, rosenbrock_result, size=(160, 120), frames=10, progress=lambda d, t: d < 4)
    assert out.read_bytes() == b"the old animation"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.gif"]


# -- the step on screen, read back from the file -------------------------------------------
def _png_pixels(path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB")).astype(int)


def test_a_png_at_step_50_shows_the_heads_there(qapp, tmp_path, rosenbrock_result):
    out = write_png(tmp_path / "step.png", rosenbrock_result, size=(800, 600), step=50)
    pixels = _png_pixels(out)
    scene, scale = build_scene(rosenbrock_result, size=(800, 600), step=50)
    for t in rosenbrock_result.trajectories:
        x, y = scene.pixel_of(*t.points[50])
        head = pixels[round(y * scale), round(x * scale)]
        colour = np.array(
            [int(optimizer_style(t.optimizer).colour[i : i + 2], 16) for i in (1, 3, 5)]
        )
        assert np.abs(head - colour).max() <= 40, t.optimizer  # the head's disc is there
    whole = _png_pixels(write_png(tmp_path / "whole.png", rosenbrock_result, size=(800, 600)))
    assert (np.abs(whole - pixels).max(axis=-1) > 60).sum() > 500  # the whole race differs


def test_an_svg_at_step_50_gives_the_legend_values_of_step_50(qapp, tmp_path, rosenbrock_result):
    def words(step):
        out = write_svg(tmp_path / "race.svg", rosenbrock_result, size=(800, 600), step=step)
        texts = ET.fromstring(out.read_text(encoding="utf-8")).findall(f".//{SVG}text")
        return "".join(t.text or "" for t in texts)

    at_50, whole = words(50), words(None)
    for t in rosenbrock_result.trajectories:
        assert f"{t.label} · f = {format_value(float(t.f[50]))}" in at_50
        assert f"{t.label} · f = {format_value(float(t.f[t.stop]))}" in whole


def test_gif_frames_store_only_what_changed(qapp, tmp_path, rosenbrock_result):
    out = write_gif(tmp_path / "race.gif", rosenbrock_result, size=(320, 240), frames=24)
    data = out.read_bytes()
    # Each frame's graphic control block (21 F9 04, then its flags): most say "transparent
    # pixels", which leave the pixel of the frame before as it was.
    flags = [data[i + 3] for i in range(len(data) - 4) if data[i : i + 3] == b"\x21\xf9\x04"]
    assert len(flags) >= 20 and sum(f & 1 for f in flags) >= len(flags) - 2
    assert out.stat().st_size < 24 * 320 * 240 / 20


def test_every_gif_frame_shows_its_own_steps_values(qapp, tmp_path, rosenbrock_result, monkeypatch):
    from gradient_studio.scene import PlotScene

    shown: list[tuple[float | None, str]] = []
    render = PlotScene.render

    def recording(self, *args, **kwargs):
        if self.legend.opacity() > 0 and self.legend.lines():  # a frame, not the landscape
            shown.append((self.paths.step, self.legend.lines()[0].text))
        return render(self, *args, **kwargs)

    monkeypatch.setattr(PlotScene, "render", recording)
    write_gif(tmp_path / "race.gif", rosenbrock_result, size=(200, 150), frames=7)
    first = rosenbrock_result.trajectories[0]
    assert len(shown) == 7
    for step, text in shown:
        k = min(int(step), first.stop)
        assert text == f"{first.label} · f = {format_value(float(first.f[k]))}"
    assert len({text for _, text in shown}) > 3


def test_a_full_disk_is_one_error_naming_the_chosen_file(qapp, tmp_path, bowl_result, monkeypatch):
    import errno

    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr("pathlib.Path.write_bytes", full)
    target = tmp_path / "race.png"
    with pytest.raises(OSError) as caught:
        write_png(target, bowl_result, size=(200, 150))
    assert caught.value.errno == errno.ENOSPC
    assert caught.value.filename == str(target)
    assert ".part" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_an_animation_too_big_to_draw_is_refused_up_front(tmp_path, bowl_result):
    with pytest.raises(ValueError, match="fewer frames") as caught:
        write_gif(tmp_path / "x.gif", bowl_result, size=(640, 480), frames=10_000)
    assert "325 frames" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_the_old_style_keywords_still_work_for_one_release(qapp, tmp_path, bowl_result):
    from gradient_studio.export import PictureStyle

    a = _png_pixels(write_png(tmp_path / "a.png", bowl_result, size=(200, 150), colormap="magma"))
    style = PictureStyle(colormap="magma")
    b = _png_pixels(write_png(tmp_path / "b.png", bowl_result, size=(200, 150), style=style))
    assert np.array_equal(a, b)
    with pytest.raises(TypeError, match="frames"):
        write_png(tmp_path / "c.png", bowl_result, size=(200, 150), frames=3)
