"""Basin maps, learning-rate sweeps and hyperparameter maps, against independent reckoning."""

import math

import numpy as np
import pytest

from gradient_studio.engine import PRESETS, Objective, OptimizerChoice, Training, run
from gradient_studio.engine.basins import (
    ATTRACTED,
    DIVERGED_KIND,
    MOVING,
    SADDLE,
    basin_map,
    grid_starts,
    refine_basin_maps,
)
from gradient_studio.engine.final import CODES, final_states, iter_final_states
from gradient_studio.engine.maps import axis, check_work, levels
from gradient_studio.engine.sweeps import Axis, hyper_map, lr_sweep, refine_hyper_maps

HIMMELBLAU = PRESETS["himmelblau"]
HIMMELBLAU_F = Objective.from_text(HIMMELBLAU.text)


def _plain_gradient_descent(x, y, lr, steps):
    """Himmelblau by hand: f = (x² + y − 11)² + (x + y² − 7)², one start at a time."""
    for _ in range(steps):
        a, b = x * x + y - 11.0, x + y * y - 7.0
        gx, gy = 4.0 * a * x + 2.0 * b, 2.0 * a + 4.0 * b * y
        if math.hypot(gx, gy) < 1e-8:
            break
        x, y = x - lr * gx, y - lr * gy
    return x, y


def test_basin_shares_on_himmelblau_match_a_plain_loop():
    m = basin_map(
        HIMMELBLAU_F,
        OptimizerChoice("sgd", {"lr": 0.01}),
        (-5, 5),
        (-5, 5),
        (31, 29),
        300,
        known=HIMMELBLAU.minima,
        compiled=False,
    )
    minima = np.array(HIMMELBLAU.minima)
    counts = np.zeros(len(minima), int)
    for x, y in grid_starts(m.xs, m.ys):
        ex, ey = _plain_gradient_descent(float(x), float(y), 0.01, 300)
        d = np.hypot(minima[:, 0] - ex, minima[:, 1] - ey)
        assert d.min() < 1e-4
        counts[np.argmin(d)] += 1
    assert [a.id for a in m.attractors] == [0, 1, 2, 3]  # the preset's minima keep their ids
    for a in m.attractors:
        assert a.minimum and np.hypot(*(np.subtract(a.point, minima[a.id]))) < 1e-6
    # The same starts go the same way, but for a start or two on a basin's very edge.
    assert np.abs([a.count for a in m.attractors] - counts).sum() <= 2
    assert math.isclose(sum(a.share for a in m.attractors), 1.0)
    assert (m.kind == ATTRACTED).all()


def test_a_saddle_is_grey_and_a_run_off_to_infinity_is_diverged():
    saddle = Objective.from_text("x^2 - y^2")
    # Starts on y = 0 slide into the saddle at the origin; the others run off (diverge).
    m = basin_map(saddle, OptimizerChoice("sgd", {"lr": 0.4}), (-1, 1), (-1, 1), (5, 5), 200)
    on_axis = np.isclose(grid_starts(m.xs, m.ys)[:, 1], 0.0)
    assert (m.kind[on_axis] == SADDLE).all()
    assert (m.kind[~on_axis] == DIVERGED_KIND).all()
    (origin,) = m.attractors
    assert not origin.minimum and origin.kind == "saddle or maximum"
    assert origin.share == pytest.approx(5 / 25)


def test_runs_that_have_not_arrived_are_still_moving():
    m = basin_map(HIMMELBLAU_F, OptimizerChoice("sgd", {"lr": 1e-5}), (-5, 5), (-5, 5), (6, 6), 20)
    assert (m.kind == MOVING).all() and m.attractors == () and (m.attractor == -1).all()


def test_a_map_is_coarse_first_and_keeps_its_colours():
    maps = list(
        refine_basin_maps(
            HIMMELBLAU_F,
            OptimizerChoice("sgd", {"lr": 0.01}),
            (-5, 5),
            (-5, 5),
            (100, 100),
            200,
            compiled=False,
        )
    )
    assert [m.shape for m in maps] == [(25, 25), (50, 50), (100, 100)]
    first = {a.id: a.point for a in maps[0].attractors}
    for m in maps[1:]:
        for a in m.attractors:
            assert np.allclose(a.point, first[a.id], atol=1e-6)  # same place, same id


def test_an_attractor_not_found_on_one_level_keeps_its_id_for_the_next():
    from gradient_studio.engine.basins import Attractor, carried

    found = [
        Attractor(0, (3.0, 2.0), 0.0, True, 0.5, 1),
        Attractor(3, (1.0, 1.0), 0.0, True, 0.5, 1),
    ]
    known = [(3.0, 2.0), (-2.8, 3.1), (-3.8, -3.3)]
    places = carried(known, found)
    assert places[:3] == known and places[3] == (1.0, 1.0)
    assert carried([], found)[0] == (3.0, 2.0) and math.isnan(carried([], found)[1][0])
    # and a map given a place that is nan simply finds nothing there
    m = basin_map(
        HIMMELBLAU_F,
        OptimizerChoice("sgd", {"lr": 0.01}),
        (-5, 5),
        (-5, 5),
        (9, 9),
        300,
        known=[(math.nan, math.nan), *HIMMELBLAU.minima[1:]],
    )
    assert sorted(a.id for a in m.attractors) == [1, 2, 3, 4]


def test_levels_and_axes():
    assert levels((200, 200)) == [(25, 25), (50, 50), (100, 100), (200, 200)]
    assert levels((10, 30)) == [(10, 30)]
    assert levels((1000, 600))[0] == (32, 19)
    np.testing.assert_array_equal(axis(-1, 1, 5), [-1, -0.5, 0, 0.5, 1])
    lrs = axis(1e-5, 10, 60, log=True)
    assert lrs[0] == 1e-5 and lrs[-1] == 10 and np.allclose(np.diff(np.log10(lrs)), 6 / 59)
    with pytest.raises(ValueError, match="low to high"):
        axis(1, -1, 5)
    with pytest.raises(ValueError, match="above 0"):
        axis(0, 1, 5, log=True)
    with pytest.raises(ValueError, match="at most 1000000"):
        check_work(1001 * 1000, 10)


def test_cancelling_a_map_midway_stops_it_and_says_so():
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 7  # the first chunk asks 5 times (every 64 steps, then at its end)

    starts = grid_starts(axis(-5, 5, 100), axis(-5, 5, 100))
    seen = list(
        iter_final_states(HIMMELBLAU_F, "sgd", starts, 300, chunk=1000, cancelled=cancelled)
    )
    assert len(seen) == 2  # stopped in the second chunk, within 64 steps of being asked
    done = seen[-1].code != 0
    assert done[:1000].all() and not done[1000:].any()  # the rest never finished
    assert (
        basin_map(HIMMELBLAU_F, "sgd", (-5, 5), (-5, 5), (60, 60), 300, cancelled=lambda: True)
        is None
    )


def test_final_states_are_the_runs_last_steps():
    starts = np.random.default_rng(0).uniform(-6, 6, (40, 2))
    choice = OptimizerChoice("adam", {"lr": 0.5})
    result = run(HIMMELBLAU_F, [choice], starts, 120)
    out = final_states(HIMMELBLAU_F, choice, starts, 120, chunk=7)
    for j in range(len(starts)):
        t = result.trajectory(0, j)
        np.testing.assert_array_equal(out.end[j], t.points[-1])
        assert (out.steps[j], out.status(j)) == (t.stop, t.status)
        assert out.f[j] == t.f[-1]
    assert CODES[0] == "running"


def _quadratic():
    return Objective.from_text("x^2 + 10y^2")  # Hessian diag(2, 20): λmax = 20


def test_the_sweeps_divergence_edge_is_2_over_lambda_max():
    s = lr_sweep(_quadratic(), ["sgd"], (1.0, 1.0), (1e-3, 1.0), 80, 2000, compiled=False)
    (mark,) = s.marks
    assert mark.label == "2/λmax" and mark.lr == 2 / 20
    assert s.eigenvalues == (2.0, 20.0)
    diverged = s.curves["sgd"].diverged
    np.testing.assert_array_equal(diverged, s.lrs > 2 / 20)


def test_the_momentum_edge_is_2_plus_2_beta_over_lambda_max():
    choice = OptimizerChoice("momentum", {"momentum": 0.5})
    s = lr_sweep(_quadratic(), [choice], (1.0, 1.0), (1e-3, 1.0), 80, 2000, compiled=False)
    (mark,) = s.marks
    assert mark.lr == pytest.approx(3 / 20)
    np.testing.assert_array_equal(s.curves["momentum"].diverged, s.lrs > 3 / 20)
    steps = s.curves["momentum"].steps_to_converge
    assert np.isnan(steps[s.lrs > 3 / 20]).all() and np.nanmin(steps) > 0


def test_the_sweep_refuses_learning_rates_the_optimiser_does_not_take():
    with pytest.raises(ValueError, match="from 1e-05 to 10"):
        lr_sweep(_quadratic(), ["adam"], (1, 1), (1e-6, 1.0))
    with pytest.raises(ValueError, match="low to high"):
        lr_sweep(_quadratic(), ["adam"], (1, 1), (1.0, 1e-3))


def test_the_momentum_phase_diagram():
    # Distill's picture: on an ill-conditioned quadratic, more momentum lets a larger lr
    # converge; every run at lr > (2 + 2β)/λmax diverges.
    ill = Objective.from_text("0.5x^2 + 50y^2")  # λ = 1 and 100
    m = hyper_map(
        ill,
        "momentum",
        Axis("lr", 1e-3, 0.1, log=True),
        Axis("momentum", 0.0, 0.9),
        (1.0, 1.0),
        (30, 20),
        1500,
        compiled=False,
    )
    assert m.shape == (30, 20)
    lr, beta = np.meshgrid(m.xs, m.ys)
    diverged = (m.final.code == 2).reshape(m.shape)
    edge = (2 + 2 * beta) / 100
    np.testing.assert_array_equal(
        diverged[np.abs(lr / edge - 1) > 0.02], (lr > edge)[np.abs(lr / edge - 1) > 0.02]
    )
    edge = m.stability_edge(5)
    np.testing.assert_allclose(edge[:, 0], (2 + 2 * np.linspace(0, 0.9, 5)) / 100)
    np.testing.assert_allclose(edge[:, 1], np.linspace(0, 0.9, 5))
    coarse, *_ = refine_hyper_maps(
        ill,
        "momentum",
        Axis("lr", 1e-3, 0.1, True),
        Axis("momentum", 0, 0.9),
        (1, 1),
        (100, 100),
        50,
        compiled=False,
    )
    assert coarse.shape == (25, 25)


def test_only_momentums_lr_and_momentum_map_has_a_theory_edge():
    quad = _quadratic()
    adam = hyper_map(
        quad, "adam", Axis("lr", 1e-3, 0.1, True), Axis("beta1", 0, 0.9), (1, 1), (3, 3), 5
    )
    assert adam.stability_edge() is None
    flipped = hyper_map(
        quad, "momentum", Axis("momentum", 0, 0.9), Axis("lr", 1e-3, 0.1), (1, 1), (3, 3), 5
    )
    np.testing.assert_allclose(flipped.stability_edge(2), [[0, 0.1], [0.9, 0.19]])
    saddle = Objective.from_text("-x^2 - y^2")
    assert (
        hyper_map(
            saddle, "momentum", Axis("lr", 1e-3, 0.1), Axis("momentum", 0, 0.9), (1, 1), (3, 3), 5
        ).stability_edge()
        is None
    )


def test_hyper_map_axes_are_checked():
    quad = _quadratic()
    with pytest.raises(KeyError, match="no hyperparameter 'beta9'"):
        hyper_map(quad, "adam", Axis("lr", 1e-3, 1, True), Axis("beta9", 0, 1), (1, 1), (4, 4), 5)
    with pytest.raises(ValueError, match="different"):
        hyper_map(quad, "adam", Axis("lr", 1e-3, 1), Axis("lr", 1e-3, 1), (1, 1), (4, 4), 5)
    with pytest.raises(ValueError, match=r"between 0 and 0\.999"):
        hyper_map(quad, "adam", Axis("lr", 1e-3, 1), Axis("beta1", 0, 1), (1, 1), (4, 4), 5)


def test_the_first_picture_comes_from_numpy_before_the_kernel_is_ready():
    objective = Objective.from_text("(x^2 + y - 11)^2 + (x + y^2 - 7)^2 + 0.01x")
    first = next(refine_basin_maps(objective, "sgd", (-5, 5), (-5, 5), (200, 200), 300))
    assert first.shape == (25, 25) and first.final.path == "numpy"  # nothing compiled: no wait
    from gradient_studio.engine import compiled

    spec = OptimizerChoice("sgd").spec
    assert compiled.kernel_for(objective, spec, Training()) is None
    assert compiled.prepare(objective, spec, Training()) is not None
    later = next(refine_basin_maps(objective, "sgd", (-5, 5), (-5, 5), (200, 200), 300))
    assert later.final.path == "compiled"
    np.testing.assert_array_equal(later.attractor, first.attractor)
