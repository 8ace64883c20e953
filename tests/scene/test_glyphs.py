"""The gradient drawn in the scene: arrows at the heads, the −∇f field, the curvature glyph,
colouring by ‖∇f‖ — their geometry against the engine's numbers and closed forms, and that
they appear, follow the step and a new race, and vanish. (The glyphs are redrawn when the
picture is next painted; ``glyphs.flush()`` is what a paint does first.)"""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtGui import QColor

from gradient_studio.engine import Objective, OptimizerChoice, Race
from gradient_studio.engine.field import heads
from gradient_studio.scene import PlotScene
from gradient_studio.scene.arrows import SHORTEST_PX
from gradient_studio.scene.descent_field import FIELD_COLOURS, bins
from gradient_studio.scene.head_arrows import GRADIENT_PX, GRADIENT_STEP_PX, STEP_PX
from gradient_studio.scene.palette import luminance, optimizer_style


@pytest.fixture
def race_scene(qapp, rosenbrock_result):
    """Rosenbrock with gradient descent, momentum and Adam, laid out at 800 x 600."""
    scene = PlotScene(grid=(120, 120))
    race = rosenbrock_result.race
    scene.set_view(race.xrange, race.yrange)
    scene.set_objective(rosenbrock_result.objective)
    scene.set_trajectories(rosenbrock_result.trajectories, step=50)
    scene.lay_out(800, 600)
    return scene


def lengths_px(drawn):
    return [math.dist((tail.x(), tail.y()), (tip.x(), tip.y())) for _, tail, tip in drawn]


# -- arrows at the heads ---------------------------------------------------------------------
def test_head_arrows_are_the_engines_heads_gradient_and_steps(race_scene, rosenbrock_result):
    race_scene.set_arrows("true")
    v = race_scene.glyphs.heads.vectors
    h = heads(rosenbrock_result, 50)
    runs = rosenbrock_result.trajectories
    assert v.runs == tuple(range(len(runs)))  # 300 steps: all still moving at step 50
    np.testing.assert_array_equal(v.points, h.points)
    np.testing.assert_allclose(v.gradient, h.gradient, rtol=1e-12)
    for row, t in enumerate(runs):
        np.testing.assert_array_equal(v.step[row], t.points[51] - t.points[50])
        np.testing.assert_array_equal(v.gradient_step[row], -t.lr[51] * h.gradient[row])
    # Gradient descent's step is −η∇f (worked by hand: x₅₁ = x₅₀ − η∇f(x₅₀)); momentum's
    # and Adam's are not.
    sgd, momentum, adam = (v.step[i] - v.gradient_step[i] for i in range(3))
    assert np.abs(sgd).max() < 1e-12
    assert np.abs(momentum).max() > 1e-3 and np.abs(adam).max() > 1e-3


def test_true_length_arrows_end_where_the_run_went(race_scene, rosenbrock_result):
    race_scene.set_arrows("true")
    race_scene.set_step(60)
    race_scene.glyphs.flush()
    race_scene.render(800, 600)
    drawn = race_scene.arrows.drawn()
    for t in rosenbrock_result.trajectories:
        colour = optimizer_style(t.optimizer).colour
        solid = [(a, *ends) for a, *ends in drawn if a.look.fill == colour and not a.look.dashed]
        assert len(solid) == 1
        _, tail, tip = solid[0]
        assert np.allclose((tail.x(), tail.y()), race_scene.pixel_of(*t.points[60]), atol=0.5)
        end = race_scene.pixel_of(*t.points[61])
        length = math.dist(race_scene.pixel_of(*t.points[60]), end)
        if length >= SHORTEST_PX:
            assert np.allclose((tip.x(), tip.y()), end, atol=0.5)
        else:  # drawn as its head, pointing the way it went
            assert lengths_px(solid) == [pytest.approx(SHORTEST_PX)]


def test_readable_arrows_have_fixed_lengths_and_gradient_points_uphill(race_scene):
    race_scene.set_arrows("readable")
    race_scene.render(800, 600)
    lengths = {}
    drawn = race_scene.arrows.drawn()
    assert len(drawn) == 9  # ∇f, −η∇f and the step at each of the three heads
    for entry, length in zip(drawn, lengths_px(drawn), strict=True):
        look = entry[0].look
        lengths.setdefault((look.fill == "#ffffff", look.dashed), set()).add(round(length, 6))
    assert lengths == {
        (True, False): {GRADIENT_PX},
        (False, True): {GRADIENT_STEP_PX},
        (False, False): {STEP_PX},
    }
    # ∇f goes uphill: f a little way along it is higher.
    v = race_scene.glyphs.heads.vectors
    f = race_scene.objective
    for p, g in zip(v.points, v.gradient, strict=True):
        ahead = p + 1e-4 * g / np.hypot(*g)
        assert f.value(*ahead) > f.value(*p)


def test_arrows_follow_the_step_and_a_new_race_and_vanish(race_scene, rosenbrock_result):
    race_scene.set_arrows(True)  # the View menu's switch: readable
    assert race_scene.arrow_mode == "readable" and race_scene.show_arrows
    before = race_scene.glyphs.heads.vectors.points.copy()
    race_scene.set_step(120)
    race_scene.glyphs.flush()
    moved = race_scene.glyphs.heads.vectors.points
    np.testing.assert_array_equal(moved, [t.points[120] for t in rosenbrock_result.trajectories])
    assert not np.array_equal(before, moved)
    # A slider's new race (another b): the arrows are those of the new runs.
    other = Race.create(
        preset="rosenbrock",
        parameters={"b": 20.0},
        optimizers=rosenbrock_result.race.optimizers,
        steps=300,
    ).run()
    race_scene.set_objective(other.objective)
    race_scene.glyphs.flush()
    race_scene.set_trajectories(other.trajectories)
    race_scene.glyphs.flush()
    np.testing.assert_array_equal(race_scene.glyphs.heads.vectors.points, heads(other, 120).points)
    np.testing.assert_allclose(race_scene.glyphs.heads.vectors.gradient, heads(other, 120).gradient)
    assert race_scene.overlays.key.isVisible()
    race_scene.set_arrows(False)
    assert race_scene.arrows.arrows == () and not race_scene.show_arrows
    assert not race_scene.overlays.key.isVisible()
    with pytest.raises(ValueError, match="arrow mode"):
        race_scene.set_arrows("sideways")


def test_a_gliding_playhead_keeps_the_arrows_at_the_whole_step(race_scene, rosenbrock_result):
    race_scene.set_arrows("true")
    race_scene.set_step(40.5)  # the head halfway along its step: the step arrow under it
    race_scene.glyphs.flush()
    v = race_scene.glyphs.heads.vectors
    assert v.steps == (40, 40, 40)
    np.testing.assert_array_equal(v.points[0], rosenbrock_result.trajectories[0].points[40])


def test_a_finished_run_shows_no_arrows(scene, bowl_result):
    scene.set_arrows("readable")
    scene.set_step(None)  # every bowl run stopped at max-steps: ∇f, but no step, is left
    scene.glyphs.flush()
    v = scene.glyphs.heads.vectors
    assert all(np.isnan(v.step).all(axis=1))
    converged = Race.create(
        function="x^2 + y^2",
        optimizers=[OptimizerChoice("sgd", {"lr": 0.5})],
        starts=[(1.0, 1.0)],
        steps=10,
    ).run()
    assert converged.trajectories[0].status == "converged"
    scene.set_trajectories(converged.trajectories, step=None)
    scene.glyphs.flush()
    assert scene.glyphs.heads.vectors.points.shape == (0, 2)


# -- the −∇f field ---------------------------------------------------------------------------
def test_field_is_minus_the_gradient_on_a_grid_over_the_view(scene, bowl_result):
    scene.set_field(True)
    item = scene.glyphs.field.item
    assert len(item.centres) == 625
    g = bowl_result.objective.gradient(item.centres[:, 0], item.centres[:, 1])
    unit = -g / np.hypot(g[:, 0], g[:, 1])[:, None]
    np.testing.assert_allclose(item.directions, unit, atol=1e-12)
    (x0, x1), (y0, y1) = bowl_result.race.xrange, bowl_result.race.yrange
    assert item.centres[:, 0].min() > x0 and item.centres[:, 0].max() < x1
    assert item.centres[:, 1].min() > y0 and item.centres[:, 1].max() < y1
    scene.render(800, 600)
    assert item.drawn == 625
    assert any("−∇f field" in t for t in scene.overlays.key.texts())


def test_field_follows_the_view_and_f_and_vanishes(scene):
    scene.set_field(True, (10, 12))
    item = scene.glyphs.field.item
    assert len(item.centres) == 120
    scene.set_view((10.0, 14.0), (-1.0, 1.0))  # pan: the arrows cover the new view
    scene.glyphs.flush()
    assert item.centres[:, 0].min() > 10 and item.centres[:, 0].max() < 14
    before = item.directions.copy()
    scene.set_objective(Objective.from_text("(x - 12)^2 + y^2"))
    scene.glyphs.flush()
    assert not np.allclose(before, item.directions)
    towards = (12.0, 0.0) - item.centres  # downhill: straight at the new minimum
    np.testing.assert_allclose(item.directions, towards / np.hypot(*towards.T)[:, None])
    scene.set_field(False)
    assert len(item.centres) == 0
    with pytest.raises(ValueError, match="40000"):
        scene.set_field(True, (300, 300))


def test_field_colours_rise_with_the_slope():
    magnitude = np.array([[1e-3, 1e-2], [1.0, 10.0], [0.0, np.nan]])
    b = bins(magnitude)
    assert b.edges[0] == pytest.approx(1e-3) and b.edges[-1] == pytest.approx(10.0)
    assert b.classes.tolist() == [0, 1, 3, 4, -1, -1]
    assert len(b.edges) == len(FIELD_COLOURS) + 1
    flat = bins(np.full((3, 3), 2.0))
    assert set(flat.classes.tolist()) == {len(FIELD_COLOURS) // 2}


# -- the curvature glyph ---------------------------------------------------------------------
def quadratic_scene(qapp, text, view=((-2.0, 2.0), (-2.0, 2.0))):  # (any f, despite the name)
    scene = PlotScene(grid=(60, 60))
    scene.set_view(*view)
    scene.glyphs.flush()
    scene.set_objective(Objective.from_text(text))
    scene.glyphs.flush()
    scene.lay_out(800, 600)
    return scene


def glyph_line(scene):
    return scene.glyphs.curvature.arrows.line


def test_curvature_at_a_saddle_draws_its_asymptotes(qapp):
    scene = quadratic_scene(qapp, "x^2 - 4*y^2")
    scene.set_curvature((0.5, 0.25), lr=0.1)
    line = glyph_line(scene)
    assert np.isnan(line[:, 0]).sum() == 1  # two lines
    for a, b in (line[0:2], line[3:5]):
        d = b - a
        assert d[0] ** 2 - 4 * d[1] ** 2 == pytest.approx(
            0, abs=1e-12
        )  # f does not curve: dᵀHd = 0
        assert np.allclose((a + b) / 2, (0.5, 0.25))
    texts = scene.overlays.key.texts()
    assert texts[0] == "Curvature at (0.5, 0.25): a saddle"
    assert texts[1] == "λ₁ = −8, λ₂ = 2, κ = 4"
    assert "Gradient descent with a learning rate above 1 is unstable here." in " ".join(texts)
    tails = {a.tail for a in scene.glyphs.curvature.arrows.arrows}
    assert tails == {(0.5, 0.25)}
    vectors = [a.vector for a in scene.glyphs.curvature.arrows.arrows]
    # −η∇f with ∇f = (1, −2); Newton's step −H⁻¹∇f = (−0.5, −0.25), onto the saddle point;
    # the best step along −∇f is none (gᵀHg = 2·1 − 8·4 < 0: f curves down along it).
    assert vectors == [pytest.approx((-0.1, 0.2)), pytest.approx((-0.5, -0.25))]
    assert any("no best step" in t for t in texts)


def test_curvature_in_a_valley_draws_an_ellipse(qapp, rosenbrock_result):
    scene = PlotScene(grid=(60, 60))
    race = rosenbrock_result.race
    scene.set_view(race.xrange, race.yrange)
    scene.glyphs.flush()
    scene.set_objective(rosenbrock_result.objective)
    scene.glyphs.flush()
    scene.set_trajectories(rosenbrock_result.trajectories)
    scene.glyphs.flush()
    scene.set_curvature((-1.0, 1.0))
    line = glyph_line(scene)
    assert np.isfinite(line).all() and np.allclose(line[0], line[-1])  # closed
    c = scene.glyphs.curvature.curvature
    (hxx, hxy), (_, hyy) = c.hessian  # closed form at (−1, 1): [[802, 400], [400, 200]]
    assert (hxx, hxy, hyy) == (802.0, 400.0, 200.0)
    d = line - (-1.0, 1.0)
    q = hxx * d[:, 0] ** 2 + 2 * hxy * d[:, 0] * d[:, 1] + hyy * d[:, 1] ** 2
    np.testing.assert_allclose(q, q[0], rtol=1e-9)  # a level curve of the quadratic model
    long = np.hypot(d[:, 0], d[:, 1]).max()
    assert long == pytest.approx(0.09 * 4)
    assert scene.overlays.key.texts()[0] == "Curvature at (−1, 1): a bowl"
    # Its gradient step uses the first run's learning rate (gradient descent's 0.001).
    assert scene.glyphs.curvature.arrows.arrows[1].vector == pytest.approx((0.004, 0.0))
    assert any("Newton's step" in t for t in scene.overlays.key.texts())


def test_curvature_follows_a_runs_head_and_f(race_scene, rosenbrock_result):
    race_scene.set_curvature(run=2)
    adam = rosenbrock_result.trajectories[2]
    assert race_scene.glyphs.curvature.curvature.point == tuple(adam.points[50])
    race_scene.set_step(80)
    race_scene.glyphs.flush()
    assert race_scene.glyphs.curvature.curvature.point == tuple(adam.points[80])
    before = race_scene.glyphs.curvature.curvature.hessian
    race_scene.set_objective(rosenbrock_result.objective.with_values({"b": 10.0}))
    race_scene.glyphs.flush()
    assert race_scene.glyphs.curvature.curvature.hessian != before
    race_scene.set_curvature(None)
    assert race_scene.glyphs.curvature.arrows.line.size == 0
    assert not race_scene.overlays.key.isVisible()
    with pytest.raises(ValueError):
        race_scene.set_curvature((1.0, 2.0), run=0)


def test_curvature_outside_the_domain_says_so(qapp):
    scene = quadratic_scene(qapp, "log(x) + y^2", view=((-2.0, 2.0), (-1.0, 1.0)))
    scene.set_curvature((-1.0, 0.0))
    assert glyph_line(scene).size == 0
    assert scene.overlays.key.texts() == ["Curvature at (−1, 0): f is not defined here"]


# -- colouring by ‖∇f‖ -----------------------------------------------------------------------
def test_colouring_by_gradient_norm_shows_the_plateau_and_says_so(qapp):
    # 61 rows: one on y = 0, the plateau's floor (as a 400 x 400 grid nearly has it).
    scene = quadratic_scene(qapp, "tanh(x)^2 + y^2", view=((-5.0, 5.0), (-3.0, 3.0)))
    scene.set_grid_shape(61, 61)
    scene.contours.clear()  # (the colours alone are compared: no line crosses a sample)
    plain = scene.render(800, 600)
    scene.set_colouring("gradient_norm")
    scene.contours.clear()
    image = scene.render(800, 600)
    bar = scene.landscape.colour_bar.axis
    assert bar.labelText == "‖∇f‖  (log scale)"
    ticks = [text for _, text in scene.scale.ticks()]
    assert {"0.01", "0.1", "1"} <= set(ticks)

    def lightness(img, x, y):  # relative luminance, 0 black … 1 white
        c = QColor(img.pixelColor(*(round(v) for v in scene.pixel_of(x, y))))
        return float(luminance(np.array([c.red(), c.green(), c.blue()])))

    # The plateau (‖∇f‖ ≈ 0.003 at x = 4 on y = 0) is dark, the slope at y = 2.5 bright.
    # Coloured by f, the plateau (f ≈ 1.0) looks like the slope at x = 1.5 (f ≈ 0.82,
    # ‖∇f‖ ≈ 0.33); coloured by ‖∇f‖ the two part.
    assert lightness(image, 4.0, 0.0) < 0.1 and lightness(image, 4.0, 2.5) > 0.5
    assert abs(lightness(plain, 4.0, 0.0) - lightness(plain, 1.5, 0.0)) < 0.03
    assert lightness(image, 1.5, 0.0) > 3 * lightness(image, 4.0, 0.0)
    scene.set_colouring("f")
    assert scene.landscape.colour_bar.axis.labelText == "f"
    with pytest.raises(ValueError, match="colouring"):
        scene.set_colouring("height")


def test_gradient_norm_colours_its_own_grid_when_one_is_handed_over(qapp, bowl_result):
    scene = PlotScene(grid=(50, 50), colour_by="gradient_norm")
    scene.set_view(bowl_result.race.xrange, bowl_result.race.yrange)
    scene.glyphs.flush()
    scene.set_objective(bowl_result.objective, evaluate=False)
    scene.glyphs.flush()
    xs, ys, z = bowl_result.objective.grid(
        bowl_result.race.xrange, bowl_result.race.yrange, (50, 50)
    )
    scene.set_grid(xs, ys, z)  # as the window's worker hands it over
    low, high = scene.scale.low, scene.scale.high
    g = bowl_result.objective.gradient(xs[None, :], ys[:, None])
    u = np.log10(np.hypot(g[..., 0], g[..., 1]))
    # From the lowest 0.1 % to the highest (nearest rank): not the single lowest cell,
    # nearest the minimum, nor the single highest.
    ordered = np.sort(u.ravel())
    assert ordered[0] < low <= ordered[3] and ordered[-4] <= high < ordered[-1]


@pytest.mark.parametrize(
    "span", [(-0.3, 0.2), (2.0, 2.1), (0.2, 1.5), (-1.7, 0.77), (-3.2, 0.77), (-8.0, 3.0)]
)
def test_gradient_norm_ticks_are_round_values_of_the_norm_along_the_bar(span):
    from gradient_studio.scene.gradient_colouring import GradientNormScale

    ticks = GradientNormScale(*span).ticks()
    us = [u for u, _ in ticks]
    assert 2 <= len(ticks) <= 10 and us == sorted(us)
    assert all(span[0] - 1e-9 <= u <= span[1] + 1e-9 for u in us)
    for u, text in ticks:  # the label is ‖∇f‖ there, not its logarithm
        assert float(text.replace("−", "-")) == pytest.approx(10.0**u, rel=1e-9)


def test_a_scene_with_glyphs_is_freed_as_soon_as_it_is_dropped(qapp, bowl_result):
    """No reference cycle: a scene the cycle collector had to find would be destroyed at
    some later moment — possibly in the middle of another scene's paint, which crashes."""
    import gc
    import weakref

    gc.disable()
    try:
        scene = PlotScene(grid=(20, 20), arrows=True, field=True)
        scene.set_objective(bowl_result.objective)
        scene.set_trajectories(bowl_result.trajectories, step=3)
        scene.set_curvature(run=0)
        scene.render(320, 240)
        gone = weakref.ref(scene)
        del scene
        assert gone() is None
    finally:
        gc.enable()


def test_norm_grid_is_log10_of_the_gradients_length():
    from gradient_studio.scene.gradient_colouring import norm_grid

    class Steep:  # ∇f = (x·1e200, y): beyond 1e154 its square overflows
        def gradient(self, x, y):
            x, y = np.broadcast_arrays(x, y)
            return np.stack([x * 1e200, y], axis=-1)

    u = norm_grid(Steep(), np.array([1.0, 2.0, 0.0]), np.array([0.0, 3.0]))
    np.testing.assert_allclose(u[:, :2], [[200.0, 200 + math.log10(2)]] * 2)
    assert u[1, 2] == pytest.approx(math.log10(3.0))
    assert u[0, 2] == u[1, 2]  # ∇f = 0 exactly: the lowest finite value, not −∞
    bowl = Objective.from_text("x^2 + 3*y^2")
    xs, ys = np.linspace(-1, 1, 6), np.linspace(-2, 2, 4)  # (no point on the minimum)
    g = np.hypot(2 * xs[None, :], 6 * ys[:, None])
    np.testing.assert_allclose(norm_grid(bowl, xs, ys), np.log10(g), rtol=1e-12)


def test_a_small_view_gets_a_brief_key(race_scene):
    race_scene.set_arrows("readable")
    race_scene.set_field(True)
    race_scene.set_curvature(run=0)
    race_scene.render(1200, 900)
    full = race_scene.overlays.key.texts()
    assert "∇f: uphill, the direction of fastest increase" in full
    race_scene.render(480, 360)  # (a resize re-words the key at the next paint)
    race_scene.render(480, 360)
    brief = race_scene.overlays.key.texts()
    assert "∇f: uphill" in brief and len(brief) < len(full)
    assert race_scene.overlays.key.size().height() < race_scene.plot.vb.height() - 20


@pytest.mark.parametrize("size", [(640, 480), (800, 600), (1600, 1000)])
def test_the_key_never_covers_the_legend_and_stays_in_view(race_scene, size):
    race_scene.set_arrows("readable")
    race_scene.set_field(True)
    race_scene.set_curvature((-1.0, 1.0))
    for _ in range(2):  # (the second paint places the key re-worded for the size)
        race_scene.render(*size)
    key, legend = race_scene.overlays.key, race_scene.legend
    view = race_scene.plot.vb.sceneBoundingRect()
    for card in (key, legend):
        assert view.contains(card.sceneBoundingRect())
    assert not key.sceneBoundingRect().intersects(legend.sceneBoundingRect())


def test_a_key_stacked_on_the_legend_follows_it_when_it_folds(scene):
    scene.set_arrows("readable")
    scene.render(1200, 900)
    key, legend = scene.overlays.key, scene.legend
    assert scene.overlays._placed[1][0] is key  # stacked on the legend
    gap = key.sceneBoundingRect().top() - legend.sceneBoundingRect().bottom()
    legend.set_collapsed(True)
    scene.render(1200, 900)
    assert key.sceneBoundingRect().top() - legend.sceneBoundingRect().bottom() == pytest.approx(gap)
