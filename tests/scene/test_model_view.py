"""The model pane, and pictures of a model's race with the pane beside the landscape."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from gradient_studio.engine import OptimizerChoice
from gradient_studio.engine.models import ModelRace
from gradient_studio.export import write
from gradient_studio.export.images import build_scene
from gradient_studio.scene.palette import optimizer_style


@pytest.fixture(scope="module")
def linear_result():
    return ModelRace.create(preset="linear-regression", steps=60).run()


@pytest.fixture(scope="module")
def logistic_result():
    return ModelRace.create(preset="logistic-separable", steps=60).run()


@pytest.fixture
def pane(qapp, linear_result):
    from gradient_studio.scene.model_view import ModelView

    view = ModelView()
    view.set_objective(linear_result.objective)
    view.set_trajectories(linear_result.trajectories, step=20)
    yield view
    view.widget.close()


def curve_of(view, i):
    x, y = view.curves[i].getData()
    return np.asarray(x), np.asarray(y)


def test_the_pane_is_found_by_name_and_shows_every_row(pane, linear_result):
    assert pane.widget.objectName() == "modelView"
    assert pane.widget.accessibleName()
    x, y = pane.points.getData()
    data = linear_result.objective.data
    assert np.array_equal(x, data.x) and np.array_equal(y, data.y)
    assert not pane.threshold.isVisible()


def test_each_run_is_a_curve_in_its_optimisers_colour_at_the_step(pane, linear_result):
    objective = linear_result.objective
    for i, t in enumerate(linear_result.trajectories):
        assert (
            pane.curves[i].opts["pen"].color().name() == optimizer_style(t.optimizer).colour.lower()
        )
        xs, ys = curve_of(pane, i)
        assert np.allclose(ys, objective.predict([t.points[20]], xs)[0])
        w, b = t.points[20]
        assert np.allclose(ys, w * xs + b)  # the line the weights at step 20 draw


def test_a_fractional_step_blends_the_weights_and_none_is_the_end(pane, linear_result):
    t = linear_result.trajectories[0]
    pane.set_step(10.25)
    xs, ys = curve_of(pane, 0)
    w, b = t.points[10] + 0.25 * (t.points[11] - t.points[10])
    assert np.allclose(ys, w * xs + b)
    pane.set_step(None)
    w, b = t.points[-1]
    assert np.allclose(curve_of(pane, 0)[1], w * xs + b)


def test_the_pane_follows_a_slider_drag(qapp):
    from gradient_studio.scene.model_view import ModelView

    result = ModelRace.create(preset="deep-chain", steps=20).run()
    view = ModelView()
    view.set_objective(result.objective)
    view.set_trajectories(result.trajectories, step=5)
    before = curve_of(view, 0)[1]
    view.set_objective(result.objective.with_values({"L": 2.0}))  # the slider moved
    after = curve_of(view, 0)[1]
    w, b = result.trajectories[0].points[5]
    assert np.allclose(after, w**2 * view.xs + b) and not np.allclose(before, after)
    view.widget.close()


def test_a_logistic_model_draws_probabilities_with_a_line_at_one_half(qapp, logistic_result):
    from gradient_studio.scene.model_view import ModelView

    view = ModelView()
    view.set_objective(logistic_result.objective)
    view.set_trajectories(logistic_result.trajectories, step=30)
    assert view.threshold.isVisible()
    (y0, y1) = view.plot.vb.viewRange()[1]
    assert y0 < 0 < 1 < y1
    ys = curve_of(view, 0)[1]
    assert ((ys >= 0) & (ys <= 1)).all() and ys[0] < 0.5 < ys[-1]
    view.widget.close()


def test_a_run_that_diverged_draws_no_curve_past_its_end(qapp):
    from gradient_studio.scene.model_view import ModelView

    result = ModelRace.create(
        preset="linear-regression", optimizers=[OptimizerChoice("sgd", {"lr": 0.05})], steps=50
    ).run()
    (t,) = result.trajectories
    assert t.status == "diverged"
    view = ModelView()
    view.set_objective(result.objective)
    view.set_trajectories(result.trajectories, step=None)
    _xs, ys = curve_of(view, 0)
    assert len(ys) == 0 or np.isfinite(ys).all()
    view.widget.close()


def _colour_share(png, box, colour):
    rgb = np.asarray(png.convert("RGB").crop(box), dtype=float)
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    return float((np.abs(rgb - target).sum(axis=2) < 40).mean())


def test_the_png_shows_the_pane_beside_the_landscape(qapp, tmp_path, linear_result):
    out = write(tmp_path / "race.png", linear_result, size=(1200, 900), step=30)
    with Image.open(out) as png:
        assert png.size == (1200, 900)
        pane_box = (760, 60, 1190, 860)
        for t in linear_result.trajectories:  # every optimiser's line is in the pane
            assert _colour_share(png, pane_box, optimizer_style(t.optimizer).colour) > 0.0005
        grey = np.asarray(png.convert("RGB").crop(pane_box), dtype=float)
        assert (np.abs(grey - 217).sum(axis=2) < 12).mean() > 0.001  # the data's points
    figure, _ = build_scene(linear_result, size=(1200, 900), step=30)
    assert figure.plot.getAxis("bottom").labelText == "<i>w</i>"
    assert figure.plot.getAxis("left").labelText == "<i>b</i>"


def test_the_svg_holds_both_plots_with_distinct_ids(qapp, tmp_path, linear_result):
    out = write(tmp_path / "race.svg", linear_result, size=(1200, 900))
    text = out.read_text(encoding="utf-8")
    root = ET.fromstring(text)
    assert root.get("width") == "1200" and root.get("height") == "900"
    groups = [g for g in root if g.tag.endswith("g") and "translate" in (g.get("transform") or "")]
    assert len(groups) == 2 and groups[1].get("transform") != "translate(0,0)"
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))
    assert "L(w, b) = mean((w*x + b - y)^2)" in root.findtext("{http://www.w3.org/2000/svg}title")


def test_the_gif_animates_the_pane(qapp, tmp_path, logistic_result):
    out = write(tmp_path / "race.gif", logistic_result, size=(640, 480), frames=6, fps=10)
    with Image.open(out) as gif:
        frames = []
        for i in range(gif.n_frames):
            gif.seek(i)
            frames.append(np.asarray(gif.convert("RGB"), dtype=float)[:, 420:])
    assert len(frames) >= 3
    assert np.abs(frames[0] - frames[-1]).sum() > 0  # the curves moved
