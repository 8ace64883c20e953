"""The pictures of the maps: what each pixel, curve and legend row says."""

import math

import numpy as np
import pytest
from PySide6.QtGui import QColor

from gradient_studio.engine import PRESETS, Objective, OptimizerChoice
from gradient_studio.engine.basins import basin_map
from gradient_studio.engine.sweeps import Axis, hyper_map, lr_sweep
from gradient_studio.export.maps import map_csv, map_json, write_map
from gradient_studio.scene.basins import (
    DIVERGED_COLOUR,
    MOVING_COLOUR,
    SADDLE_COLOUR,
    BasinScene,
    attractor_colour,
    basin_pixels,
)
from gradient_studio.scene.sweeps import HyperMapScene, SweepScene

HIMMELBLAU = PRESETS["himmelblau"]
ILL = Objective.from_text("0.5x^2 + 50y^2")


def _rgb(colour):
    c = QColor(colour)
    return [c.red(), c.green(), c.blue()]


@pytest.fixture(scope="module")
def himmelblau_map():
    objective = Objective.from_text(HIMMELBLAU.text)
    m = basin_map(
        objective,
        OptimizerChoice("sgd", {"lr": 0.01}),
        (-5, 5),
        (-5, 5),
        (30, 30),
        300,
        known=HIMMELBLAU.minima,
        compiled=False,
    )
    return objective, m


def test_basin_pixels_are_hue_by_attractor_paler_with_steps(himmelblau_map):
    _, m = himmelblau_map
    pixels = basin_pixels(m).reshape(-1, 4)
    assert pixels.shape == (900, 4) and (pixels[:, 3] == 255).all()
    fast = int(np.argmin(m.final.steps))
    slow = int(np.argmax(m.final.steps))
    a = m.attractor[fast]
    hue = np.array(_rgb(attractor_colour(a)))
    # the quickest run is nearest its attractor's colour; a slow one of the same is paler
    same = np.flatnonzero(m.attractor == a)
    slowest_same = same[np.argmax(m.final.steps[same])]
    assert np.abs(pixels[fast, :3] - hue).max() < np.abs(pixels[slowest_same, :3] - hue).max()
    assert pixels[slowest_same, :3].mean() > pixels[fast, :3].mean()  # paler: towards white
    assert slow >= 0


def test_diverged_is_black_and_a_saddle_and_the_unarrived_grey():
    saddle = Objective.from_text("x^2 - y^2")
    m = basin_map(saddle, OptimizerChoice("sgd", {"lr": 0.4}), (-1, 1), (-1, 1), (5, 5), 200)
    pixels = basin_pixels(m)
    assert pixels[2, 2, :3].tolist() == _rgb(SADDLE_COLOUR)  # y = 0: slides into the saddle
    assert pixels[0, 0, :3].tolist() == _rgb(DIVERGED_COLOUR)
    slow = basin_map(saddle, OptimizerChoice("sgd", {"lr": 1e-5}), (-1, 1), (-1, 1), (2, 2), 5)
    assert (basin_pixels(slow)[..., :3] == _rgb(MOVING_COLOUR)).all()


def test_the_basin_legend_lists_the_minima_with_their_shares(himmelblau_map):
    objective, m = himmelblau_map
    scene = BasinScene()
    scene.set_map(m, objective, name="Himmelblau")
    texts = [line.text for line in scene.legend.lines()]
    assert texts[0] == "Gradient descent (lr=0.01)" and texts[1] == "30×30 starts, 300 steps"
    minima = [t for t in texts if t.startswith("minimum")]
    assert len(minima) == 4 and "(3, 2)" in " ".join(minima)
    shares = [float(t.split()[-2]) for t in minima]
    assert shares == sorted(shares, reverse=True) and math.isclose(sum(shares), 100, abs_tol=0.3)
    assert texts[-1] == "paler: more steps"
    assert scene.index_at(5, 5) == 899 and scene.index_at(-5, -5) == 0
    image = scene.render(800, 600)
    assert image.width() == 800


def test_a_map_says_what_training_its_runs_had():
    from gradient_studio.engine import Clipping, GradientNoise, Schedule, Training

    objective = Objective.from_text(HIMMELBLAU.text)
    training = Training(Schedule("cosine"), Clipping("norm", 5.0), GradientNoise(0.1))
    m = basin_map(
        objective,
        OptimizerChoice("sgd", {"lr": 0.01}),
        (-5, 5),
        (-5, 5),
        (12, 12),
        300,
        training=training,
        known=HIMMELBLAU.minima,
    )
    # noise keeps every run moving; the preset's minima still gather the runs that reach them
    assert sorted(a.id for a in m.attractors) == [0, 1, 2, 3]
    scene = BasinScene()
    scene.set_map(m, objective)
    texts = [line.text for line in scene.legend.lines()]
    assert texts[2:5] == [
        "with cosine schedule",
        "and clip norm 5",
        "and noise η=0.1, γ=0.55 (seed 0)",
    ]


def test_the_sweep_marks_divergence_and_the_stability_edges():
    s = lr_sweep(
        ILL,
        ["sgd", OptimizerChoice("momentum", {"momentum": 0.5})],
        (1, 1),
        (1e-3, 1.0),
        30,
        300,
        compiled=False,
    )
    scene = SweepScene()
    scene.set_sweep(s, ILL)
    assert [line.label.textItem.toPlainText() for line in scene.lines] == [
        "2/λmax = 0.02",
        "(2+2β)/λmax = 0.03",
    ]
    assert [line.value() for line in scene.lines] == pytest.approx(
        [math.log10(0.02), math.log10(0.03)]
    )
    sgd_crosses = scene.crosses[0].getData()[0]
    np.testing.assert_allclose(10**sgd_crosses, s.lrs[s.lrs > 0.02])
    assert "× along the top: diverged" in [line.text for line in scene.legend.lines()]
    assert scene.lr_at(math.log10(0.0101)) == pytest.approx(s.lrs[np.argmin(abs(s.lrs - 0.0101))])
    lx, ly = scene.curves["momentum"].getData()
    assert scene.curve_at(lx[3], ly[3]) == "momentum"
    steps = SweepScene()
    steps.set_sweep(s, ILL, measure="steps")
    assert steps.plot.getAxis("left").labelText == "steps to converge"
    with pytest.raises(ValueError, match="final_f"):
        steps.set_sweep(s, ILL, measure="loss")


def test_a_sweep_with_negative_f_shows_f_above_its_least():
    below = Objective.from_text("x^2 + y^2 - 3")
    s = lr_sweep(below, ["sgd"], (1, 1), (1e-3, 0.5), 8, 200, compiled=False)
    scene = SweepScene()
    scene.set_sweep(s, below)
    assert scene.plot.getAxis("left").labelText.startswith("final f − (−3")


def test_the_hyperparameter_map_paints_diverged_black_and_names_its_axes():
    m = hyper_map(
        ILL,
        "momentum",
        Axis("lr", 1e-3, 0.1, log=True),
        Axis("momentum", 0.0, 0.9),
        (1, 1),
        (12, 10),
        400,
        compiled=False,
    )
    scene = HyperMapScene()
    scene.set_map(m, ILL)
    image = scene.layer.image.image
    diverged = (m.final.code == 2).reshape(m.shape)
    assert diverged.any() and (image[diverged][:, :3] == 0).all()
    assert not (image[~diverged][:, :3] == 0).all(axis=1).any()
    assert scene.plot.getAxis("bottom").labelText == "learning rate (log)"
    assert scene.plot.getAxis("left").labelText == "momentum"
    assert scene.values_at(math.log10(0.1), 0.9) == (0.1, 0.9)
    assert "Momentum: final f after 400 steps" in scene.title.text
    ex, ey = scene.edge.getData()  # the theory's edge, in the plot's (log10 lr) units
    np.testing.assert_allclose(10**ex, (2 + 2 * ey) / 100)
    assert "theory: lr = (2+2β)/λmax" in [line.text for line in scene.legend.lines()]


def test_exports_of_numbers_and_pictures(tmp_path, himmelblau_map):
    objective, m = himmelblau_map
    assert map_csv(m).splitlines()[0] == "start_x,start_y,end_x,end_y,f,steps,status,attractor"
    assert '"map": "basins"' in map_json(m, objective)
    for ext in ("png", "svg"):
        path = write_map(tmp_path / f"b.{ext}", m, objective, size=(640, 480))
        assert path.stat().st_size > 1000
    assert 'style="image-rendering:pixelated"' in (tmp_path / "b.svg").read_text()
    with pytest.raises(ValueError, match="unknown file type"):
        write_map(tmp_path / "b.gif", m)
    with pytest.raises(ValueError, match="pixels"):
        write_map(tmp_path / "b.png", m, size=(5, 5))
