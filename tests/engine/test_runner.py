"""The runner: statuses, stored arrays, fast and array paths, streaming and cancelling."""

import json

import numpy as np
import pytest

from gradient_studio.engine import (
    OPTIMIZERS,
    STATUSES,
    Objective,
    OptimizerChoice,
    Race,
    Schedule,
    Status,
    Training,
    run,
    stream,
)
from gradient_studio.engine import runner as runner_module

QUADRATIC = Objective.from_text("x^2 + 3y^2")


def sgd(lr):
    return OptimizerChoice("sgd", {"lr": lr})


def test_shapes_and_the_start_row():
    starts = [(1.0, 2.0), (-0.5, 0.25), (0.0, 1.0)]
    result = run(QUADRATIC, ["sgd", "adam"], starts, 50)
    assert len(result.batches) == 2
    for batch in result.batches:
        assert batch.points.shape == (51, 3, 2)
        assert batch.f.shape == batch.grad_norm.shape == (51, 3)
        np.testing.assert_array_equal(batch.points[0], starts)
    assert [t.optimizer for t in result.trajectories] == ["sgd"] * 3 + ["adam"] * 3


def test_sgd_steps_follow_the_gradient_by_hand():
    # x' = x - lr * 2x, y' = y - lr * 6y with lr = 0.1
    t = run(QUADRATIC, [sgd(0.1)], (1.0, 1.0), 2).trajectory(0, 0)
    np.testing.assert_allclose(t.points, [[1, 1], [0.8, 0.4], [0.64, 0.16]])
    np.testing.assert_allclose(t.f, [4, 0.64 + 0.48, 0.64**2 + 3 * 0.16**2])
    np.testing.assert_allclose(t.grad_norm[0], np.hypot(2, 6))


def test_converged_stops_at_the_first_small_gradient():
    t = run(QUADRATIC, [sgd(0.1)], (1.0, 1.0), 10_000).trajectory(0, 0)
    assert t.status == "converged"
    assert t.grad_norm[-1] < runner_module.TOLERANCE
    assert (t.grad_norm[:-1] >= runner_module.TOLERANCE).all()
    assert len(t.points) == t.stop + 1 < 10_000


def test_max_steps_when_nothing_else_happens():
    t = run(QUADRATIC, [sgd(1e-4)], (1.0, 1.0), 20).trajectory(0, 0)
    assert (t.status, t.stop, len(t.points)) == ("max-steps", 20, 21)


@pytest.mark.parametrize("starts", [[(1.0, 1.0)], [(1.0, 1.0)] * 40])  # fast and array paths
def test_diverged_keeps_only_finite_values_and_says_why(starts):
    result = run(QUADRATIC, [sgd(1.5)], starts, 500)
    t = result.trajectory(0, 0)
    assert t.status == "diverged"
    assert np.abs(t.points).max() <= runner_module.BOUND
    assert "try a smaller learning rate" in t.notes[0]
    batch = result.batches[0]
    for arr in (batch.points, batch.f, batch.grad_norm):
        assert np.isfinite(arr).all()
    # after the stop, the arrays repeat the last good step
    np.testing.assert_array_equal(
        batch.points[t.stop + 1 :, 0], np.broadcast_to(t.points[-1], (500 - t.stop, 2))
    )


@pytest.mark.parametrize("n", [1, 40])
def test_left_domain_keeps_the_step_before(n):
    # sqrt(x): from x = 1 with lr = 1, x goes 1 -> 0.5 -> -0.207 where f is undefined.
    obj = Objective.from_text("sqrt(x) + y^2")
    result = run(obj, [sgd(1.0)], [(1.0, 0.0)] * n, 100)
    t = result.trajectory(0, 0)
    assert t.status == "left-domain"
    assert t.stop == 1
    np.testing.assert_allclose(t.points[-1], [0.5, 0.0])
    assert "left the domain at step 2" in t.notes[0]
    assert np.isfinite(result.batches[0].f).all()


@pytest.mark.parametrize("n", [1, 40])
def test_infinite_value_is_divergence(n):
    # log(x^2) falls to -inf at 0: from x = 1 with lr = 0.5 the first step lands exactly there.
    obj = Objective.from_text("log(x^2) + y^2")
    result = run(obj, [sgd(0.5)], [(1.0, 0.0)] * n, 50)
    t = result.trajectory(0, 0)
    assert (t.status, t.stop) == ("diverged", 0)
    assert "infinite" in t.notes[0]
    assert np.isfinite(result.batches[0].f).all()


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_fast_path_and_array_path_agree(name):
    obj = Objective.from_text("(1 - x)^2 + 10(y - x^2)^2")
    choice = OptimizerChoice(name, {"lr": 1e-3} if name not in ("newton", "adadelta") else {})
    one = run(obj, [choice], (-1.2, 1.0), 300)
    many = run(obj, [choice], [(-1.2, 1.0)] * (runner_module.FAST_PATH_MAX_STARTS + 1), 300)
    a, b = one.trajectory(0, 0), many.trajectory(0, 0)
    assert (a.status, a.stop) == (b.status, b.stop)
    np.testing.assert_allclose(a.points, b.points, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(a.f, b.f, rtol=1e-12, atol=1e-12)


def test_fast_path_falls_back_to_numpy_where_math_raises():
    # math.log(-1) raises; numpy answers nan: the run must end as left-domain either way.
    obj = Objective.from_text("log(x) + (x - 2)^2 / 100")
    fast = run(obj, [sgd(1.0)], (0.5, 0.0), 50).trajectory(0, 0)
    slow = run(obj, [sgd(1.0)], [(0.5, 0.0)] * 20, 50).trajectory(0, 0)
    assert fast.status == slow.status == "left-domain"
    np.testing.assert_array_equal(fast.points, slow.points)


def test_stream_yields_growing_results_and_can_be_cancelled():
    seen = []
    calls = iter(range(100))

    def cancelled():
        return next(calls) >= 1  # let two chunks through

    for result in stream(QUADRATIC, [sgd(1e-4)], (1.0, 1.0), 1000, chunk=100, cancelled=cancelled):
        seen.append(result.steps_done)
    assert seen == [99, 199]
    assert not result.finished
    assert result.trajectory(0, 0).status == "running"
    assert len(result.trajectory(0, 0).points) == 200


def test_stream_to_the_end_matches_run():
    *_, streamed = stream(QUADRATIC, ["adam"], [(1.0, 2.0)] * 30, 300, chunk=7)
    whole = run(QUADRATIC, ["adam"], [(1.0, 2.0)] * 30, 300)
    np.testing.assert_array_equal(streamed.batches[0].points, whole.batches[0].points)
    assert streamed.finished


def test_zero_steps_keeps_the_start():
    t = run(QUADRATIC, ["adam"], (1.0, 2.0), 0).trajectory(0, 0)
    assert len(t.points) == 1
    assert t.status in ("max-steps", "converged")


def test_bad_starts_are_refused():
    with pytest.raises(ValueError, match="finite"):
        run(QUADRATIC, ["sgd"], (np.nan, 1.0), 10)
    with pytest.raises(ValueError, match="pairs"):
        run(QUADRATIC, ["sgd"], [1.0, 2.0, 3.0], 10)


def test_unknown_optimizer_or_hyperparameter_is_a_clear_key_error():
    with pytest.raises(KeyError, match="unknown optimizer 'adma'"):
        OptimizerChoice("adma")
    with pytest.raises(KeyError, match="beta3"):
        OptimizerChoice("adam", {"beta3": 0.5})


def test_newton_on_a_saddle_says_it_shifted_the_hessian():
    obj = Objective.from_text("x^2 - y^2 + y^4 / 10")
    t = run(obj, ["newton"], (1.0, 0.5), 30).trajectory(0, 0)
    assert any("positive definite" in note for note in t.notes)
    assert t.f[-1] < t.f[0]


def test_label_names_the_learning_rate():
    assert OptimizerChoice("adam", {"lr": 0.05}).label == "Adam (lr=0.05)"


# -- honest diagnoses -------------------------------------------------------------------


def test_a_saddle_is_told_to_have_no_minimum_not_a_large_learning_rate(path):
    # x² − y² from (−1.8, 0.05), lr 0.05: y grows 1.1x a step, to 80,886 at step 150
    t = run(Objective.from_text("x^2 - y^2"), [sgd(0.05)], (-1.8, 0.05), 150).trajectory(0, 0)
    assert t.status == "max-steps"
    assert t.notes == (
        "f decreases without bound: -6.5e9 at step 150 — this function has no minimum here",
    )
    assert t.points[-1, 1] == pytest.approx(80886, rel=1e-4)


@pytest.mark.parametrize("preset", ["saddle", "monkey-saddle"])
def test_saddle_presets_say_so_whichever_optimiser_goes_off(preset, path):
    race = Race.create(
        preset=preset, optimizers=[OptimizerChoice(n) for n in ("sgd", "momentum", "adam")]
    )
    for t in race.run().trajectories:
        assert t.status in ("max-steps", "diverged")
        assert t.notes and t.notes[0].startswith("f decreases without bound"), t.optimizer
        assert not any("learning rate" in note for note in t.notes)


def test_a_typed_cubic_has_no_minimum(path):
    obj = Objective.from_text("x^3")
    momentum = run(obj, [OptimizerChoice("momentum", {"lr": 1e-3})], (-1.5, 1.5), 200)
    t = momentum.trajectory(0, 0)
    assert t.status == "diverged"
    assert "f decreases without bound" in t.notes[0] and "at step" in t.notes[0]


@pytest.mark.parametrize(
    ("text", "choice", "start"),
    [
        ("x^2 + 3y^2", sgd(1.5), (1.0, 1.0)),
        ("x^2 + 3y^2", OptimizerChoice("momentum", {"lr": 1.0}), (1.0, 1.0)),
        ("x^2 + 3y^2", OptimizerChoice("nesterov", {"lr": 2.0}), (-2.0, 0.5)),
        ("(1 - x)^2 + 100(y - x^2)^2", sgd(0.01), (-1.5, 2.0)),
    ],
)
def test_a_bowl_thrown_out_by_a_large_step_is_still_a_learning_rate(text, choice, start, path):
    t = run(Objective.from_text(text), [choice], start, 500).trajectory(0, 0)
    assert t.status == "diverged"
    assert "try a smaller learning rate" in t.notes[0]


@pytest.mark.parametrize(
    ("text", "choice", "start"),
    [
        ("(x - 100)^2 + y^2", OptimizerChoice("adam", {"lr": 0.3}), (0.0, 1.0)),  # on its way
        ("exp(-x) + y^2", sgd(1.0), (0.0, 1.0)),  # bounded below: f slows towards 0
        ("x^2 + y^2", sgd(0.01), (3.0, 4.0)),  # slow but converging
    ],
)
def test_runs_on_their_way_to_a_floor_are_not_called_unbounded(text, choice, start, path):
    t = run(Objective.from_text(text), [choice], start, 200).trajectory(0, 0)
    assert not any("without bound" in note for note in t.notes)


def test_a_start_outside_the_domain_has_one_message_at_step_0(path):
    t = run(Objective.from_text("sqrt(x) + y^2"), [sgd(0.01)], (-1.5, 2.0), 50).trajectory(0, 0)
    assert (t.status, t.stop, t.trouble_step) == ("left-domain", 0, 0)
    assert t.notes == ("left the domain at step 0: the start (-1.5, 2) is outside the domain",)


def test_the_step_that_went_wrong_is_named_once(path):
    # sqrt(x) from (1, 0), lr 1: x goes 1 → 0.5 → −0.207 (undefined) at step 2
    t = run(Objective.from_text("sqrt(x) + y^2"), [sgd(1.0)], (1.0, 0.0), 20).trajectory(0, 0)
    assert (t.stop, t.trouble_step) == (1, 2)
    assert "at step 2" in t.notes[0]
    assert run(QUADRATIC, [sgd(0.1)], (1.0, 1.0), 10).trajectory(0, 0).trouble_step is None


def test_statuses_are_one_enum_whose_members_are_the_strings():
    t = run(QUADRATIC, [sgd(0.1)], (1.0, 1.0), 5).trajectory(0, 0)
    assert isinstance(t.status, Status) and t.status == "max-steps"
    assert STATUSES == ("converged", "diverged", "left-domain", "max-steps")
    assert json.dumps(t.status) == '"max-steps"'


def test_trajectories_carry_the_learning_rate_of_each_step():
    training = Training(Schedule("exponential", {"gamma": 0.5}))
    t = run(QUADRATIC, [sgd(0.1)], (1.0, 1.0), 3, training=training).trajectory(0, 0)
    np.testing.assert_allclose(t.lr, [0.1, 0.1, 0.05, 0.025])
    assert len(t.lr) == len(t.points)
