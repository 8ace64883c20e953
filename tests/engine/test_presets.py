"""Presets: each parses, its known minima are stationary points with the known value, and
the suggested race is telling."""

import numpy as np
import pytest

from gradient_studio.engine import PRESETS, Objective, OptimizerChoice, Race, run

NON_SMOOTH_AT_MINIMUM = {"ackley"}  # a cone tip: the gradient is undefined there
DEFAULT_RACE = ("sgd", "momentum", "adam")  # what the window races first


def objective(preset):
    return Objective.from_text(preset.text, preset.values)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_is_complete(name):
    p = PRESETS[name]
    obj = objective(p)
    assert p.xrange[0] < p.start[0] < p.xrange[1]
    assert p.yrange[0] < p.start[1] < p.yrange[1]
    assert np.isfinite(obj.value(*p.start))
    _, _, z = obj.grid(p.xrange, p.yrange, (50, 50))
    assert np.isfinite(z).all()
    for m in p.minima:
        assert p.xrange[0] <= m[0] <= p.xrange[1] and p.yrange[0] <= m[1] <= p.yrange[1]


@pytest.mark.parametrize(
    "name", sorted(n for n in PRESETS if PRESETS[n].minima and n not in NON_SMOOTH_AT_MINIMUM)
)
def test_known_minima_are_minima_with_the_known_value(name):
    p = PRESETS[name]
    obj = objective(p)
    for m in p.minima:
        point = np.array(m, dtype=float)
        # The tabulated minimisers carry 4-7 digits: polish with a few Newton steps, then
        # the gradient must vanish, the point must not move far, and the value must match.
        for _ in range(8):
            point = point - np.linalg.solve(obj.hessian(*point), obj.gradient(*point))
        assert np.linalg.norm(obj.gradient(*point)) < 1e-8
        assert np.linalg.norm(point - m) < 1e-3
        assert obj.value(*point) == pytest.approx(p.minimum_value, abs=1e-4)
        assert np.all(np.linalg.eigvalsh(obj.hessian(*point)) > 0)  # a minimum, not a saddle


def test_ackley_minimum_value_and_neighbourhood():
    p = PRESETS["ackley"]
    obj = objective(p)
    assert obj.value(0.0, 0.0) == pytest.approx(0.0, abs=1e-12)
    ring = np.array([(np.cos(t) * 1e-3, np.sin(t) * 1e-3) for t in np.linspace(0, 6, 12)])
    assert (obj.value_at(ring) > 0).all()


def test_rosenbrock_suggested_race_is_telling():
    """Momentum sweeps along the valley while plain gradient descent crawls."""
    race = Race.create(
        preset="rosenbrock",
        optimizers=[OptimizerChoice("sgd"), OptimizerChoice("momentum"), OptimizerChoice("adam")],
    )
    sgd, momentum, adam = race.run().trajectories
    distance = {
        t.optimizer: np.linalg.norm(t.points[-1] - [1.0, 1.0]) for t in (sgd, momentum, adam)
    }
    assert distance["momentum"] < distance["sgd"] / 2
    assert distance["adam"] < distance["sgd"] / 2
    assert all(t.status != "diverged" for t in (sgd, momentum, adam))


@pytest.mark.parametrize("name", ["booth", "matyas", "ill-conditioned", "rosenbrock"])
def test_newton_converges_on_convex_presets(name):
    p = PRESETS[name]
    t = run(objective(p), ["newton"], p.start, 100).trajectory(0, 0)
    assert t.status == "converged"
    assert np.linalg.norm(t.points[-1] - p.minima[0]) < 1e-6


@pytest.mark.parametrize("name", ["booth", "matyas", "ill-conditioned", "himmelblau"])
def test_suggested_adam_ends_near_a_known_minimum(name):
    p = PRESETS[name]
    race = Race.create(preset=name, optimizers=[OptimizerChoice("adam")], steps=2000)
    t = race.run().trajectory(0, 0)
    assert min(np.linalg.norm(t.points[-1] - m) for m in p.minima) < 0.05


def view_diagonal(p):
    return float(np.hypot(p.xrange[1] - p.xrange[0], p.yrange[1] - p.yrange[0]))


@pytest.mark.parametrize("name", ["himmelblau", "three-hump-camel", "six-hump-camel", "rastrigin"])
def test_the_first_race_ends_in_visibly_different_places(name):
    """The window's first race (gradient descent, momentum, Adam) must not end at one
    point: some end points lie a twentieth of the view's diagonal apart (~70 px in a
    1200x900 picture, one Rastrigin trap), and every path runs at least that far (not a
    dot at the start)."""
    p = PRESETS[name]
    race = Race.create(preset=name, optimizers=[OptimizerChoice(n) for n in DEFAULT_RACE])
    runs = race.run().trajectories
    ends = [t.points[-1] for t in runs]
    apart = max(np.linalg.norm(a - b) for a in ends for b in ends)
    assert apart >= 0.05 * view_diagonal(p)
    for t in runs:
        assert t.status != "diverged", t.optimizer
        assert np.linalg.norm(np.diff(t.points, axis=0), axis=1).sum() >= 0.05 * view_diagonal(p)


def test_three_runs_from_one_start_find_three_of_himmelblaus_minima():
    p = PRESETS["himmelblau"]
    race = Race.create(preset="himmelblau", optimizers=[OptimizerChoice(n) for n in DEFAULT_RACE])
    nearest = {
        int(np.argmin([np.linalg.norm(t.points[-1] - m) for m in p.minima]))
        for t in race.run().trajectories
    }
    assert len(nearest) == 3
