"""Gradient transforms and schedules inside real runs: steps by hand, every optimiser the
same in both engine paths, and the noise: seeded, per-step variance σₜ² = η/(1 + t)^γ."""

import json
import math

import numpy as np
import pytest

from gradient_studio.engine import OPTIMIZERS, Objective, OptimizerChoice, run, stream
from gradient_studio.engine import runner as runner_module
from gradient_studio.engine.schedules import Schedule
from gradient_studio.engine.transforms import (
    Clipping,
    GradientNoise,
    GradientTransform,
    NoiseDraws,
    Training,
)

BOWL = Objective.from_text("x^2 + 3y^2")
PLANE = Objective.from_text("x + 2y")  # ∇f = (1, 2) everywhere: steps show the gradient seen


def sgd(lr):
    return OptimizerChoice("sgd", {"lr": lr})


def test_clip_by_norm_by_hand(path):
    # ∇f = (1, 2), ‖∇f‖ = √5; max_norm 1: g · 1/(√5 + 1e-6); lr 1 moves by −g
    t = run(PLANE, [sgd(1.0)], (0.0, 0.0), 2, training=Training(clip=Clipping("norm", 1.0)))
    scale = 1.0 / (math.sqrt(5) + 1e-6)
    np.testing.assert_allclose(t.trajectory(0, 0).points[1], [-scale, -2 * scale], rtol=1e-15)


def test_clip_by_norm_leaves_a_small_gradient_alone(path):
    training = Training(clip=Clipping("norm", 10.0))
    t = run(PLANE, [sgd(0.5)], (0.0, 0.0), 3, training=training).trajectory(0, 0)
    np.testing.assert_array_equal(t.points, [[0, 0], [-0.5, -1], [-1, -2], [-1.5, -3]])


def test_clip_by_value_by_hand(path):
    t = run(PLANE, [sgd(1.0)], (0.0, 0.0), 1, training=Training(clip=Clipping("value", 1.5)))
    np.testing.assert_array_equal(t.trajectory(0, 0).points[1], [-1.0, -1.5])


def test_clipping_tames_a_diverging_gradient_descent(path):
    wild = run(BOWL, [sgd(0.4)], (3.0, 2.0), 100).trajectory(0, 0)
    assert wild.status == "diverged"  # 1 − 0.4·6 = −1.4: y grows 1.4x a step
    tamed = run(BOWL, [sgd(0.4)], (3.0, 2.0), 100, training=Training(clip=Clipping("norm", 0.5)))
    t = tamed.trajectory(0, 0)
    assert t.status == "max-steps" and np.abs(t.points).max() < 4


def test_the_schedule_sets_each_steps_lr_by_hand(path):
    training = Training(Schedule("step", {"step_size": 2, "gamma": 0.5}))
    t = run(PLANE, [sgd(1.0)], (0.0, 0.0), 4, training=training).trajectory(0, 0)
    # lr 1, 1, 0.5, 0.5: x moves −1, −1, −0.5, −0.5
    np.testing.assert_array_equal(t.points[:, 0], [0, -1, -2, -2.5, -3])
    np.testing.assert_array_equal(t.lr, [1, 1, 1, 0.5, 0.5])  # row 0: the first step's


def test_a_scheduled_lr_starts_rprop_at_its_first_value(path):
    # torch's Rprop takes its first step size from group["lr"] after the scheduler set it
    training = Training(Schedule("linear", {"start_factor": 0.5}))
    t = run(PLANE, [OptimizerChoice("rprop", {"lr": 0.2})], (0.0, 0.0), 1, training=training)
    np.testing.assert_allclose(t.trajectory(0, 0).points[1], [-0.1, -0.1])


TRAININGS = {
    "plain": Training(),
    "onecycle": Training(Schedule("onecycle")),
    "cosine+clip-norm": Training(Schedule("cosine", {"T_max": 50}), Clipping("norm", 0.5)),
    "linear+clip-value+noise": Training(
        Schedule("linear"), Clipping("value", 0.3), GradientNoise(seed=3)
    ),
    "noise+clip-norm": Training(noise=GradientNoise(0.5, 0.2, 7), clip=Clipping("norm", 2.0)),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("label", TRAININGS)
def test_fast_path_and_array_path_agree_with_training(name, label, monkeypatch):
    obj = Objective.from_text("(1 - x)^2 + 10(y - x^2)^2")
    choice = OptimizerChoice(name, {"lr": 1e-3} if name not in ("newton", "adadelta") else {})
    starts = [(-1.2, 1.0), (0.3, -0.4)]
    training = TRAININGS[label]
    fast = run(obj, [choice], starts, 300, training=training)
    monkeypatch.setattr(runner_module, "FAST_PATH_MAX_STARTS", 0)
    array = run(obj, [choice], starts, 300, training=training)
    # Newton with lr 1 jumps about chaotically once the noise shakes it: a one-ulp
    # difference between the two paths' Hessian code (first near step 10) grows ~30% a
    # step (as it does without noise from some starts), so it is held to its first 20
    # steps. Every first-order rule agrees to the last bits over the whole run.
    chaotic = name == "newton" and training.noise is not None
    rows = slice(0, 21) if chaotic else slice(None)
    for j in range(len(starts)):
        a, b = fast.trajectory(0, j), array.trajectory(0, j)
        assert (a.status, a.stop) == (b.status, b.stop)
        np.testing.assert_allclose(a.points[rows], b.points[rows], rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(a.lr, b.lr)


def test_transforms_run_in_order_noise_then_clipping():
    transform = GradientTransform(Training(clip=Clipping("norm", 1.0), noise=GradientNoise(seed=0)))
    grads = np.array([[0.0, 0.0]])
    noise = np.array([[3.0, 4.0]])
    # noise first makes g = (3, 4); clipping then scales it to norm 1 (the given norm, 0,
    # is that of the gradient before the noise and must not be used)
    out = transform(grads, np.array([0.0]), noise)
    np.testing.assert_allclose(out, [[0.6, 0.8]], rtol=1e-6)


# -- noise ------------------------------------------------------------------------------


def noisy(seed, starts=((0.0, 0.0),), steps=40, **kw):
    training = Training(noise=GradientNoise(seed=seed, **kw))
    return run(PLANE, [sgd(1.0)], list(starts), steps, training=training).batches[0].points


def test_noise_repeats_with_its_seed_and_changes_with_another(path):
    np.testing.assert_array_equal(noisy(5), noisy(5))
    assert not np.allclose(noisy(5), noisy(6))


def test_noise_is_the_same_in_both_paths(monkeypatch):
    starts = [(0.0, 0.0), (1.0, -1.0), (2.0, 0.5)]
    fast = noisy(11, starts)
    monkeypatch.setattr(runner_module, "FAST_PATH_MAX_STARTS", 0)
    np.testing.assert_array_equal(fast, noisy(11, starts))


def test_noise_draws_are_the_documented_layout():
    # standard normals of SFC64(seed) in the order (step, coordinate, start), times σₖ
    noise = GradientNoise(eta=0.3, gamma=0.55, seed=42)
    z = np.random.Generator(np.random.SFC64(42)).standard_normal((30, 2, 3))
    sigma = np.sqrt(0.3 / (1.0 + np.arange(30)) ** 0.55)
    expected = z * sigma[:, None, None]
    kept = NoiseDraws(noise, 3, 30, keep=True)
    np.testing.assert_array_equal(kept.rows(0, 30), expected)
    streamed = NoiseDraws(noise, 3, 30, keep=False)
    blocks = [streamed.rows(a, min(a + 7, 30)) for a in range(0, 30, 7)]
    np.testing.assert_array_equal(np.concatenate(blocks), expected)


def test_a_long_array_run_draws_noise_in_blocks(monkeypatch):
    monkeypatch.setattr("gradient_studio.engine.transforms.NOISE_BLOCK_BYTES", 16 * 20 * 5)
    starts = [(0.0, float(j)) for j in range(20)]  # 20 starts: the array path, 5 rows a block
    whole = noisy(3, starts, steps=23)
    monkeypatch.undo()
    np.testing.assert_array_equal(whole, noisy(3, starts, steps=23))


def test_noise_variance_per_step_is_eta_over_one_plus_t_to_the_gamma():
    """On f = x + 2y with lr 1 each step moves by −(∇f + noise): over 20,000 starts the
    sample variance of each step's move estimates σₜ². Its relative standard error is
    √(2/20000) = 1%; the tolerance is 5% (five standard errors), with a fixed seed."""
    n, steps, eta, gamma = 20_000, 30, 0.3, 0.55
    points = noisy(2026, np.zeros((n, 2)), steps=steps, eta=eta, gamma=gamma)
    moves = -np.diff(points, axis=0) - np.array([1.0, 2.0])  # the noise of steps t = 0 … 29
    sigma2 = eta / (1.0 + np.arange(steps)) ** gamma
    for c in range(2):
        variance = moves[:, :, c].var(axis=1)
        np.testing.assert_allclose(variance / sigma2, 1.0, atol=0.05)
        mean = moves[:, :, c].mean(axis=1)
        assert (np.abs(mean) < 5 * np.sqrt(sigma2 / n)).all()


def test_noise_options_are_checked():
    with pytest.raises(ValueError, match="gamma must be 0 or more"):
        GradientNoise(gamma=-0.5)
    with pytest.raises(ValueError, match="eta must be above 0"):
        GradientNoise(eta=0.0)
    with pytest.raises(ValueError, match="seed must be a whole number"):
        GradientNoise(seed=1.5)
    with pytest.raises(ValueError, match="clip norm must be above 0"):
        Clipping("norm", 0.0)
    with pytest.raises(ValueError, match="clip by 'norm' or 'value'"):
        Clipping("size", 1.0)


def test_training_round_trips_through_json():
    training = Training(
        Schedule("onecycle", {"pct_start": 0.4}), Clipping("value", 0.5), GradientNoise(0.1, 0.3, 9)
    )
    data = json.loads(json.dumps(training.to_dict(200)))
    assert data["schedule"] == {
        "name": "onecycle",
        "total_steps": 200,
        "pct_start": 0.4,
        "div_factor": 25.0,
        "final_div_factor": 1e4,
        "cycle_momentum": True,
        "base_momentum": 0.85,
        "max_momentum": 0.95,
    }
    assert data["clip"] == {"value": 0.5}
    assert data["noise"] == {"eta": 0.1, "gamma": 0.3, "seed": 9}
    again = Training.from_dict(data)
    assert again.to_dict(200) == training.to_dict(200)
    assert Training.from_dict({}) == Training()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "training must be an object"),
        ({"sched": {}}, "training has no field 'sched'"),
        ({"schedule": {"name": "cosine", "T_max": 0}}, "training.schedule: T_max"),
        ({"schedule": {"name": "cosine", "T_max": "ten"}}, "training.schedule.T_max"),
        ({"schedule": "cosine"}, "training.schedule must be an object"),
        ({"clip": {"norm": -1}}, "training.clip: the clip norm must be above 0"),
        ({"clip": {"norm": 1, "value": 2}}, "training.clip must be"),
        ({"noise": {"eta": 0.3, "seed": -1}}, "training.noise seed"),
        ({"noise": {"sigma": 1}}, "training.noise must be"),
    ],
)
def test_training_from_a_file_names_the_bad_field(data, message):
    with pytest.raises(ValueError, match=message):
        Training.from_dict(data)


def test_training_is_one_frozen_hashable_value():
    def make(t_max):
        return Training(
            Schedule("cosine", {"T_max": t_max}), Clipping("norm", 1.0), GradientNoise()
        )

    a = make(5)
    assert a == make(5) and hash(a) == hash(make(5)) and a != make(6)
    assert len({a, make(5), make(6)}) == 2  # a job queue or a cache can key on it
    with pytest.raises(AttributeError):
        a.clip = None  # type: ignore[misc]


def test_noise_drawn_ahead_in_blocks_is_the_same_whatever_the_chunks(monkeypatch):
    monkeypatch.setattr("gradient_studio.engine.transforms.NOISE_BLOCK_BYTES", 16 * 20 * 4)
    starts = [(0.0, float(j)) for j in range(20)]  # the array path, blocks of 4 rows
    training = Training(noise=GradientNoise(seed=8))
    whole = run(PLANE, [sgd(0.5)], starts, 30, training=training).batches[0].points
    *_, streamed = stream(PLANE, [sgd(0.5)], starts, 30, chunk=7, training=training)
    np.testing.assert_array_equal(streamed.batches[0].points, whole)
    draws = NoiseDraws(GradientNoise(seed=8), 20, 30, keep=False)
    with pytest.raises(ValueError, match="span two blocks"):
        draws.rows(2, 6)
