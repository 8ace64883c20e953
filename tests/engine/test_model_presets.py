"""The five model presets: each first race shows its lesson, untouched."""

from __future__ import annotations

import numpy as np
import pytest

from gradient_studio.engine import OptimizerChoice
from gradient_studio.engine.data import DATASETS
from gradient_studio.engine.models import MODEL_PRESETS, ModelRace


def race(name: str, **options):
    return ModelRace.create(preset=name, **options).run()


def by_optimizer(result, name: str):
    return [t for t in result.trajectories if t.optimizer == name]


def test_every_preset_has_its_lesson_and_a_view_with_its_starts_inside():
    assert list(MODEL_PRESETS) == [
        "linear-regression", "logistic-separable", "tanh-unit", "two-layer-linear", "deep-chain",
    ]  # fmt: skip
    for p in MODEL_PRESETS.values():
        assert len(p.description) > 200 and p.dataset in DATASETS
        assert p.optimizers, "the first race names its optimisers"
        for x, y in p.starts or (p.start,):
            assert p.xrange[0] < x < p.xrange[1] and p.yrange[0] < y < p.yrange[1]


def test_linear_regression_gradient_descent_crawls_and_diverges_above_two_over_l():
    result = race("linear-regression")
    (gd,) = by_optimizer(result, "sgd")
    best = np.array([1.512, 3.94775])
    assert np.linalg.norm(gd.points[-1] - best) > 5  # 400 steps, far from the minimum
    assert gd.f[-1] < gd.f[0] / 100  # but well down into the valley
    for lr, status in ((0.0096, "max-steps"), (0.0098, "diverged")):
        run = race("linear-regression", optimizers=[OptimizerChoice("sgd", {"lr": lr})], steps=3000)
        assert run.trajectories[0].status == status


def test_normalised_linear_regression_is_a_round_bowl_crossed_in_one_step():
    r = ModelRace.create(preset="linear-regression", normalize=True)
    objective = r.objective()
    ((w, b),) = r.starts
    assert r.xrange[0] < 2.138 < r.xrange[1] and r.yrange[0] < 19.07 < r.yrange[1]
    assert np.allclose(objective.hessian(w, b), 2 * np.eye(2))
    (one,) = ModelRace.create(
        preset="linear-regression", normalize=True,
        optimizers=[OptimizerChoice("sgd", {"lr": 0.5})], steps=2,
    ).run().trajectories  # fmt: skip
    assert np.linalg.norm(objective.gradient(*one.points[1])) < 1e-9


def test_logistic_separable_weights_grow_while_the_loss_creeps_to_zero():
    for t in race("logistic-separable").trajectories:
        w = t.points[:, 0]
        assert t.status == "max-steps"
        assert (np.diff(w[50:]) > 0).all()  # still growing at the last step
        assert t.f[-1] < t.f[-100] < 0.01  # creeping towards 0, never there
        if t.optimizer == "sgd":
            assert (np.diff(t.f) < 0).all()


def test_tanh_unit_mirror_starts_end_in_mirror_minima_and_the_saddle_holds_still():
    result = race("tanh-unit")
    ends = {t.start: t.points[-1] for t in by_optimizer(result, "sgd")}
    a, b = ends[(0.3, -0.4)], ends[(-0.3, 0.4)]
    assert np.allclose(a, -b, atol=1e-3) and a[0] * a[1] > 0  # (−1.28, −1.97), (1.28, 1.97)
    assert np.allclose(np.abs(a), [1.28, 1.97], atol=0.02)
    objective = ModelRace.create(preset="tanh-unit").objective()
    assert np.all(objective.gradient(0.0, 0.0) == 0)  # the saddle
    assert np.linalg.eigvalsh(objective.hessian(0.0, 0.0)).min() < 0
    plateau = next(t for t in by_optimizer(result, "sgd") if t.start == (3.6, 0.3))
    assert plateau.points[-1][0] > 2.5  # 400 steps along w1 on the plateau: barely moved


def test_two_layer_large_steps_settle_in_the_flattest_part_of_the_valley():
    result = race("two-layer-linear")
    (gd,) = by_optimizer(result, "sgd")  # lr 0.25
    (momentum,) = by_optimizer(result, "momentum")  # lr 0.005
    for t in (gd, momentum):
        assert t.points[-1][0] * t.points[-1][1] == pytest.approx(1.56, abs=0.03)
    assert gd.status == "converged"
    assert np.sum(gd.points[-1] ** 2) < 3.3 < np.sum(momentum.points[-1] ** 2)
    assert np.abs(np.diff(gd.f[:10])).max() > 0.1  # it bounced first


def test_deep_chain_explodes_then_vanishes_and_adam_walks_in():
    result = race("deep-chain")
    (gd,) = by_optimizer(result, "sgd")
    (adam,) = by_optimizer(result, "adam")
    assert gd.points[0][0] == 1.12 and gd.points[1][0] < 0.45  # one huge step back
    assert np.abs(np.diff(gd.points[1:200, 0])).max() < 0.01  # then a crawl along w
    assert np.allclose(adam.points[-1], [1.0, 0.55], atol=0.02)
    assert gd.grad_norm[0] > 100 * gd.grad_norm[150]
